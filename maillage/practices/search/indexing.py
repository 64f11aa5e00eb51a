"""Keeping the index in step with the published sheets.

`index_practice` and `remove_practice` run inside the caller's transaction (the workflow calls
them when it publishes or archives), so the index changes exactly when the sheet does, and a
rolled-back publication leaves no trace. `reindex_all` rebuilds everything in bulk."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from maillage.practices.models import Practice, Status
from maillage.practices.search import backends, bitmaps, preparing, words
from maillage.practices.search.analysis import Lexicon
from maillage.practices.search.backends.base import DOCUMENTS
from maillage.practices.search.documents import IndexDocument, build_document, terms_of
from maillage.practices.search.facets import isic_ancestors
from maillage.practices.search.models import SearchDocument

BATCH = 2000
# From this many sheets on, a rebuild prepares them in two other processes (`preparing.py`):
# starting them takes about a second.
IN_OTHER_PROCESSES = 5000


def _take_out(practice_id: int) -> set[words.Key]:
    """Take a sheet's document out of the index; returns the keys it held, read from the
    text and facet values it still had (their bits are then cleared or kept by `words.change`)."""
    # (Triggers on the documents change the token when a deleted sheet takes its document
    # away; here the indexer says so itself.)
    bitmaps.touch()
    held: set[words.Key] = set()
    stored = SearchDocument.objects.filter(pk=practice_id).values_list(
        "title", "summary", "body", "facets"
    )
    for title, summary, body, facets in stored:
        held = words.keys_of(terms_of(title, summary, body), facets)
    backends.current().delete_fulltext([practice_id])
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {DOCUMENTS} WHERE practice_id = %s", [practice_id])
    return held


def store(documents: Sequence[IndexDocument]) -> None:
    """Insert new documents: rows and full text (their words and facet values are the
    caller's: `words.change` for one sheet, `Backend.insert_words` for a rebuild)."""
    backend = backends.current()
    backend.write(backend.encode(documents))


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
            practice.pk, revision.content, practice.published_at, isic_ancestors(), Lexicon()
        )
        store([document])
        words.change(practice.pk, held, words.keys_of(document.terms, document.facets))


def remove_practice(practice_id: int) -> None:
    with transaction.atomic():
        words.change(practice_id, _take_out(practice_id), set())


def _published() -> QuerySet[Practice]:
    return Practice.objects.filter(published_revision__isnull=False).exclude(status=Status.ARCHIVED)


def published_batches() -> Iterator[list[preparing.Row]]:
    """(id, published content as JSON text, published_at) of every sheet online, BATCH at a
    time, each batch its own query (keyed on the last id), so that no read is left open while
    the old index is dropped. The text is decoded where it is analysed."""
    content = Cast("published_revision__content", TextField())
    rows = _published().order_by("pk").values_list("pk", content, "published_at")
    last = 0
    while batch := list(rows.filter(pk__gt=last)[:BATCH]):
        yield batch
        last = batch[-1][0]


def _clear() -> list[tuple[str, str]]:
    """Empty the index and drop the indexes only searches read; returns their definitions."""
    backend = backends.current()
    backend.clear_index()
    definitions = backend.index_definitions()
    with connection.cursor() as cursor:
        for name, _ in definitions:
            cursor.execute(f"DROP INDEX {name}")
    return definitions


def _index_here(batches: Iterable[list[preparing.Row]]) -> tuple[int, list[tuple[str, str]]]:
    definitions = _clear()
    ancestors, lexicon = isic_ancestors(), Lexicon()
    postings = words.Postings(lexicon)
    backend = backends.current()
    count = 0
    for batch in batches:
        backend.write(preparing.prepare(batch, ancestors, lexicon, postings))
        count += len(batch)
    backend.insert_words(words.rows([postings.gathered()]))
    return count, definitions


# Batches handed to the workers and not yet written: they prepare the first ones while the
# old index is cleared, and always have the next ones queued while this process writes.
IN_FLIGHT = 8


def _index_beside(batches: Iterable[list[preparing.Row]]) -> tuple[int, list[tuple[str, str]]]:
    count = 0
    definitions: list[tuple[str, str]] | None = None
    with preparing.Workers(isic_ancestors()) as workers:
        pending: deque[tuple[int, Future[Any]]] = deque()
        for batch in batches:
            pending.append((len(batch), workers.submit(batch)))
            if len(pending) >= IN_FLIGHT:
                if definitions is None:
                    definitions = _clear()
                count += _store(pending.popleft())
        if definitions is None:
            definitions = _clear()
        while pending:
            count += _store(pending.popleft())
        backends.current().insert_words(workers.finish())
    return count, definitions


def _store(prepared: tuple[int, Future[Any]]) -> int:
    count, encoded = prepared
    backends.current().write(encoded.result())
    return count


def reindex_all() -> int:
    """Rebuild the whole index from the published revisions, in one transaction.

    The indexes only searches read are dropped while the rows are written, then built again
    from all of them. On PostgreSQL, searches wait for the rebuild to end (TRUNCATE and DROP
    INDEX lock their tables), where they would otherwise read the old index."""
    with transaction.atomic():
        bitmaps.touch()
        beside = _published().count() >= IN_OTHER_PROCESSES
        count, definitions = (_index_beside if beside else _index_here)(published_batches())
        backends.current().settle()
        with connection.cursor() as cursor:
            for _, definition in definitions:
                cursor.execute(definition)
        return count
