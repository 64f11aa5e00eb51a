"""Pages of the imported documents: the list with the upload form, the progress of an upload read
in the background, and one document with its passages, candidates and references.

Reads go through `access` (a document is read by its organisation's members, the person who
imported it and national administrators); the upload goes through `operations.enqueue_import`,
the correction of a document's details through `operations.update_document`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from maillage.ingestion import access, operations, review_queue
from maillage.ingestion.forms import DocumentForm, UploadForm
from maillage.organisations.access import organisation_ids, require
from maillage.organisations.models import Organisation
from maillage.web.operation_errors import show_operation_errors

IMPORT_REFUSAL = gettext_lazy(
    "Seuls les documentalistes, les coordinateurs et les administrateurs nationaux importent "
    "des documents."
)


def _organisations(request: HttpRequest) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=organisation_ids(request.user)).order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def document_list(request: HttpRequest) -> HttpResponse:
    can_import = access.can_import(request.user)
    form = None
    if can_import or request.method == "POST":
        require(can_import, str(IMPORT_REFUSAL))
        posted = request.method == "POST"
        form = UploadForm(
            request.POST if posted else None,
            request.FILES if posted else None,
            organisations=_organisations(request),
        )
        if posted and form.is_valid():
            try:
                batch = operations.enqueue_import(
                    actor=request.user,  # type: ignore[arg-type]
                    files=form.cleaned_data["files"],
                    organisation=form.cleaned_data["organisation"],
                    document_type=form.cleaned_data["document_type"],
                )
            except ValidationError as error:
                show_operation_errors(form, error)
            else:
                return redirect("ingestion:batch", pk=batch.pk)
    documents = review_queue.with_candidate_counts(
        access.visible_documents(request.user)
        .select_related("organisation")
        .defer("text", "line_pages")
    )
    return render(request, "ingestion/document_list.html", {"documents": documents, "form": form})


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access.readable_batch(request.user, pk)
    ids = [result["document"] for result in batch.results if result.get("document")]
    # Only what the viewer reads: a national admin following someone's batch, or a sender who
    # left the organisation, sees no title nor link of a document hidden from them.
    titles = dict(
        access.visible_documents(request.user).filter(pk__in=ids).values_list("pk", "title")
    )
    results = [
        {
            **result,
            "document": result.get("document") if result.get("document") in titles else None,
            "title": titles.get(result.get("document")),
        }
        for result in batch.results
    ]
    waiting = max(batch.files_total - len(results), 0)
    fragment = request.headers.get("HX-Request") == "true"
    return render(
        request,
        "ingestion/_batch_progress.html" if fragment else "ingestion/batch_detail.html",
        {"batch": batch, "results": results, "waiting": waiting},
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = access.readable_document(request.user, pk)
    can_edit = access.can_edit_document(request.user, document)
    form = None
    if can_edit or request.method == "POST":
        require(can_edit, str(access.EDIT_DOCUMENT_REFUSAL))
        posted = request.method == "POST"
        form = DocumentForm(
            request.POST if posted else None, initial=DocumentForm.initial_for(document)
        )
        if posted and form.is_valid():
            try:
                operations.update_document(
                    actor=request.user,  # type: ignore[arg-type]
                    document=document,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                show_operation_errors(form, error)
            else:
                messages.success(request, _("Les informations du document sont enregistrées."))
                return redirect(document)
    candidates = document.candidates.select_related("segment").order_by("segment__start_line")
    citations = document.citations.select_related("reference").order_by("start_line")
    return render(
        request,
        "ingestion/document_detail.html",
        {
            "document": document,
            "form": form,
            "segments": document.segments.order_by("start_line"),
            "candidates": candidates,
            "citations": citations,
        },
    )
