# No `from __future__ import annotations`: ninja reads these signatures at runtime.
"""Contributions to a diagnosis in JSON, the twin of its pages: the list (those who moderate also
read the contributions waiting, with what looks like personal data; the others read published
ones only), signed-in contributions, moderation, and the public questionnaire, without an account
and rate-limited per client. Same rules as the pages (`operations.contributions`)."""

import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from maillage.api_errors import ErrorOut
from maillage.diagnostics import access, quota
from maillage.diagnostics.lookups import readable_contribution
from maillage.diagnostics.models import (
    Component,
    Contribution,
    ContributionKind,
    ContributionStatus,
    ContributorKind,
    Theme,
)
from maillage.diagnostics.operations import contributions as operations
from maillage.organisations.tokens import TokenAuth
from maillage.territories.models import Level, Territory

router = Router(tags=["diagnostics"])
AUTH = [TokenAuth(), django_auth]
READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _doc(choices: list[tuple[str, str]]) -> str:
    return ", ".join(f"`{value}` ({label})" for value, label in choices)


class ContributionCommuneOut(Schema):
    code: str
    name: str


class ContributionOut(Schema):
    id: int
    diagnosis_id: int
    kind: str = Field(description=f"Type d'apport : {_doc(ContributionKind.choices)}")
    kind_label: str
    contributor_kind: str = Field(description=f"Qui écrit : {_doc(ContributorKind.choices)}")
    theme: str = Field(description="Code du thème, ou vide")
    component: str = Field(description="Code de la composante du territoire, ou vide")
    text: str
    place: str = Field(description="Quartier, rue ou lieu, ou vide")
    commune: ContributionCommuneOut | None
    status: str = Field(description=f"Statut : {_doc(ContributionStatus.choices)}")
    created_at: datetime.datetime
    flags: list[str] | None = Field(
        description="Pour qui modère : données personnelles soupçonnées dans le texte (`phone`, "
        "`email`, `social_security`, `address`) et dans le lieu (les mêmes, précédés de "
        "`place:`, par exemple `place:address`) ; absent pour les autres lecteurs"
    )
    author: str | None = Field(description="Pour qui modère : l'auteur d'une contribution signée")
    organisation: str | None = Field(description="L'organisation d'une contribution signée")
    moderation_note: str | None = Field(
        description="Pour qui modère : motif d'une contribution écartée"
    )


class ContributionListOut(Schema):
    count: int
    page: int
    per_page: int
    results: list[ContributionOut]


class ContributionFilters(Schema):
    status: str = Field(
        "",
        description="Statut (`pending`, `published`, `rejected`) ; seuls ceux qui modèrent lisent "
        "les autres que `published`",
    )
    page: int = Field(1, ge=1)
    per_page: int = Field(50, ge=1, le=200, description="Contributions par page, 200 au plus")


class ContributionIn(Schema):
    kind: str = Field(description=f"Type d'apport : {_doc(ContributionKind.choices)}")
    text: str = Field(description="De 10 à 2 000 caractères, texte simple sans balises")
    theme: str = Field("", description=f"Thème, ou vide : {_doc(Theme.choices)}")
    component: str = Field("", description=f"Composante, ou vide : {_doc(Component.choices)}")
    place: str = Field("", description="Quartier, rue ou lieu (pas une adresse personnelle)")
    commune: str = Field("", description="Code INSEE d'une commune du territoire, ou vide")


class PublicContributionIn(ContributionIn):
    contributor_kind: str = Field(description=f"Qui écrit : {_doc(ContributorKind.choices)}")


class ContributionModerationIn(Schema):
    decision: Literal["publish", "reject"] = Field(description="`publish` ou `reject`")
    text: str | None = Field(
        None, description="Le texte corrigé (données personnelles retirées) ; absent : inchangé"
    )
    place: str | None = Field(
        None,
        description="Le lieu corrigé (données personnelles retirées), vide pour l'effacer ; "
        "absent : inchangé",
    )
    note: str = Field("", max_length=300, description="Motif, obligatoire pour écarter")
    confirmed: bool = Field(
        False,
        description="Publier malgré des données personnelles soupçonnées dans le texte ou le lieu",
    )


def _out(contribution: Contribution, moderator: bool) -> dict[str, Any]:
    commune = contribution.commune
    organisation = contribution.organisation
    return {
        "id": contribution.pk,
        "diagnosis_id": contribution.diagnosis_id,
        "kind": contribution.kind,
        "kind_label": contribution.get_kind_display(),
        "contributor_kind": contribution.contributor_kind,
        "theme": contribution.theme,
        "component": contribution.component,
        "text": contribution.text,
        "place": contribution.place,
        "commune": {"code": commune.code, "name": commune.name} if commune else None,
        "status": contribution.status,
        "created_at": contribution.created_at,
        "flags": contribution.flags if moderator else None,
        "author": contribution.author.display_name if moderator and contribution.author else None,
        "organisation": organisation.name if organisation else None,
        "moderation_note": contribution.moderation_note if moderator else None,
    }


def _contributions() -> QuerySet[Contribution]:
    return Contribution.objects.select_related("commune", "author", "organisation")


def _commune(code: str) -> Territory | None:
    if not code:
        return None
    commune = Territory.objects.filter(level=Level.COMMUNE, code=code, is_current=True).first()
    if commune is None:
        raise ValidationError({"commune": [_("Aucune commune ne porte le code « %s ».") % code]})
    return commune


