# No `from __future__ import annotations`: ninja reads these signatures at runtime.
"""The review queue in JSON: the candidate sheets drawn from documents, each with where every
field came from, and the documentalist's decisions (correct, accept into a draft sheet, reject,
merge) through `maillage.ingestion.operations`.

As on the pages: a candidate of a document the client does not read is a 404; only
documentalists, coordinators and national administrators review (403 otherwise)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, PatchDict, Query, Router, Schema
from ninja.security import django_auth

from maillage.api_errors import ErrorOut
from maillage.ingestion import access, operations, review_queue
from maillage.ingestion.models import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_COUNT,
    CandidatePractice,
    CandidateStatus,
)
from maillage.organisations.access import require
from maillage.organisations.models import User
from maillage.organisations.tokens import TokenAuth
from maillage.territories.models import Territory

router = Router(tags=["ingestion"])
AUTH = [TokenAuth(), django_auth]
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
# Checked by the write functions, which refuse in French what lies outside (422).
YEARS = f"De {FIRST_YEAR} à {LAST_YEAR}"
COUNT = f"De 0 à {MAX_COUNT}"


class IngestionCandidateProvenanceOut(Schema):
    start_line: int | None = None
    end_line: int | None = None
    page: int | None = None
    why: str = ""


class IngestionCandidatePlaceOut(Schema):
    text: str
    level: str
    code: str
    name: str
    line: int | None = None


class IngestionCandidateSummaryOut(Schema):
    id: int
    document: int
    title: str
    status: str
    isic_forms: list[str]
    start_line: int
    end_line: int
    url: str


class IngestionCandidateListOut(Schema):
    total: int
    page: int
    per_page: int
    counts: dict[str, int] = Field(description="Propositions par état, filtres appliqués")
    items: list[IngestionCandidateSummaryOut]


class IngestionCandidateOut(IngestionCandidateSummaryOut):
    summary: str
    fields: dict[str, str]
    publics: list[str]
    themes: list[str]
    territories: list[int]
    places: list[IngestionCandidatePlaceOut]
    organisations: list[dict[str, str]]
    start_year: int | None
    end_year: int | None
    participants_count: int | None
    inhabitants_count: int | None
    provenance: dict[str, IngestionCandidateProvenanceOut]
    similar_practice: int | None
    similar_candidate: int | None
    similarity: float | None
    practice: int | None
    merged_into: int | None
    review_note: str
    passage: list[str] = Field(description="Les lignes du passage source, de start_line à end_line")


class IngestionCandidateIn(Schema):
    title: str = ""
    summary: str = ""
    fields: dict[str, str] = Field(
        default_factory=dict, description="Champs de la fiche : objectives, description…"
    )
    isic_forms: list[str] = Field(default_factory=list, description="Codes du référentiel")
    publics: list[str] = Field(default_factory=list)
    themes: list[str] = Field(default_factory=list)
    territories: list[int] = Field(default_factory=list, description="Identifiants de territoires")
    start_year: int | None = Field(None, description=YEARS)
    end_year: int | None = Field(None, description=YEARS)
    participants_count: int | None = Field(None, description=COUNT)
    inhabitants_count: int | None = Field(None, description=COUNT)


class IngestionCandidateRejectIn(Schema):
    note: str = Field("", max_length=300, description="Le motif")


class IngestionCandidateMergeIn(Schema):
    into: int = Field(description="La proposition qui reste ; celle-ci y est rattachée")


class IngestionCandidateAcceptedOut(Schema):
    candidate: int
    practice: int
    practice_url: str


class IngestionCandidateFilters(Schema):
    document: int | None = None
    status: CandidateStatus | None = None
    form: str = Field("", description="Code d'une forme d'intervention collective")
    page: int = Field(1, ge=1)
    per_page: int = Field(50, ge=1, le=200)


def _reviewable(request: HttpRequest, candidate_id: int) -> CandidatePractice:
    actor: User = request.auth  # type: ignore[attr-defined]
    candidate = (
        access.visible_candidates(actor)
        .select_related("document", "segment")
        .filter(pk=candidate_id)
        .first()
    )
    if candidate is None:
        raise Http404(_("Aucune proposition ne porte ce numéro."))
    require(access.can_review(actor, candidate), str(review_queue.REVIEW_REFUSAL))
    return candidate


def _summary(candidate: CandidatePractice) -> dict[str, Any]:
    return {
        "id": candidate.pk,
        "document": candidate.document_id,
        "title": candidate.title,
        "status": candidate.status,
        "isic_forms": candidate.isic_forms,
        "start_line": candidate.segment.start_line,
        "end_line": candidate.segment.end_line,
        "url": candidate.get_absolute_url(),
    }


def _candidate_out(candidate: CandidatePractice) -> dict[str, Any]:
    return {
        **_summary(candidate),
        **{
            name: getattr(candidate, name)
            for name in (
                "summary",
                "fields",
                "publics",
                "themes",
                "places",
                "organisations",
                "start_year",
                "end_year",
                "participants_count",
                "inhabitants_count",
                "provenance",
                "similarity",
                "review_note",
            )
        },
        "similar_practice": candidate.similar_practice_id,
        "similar_candidate": candidate.similar_candidate_id,
        "practice": candidate.practice_id,
        "merged_into": candidate.merged_into_id,
        "territories": [territory.pk for territory in candidate.territories.all()],
        "passage": review_queue.passage(candidate),
    }


def _edits(payload: dict[str, Any]) -> dict[str, Any]:
    """The operation's arguments, territory ids made territories."""
    edits = dict(payload)
    if "territories" in edits:
        ids = set(edits["territories"])
        edits["territories"] = list(Territory.objects.filter(pk__in=ids))
        if len(edits["territories"]) != len(ids):
            raise ValidationError({"territories": [_("Territoire inconnu.")]})
    return edits


