"""Which sheets hold each key: for every stem and part of the text (title, summary, body), and
for every facet value a sheet is filed under, a bitmap of the practice ids that hold it, stored
in `SearchWord` and written in the same transaction as the rest of the index.

A search needs the whole set of matching sheets, for its size and its facet counts, and the
part each word is found in, for its order (`ranking.py`). Listing them from FTS5 or from the
vectors means reading, and decoding in Python, one row per matching sheet: 20 ms for a common
word at 100 000 sheets. Here it is a few blobs read by their key and ANDed. The facet values'
bitmaps are the ones `bitmaps.py` keeps in memory: a few hundred rows to read after a write,
where grouping a row per (sheet, value) read over a million.

A sheet deleted outright takes its document with it by cascade and leaves its bits here: a
search ANDs them with the bitmap of the indexed sheets, and ids are never given again
(AUTOINCREMENT on SQLite, sequences on PostgreSQL), so such a bit finds nothing. The bits of a
new version replace the old ones, found by analysing the text the document still holds and
from the facet values it records: after a change to the analysis (stemmer, stop words), run
`maillage reindex_practices`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import and_

import numpy as np
from django.db import connection

from maillage.practices.search.analysis import Lexicon
from maillage.practices.search.backends.base import FACET, WORDS, WordRow, placeholders
from maillage.practices.search.bitmaps import decode, encode, encode_ids
from maillage.practices.search.query import Clause

PARTS = ("t", "s", "b")  # title, summary, body: the order of `IndexDocument.terms`
# A byte above every character of a stem ([a-z0-9]): the end of the range a prefix begins.
_AFTER = b"\xff"


# A key of a sheet: (stem as bytes, part), or (« facet=value » as bytes, FACET).
Key = tuple[bytes, str]


def keys_of(terms: Sequence[Sequence[str]], facets: Iterable[str]) -> set[Key]:
    """The keys of a document: the terms of its title, summary and body, each with its part,
    and its facet values (`facets.filed_under`)."""
    keys = {
        (stem.encode(), part) for part, found in zip(PARTS, terms, strict=True) for stem in found
    }
    keys.update((value.encode(), FACET) for value in facets)
    return keys


class _Numbering(dict[str, int]):
    """Key -> its number, in the order first seen; a key not seen yet gets the next one."""

    def __missing__(self, key: str) -> int:
        number = self[key] = len(self)
        return number


class Postings:
    """The (key, sheet) pairs of a full rebuild, kept as numbers and grouped into one bitmap per
    key at its end. A key is a number: for the text, a stem number of `lexicon` and its part
    (`Grouped.keys`); for a facet value, a number of its own and `FACET`. A sheet brings ~500
    pairs: a Python loop appending each id to the list of its key took half the time of
    preparing a sheet."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon
        self._facets = _Numbering()
        # The keys of the sheets added since the last `_gather`, their ids, and the
        # (key << 32 | sheet) pairs gathered before.
        self._added: list[np.ndarray] = []
        self._ids: list[int] = []
        self._pairs: list[np.ndarray] = []

    def add(self, practice_id: int, keys: np.ndarray, facets: Iterable[str]) -> None:
        """Add a sheet's text keys (`Grouped.keys`) and facet values."""
        facet_keys = np.fromiter(map(self._facets.__getitem__, facets), np.int64) << 2
        self._added += (keys, facet_keys | _FACET_PART)
        self._ids.append(practice_id)
        if len(self._ids) >= _GATHER:
            self._gather()

    def _gather(self) -> None:
        # A few arrays per batch rather than two small ones per sheet.
        pairs = np.concatenate(self._added).astype(np.uint64) << 32
        sizes = np.add.reduceat([len(keys) for keys in self._added], range(0, len(self._added), 2))
        pairs |= np.repeat(np.array(self._ids, np.uint64), sizes)
        pairs.sort()  # by key, then by sheet; `gathered` then merges sorted runs
        self._pairs.append(pairs)
        self._added.clear()
        self._ids.clear()

    def gathered(self) -> Gathered:
        """Every key with the ids of its sheets, in order (sorted once, here: in a rebuild,
        each worker process sorts its own)."""
        if self._ids:
            self._gather()
        pairs = np.concatenate(self._pairs) if self._pairs else np.empty(0, np.uint64)
        if not len(pairs):  # no sheet, or none with a word or a facet value
            return [], np.zeros(1, np.int64), np.empty(0, np.uint32)
        # Timsort: merging the runs sorted by `_gather` takes a third of the time of a sort.
        pairs.sort(kind="stable")
        keys, sheets = pairs >> 32, (pairs & 0xFFFFFFFF).astype(np.uint32)
        bounds = np.flatnonzero(np.diff(keys)) + 1
        starts = np.concatenate(([0], bounds, [len(keys)]))
        facets, stems = list(self._facets), self._lexicon.stems
        names: list[Key] = []
        for key in keys[starts[:-1]].tolist():
            number, part = divmod(key, 4)
            name = facets[number] if part == _FACET_PART else stems[number]
            names.append((name.encode(), _PART_NAMES[part]))
        return names, starts, sheets


