# No `from __future__ import annotations`: ninja reads these signatures at runtime.
"""Imported documents in JSON: the client's documents, an upload of several files read in the
background (`POST /documents`, multipart), the progress of that upload, one document, and the
correction of its details (`PATCH /documents/{id}`).

The same rules as the pages: a document is read by its organisation's members, the person who
imported it and national administrators (others get the same 404 as for a missing one);
documentalists, coordinators and national administrators import."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, PatchDict, Router, Schema, Status, UploadedFile
from ninja.security import django_auth

from maillage.api_errors import ErrorOut
from maillage.ingestion import access, operations, review_queue
from maillage.ingestion.models import FIRST_YEAR, LAST_YEAR, Document, DocumentType, ImportBatch
from maillage.ingestion.reading.limits import MAX_FILE_MEGABYTES
from maillage.organisations.models import Organisation, User
from maillage.organisations.tokens import TokenAuth

router = Router(tags=["ingestion"])
AUTH = [TokenAuth(), django_auth]
READ_ERRORS = {401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
EDIT_ERRORS = {**WRITE_ERRORS, 404: ErrorOut}


class IngestionDocumentOut(Schema):
    id: int
    title: str
    authors: str
    date: date | None
    year: int | None
    document_type: str
    file_name: str
    file_format: str
    sha256: str
    size: int
    pages: int | None
    lines: int
    organisation: int | None
    imported_at: datetime
    candidates_pending: int
    candidates_accepted: int
    url: str


# In a class body, a field named `date` with a default hides the type for its own annotation.
Day = date


class IngestionDocumentIn(Schema):
    # Sent through `PatchDict`: every field is optional, only those sent change.
    title: str = Field(max_length=300)
    authors: str = Field(max_length=300, description="Auteurs ou organisation")
    date: Day | None = None
    year: int | None = Field(
        None, description=f"De {FIRST_YEAR} à {LAST_YEAR} ; prise de la date quand elle est vide"
    )
    document_type: DocumentType


class IngestionSegmentOut(Schema):
    id: int
    kind: str
    start_line: int
    end_line: int
    start_page: int | None
    heading: str


class IngestionDocumentCandidateOut(Schema):
    id: int
    title: str
    status: str
    start_line: int
    end_line: int


class IngestionCitationOut(Schema):
    reference: int
    title: str
    raw_text: str
    start_line: int
    end_line: int


class IngestionDocumentDetailOut(IngestionDocumentOut):
    segments: list[IngestionSegmentOut]
    candidates: list[IngestionDocumentCandidateOut]
    citations: list[IngestionCitationOut]


class IngestionBatchFileOut(Schema):
    file_name: str
    document: int | None
    error: str
    candidates: int


class IngestionBatchOut(Schema):
    id: int
    created_at: datetime
    finished: bool
    files_total: int
    files_done: int
    results: list[IngestionBatchFileOut]
    url: str


def _documents(user: User) -> Any:
    return review_queue.with_candidate_counts(
        access.visible_documents(user).defer("text", "line_pages")
    )


def _document_out(document: Document) -> dict[str, Any]:
    return {
        **{
            name: getattr(document, name)
            for name in (
                "id",
                "title",
                "authors",
                "date",
                "year",
                "document_type",
                "file_name",
                "file_format",
                "sha256",
                "size",
                "pages",
                "lines",
                "imported_at",
                "candidates_pending",
                "candidates_accepted",
            )
        },
        "organisation": document.organisation_id,
        "url": document.get_absolute_url(),
    }


def _batch_out(batch: ImportBatch) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "created_at": batch.created_at,
        "finished": batch.finished_at is not None,
        "files_total": batch.files_total,
        "files_done": batch.files_done,
        "results": batch.results,
        "url": reverse("ingestion:batch", args=[batch.pk]),
    }


@router.get(
    "/documents",
    response={200: list[IngestionDocumentOut], 401: ErrorOut},
    auth=AUTH,
    summary="Les documents importés que vous lisez",
)
def list_documents(request: HttpRequest) -> list[dict[str, Any]]:
    return [_document_out(document) for document in _documents(request.auth)]  # type: ignore[attr-defined]


@router.post(
    "/documents",
    response={201: IngestionBatchOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Importer des documents",
    description="Un ou plusieurs fichiers (`files`, multipart) DOCX, ODT, PDF avec couche "
    f"texte, texte ou Markdown, de {MAX_FILE_MEGABYTES} Mo au plus chacun ; `organisation` "
    "(facultative) : une organisation dont vous êtes membre, dont les membres liront les "
    "documents ; `document_type` (facultatif) : le type de chaque document (report, "
    "contribution, proceedings, repertoire, article, activity_report, evaluation, other), "
    "« other » s'il est vide. Les fichiers sont lus en arrière-plan : suivez `url` ou "
    "`GET /batches/{id}`. Un fichier illisible est signalé dans `results` sans arrêter les "
    "autres.",
)
def upload_documents(
    request: HttpRequest,
    files: File[list[UploadedFile]],
    organisation: Form[int | None] = None,
    document_type: Form[str] = "",
) -> Status[dict[str, Any]]:
    chosen = None
    if organisation is not None:
        chosen = Organisation.objects.filter(pk=organisation).first()
        if chosen is None:
            raise ValidationError({"organisation": [_("Aucune organisation ne porte ce numéro.")]})
    batch = operations.enqueue_import(
        actor=request.auth,  # type: ignore[attr-defined]
        organisation=chosen,
        files=files,
        document_type=document_type,
    )
    return Status(201, _batch_out(batch))


@router.get(
    "/batches/{int:batch_id}",
    response={200: IngestionBatchOut, **READ_ERRORS},
    auth=AUTH,
    summary="L'avancement d'un import",
)
def get_batch(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    return _batch_out(access.readable_batch(request.auth, batch_id))  # type: ignore[attr-defined]


@router.get(
    "/documents/{int:document_id}",
    response={200: IngestionDocumentDetailOut, **READ_ERRORS},
    auth=AUTH,
    summary="Un document, ses passages, ses propositions et ses références",
)
def get_document(request: HttpRequest, document_id: int) -> dict[str, Any]:
    document = _documents(request.auth).filter(pk=document_id).first()  # type: ignore[attr-defined]
    if document is None:
        raise Http404(_("Aucun document ne porte ce numéro."))
    return {
        **_document_out(document),
        "segments": list(
            document.segments.order_by("start_line").values(
                "id", "kind", "start_line", "end_line", "start_page", "heading"
            )
        ),
        "candidates": [
            {
                "id": candidate.pk,
                "title": candidate.title,
                "status": candidate.status,
                "start_line": candidate.segment.start_line,
                "end_line": candidate.segment.end_line,
            }
            for candidate in document.candidates.select_related("segment").order_by(
                "segment__start_line"
            )
        ],
        "citations": [
            {
                "reference": citation.reference_id,
                "title": citation.reference.title,
                "raw_text": citation.raw_text,
                "start_line": citation.start_line,
                "end_line": citation.end_line,
            }
            for citation in document.citations.select_related("reference").order_by("start_line")
        ],
    }


@router.patch(
    "/documents/{int:document_id}",
    response={200: IngestionDocumentOut, **EDIT_ERRORS},
    auth=AUTH,
    summary="Corriger les informations d'un document",
    description="Titre, auteurs, date, année, type : ne change que les champs envoyés. Une "
    "date envoyée sans année donne l'année.",
)
def update_document(
    request: HttpRequest, document_id: int, payload: PatchDict[IngestionDocumentIn]
) -> dict[str, Any]:
    actor: User = request.auth  # type: ignore[attr-defined]
    documents = _documents(actor)
    document = documents.filter(pk=document_id).first()
    if document is None:
        raise Http404(_("Aucun document ne porte ce numéro."))
    operations.update_document(actor=actor, document=document, **payload)
    return _document_out(documents.get(pk=document_id))
