"""The Python share of a full rebuild — each sheet's index document built from its published
content, its text analysed, its words gathered, its rows encoded as the database reads them —
done in two other processes.

The rebuilding process then only reads the sheets and hands the encoded rows to the database,
which works while the other processes prepare the next batches. A thread would not do:
it holds Python's lock while it analyses, and the writing thread, which gives the lock up at
every row the database writes, waits to get it back each time (a rebuild took longer that way
than with no help at all)."""

from __future__ import annotations

import ctypes
import json
import multiprocessing
import os
import signal
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.synchronize import Barrier
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from maillage.practices.search.analysis import Lexicon
    from maillage.practices.search.words import Gathered, Postings, WordRow

# (practice id, published content as JSON text, publication date)
Row = tuple[int, str, Any]


def prepare(
    rows: Sequence[Row], ancestors: Mapping[str, list[str]], lexicon: Lexicon, postings: Postings
) -> Any:
    """The index documents of these rows, encoded for the backend's `write`; their words and
    facet values added to `postings`."""
    from maillage.practices.search.backends import current
    from maillage.practices.search.documents import build_document

    documents = [
        build_document(pk, json.loads(content), published_at, ancestors, lexicon)
        for pk, content, published_at in rows
    ]
    for doc in documents:
        postings.add(doc.practice_id, doc.grouped.keys(), doc.facets)
    return current().encode(documents)


# The worker process's own: what every batch needs, and the words of every batch so far.
_state: dict[str, Any] = {}


def _start(ancestors: Mapping[str, list[str]], gathering: Barrier) -> None:
    from maillage.practices.search.analysis import Lexicon
    from maillage.practices.search.words import Postings

    _leave_with_parent()
    # The writing process is the one a rebuild waits for: these take the time it leaves.
    os.nice(10)
    lexicon = Lexicon()
    _state.update(
        ancestors=ancestors, lexicon=lexicon, postings=Postings(lexicon), gathering=gathering
    )


def _leave_with_parent() -> None:
    """Ask Linux to end this process when the rebuilding one dies (killed, out of memory):
    it would otherwise wait for work forever, holding a copy of its files and sockets."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the process ends with its pipes, later
        return


_PR_SET_PDEATHSIG = 1


def _prepare(rows: Sequence[Row]) -> Any:
    return prepare(rows, _state["ancestors"], _state["lexicon"], _state["postings"])


# How long a worker waits for the others to come and give their words (they are idle by then).
_GATHERING_TIMEOUT = 60


def _finish() -> Gathered:
    # Held here until every worker has taken one of these calls: each gives its words once.
    _state["gathering"].wait(_GATHERING_TIMEOUT)
    return _state["postings"].gathered()


class Workers:
    """Processes preparing batches as they come free, each gathering the words of its own.

    Two: preparing a batch takes about twice as long as writing it, and the database's work
    and the two processes' share the machine's cores. One pool forks both before it starts its
    own threads (forking beside running threads can leave a lock taken in the copy)."""

    def __init__(self, ancestors: Mapping[str, list[str]], processes: int = 2) -> None:
        context = multiprocessing.get_context("fork")
        self._processes = processes
        self._pool = ProcessPoolExecutor(
            max_workers=processes,
            # Copies of this process, its modules loaded. They inherit the database connection
            # but never use it, and leave through os._exit, which does not close it.
            mp_context=context,
            initializer=_start,
            initargs=(dict(ancestors), context.Barrier(processes)),
        )

    def submit(self, rows: Sequence[Row]) -> Future[Any]:
        return self._pool.submit(_prepare, list(rows))

    def finish(self) -> list[WordRow]:
        """The word bitmaps of every batch prepared, as rows to insert."""
        from maillage.practices.search.words import rows

        gathered = [self._pool.submit(_finish) for _ in range(self._processes)]
        return rows([future.result() for future in gathered])

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._pool.shutdown(cancel_futures=True)
