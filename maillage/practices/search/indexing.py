"""Keeping the index in step with the published sheets.

`index_practice` and `remove_practice` run inside the caller's transaction (the workflow calls
them when it publishes or archives), so the index changes exactly when the sheet does, and a
rolled-back publication leaves no trace. `reindex_all` rebuilds everything in bulk."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future
from itertools import islice
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from maillage.practices.models import Practice, Status
from maillage.practices.search import backends, bitmaps, preparing, words
from maillage.practices.search.backends.base import DOCUMENTS, FACETS
from maillage.practices.search.documents import IndexDocument, analysed_parts, build_document
from maillage.practices.search.facets import isic_ancestors
from maillage.practices.search.models import SearchDocument

BATCH = 2000
# From this many sheets on, a rebuild prepares them in a second process (`preparing.py`):
# starting it takes about a second.
IN_A_SECOND_PROCESS = 5000
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


def _take_out(practice_id: int) -> set[words.Key]:
    """Take a sheet's document out of the index; returns the words it held, read from the
    text it still had (its bits are then cleared or kept by `words.change`)."""
    # (Triggers on the documents change the token when a deleted sheet takes its document
    # away; here the indexer says so itself.)
    bitmaps.touch()
    held: set[words.Key] = set()
    stored = SearchDocument.objects.filter(pk=practice_id).values_list("title", "summary", "body")
    for title, summary, body in stored:
        held = words.keys_of(analysed_parts(title, summary, body))
    backends.current().delete_fulltext([practice_id])
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FACETS} WHERE document_id = %s", [practice_id])
        cursor.execute(f"DELETE FROM {DOCUMENTS} WHERE practice_id = %s", [practice_id])
    return held


def store(documents: Sequence[IndexDocument]) -> None:
    """Insert new documents: rows, facets and full text, in the fewest statements (their
    words are the caller's: `words.change` for one sheet, `words.insert` for a rebuild)."""
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
        held = _take_out(practice.pk)
        revision = practice.published_revision
        if practice.status == Status.ARCHIVED or revision is None:
            words.change(practice.pk, held, set())
            return
        document = build_document(
            practice.pk, revision.content, practice.published_at, isic_ancestors()
        )
        store([document])
        words.change(practice.pk, held, words.keys_of(document.analysed))


def remove_practice(practice_id: int) -> None:
    with transaction.atomic():
        words.change(practice_id, _take_out(practice_id), set())


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _published() -> QuerySet[Practice]:
    return Practice.objects.filter(published_revision__isnull=False).exclude(status=Status.ARCHIVED)


def published_rows() -> Iterator[preparing.Row]:
    """(id, published content as JSON text, published_at) of every sheet online, streamed:
    the text is decoded where it is analysed."""
    content = Cast("published_revision__content", TextField())
    return _published().order_by("pk").values_list("pk", content, "published_at").iterator(BATCH)


def _index_here(rows: Iterable[preparing.Row]) -> int:
    ancestors = isic_ancestors()
    postings = words.Postings()
    count = 0
    for chunk in _chunks(rows, BATCH):
        store(preparing.prepare(chunk, ancestors, postings))
        count += len(chunk)
    words.insert(postings.rows())
    return count


def _index_beside(rows: Iterable[preparing.Row]) -> int:
    count = 0
    with preparing.Workers(isic_ancestors()) as worker:
        pending: Future[list[IndexDocument]] | None = None
        for chunk in _chunks(rows, BATCH):
            prepared = worker.submit(chunk)
            if pending is not None:
                count += _store(pending)
            pending = prepared
        if pending is not None:
            count += _store(pending)
        words.insert(worker.finish())
    return count


def _store(pending: Future[list[IndexDocument]]) -> int:
    documents = pending.result()
    store(documents)
    return len(documents)


def reindex_all() -> int:
    """Rebuild the whole index from the published revisions, in one transaction.

    The indexes only searches read are dropped while the rows are written, then built again
    from all of them. On PostgreSQL, searches wait for the rebuild to end (TRUNCATE and DROP
    INDEX lock their tables), where they would otherwise read the old index."""
    backend = backends.current()
    with transaction.atomic(), connection.cursor() as cursor:
        bitmaps.touch()
        backend.clear_index()
        words.clear()
        definitions = backend.index_definitions()
        for name, _ in definitions:
            cursor.execute(f"DROP INDEX {name}")
        beside = _published().count() >= IN_A_SECOND_PROCESS
        count = (_index_beside if beside else _index_here)(published_rows())
        backend.settle()
        for _, definition in definitions:
            cursor.execute(definition)
        return count
