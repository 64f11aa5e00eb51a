"""The library: the bibliographic records drawn from imported documents, each shown to whoever
reads a document citing it (`access.visible_references`), and one record with the readable
documents that cite it. Documentalists merge two
records that are variants of one source through `operations.merge_references`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from maillage.ingestion import access, operations
from maillage.ingestion.forms import MergeReferenceForm
from maillage.ingestion.models import DocumentType, Reference
from maillage.organisations.access import require
from maillage.territories.folding import fold
from maillage.web.operation_errors import flash_operation_errors

PAGE_SIZE = 30
MERGE_REFUSAL = gettext_lazy(
    "Seuls les documentalistes et les administrateurs nationaux fusionnent des notices."
)


def _records(request: HttpRequest) -> QuerySet[Reference]:
    return access.visible_references(request.user).filter(merged_into__isnull=True)


def reference_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:200]
    document_type = request.GET.get("type", "")
    year = request.GET.get("annee", "").strip()
    references = _records(request)
    if text:
        # The key is the folded authors and title: accents and case do not matter.
        references = references.filter(
            Q(key__contains=fold(text)) | Q(title__icontains=text) | Q(authors__icontains=text)
        )
    if document_type in DocumentType.values:
        references = references.filter(document_type=document_type)
    if year.isdigit():
        references = references.filter(year=int(year))
    references = references.order_by("title", "pk")
    page = Paginator(references, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ingestion/reference_list.html",
        {
            "page": page,
            "q": text,
            "type": document_type,
            "year": year,
            "types": DocumentType.choices,
        },
    )


@require_http_methods(["GET", "POST"])
def reference_detail(request: HttpRequest, pk: int) -> HttpResponse:
    merged_into = get_object_or_404(Reference, pk=pk).merged_into_id
    if merged_into:
        # Its citations went to the record kept, which is checked there.
        return redirect("ingestion:reference", pk=merged_into)
    reference = get_object_or_404(_records(request), pk=pk)
    can_merge = access.can_merge_references(request.user)
    form = None
    if can_merge or request.method == "POST":
        require(can_merge, str(MERGE_REFUSAL))
        form = MergeReferenceForm(
            request.POST or None,
            choices=_records(request)
            .exclude(pk=reference.pk)
            .only("pk", "title")
            .order_by("title"),
        )
        if request.method == "POST" and form.is_valid():
            try:
                operations.merge_references(
                    actor=request.user,  # type: ignore[arg-type]
                    keep=reference,
                    other=form.cleaned_data["other"],
                )
            except ValidationError as error:
                flash_operation_errors(request, error)
            else:
                messages.success(request, _("Les deux notices n'en font plus qu'une."))
            return redirect(reference)
    # A citation's words may quote an internal paper: only those of readable documents.
    citations = list(
        access.visible_citations(request.user)
        .filter(reference=reference)
        .select_related("document")
        .defer("document__text", "document__line_pages")
    )
    return render(
        request,
        "ingestion/reference_detail.html",
        {
            "reference": reference,
            "citations": citations,
            "form": form,
        },
    )
