"""The library: the bibliographic records drawn from imported documents, each shown to whoever
reads a document citing it (`access.visible_references`), and one record with the readable
documents that cite it. Documentalists merge two
records that are variants of one source through `operations.merge_references`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maillage.ingestion import access, library, operations
from maillage.ingestion.forms import MergeReferenceForm
from maillage.ingestion.models import DocumentType
from maillage.ingestion.views.query import whole_number
from maillage.organisations.access import require
from maillage.web.operation_errors import flash_operation_errors

PAGE_SIZE = 30


def reference_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:200]
    document_type = request.GET.get("type", "")
    year = request.GET.get("annee", "").strip()
    references = library.search(
        request.user,
        text=text,
        document_type=document_type if document_type in DocumentType.values else "",
        year=whole_number(year),
    )
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
    reference = library.readable_reference(request.user, pk)
    if reference.pk != pk:
        # A variant merged into another: its citations went to the record kept.
        return redirect(reference)
    can_merge = access.can_merge_references(request.user)
    form = None
    if can_merge or request.method == "POST":
        require(can_merge, str(access.MERGE_REFUSAL))
        form = MergeReferenceForm(
            request.POST or None,
            choices=library.records(request.user)
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
    citations = list(library.citations(request.user, reference))
    return render(
        request,
        "ingestion/reference_detail.html",
        {
            "reference": reference,
            "citations": citations,
            "form": form,
        },
    )
