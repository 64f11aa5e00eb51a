"""The review queue: the candidate sheets drawn from documents, and one candidate beside the
passage it came from, where a documentalist corrects, accepts, rejects or merges it.

Reads go through `access` (a candidate is seen by whoever reads its document; only importers
review it); every write goes through `maillage.ingestion.operations`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from maillage.ingestion import access, operations, review_queue
from maillage.ingestion.forms import CandidateForm, MergeCandidateForm, RejectForm
from maillage.ingestion.models import (
    OPEN_STATUSES,
    TERM_FIELDS,
    CandidatePractice,
    CandidateStatus,
)
from maillage.ingestion.views.query import whole_number
from maillage.organisations.access import require
from maillage.practices.models import Practice
from maillage.practices.snapshot import SECTION_FIELDS
from maillage.referential.models import Term
from maillage.web.operation_errors import flash_operation_errors, show_operation_errors

PAGE_SIZE = 30
TERM_LABELS = {
    "isic_forms": gettext_lazy("Formes d'intervention collective"),
    "publics": gettext_lazy("Publics"),
    "themes": gettext_lazy("Thèmes"),
}


@login_required
def candidate_list(request: HttpRequest) -> HttpResponse:
    require(access.can_import(request.user), str(review_queue.REVIEW_REFUSAL))
    document = request.GET.get("document", "")
    status = request.GET.get("status", "")
    form = request.GET.get("form", "").strip()
    candidates = review_queue.queue(request.user, document=whole_number(document), form=form)
    by_status = review_queue.counts(candidates)
    if status in CandidateStatus.values:
        candidates = candidates.filter(status=status)
    page = Paginator(review_queue.ordered(candidates), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ingestion/candidate_list.html",
        {
            "page": page,
            "documents": access.visible_documents(request.user)
            .only("pk", "title")
            .order_by("title"),
            "document": document,
            "status": status,
            "form": form,
            "forms": Term.objects.in_scheme("isic_form").only("code", "label"),
            "statuses": [
                (value, label, by_status[value]) for value, label in CandidateStatus.choices
            ],
            "total": sum(by_status.values()),
        },
    )


@dataclass(frozen=True)
class SourceLine:
    number: int
    text: str
    marked: bool


@dataclass(frozen=True)
class ExtractedField:
    label: str
    value: Any
    start_line: int | None
    end_line: int | None
    page: int | None
    why: str


def _candidate(request: HttpRequest, pk: int) -> CandidatePractice:
    candidate = (
        access.visible_candidates(request.user)
        .select_related(
            "document",
            "segment",
            "similar_practice",
            "similar_candidate",
            "merged_into",
            "practice",
            "reviewed_by",
        )
        .filter(pk=pk)
        .first()
    )
    if candidate is None:
        raise Http404(_("Aucune proposition ne porte ce numéro."))
    require(access.can_review(request.user, candidate), str(review_queue.REVIEW_REFUSAL))
    if (
        candidate.similar_candidate_id
        and not access.visible_candidates(request.user)
        .filter(pk=candidate.similar_candidate_id)
        .exists()
    ):
        # Flagged before the rules kept each organisation apart: neither shown nor offered for
        # merging (the write functions reload the candidate, this is never saved).
        candidate.similar_candidate = None
    return candidate


def _marked_range(request: HttpRequest) -> tuple[int, int]:
    """The line range `?lignes=12-18` asks to highlight (no JavaScript needed)."""
    start, _dash, end = request.GET.get("lignes", "").partition("-")
    first = whole_number(start)
    if first is None:
        return 0, -1
    last = whole_number(end)
    return first, first if last is None else last


def _source_lines(candidate: CandidatePractice, marked: tuple[int, int]) -> list[SourceLine]:
    return [
        SourceLine(number, text, marked[0] <= number <= marked[1])
        for number, text in enumerate(
            review_queue.passage(candidate), start=candidate.segment.start_line
        )
    ]


def _term_labels(candidate: CandidatePractice) -> dict[tuple[str, str], str]:
    codes = {*candidate.isic_forms, *candidate.publics, *candidate.themes}
    terms = Term.objects.filter(scheme__code__in=TERM_FIELDS.values(), code__in=codes)
    return {
        (scheme, code): label
        for scheme, code, label in terms.values_list("scheme__code", "code", "label")
    }


def _field(label: Any, value: Any, origin: dict[str, Any]) -> ExtractedField:
    return ExtractedField(
        label=str(label),
        value=value,
        start_line=origin.get("start_line"),
        end_line=origin.get("end_line"),
        page=origin.get("page"),
        why=origin.get("why", ""),
    )


def _extracted(candidate: CandidatePractice) -> list[ExtractedField]:
    """Each field found, in the sheet's order, with the lines and the rule that found it; each
    place on its own line, as it was written and what it was resolved to."""
    labels = _term_labels(candidate)
    values: dict[str, tuple[Any, Any]] = {
        "title": (_("Titre"), candidate.title),
        "summary": (_("Résumé"), candidate.summary),
        **{
            name: (
                str(Practice._meta.get_field(name).verbose_name).capitalize(),
                candidate.fields.get(name),
            )
            for name in SECTION_FIELDS
        },
        **{
            name: (
                TERM_LABELS[name],
                ", ".join(labels.get((scheme, code), code) for code in getattr(candidate, name)),
            )
            for name, scheme in TERM_FIELDS.items()
        },
        "organisations": (
            _("Organisations"),
            ", ".join(item["name"] for item in candidate.organisations),
        ),
        "start_year": (_("Année de début"), candidate.start_year),
        "end_year": (_("Année de fin"), candidate.end_year),
        "participants_count": (_("Nombre de participants"), candidate.participants_count),
        "inhabitants_count": (_("Nombre d'habitants"), candidate.inhabitants_count),
    }
    found = [
        _field(label, value, candidate.provenance.get(name) or {})
        for name, (label, value) in values.items()
        if value not in (None, "")
    ]
    found.extend(
        _field(
            _("Lieu"),
            f"{place['text']} → {place['name']} ({place['level']} {place['code']})",
            {
                "start_line": place.get("line"),
                "end_line": place.get("line"),
                "why": place.get("why", ""),
            },
        )
        for place in candidate.places
    )
    return found


def _merge_choices(candidate: CandidatePractice) -> Any:
    """Candidates of the same document still open, and the one flagged as a probable duplicate."""
    same = Q(document_id=candidate.document_id, status__in=OPEN_STATUSES)
    if candidate.similar_candidate_id:
        same |= Q(pk=candidate.similar_candidate_id, status__in=OPEN_STATUSES)
    return CandidatePractice.objects.filter(same).exclude(pk=candidate.pk).only("pk", "title")


def _act(
    request: HttpRequest,
    candidate: CandidatePractice,
    edit: CandidateForm,
    reject: RejectForm,
    merge: MergeCandidateForm,
) -> HttpResponse | None:
    """Carry out the button pressed; a response when done, None to show the page again."""
    actor = request.user
    action = request.POST.get("action")
    try:
        if action in {"save", "accept"} and edit.is_valid():
            if action == "save":
                operations.update_candidate(
                    actor=actor,  # type: ignore[arg-type]
                    candidate=candidate,
                    **edit.operation_fields(),
                )
                messages.success(request, _("Les corrections sont enregistrées."))
                return redirect(candidate)
            practice = operations.accept_candidate(
                actor=actor,  # type: ignore[arg-type]
                candidate=candidate,
                **edit.operation_fields(),
            )
            messages.success(
                request,
                _("La fiche « %s » est créée en brouillon, avec sa source.") % practice.title,
            )
            return redirect("practices:update", pk=practice.pk)
        if action == "reject" and reject.is_valid():
            operations.reject_candidate(
                actor=actor,  # type: ignore[arg-type]
                candidate=candidate,
                note=reject.cleaned_data["note"],
            )
            messages.success(request, _("La proposition est écartée."))
            return redirect("ingestion:candidates")
        if action == "merge" and merge.is_valid():
            kept = operations.merge_candidates(
                actor=actor,  # type: ignore[arg-type]
                keep=merge.cleaned_data["keep"],
                other=candidate,
            )
            messages.success(request, _("La proposition est fusionnée dans celle-ci."))
            return redirect(kept)
    except ValidationError as error:
        if action in {"save", "accept"}:
            show_operation_errors(edit, error)
        else:
            flash_operation_errors(request, error)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    is_open = candidate.status in OPEN_STATUSES
    posted = request.POST if request.method == "POST" else None
    action = posted.get("action") if posted else None
    edit = CandidateForm(
        posted if action in {"save", "accept"} else None,
        initial=CandidateForm.initial_for(candidate),
    )
    reject = RejectForm(posted if action == "reject" else None)
    merge = MergeCandidateForm(
        posted if action == "merge" else None, choices=_merge_choices(candidate)
    )
    if posted is not None:
        if not is_open:
            messages.error(request, _("Cette proposition a déjà été examinée."))
            return redirect(candidate)
        done = _act(request, candidate, edit, reject, merge)
        if done is not None:
            return done
    return render(
        request,
        "ingestion/candidate_detail.html",
        {
            "candidate": candidate,
            "document": candidate.document,
            "lines": _source_lines(candidate, _marked_range(request)),
            "extracted": _extracted(candidate),
            "is_open": is_open,
            "edit": edit,
            "reject": reject,
            "merge": merge,
            "can_merge": merge.fields["keep"].queryset.exists(),  # type: ignore[attr-defined]
        },
    )
