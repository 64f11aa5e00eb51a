# No `from __future__ import annotations`: ninja reads these signatures at runtime, and the
# search parameters' schema is built from the search module's facets.
"""The practice sheets in JSON: the same search as the pages, the published sheets, and writes
through the workflow's functions for authenticated clients."""

from collections.abc import Callable
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, PatchDict, Query, Router, Schema, Status
from ninja.security import django_auth
from pydantic import create_model

from maillage.api_errors import ErrorOut
from maillage.organisations.models import User
from maillage.organisations.tokens import TokenAuth
from maillage.practices import access, operations, references
from maillage.practices.api_schemas import (
    CommentIn,
    PracticeCreateIn,
    PracticeIn,
    PracticeListOut,
    PracticeOut,
    WorkingCopyOut,
)
from maillage.practices.exports import (
    links,
    page_url,
    public_practices,
    published_sheet,
    with_published_revision,
)
from maillage.practices.models import Practice
from maillage.practices.search import FACETS, MAX_QUERY, SearchQuery, search_practices

router = Router(tags=["Pratiques inspirantes"])
WRITE_AUTH = [TokenAuth(), django_auth]
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
SHEET_ERRORS = {**WRITE_ERRORS, 404: ErrorOut}
FACETS_DOC = ", ".join(f"`{key}` ({label})" for key, label in FACETS.items())


class SearchParams(Schema):
    q: str = Field(
        "",
        max_length=MAX_QUERY,
        description=f"Mots cherchés (accents et majuscules indifférents), {MAX_QUERY} caractères "
        "au plus",
    )
    sort: Literal["relevance", "date"] = Field(
        "relevance", description="`relevance` (pertinence) ou `date` (plus récentes d'abord)"
    )
    page: int = Field(1, ge=1)
    per_page: int = Field(20, ge=1, le=100, description="Fiches par page, 100 au plus")


# One repeatable filter per facet, named like it: `isic_form=…&theme=…&theme=…`.
PracticeSearchParams = create_model(
    "PracticeSearchParams",
    __base__=SearchParams,
    **{
        key: (
            list[str],
            Field(default_factory=list, description=f"Filtre « {label} » : codes, répétable"),
        )
        for key, label in FACETS.items()
    },
)


@router.get(
    "",
    response={200: PracticeListOut, 422: ErrorOut},
    summary="Chercher des pratiques inspirantes",
    description="La recherche des pages, en JSON : recherche plein texte en français (accents, "
    "pluriels et conjugaisons indifférents ; titre, puis résumé, puis le reste), filtres "
    "combinables par facette (plusieurs valeurs d'une facette : l'une ou l'autre ; plusieurs "
    f"facettes : toutes à la fois), nombre de fiches par valeur de facette. Facettes : {FACETS_DOC}. "
    "Choisir une forme d'intervention retient aussi ses sous-types.",
)
def list_practices(request: HttpRequest, params: Query[PracticeSearchParams]) -> dict[str, Any]:
    filters = {key: values for key in FACETS if (values := getattr(params, key))}
    result = search_practices(
        SearchQuery(
            text=params.q,
            filters=filters,
            sort=params.sort,
            page=params.page,
            per_page=params.per_page,
        )
    )
    return {
        "total": result.total,
        "page": params.page,
        "per_page": params.per_page,
        "items": [
            {
                "id": hit.practice_id,
                "title": hit.title,
                "summary": hit.summary,
                "snippet": hit.snippet,
                "url": page_url(hit.practice_id),
                "published_at": hit.published_at,
                "territories": hit.territories,
                "isic_forms": hit.isic_forms,
            }
            for hit in result.hits
        ],
        "facets": result.facets,
    }


@router.get(
    "/{int:practice_id}",
    response={200: PracticeOut, 404: ErrorOut},
    url_name="practice",
    summary="Une fiche publiée",
    description="La version publiée de la fiche, telle que la montre sa page publique : une "
    "fiche en cours de révision reste en ligne dans sa dernière version publiée. Une fiche "
    "jamais publiée ou archivée répond 404.",
)
def get_practice(request: HttpRequest, practice_id: int) -> dict[str, Any]:
    practice = with_published_revision(public_practices()).filter(pk=practice_id).first()
    if practice is None:
        raise Http404(_("Fiche inconnue ou non publiée : %(id)s.") % {"id": practice_id})
    return published_sheet(practice)


def _visible(request: HttpRequest, practice_id: int) -> Practice:
    """The sheet if the client may see it; a 404 otherwise, which says nothing of drafts."""
    practice = Practice.objects.filter(pk=practice_id).first()
    if practice is None or not access.can_view(request.auth, practice):  # type: ignore[attr-defined]
        raise Http404(_("Fiche inconnue : %(id)s.") % {"id": practice_id})
    return practice


def _working_copy(practice: Practice) -> dict[str, Any]:
    revision = practice.revisions.order_by("-number").only("number", "content").first()
    return {
        **revision.content,  # type: ignore[union-attr]
        "id": practice.pk,
        "status": practice.status,
        "status_label": practice.get_status_display(),
        "revision": revision.number,  # type: ignore[union-attr]
        "links": links(practice.pk),
    }


