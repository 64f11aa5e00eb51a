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
from maillage.practices.search.backends.base import DOCUMENTS, FACETS, placeholders
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


def forget_words(practice_ids: Sequence[int]) -> None:
    """Clear the bits of these documents in their words' bitmaps, from their stored text."""
    stored = SearchDocument.objects.filter(pk__in=practice_ids).values_list(
        "pk", "title", "summary", "body"
    )
    for pk, title, summary, body in stored:
        words.change(pk, analysed_parts(title, summary, body), present=False)


def _delete(practice_ids: Sequence[int]) -> None:
    # (Triggers on the documents change the token when a deleted sheet takes its document
    # away; here the indexer says so itself.)
    marks = placeholders(len(practice_ids))
    bitmaps.touch()
    forget_words(practice_ids)
    backends.current().delete_fulltext(practice_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FACETS} WHERE document_id IN ({marks})", practice_ids)
        cursor.execute(f"DELETE FROM {DOCUMENTS} WHERE practice_id IN ({marks})", practice_ids)


def store(documents: Sequence[IndexDocument], *, bulk: bool = False) -> None:
    """Insert new documents: rows, facets, full text and words, in the fewest statements.
    A full rebuild (`bulk`) gathers the words and writes them once, at its end."""
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
    if not bulk:
        for doc in documents:
            words.change(doc.practice_id, doc.analysed, present=True)


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
        store(preparing.prepare(chunk, ancestors, postings), bulk=True)
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
    store(documents, bulk=True)
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
