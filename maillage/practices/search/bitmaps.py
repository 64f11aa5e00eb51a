"""Facet counts from bitmaps: one Python integer per facet value, bit n set when sheet n is
filed under it, kept in memory by each process.

Counting facets by grouping rows costs one index lookup per (sheet, value): over a million at
100 000 sheets for a common word. With bitmaps, a count is `(value & results).bit_count()`,
a few microseconds each, whatever the number of results. The list of the sheets in date order
is kept beside them: pages in date order, and the order within a group of equally relevant
results (`ranking.py`), come from it. The tables stay the truth: every
write to the index changes `SearchIndexState.token` in its own transaction, and a search that
finds another token than its bitmaps' reloads them (two grouped queries), so a count is never
stale, not even inside a transaction that is later rolled back."""

from __future__ import annotations

import json
import uuid
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import connection

from maillage.practices.search import backends
from maillage.practices.search.backends.base import DOCUMENTS, FACETS

STATE = "practices_searchindexstate"


# Up to this many results, a page in date order sorts them all; more are read in date order
# until the page is full (see `Bitmaps.newest`).
SORTED = 4000


@dataclass(frozen=True)
class Bitmaps:
    token: str | None
    everything: int
    values: dict[str, dict[str, int]]  # facet -> value -> bitmap
    newest_first: list[int]  # the ids of the indexed sheets, latest publication first
    rank: list[int]  # id -> its place in `newest_first`

    def newest(self, bitmap: int, skip: int, take: int) -> list[int]:
        """The ids of a bitmap in date order, latest publication first: `take` of them after
        the first `skip`."""
        if bitmap.bit_count() <= SORTED:
            ordered = sorted(ids_of(bitmap), key=self.rank.__getitem__)
            return ordered[skip : skip + take]
        bits = bitmap.to_bytes((len(self.rank) + 7) // 8, "little")
        page: list[int] = []
        for pk in self.newest_first:
            if bits[pk >> 3] >> (pk & 7) & 1:
                if skip:
                    skip -= 1
                    continue
                page.append(pk)
                if len(page) == take:
                    break
        return page


_loaded: Bitmaps | None = None


def from_ids(ids: Iterable[int]) -> int:
    """The bitmap of these ids: one byte per id set in an array, packed eight to a byte,
    read as one little-endian number. Building a rebuild's word bitmaps (35 million ids at
    100 000 sheets) took 17 s in a Python loop."""
    positions = np.fromiter(ids, dtype=np.int64) if not isinstance(ids, array) else np.asarray(ids)
    if not positions.size:
        return 0
    flags = np.zeros(int(positions.max()) + 1, dtype=np.uint8)
    flags[positions] = 1
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


def from_id_list(text: str | None) -> int:
    """The bitmap of ids aggregated by the database as comma-separated decimals (see
    `Backend.id_list`). `json.loads` parses them in one C call; hexadecimal ids decoded faster
    still, but the database took longer to format them than this takes to read decimals."""
    if not text:
        return 0
    return from_ids(json.loads("[" + text + "]"))


def ids_of(bitmap: int) -> list[int]:
    """The ids whose bits are set, in increasing order (for small sets: one `find` per id)."""
    digits = bin(bitmap)[:1:-1]  # bit 0 first
    found, position = [], digits.find("1")
    while position >= 0:
        found.append(position)
        position = digits.find("1", position + 1)
    return found


def touch() -> None:
    """Mark the index as changed; called by every write to it, in its transaction."""
    token = uuid.uuid4().hex
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {STATE} SET token = %s", [token])
        if cursor.rowcount == 0:
            cursor.execute(f"INSERT INTO {STATE} (token) VALUES (%s)", [token])


def _token() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {STATE} ORDER BY id LIMIT 1")
        row = cursor.fetchone()
    return row[0] if row else None


def _load(token: str | None) -> Bitmaps:
    backend = backends.current()
    values: dict[str, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT facet, value, {backend.id_list('document_id')} "
            f"FROM {FACETS} GROUP BY facet, value"
        )
        for facet, value, id_list in cursor.fetchall():
            values.setdefault(facet, {})[value] = from_id_list(id_list)
        cursor.execute(
            f"SELECT practice_id FROM {DOCUMENTS} ORDER BY published_at DESC NULLS LAST, practice_id DESC"
        )
        newest_first = [pk for (pk,) in cursor.fetchall()]
    rank = [0] * (max(newest_first, default=0) + 1)
    for place, pk in enumerate(newest_first):
        rank[pk] = place
    return Bitmaps(token, from_ids(newest_first), values, newest_first, rank)


def current() -> Bitmaps:
    """The bitmaps of the index as this connection sees it: one query when up to date."""
    global _loaded
    token = _token()
    if _loaded is None or _loaded.token != token or token is None:
        _loaded = _load(token)
    return _loaded
