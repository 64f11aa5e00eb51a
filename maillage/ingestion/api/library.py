# No `from __future__ import annotations`: ninja reads these signatures at runtime.
"""The library in JSON: the bibliographic records drawn from imported documents, each shown to
whoever reads a document citing it (`access.visible_references`); documentalists merge two records that are variants of one source."""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from maillage.api_errors import ErrorOut
from maillage.ingestion import access, operations
from maillage.ingestion.models import DocumentType, Reference
from maillage.organisations.tokens import TokenAuth
from maillage.territories.folding import fold

router = Router(tags=["ingestion"])
AUTH = [TokenAuth(), django_auth]
REFERENCE_FIELDS = (
    "id",
    "authors",
    "title",
    "event",
    "place",
    "date_text",
    "year",
    "pages",
    "url",
    "document_type",
)


class LibraryReferenceOut(Schema):
    id: int
    authors: str
    title: str
    event: str
    place: str
    date_text: str
    year: int | None
    pages: str
    url: str
    document_type: str
    citations: int
    page_url: str


class LibraryReferenceListOut(Schema):
    total: int
    page: int
    per_page: int
    items: list[LibraryReferenceOut]


class LibraryCitationOut(Schema):
    raw_text: str
    document: int
    document_title: str
    start_line: int
    end_line: int


class LibraryReferenceDetailOut(LibraryReferenceOut):
    cited_in: list[LibraryCitationOut]


class LibraryMergeIn(Schema):
    other: int = Field(description="La notice à fusionner dans celle-ci (ses citations suivent)")


class LibraryFilters(Schema):
    q: str = Field("", max_length=200, description="Titre ou auteur, accents indifférents")
    document_type: DocumentType | None = None
    year: int | None = None
    page: int = Field(1, ge=1)
    per_page: int = Field(50, ge=1, le=200)


def _reader(request: HttpRequest) -> Any:
    """Who reads: the token's or the session's user (the reads need neither)."""
    return getattr(request, "auth", None) or request.user


def _records(request: HttpRequest) -> QuerySet[Reference]:
    return access.visible_references(_reader(request)).filter(merged_into__isnull=True)


def _reference_out(reference: Reference) -> dict[str, Any]:
    return {
        **{name: getattr(reference, name) for name in REFERENCE_FIELDS},
        "citations": reference.citation_count,  # type: ignore[attr-defined]
        "page_url": reference.get_absolute_url(),
    }


@router.get(
    "/references",
    response={200: LibraryReferenceListOut, 422: ErrorOut},
    summary="Chercher dans la bibliothèque",
)
def list_references(request: HttpRequest, filters: Query[LibraryFilters]) -> dict[str, Any]:
    references = _records(request)
    text = filters.q.strip()
    if text:
        # The key is the folded authors and title: accents and case do not matter.
        references = references.filter(
            Q(key__contains=fold(text)) | Q(title__icontains=text) | Q(authors__icontains=text)
        )
    if filters.document_type:
        references = references.filter(document_type=filters.document_type)
    if filters.year is not None:
        references = references.filter(year=filters.year)
    start = (filters.page - 1) * filters.per_page
    return {
        "total": references.count(),
        "page": filters.page,
        "per_page": filters.per_page,
        "items": [
            _reference_out(reference)
            for reference in references.order_by("title", "pk")[start : start + filters.per_page]
        ],
    }


def _detail(request: HttpRequest, reference: Reference) -> dict[str, Any]:
    # A citation's words may quote an internal paper: only those of readable documents.
    citations = (
        access.visible_citations(_reader(request))
        .filter(reference=reference)
        .select_related("document")
        .only("raw_text", "start_line", "end_line", "document__title")
    )
    return {
        **_reference_out(reference),
        "cited_in": [
            {
                "raw_text": citation.raw_text,
                "document": citation.document_id,
                "document_title": citation.document.title,
                "start_line": citation.start_line,
                "end_line": citation.end_line,
            }
            for citation in citations
        ],
    }


@router.get(
    "/references/{int:reference_id}",
    response={200: LibraryReferenceDetailOut, 404: ErrorOut},
    summary="Une notice et ses citations",
    description="Une notice fusionnée dans une autre répond celle qui reste.",
)
def get_reference(request: HttpRequest, reference_id: int) -> dict[str, Any]:
    reference = get_object_or_404(Reference, pk=reference_id)
    return _detail(
        request, get_object_or_404(_records(request), pk=reference.merged_into_id or reference.pk)
    )


@router.post(
    "/references/{int:reference_id}/merge",
    response={
        200: LibraryReferenceDetailOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
    },
    auth=AUTH,
    summary="Fusionner une variante dans cette notice",
)
def merge_reference(
    request: HttpRequest, reference_id: int, payload: LibraryMergeIn
) -> dict[str, Any]:
    kept = operations.merge_references(
        actor=request.auth,  # type: ignore[attr-defined]
        keep=get_object_or_404(Reference, pk=reference_id),
        other=get_object_or_404(Reference, pk=payload.other),
    )
    return _detail(request, get_object_or_404(_records(request), pk=kept.pk))
