"""Facet counts from bitmaps: one Python integer per facet value, bit n set when sheet n is
filed under it, kept in memory by each process.

Counting facets by grouping rows costs one index lookup per (sheet, value): over a million at
100 000 sheets for a common word. With bitmaps, a count is `(value & results).bit_count()`,
a few microseconds each, whatever the number of results. The list of the sheets in date order
is kept beside them: pages in date order, and the order within a group of equally relevant
results (`ranking.py`), come from it. The tables stay the truth: every
write to the index changes `SearchIndexState.token` in its own transaction, and a search that
finds another token than its bitmaps' reloads them (two queries), so a count is never
stale, not even inside a transaction that is later rolled back. The facet values' bitmaps are
rows of the word table (`words.py`)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import connection

from maillage.practices.search.backends.base import DOCUMENTS, FACET, WORDS
from maillage.practices.search.facets import facet_of

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


def from_ids(ids: Iterable[int] | np.ndarray) -> int:
    """The bitmap of these ids: one byte per id set in an array, packed eight to a byte,
    read as one little-endian number. Building a rebuild's word bitmaps (35 million ids at
    100 000 sheets) took 17 s in a Python loop."""
    positions = ids if isinstance(ids, np.ndarray) else np.fromiter(ids, dtype=np.int64)
    if not positions.size:
        return 0
    flags = np.zeros(int(positions.max()) + 1, dtype=np.uint8)
    flags[positions] = 1
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


def from_id_list(text: str | None) -> int:
    """The bitmap of ids aggregated by the database as comma-separated decimals (see
    `Backend.phrase_ids`). `json.loads` parses them in one C call; hexadecimal ids decoded faster
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


_DENSE, _SPARSE = b"B", b"L"


def _ids_bytes(ids: Iterable[int] | np.ndarray) -> bytes:
    """Ids as stored: 4 bytes each, little-endian whatever the machine."""
    return _SPARSE + np.asarray(ids, dtype="<u4").tobytes()


def encode(bitmap: int) -> bytes:
    """A bitmap as stored: its bytes, or the list of its ids when that is shorter (a rare word
    of a large collection)."""
    dense = bitmap.to_bytes((bitmap.bit_length() + 7) // 8, "little")
    if bitmap.bit_count() * 4 >= len(dense):
        return _DENSE + dense
    return _ids_bytes(ids_of(bitmap))


def decode(blob: bytes | memoryview) -> int:
    blob = bytes(blob)
    if blob[:1] == _DENSE:
        return int.from_bytes(blob[1:], "little")
    return from_ids(np.frombuffer(blob, dtype="<u4", offset=1))


def encode_ids(ids: np.ndarray) -> bytes:
    """As `encode(from_ids(ids))`, without building the bitmap of a rare word (the ids are
    sorted only when stored as a list)."""
    if len(ids) * 4 < int(ids.max()) // 8 + 1:
        return _ids_bytes(np.sort(ids))
    return encode(from_ids(ids))


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
    values: dict[str, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT stem, documents FROM {WORDS} WHERE part = %s", [FACET])
        for key, blob in cursor.fetchall():
            facet, value = facet_of(bytes(key).decode())
            values.setdefault(facet, {})[value] = decode(blob)
        cursor.execute(
            f"SELECT practice_id FROM {DOCUMENTS} "
            "ORDER BY published_at DESC NULLS LAST, practice_id DESC"
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
