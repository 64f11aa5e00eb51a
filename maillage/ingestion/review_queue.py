"""The review queue as both the pages and the API read it: the candidates a person sees,
filtered by document and form of intervention, pending first, with their counts by status; each
document's count of candidates waiting and accepted; the lines of a candidate's passage."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from maillage.ingestion import access
from maillage.ingestion.models import OPEN_STATUSES, CandidatePractice, CandidateStatus, Document
from maillage.organisations.models import User

REVIEW_REFUSAL = _(
    "Seuls les documentalistes, les coordinateurs et les administrateurs nationaux examinent "
    "les propositions de fiches."
)
# Pending first, then probable duplicates, then what was already decided.
STATUS_ORDER = Case(
    *(When(status=status, then=Value(rank)) for rank, status in enumerate(CandidateStatus.values)),
    output_field=IntegerField(),
)


def queue(
    user: User | AnonymousUser, *, document: int | None = None, form: str = ""
) -> QuerySet[CandidatePractice]:
    candidates = access.visible_candidates(user)
    if document is not None:
        candidates = candidates.filter(document_id=document)
    if form:
        # Codes are kept as a JSON list; a quoted code matches one whole element.
        candidates = candidates.filter(isic_forms__icontains=f'"{form}"')
    return candidates


def counts(candidates: QuerySet[CandidatePractice]) -> dict[str, int]:
    """Candidates by status, every status present (one query)."""
    found = dict(candidates.order_by().values_list("status").annotate(count=Count("pk")))
    return {status: found.get(status, 0) for status in CandidateStatus.values}


def ordered(candidates: QuerySet[CandidatePractice]) -> QuerySet[CandidatePractice]:
    return (
        candidates.select_related("document", "segment")
        .only(
            "pk",
            "title",
            "status",
            "isic_forms",
            "document_id",
            "document__title",
            "segment__start_line",
            "segment__end_line",
        )
        .order_by(STATUS_ORDER, "document__title", "document_id", "segment__start_line")
    )


def with_candidate_counts(documents: QuerySet[Document]) -> QuerySet[Document]:
    """`documents` with `candidates_pending` (still to decide) and `candidates_accepted`."""
    return documents.annotate(
        candidates_pending=Count("candidates", filter=Q(candidates__status__in=OPEN_STATUSES)),
        candidates_accepted=Count(
            "candidates", filter=Q(candidates__status=CandidateStatus.ACCEPTED)
        ),
    )


def passage(candidate: CandidatePractice) -> list[str]:
    """The lines of the document the candidate was drawn from, first to last of its passage."""
    segment = candidate.segment
    return candidate.document.text.split("\n")[segment.start_line - 1 : segment.end_line]