def _fields(payload: ContributionIn) -> dict[str, Any]:
    fields = payload.dict(exclude={"commune", "contributor_kind"})
    return {**fields, "commune": _commune(payload.commune)}


@router.get(
    "/{int:diagnosis_id}/contributions",
    response={200: ContributionListOut, **READ_ERRORS},
    auth=AUTH,
    summary="Les contributions d'un diagnostic",
    description="Pour qui lit le diagnostic : les contributions publiées, les plus récentes "
    "d'abord. Ceux qui le conduisent (et modèrent) lisent aussi celles qui attendent et celles "
    "qui sont écartées (`status`), avec les données personnelles soupçonnées (`flags`) et "
    "l'auteur d'une contribution signée ; un autre lecteur qui les demande reçoit 403.",
)
def list_contributions(
    request: HttpRequest, diagnosis_id: int, filters: Query[ContributionFilters]
) -> dict[str, Any]:
    diagnosis = access.readable_diagnosis(request.auth, diagnosis_id)  # type: ignore[attr-defined]
    moderator = access.can_moderate(request.auth, diagnosis)  # type: ignore[attr-defined]
    contributions = _contributions().filter(diagnosis=diagnosis).order_by("-created_at")
    if filters.status and filters.status not in ContributionStatus.values:
        raise ValidationError({"status": [_("Statut inconnu : « %s ».") % filters.status]})
    if not moderator:
        if filters.status not in ("", ContributionStatus.PUBLISHED):
            raise PermissionDenied(
                _("Seuls ceux qui conduisent le diagnostic lisent les contributions non publiées.")
            )
        contributions = contributions.filter(status=ContributionStatus.PUBLISHED)
    elif filters.status:
        contributions = contributions.filter(status=filters.status)
    start = (filters.page - 1) * filters.per_page
    return {
        "count": contributions.count(),
        "page": filters.page,
        "per_page": filters.per_page,
        "results": [
            _out(contribution, moderator)
            for contribution in contributions[start : start + filters.per_page]
        ],
    }


@router.post(
    "/{int:diagnosis_id}/contributions",
    response={201: ContributionOut, **READ_ERRORS},
    auth=AUTH,
    summary="Contribuer avec son compte",
    description="Pour les professionnels et partenaires des organisations qui lisent le "
    "diagnostic, quand les contributions sont ouvertes : l'auteur et son organisation sont "
    "enregistrés ; la contribution attend la modération. 422 si les contributions sont fermées, "
    "si le texte fait moins de 10 ou plus de 2 000 caractères, contient des balises, ou si la "
    "commune n'est pas sur le territoire ; rien n'est alors enregistré.",
)
def create_contribution(
    request: HttpRequest, diagnosis_id: int, payload: ContributionIn
) -> Status[dict[str, Any]]:
    actor = request.auth  # type: ignore[attr-defined]
    contribution = operations.submit_contribution(
        actor=actor,
        diagnosis=access.readable_diagnosis(actor, diagnosis_id),
        **_fields(payload),
    )
    return Status(201, _out(_contributions().get(pk=contribution.pk), moderator=False))


@router.post(
    "/contributions/{int:contribution_id}/moderation",
    response={200: ContributionOut, **READ_ERRORS},
    auth=AUTH,
    summary="Modérer une contribution",
    description="Publier (`publish`) ou écarter (`reject`, avec un motif) une contribution, en "
    "corrigeant d'abord son texte ou son lieu si besoin (`text`, `place`). Un texte ou un lieu "
    "où des données personnelles sont encore soupçonnées ne se publie qu'avec `confirmed` "
    "(sinon 422, l'erreur dit lequel). Réservé à ceux qui "
    "conduisent le diagnostic.",
)
def moderate_contribution(
    request: HttpRequest, contribution_id: int, payload: ContributionModerationIn
) -> dict[str, Any]:
    actor = request.auth  # type: ignore[attr-defined]
    contribution = readable_contribution(actor, contribution_id)
    operations.moderate_contribution(actor=actor, contribution=contribution, **payload.dict())
    return _out(_contributions().get(pk=contribution.pk), moderator=True)


@router.post(
    "/public/{token}/contributions",
    response={201: ContributionOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Contribuer par le lien public, sans compte",
    description="Le questionnaire du lien public (ou du code QR), sans authentification. Aucune "
    "donnée personnelle n'est demandée ; celles que le texte contiendrait sont signalées à la "
    "modération. La contribution attend la modération. 404 pour un lien inconnu, 422 si les "
    "contributions sont fermées ou une donnée invalide, 429 quand trop de contributions viennent "
    "du même client (quelques-unes par dizaine de minutes, quelques dizaines par jour).",
)
def create_public_contribution(
    request: HttpRequest, token: str, payload: PublicContributionIn
) -> Status[dict[str, Any]] | HttpResponse:
    try:
        contribution = operations.submit_public_contribution(
            token=token,
            client_address=quota.client_address(request),
            contributor_kind=payload.contributor_kind,
            **_fields(payload),
        )
    except quota.QuotaExceeded as refusal:
        response = JsonResponse({"detail": str(refusal)}, status=429)
        response["Retry-After"] = str(refusal.retry_after)
        return response
    answer = _out(_contributions().get(pk=contribution.pk), moderator=False)
    return Status(201, answer)
