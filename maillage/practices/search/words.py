"""Which sheets hold each word: for every stem and part of the text (title, summary, body), a
bitmap of the practice ids that hold it, stored in `SearchWord` and written in the same
transaction as the rest of the index.

A search needs the whole set of matching sheets, for its size and its facet counts, and the
part each word is found in, for its order (`ranking.py`). Listing them from FTS5 or a GIN
index means reading, and decoding in Python, one row per matching sheet: 20 ms for a common
word at 100 000 sheets. Here it is a few blobs read by their key and ANDed.

A sheet deleted outright takes its document with it by cascade and leaves its bits here: a
search ANDs them with the bitmap of the indexed sheets, and ids are never given again
(AUTOINCREMENT on SQLite, sequences on PostgreSQL), so such a bit finds nothing. The bits of a
new version replace the old ones, found by analysing the text the document still holds: after
a change to the analysis (stemmer, stop words), run `maillage reindex_practices`."""

from __future__ import annotations

import sys
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.db import connection

from maillage.practices.search.backends.base import placeholders
from maillage.practices.search.bitmaps import from_ids, ids_of
from maillage.practices.search.query import Clause

WORDS = "practices_searchword"
PARTS = ("t", "s", "b")  # title, summary, body: the order of `IndexDocument.analysed`
# A byte above every character of a stem ([a-z0-9]): the end of the range a prefix begins.
_AFTER = b"\xff"
_DENSE, _SPARSE = b"B", b"L"


def _ids_bytes(ids: array[int]) -> bytes:
    """Ids as stored: 4 bytes each, little-endian whatever the machine."""
    if sys.byteorder != "little":
        ids = array("I", ids)
        ids.byteswap()
    return _SPARSE + ids.tobytes()


def encode(bitmap: int) -> bytes:
    """A bitmap as stored: its bytes, or the list of its ids when that is shorter (a rare word
    of a large collection)."""
    dense = bitmap.to_bytes((bitmap.bit_length() + 7) // 8, "little")
    if bitmap.bit_count() * 4 >= len(dense):
        return _DENSE + dense
    return _ids_bytes(array("I", ids_of(bitmap)))


def decode(blob: bytes | memoryview) -> int:
    blob = bytes(blob)
    if blob[:1] == _DENSE:
        return int.from_bytes(blob[1:], "little")
    ids = array("I")
    ids.frombytes(blob[1:])
    if sys.byteorder != "little":
        ids.byteswap()
    return from_ids(ids)


# A word of a sheet: (stem as bytes, part).
Key = tuple[bytes, str]


def keys_of(analysed: Sequence[str]) -> set[Key]:
    """The words of an analysed document (title, summary, body), each with its part."""
    return {
        (stem.encode(), part)
        for part, text in zip(PARTS, analysed, strict=True)
        for stem in set(text.split())
    }


# (stem, part, encoded bitmap): a row of `SearchWord`.
WordRow = tuple[bytes, str, bytes]


@dataclass
class Postings:
    """Ids gathered per (stem, part) by a full rebuild, written once at its end."""

    ids: tuple[dict[str, array[int]], ...] = field(default_factory=lambda: ({}, {}, {}))

    def add(self, practice_id: int, analysed: Sequence[str]) -> None:
        for found, text in zip(self.ids, analysed, strict=True):
            for stem in set(text.split()):
                if (listed := found.get(stem)) is None:
                    found[stem] = array("I", (practice_id,))
                else:
                    listed.append(practice_id)

    def rows(self) -> list[WordRow]:
        return [
            (stem.encode(), part, _encode_ids(ids))
            for part, found in zip(PARTS, self.ids, strict=True)
            for stem, ids in found.items()
        ]


def _encode_ids(ids: array[int]) -> bytes:
    """As `encode(from_ids(ids))`, without building the bitmap of a rare word."""
    if len(ids) * 4 < max(ids) // 8 + 1:
        return _ids_bytes(ids)
    return encode(from_ids(ids))


def merged(parts: Sequence[Sequence[WordRow]]) -> list[WordRow]:
    """The rows of several `Postings` as one: the bitmaps of a same word ORed."""
    if len(parts) == 1:
        return list(parts[0])
    bitmaps: dict[tuple[bytes, str], int] = {}
    for rows in parts:
        for stem, part, blob in rows:
            bitmaps[(stem, part)] = bitmaps.get((stem, part), 0) | decode(blob)
    return [(stem, part, encode(bitmap)) for (stem, part), bitmap in bitmaps.items()]


def insert(rows: Sequence[WordRow]) -> None:
    """Write the bitmaps of words not yet in the table (a full rebuild's)."""
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {WORDS} (stem, part, documents) VALUES (%s, %s, %s)", rows)


def change(practice_id: int, before: set[Key], after: set[Key]) -> None:
    """A sheet's words were `before` and are now `after`: clear its bit in the bitmaps of the
    words it lost, set it in those of the words it gained; the others are not written. The
    rows are read locked, in key order: two publications at once wait for each other rather
    than lose a bit."""
    if not (keys := sorted(before ^ after)):
        return
    bit = 1 << practice_id
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    stems = sorted({stem for stem, _ in keys})
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT stem, part, documents FROM {WORDS} "
            f"WHERE stem IN ({placeholders(len(stems))}) ORDER BY stem, part{lock}",
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


def clear() -> None:
    # TRUNCATE leaves PostgreSQL no dead rows of 12 kB to vacuum after each rebuild.
    empty = "TRUNCATE" if connection.vendor == "postgresql" else "DELETE FROM"
    with connection.cursor() as cursor:
        cursor.execute(f"{empty} {WORDS}")


@dataclass(frozen=True)
class Found:
    """Where the words of one clause are: a bitmap per part (title, summary, body)."""

    title: int
    summary: int
    body: int

    @property
    def anywhere(self) -> int:
        return self.title | self.summary | self.body


def found(clauses: Sequence[Clause]) -> list[Found]:
    """For each clause, the sheets holding all its words, part by part (a phrase's words may
    be apart: `searching` checks the phrase itself). One query."""
    exact = sorted({s.encode() for c in clauses if not c.prefix for s in c.stems})
    prefixes = sorted({c.stems[0].encode() for c in clauses if c.prefix})
    conditions = [f"stem IN ({placeholders(len(exact))})"] if exact else []
    conditions += ["(stem >= %s AND stem < %s)"] * len(prefixes)
    params: list[bytes] = [*exact, *(b for p in prefixes for b in (p, p + _AFTER))]
    bitmaps: dict[tuple[bytes, str], int] = {}
    begun: dict[tuple[bytes, str], int] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT stem, part, documents FROM {WORDS} WHERE {' OR '.join(conditions)}", params
        )
        for stem, part, blob in cursor.fetchall():
            stem = bytes(stem)
            bitmap = decode(blob)
            bitmaps[(stem, part)] = bitmap
            for prefix in prefixes:
                if stem.startswith(prefix):
                    begun[(prefix, part)] = begun.get((prefix, part), 0) | bitmap
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
            if len(clause.stems) > 1:
                # Each word somewhere: the clause may spread over the parts.
                anywhere = reduce(
                    and_,
                    (
                        reduce(or_, (bitmaps.get((stem.encode(), part), 0) for part in PARTS))
                        for stem in clause.stems
                    ),
                )
                per_part[2] |= anywhere & ~(per_part[0] | per_part[1])
        result.append(Found(*per_part))
    return result