@router.get(
    "/candidates",
    response={200: IngestionCandidateListOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    auth=AUTH,
    summary="Les propositions de fiches à examiner",
    description="Les propositions des documents que vous lisez, à examiner d'abord (puis les "
    "doublons probables, puis celles déjà examinées). Filtres : `document`, `status`, `form`.",
)
def list_candidates(
    request: HttpRequest, filters: Query[IngestionCandidateFilters]
) -> dict[str, Any]:
    actor: User = request.auth  # type: ignore[attr-defined]
    require(access.can_import(actor), str(review_queue.REVIEW_REFUSAL))
    candidates = review_queue.queue(actor, document=filters.document, form=filters.form)
    by_status = review_queue.counts(candidates)
    if filters.status:
        candidates = candidates.filter(status=filters.status)
    start = (filters.page - 1) * filters.per_page
    items = review_queue.ordered(candidates)[start : start + filters.per_page]
    return {
        "total": by_status[filters.status] if filters.status else sum(by_status.values()),
        "page": filters.page,
        "per_page": filters.per_page,
        "counts": by_status,
        "items": [_summary(candidate) for candidate in items],
    }


@router.get(
    "/candidates/{int:candidate_id}",
    response={200: IngestionCandidateOut, **ERRORS},
    auth=AUTH,
    summary="Une proposition, champ par champ avec sa provenance, et son passage source",
)
def get_candidate(request: HttpRequest, candidate_id: int) -> dict[str, Any]:
    return _candidate_out(_reviewable(request, candidate_id))


@router.patch(
    "/candidates/{int:candidate_id}",
    response={200: IngestionCandidateOut, **ERRORS},
    auth=AUTH,
    summary="Corriger une proposition",
    description="Ne change que les champs envoyés. Une proposition déjà examinée répond 422.",
)
def update_candidate(
    request: HttpRequest, candidate_id: int, payload: PatchDict[IngestionCandidateIn]
) -> dict[str, Any]:
    candidate = operations.update_candidate(
        actor=request.auth,  # type: ignore[attr-defined]
        candidate=_reviewable(request, candidate_id),
        **_edits(payload),
    )
    return _candidate_out(_reviewable(request, candidate.pk))


@router.post(
    "/candidates/{int:candidate_id}/accept",
    response={200: IngestionCandidateAcceptedOut, **ERRORS},
    auth=AUTH,
    summary="Accepter une proposition : une fiche en brouillon, sa source liée",
    description="Les champs envoyés corrigent la proposition avant de créer la fiche.",
)
def accept_candidate(
    request: HttpRequest, candidate_id: int, payload: PatchDict[IngestionCandidateIn]
) -> dict[str, Any]:
    candidate = _reviewable(request, candidate_id)
    practice = operations.accept_candidate(
        actor=request.auth,  # type: ignore[attr-defined]
        candidate=candidate,
        **_edits(payload),
    )
    return {
        "candidate": candidate.pk,
        "practice": practice.pk,
        "practice_url": practice.get_absolute_url(),
    }


@router.post(
    "/candidates/{int:candidate_id}/reject",
    response={200: IngestionCandidateOut, **ERRORS},
    auth=AUTH,
    summary="Écarter une proposition",
)
def reject_candidate(
    request: HttpRequest, candidate_id: int, payload: IngestionCandidateRejectIn
) -> dict[str, Any]:
    operations.reject_candidate(
        actor=request.auth,  # type: ignore[attr-defined]
        candidate=_reviewable(request, candidate_id),
        note=payload.note,
    )
    return _candidate_out(_reviewable(request, candidate_id))


@router.post(
    "/candidates/{int:candidate_id}/merge",
    response={200: IngestionCandidateOut, **ERRORS},
    auth=AUTH,
    summary="Fusionner une proposition dans une autre",
    description="La proposition `into` reste et prend ce qui lui manque ; celle-ci est marquée "
    "fusionnée. Répond la proposition qui reste.",
)
def merge_candidate(
    request: HttpRequest, candidate_id: int, payload: IngestionCandidateMergeIn
) -> dict[str, Any]:
    other = _reviewable(request, candidate_id)
    kept = operations.merge_candidates(
        actor=request.auth,  # type: ignore[attr-defined]
        keep=_reviewable(request, payload.into),
        other=other,
    )
    return _candidate_out(_reviewable(request, kept.pk))
