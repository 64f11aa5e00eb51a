"""Keeping the index in step with the published sheets.

`index_practice` and `remove_practice` run inside the caller's transaction (the workflow calls
them when it publishes or archives), so the index changes exactly when the sheet does, and a
rolled-back publication leaves no trace. `reindex_all` rebuilds everything in bulk."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from maillage.practices.models import Practice, Status
from maillage.practices.search import backends, bitmaps
from maillage.practices.search.backends.base import DOCUMENTS, FACETS, placeholders
from maillage.practices.search.documents import IndexDocument, build_document
from maillage.practices.search.facets import isic_ancestors

BATCH = 2000
_DOCUMENT_COLUMNS = (
    "practice_id",
    "title",
    "title_words",
    "summary",
    "body",
    "published_at",
    "display",
)
_encoder = DjangoJSONEncoder()


def _delete(practice_ids: Sequence[int]) -> None:
    # (Triggers on the documents change the token when a deleted sheet takes its document
    # away; here the indexer says so itself.)
    marks = placeholders(len(practice_ids))
    bitmaps.touch()
    backends.current().delete_fulltext(practice_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FACETS} WHERE document_id IN ({marks})", practice_ids)
        cursor.execute(f"DELETE FROM {DOCUMENTS} WHERE practice_id IN ({marks})", practice_ids)


def store(documents: Sequence[IndexDocument]) -> None:
    """Insert new documents: rows, facets and full text, in the fewest statements."""
    backend = backends.current()
    datetime_value = connection.ops.adapt_datetimefield_value
    backend.insert_rows(
        DOCUMENTS,
        _DOCUMENT_COLUMNS,
        [
            (
                doc.practice_id,
                doc.title,
                doc.title_words,
                doc.summary,
                doc.body,
                datetime_value(doc.published_at),
                _encoder.encode(doc.display),
            )
            for doc in documents
        ],
    )
    backend.insert_rows(
        FACETS,
        ("document_id", "facet", "value"),
        [
            (doc.practice_id, facet, value)
            for doc in documents
            for facet, value in sorted(doc.facets)
        ],
    )
    backend.write_fulltext(documents)


def index_practice(practice: Practice) -> None:
    """(Re)index a sheet from its published revision; a sheet without one, or archived, leaves
    the index. A published sheet whose next version is being written stays indexed as published."""
    with transaction.atomic():
        _delete([practice.pk])
        revision = practice.published_revision
        if practice.status == Status.ARCHIVED or revision is None:
            return
        store(
            [build_document(practice.pk, revision.content, practice.published_at, isic_ancestors())]
        )


def remove_practice(practice_id: int) -> None:
    with transaction.atomic():
        _delete([practice_id])


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def published_rows() -> Iterator[tuple[int, dict[str, Any], Any]]:
    """(id, published content, published_at) of every sheet online, streamed."""
    return (
        Practice.objects.filter(published_revision__isnull=False)
        .exclude(status=Status.ARCHIVED)
        .order_by("pk")
        .values_list("pk", "published_revision__content", "published_at")
        .iterator(chunk_size=BATCH)
    )


def index_rows(rows: Iterable[tuple[int, dict[str, Any], Any]]) -> int:
    """Index sheets not yet in the index, in batches; returns how many."""
    ancestors = isic_ancestors()
    count = 0
    for chunk in _chunks(rows, BATCH):
        store(
            [
                build_document(pk, content, published_at, ancestors)
                for pk, content, published_at in chunk
            ]
        )
        count += len(chunk)
    return count


def reindex_all() -> int:
    """Rebuild the whole index from the published revisions, in one transaction.

    The indexes only searches read are dropped while the rows are written, then built again
    from all of them. On PostgreSQL, searches wait for the rebuild to end (TRUNCATE and DROP
    INDEX lock their tables), where they would otherwise read the old index."""
    backend = backends.current()
    with transaction.atomic(), connection.cursor() as cursor:
        bitmaps.touch()
        backend.clear_index()
        definitions = backend.index_definitions()
        for name, _ in definitions:
            cursor.execute(f"DROP INDEX {name}")
        count = index_rows(published_rows())
        backend.settle()
        for _, definition in definitions:
            cursor.execute(definition)
        return count