@router.post(
    "",
    response={201: WorkingCopyOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
    summary="Rédiger une fiche (brouillon)",
    description="Crée un brouillon, que son auteur soumettra à relecture. Réservé aux membres "
    "d'une organisation. Les termes sont désignés par leurs codes du référentiel "
    "(/api/v1/referential/schemes), les territoires par niveau et code, les organisations par "
    "identifiant. Un code inconnu, une balise HTML dans un texte ou une date de fin avant le "
    "début répondent 422 avec les messages par champ, et rien n'est enregistré.",
)
def create_practice(request: HttpRequest, payload: PracticeCreateIn) -> Status[dict[str, Any]]:
    actor: User = request.auth  # type: ignore[attr-defined]
    practice = operations.create_practice(actor=actor, **references.resolve(payload.dict()))
    return Status(201, _working_copy(practice))


@router.get(
    "/{int:practice_id}/working-copy",
    response={200: WorkingCopyOut, **SHEET_ERRORS},
    auth=WRITE_AUTH,
    summary="La version de travail d'une fiche",
    description="La dernière version enregistrée, publiée ou non, pour l'auteur, les membres de "
    "son organisation et les relecteurs de la fiche.",
)
def get_working_copy(request: HttpRequest, practice_id: int) -> dict[str, Any]:
    return _working_copy(_visible(request, practice_id))


def _update(request: HttpRequest, practice_id: int, data: dict[str, Any]) -> dict[str, Any]:
    practice = _visible(request, practice_id)
    operations.update_practice(
        actor=request.auth,  # type: ignore[attr-defined]
        practice=practice,
        **references.resolve(data),
    )
    return _working_copy(practice)


@router.put(
    "/{int:practice_id}",
    response={200: WorkingCopyOut, **SHEET_ERRORS},
    auth=WRITE_AUTH,
    summary="Remplacer la version de travail",
    description="Remplace tous les champs de la version de travail (un champ absent reprend sa "
    "valeur par défaut). Modifier une fiche publiée ouvre une nouvelle version, en brouillon, "
    "qui devra être relue ; la version publiée reste en ligne jusque-là.",
)
def replace_practice(request: HttpRequest, practice_id: int, payload: PracticeIn) -> dict[str, Any]:
    return _update(request, practice_id, payload.dict())


@router.patch(
    "/{int:practice_id}",
    response={200: WorkingCopyOut, **SHEET_ERRORS},
    auth=WRITE_AUTH,
    summary="Modifier la version de travail",
    description="Ne change que les champs envoyés. Mêmes règles que le remplacement.",
)
def update_practice(
    request: HttpRequest, practice_id: int, payload: PatchDict[PracticeIn]
) -> dict[str, Any]:
    return _update(request, practice_id, dict(payload))


@router.post(
    "/{int:practice_id}/submit",
    response={200: WorkingCopyOut, **SHEET_ERRORS},
    auth=WRITE_AUTH,
    summary="Soumettre une fiche à relecture",
    description="Par l'auteur ou un membre de son organisation ; les relecteurs sont prévenus.",
)
def submit_practice(request: HttpRequest, practice_id: int) -> dict[str, Any]:
    practice = _visible(request, practice_id)
    operations.submit_practice(actor=request.auth, practice=practice)  # type: ignore[attr-defined]
    return _working_copy(practice)


REVIEW_RULE = (
    "Réservé aux relecteurs de la fiche : documentalistes, coordinateurs des territoires de la "
    "fiche, administrateurs nationaux."
)


def _review_view(step: Callable[..., Practice]) -> Callable[..., dict[str, Any]]:
    def review(
        request: HttpRequest, practice_id: int, payload: CommentIn | None = None
    ) -> dict[str, Any]:
        practice = _visible(request, practice_id)
        comment = payload.comment if payload else ""
        step(actor=request.auth, practice=practice, comment=comment)  # type: ignore[attr-defined]
        return _working_copy(practice)

    return review


for action, step, summary, consequence in (
    (
        "publish",
        operations.publish_practice,
        "Publier une fiche soumise",
        "La fiche entre aussitôt dans la recherche et les exports ; l'auteur est prévenu.",
    ),
    (
        "return",
        operations.return_practice,
        "Renvoyer une fiche soumise à son auteur",
        "Le commentaire, obligatoire, dit à l'auteur ce qu'il faut reprendre.",
    ),
    (
        "archive",
        operations.archive_practice,
        "Archiver une fiche publiée",
        "La fiche sort de la recherche et des exports.",
    ),
):
    router.post(
        f"/{{int:practice_id}}/{action}",
        response={200: WorkingCopyOut, **SHEET_ERRORS},
        auth=WRITE_AUTH,
        summary=summary,
        description=f'{REVIEW_RULE} {consequence} Corps : `{{"comment": "…"}}`.',
        operation_id=f"maillage_practices_api_{action}_practice",
        url_name=f"practice_{action}",
    )(_review_view(step))
