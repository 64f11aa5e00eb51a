# No `from __future__ import annotations`: ninja reads these signatures at runtime.
"""The library in JSON: the bibliographic records drawn from imported documents, each shown to
whoever reads a document citing it (`access.visible_references`), to a client signed in by token
or session like the other reads of the ingestion API (an anonymous client reads none: 401);
documentalists merge two records that are variants of one source."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from maillage.api_errors import ErrorOut
from maillage.ingestion import access, library, operations
from maillage.ingestion.models import DocumentType, Reference
from maillage.organisations.access import require
from maillage.organisations.models import User
from maillage.organisations.tokens import TokenAuth

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


def _reference_out(reference: Reference) -> dict[str, Any]:
    return {
        **{name: getattr(reference, name) for name in REFERENCE_FIELDS},
        "citations": reference.citation_count,  # type: ignore[attr-defined]
        "page_url": reference.get_absolute_url(),
    }


@router.get(
    "/references",
    response={200: LibraryReferenceListOut, 401: ErrorOut, 422: ErrorOut},
    auth=AUTH,
    summary="Chercher dans la bibliothèque",
    description="Les notices citées par au moins un document que vous lisez.",
)
def list_references(request: HttpRequest, filters: Query[LibraryFilters]) -> dict[str, Any]:
    references = library.search(
        request.auth,  # type: ignore[attr-defined]
        text=filters.q,
        document_type=filters.document_type or "",
        year=filters.year,
    )
    start = (filters.page - 1) * filters.per_page
    return {
        "total": references.count(),
        "page": filters.page,
        "per_page": filters.per_page,
        "items": [
            _reference_out(reference) for reference in references[start : start + filters.per_page]
        ],
    }


def _detail(request: HttpRequest, reference: Reference) -> dict[str, Any]:
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
            for citation in library.citations(request.auth, reference)  # type: ignore[attr-defined]
        ],
    }


@router.get(
    "/references/{int:reference_id}",
    response={200: LibraryReferenceDetailOut, 401: ErrorOut, 404: ErrorOut},
    auth=AUTH,
    summary="Une notice et ses citations",
    description="Une notice fusionnée dans une autre répond celle qui reste.",
)
def get_reference(request: HttpRequest, reference_id: int) -> dict[str, Any]:
    return _detail(request, library.readable_reference(request.auth, reference_id))  # type: ignore[attr-defined]


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
    actor: User = request.auth  # type: ignore[attr-defined]
    # Refused as on the page before the records are looked up: a record one does not see
    # answers 404 like an unknown number, whatever its state.
    require(access.can_merge_references(actor), str(access.MERGE_REFUSAL))
    kept = operations.merge_references(
        actor=actor,
        keep=library.readable_reference(actor, reference_id, follow_merge=False),
        other=library.readable_reference(actor, payload.other, follow_merge=False),
    )
    return _detail(request, library.readable_reference(actor, kept.pk))