_FACET_PART = 3  # the part of a facet value's key in `Postings`; 0-2 are those of `PARTS`
_PART_NAMES = (*PARTS, FACET)
# Sheets added to `Postings` between two gatherings of their keys.
_GATHER = 2000


# The postings of a rebuild, gathered: each key, and the ids of the sheets holding key i,
# `sheets[starts[i]:starts[i + 1]]`, in increasing order.
Gathered = tuple[list[Key], np.ndarray, np.ndarray]


def rows(gathered: Sequence[Gathered]) -> list[WordRow]:
    """The rows of the postings of one or several processes, each key's sheets from all of
    them in one bitmap (the processes had different sheets)."""
    found: dict[Key, list[np.ndarray]] = {}
    for keys, starts, sheets in gathered:
        if not keys:
            continue
        for key, ids in zip(keys, np.split(sheets, starts[1:-1]), strict=True):
            found.setdefault(key, []).append(ids)
    return [
        (stem, part, encode_ids(np.concatenate(ids) if len(ids) > 1 else ids[0]))
        for (stem, part), ids in found.items()
    ]


def change(practice_id: int, before: set[Key], after: set[Key]) -> None:
    """A sheet's keys were `before` and are now `after`: clear its bit in the bitmaps of the
    keys it lost, set it in those of the keys it gained; the others are not written.

    The caller has changed the index's token first, in the same transaction (`bitmaps.touch`,
    as every write to the index does): the lock on that one row makes two publications at once
    wait for each other, so neither loses the other's bits nor inserts a key twice."""
    if not (keys := sorted(before ^ after)):
        return
    bit = 1 << practice_id
    stems = sorted({stem for stem, _ in keys})
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT stem, part, documents FROM {WORDS} WHERE stem IN ({placeholders(len(stems))})",
            stems,
        )
        stored = {(bytes(stem), part): decode(blob) for stem, part, blob in cursor.fetchall()}
        updates, inserts = [], []
        for key in keys:
            bitmap = stored.get(key, 0)
            bitmap = bitmap | bit if key in after else bitmap & ~bit
            if key in stored:
                updates.append((encode(bitmap), *key))
            elif key in after:
                inserts.append((*key, encode(bitmap)))
        if updates:
            cursor.executemany(
                f"UPDATE {WORDS} SET documents = %s WHERE stem = %s AND part = %s", updates
            )
        if inserts:
            cursor.executemany(
                f"INSERT INTO {WORDS} (stem, part, documents) VALUES (%s, %s, %s)", inserts
            )


@dataclass(frozen=True)
class Found:
    """Where the words of one clause are: a bitmap per part (title, summary, body)."""

    title: int
    summary: int
    body: int

    @property
    def anywhere(self) -> int:
        return self.title | self.summary | self.body


def _read(
    exact: Sequence[bytes], prefixes: Sequence[bytes]
) -> tuple[dict[tuple[bytes, str], int], dict[tuple[bytes, str], int]]:
    """The bitmaps of these stems per part, and the union of those of the stems each prefix
    begins: one query."""
    if not exact and not prefixes:
        return {}, {}
    conditions = [f"stem IN ({placeholders(len(exact))})"] if exact else []
    conditions += ["(stem >= %s AND stem < %s)"] * len(prefixes)
    params: list[bytes] = [*exact, *(b for p in prefixes for b in (p, p + _AFTER))]
    bitmaps: dict[tuple[bytes, str], int] = {}
    begun: dict[tuple[bytes, str], int] = {}
    with connection.cursor() as cursor:
        # Facet keys (« theme=… ») can fall in a prefix's range: their rows are not read.
        cursor.execute(
            f"SELECT stem, part, documents FROM {WORDS} "
            f"WHERE ({' OR '.join(conditions)}) AND part <> %s",
            [*params, FACET],
        )
        for stem, part, blob in cursor.fetchall():
            stem = bytes(stem)
            bitmap = decode(blob)
            bitmaps[(stem, part)] = bitmap
            for prefix in prefixes:
                if stem.startswith(prefix):
                    begun[(prefix, part)] = begun.get((prefix, part), 0) | bitmap
    return bitmaps, begun


def found(clauses: Sequence[Clause]) -> list[Found]:
    """For each clause, the sheets holding all its words in one part, part by part: a phrase
    never runs from one part into the next (a gap between the parts of PostgreSQL's vectors,
    a column each in FTS5), and `searching` checks the order of its words. One query."""
    exact = sorted({s.encode() for c in clauses if not c.prefix for s in c.stems})
    prefixes = sorted({c.stems[0].encode() for c in clauses if c.prefix})
    bitmaps, begun = _read(exact, prefixes)
    result = []
    for clause in clauses:
        if clause.prefix:
            key = clause.stems[0].encode()
            per_part = [begun.get((key, part), 0) for part in PARTS]
        else:
            per_part = [
                reduce(and_, (bitmaps.get((stem.encode(), part), 0) for stem in clause.stems))
                for part in PARTS
            ]
        result.append(Found(*per_part))
    return result


def of_stems(stems: Sequence[str]) -> list[Found]:
    """For each stem, the sheets holding it, part by part. One query."""
    bitmaps, _ = _read(sorted({stem.encode() for stem in stems}), [])
    return [Found(*(bitmaps.get((stem.encode(), part), 0) for part in PARTS)) for stem in stems]
