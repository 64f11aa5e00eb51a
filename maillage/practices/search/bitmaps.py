"""Facet counts from bitmaps: one Python integer per facet value, bit n set when sheet n is
filed under it, kept in memory by each process.

Counting facets by grouping rows costs one index lookup per (sheet, value): over a million at
100 000 sheets for a common word. With bitmaps, a count is `(value & results).bit_count()`,
a few microseconds each, whatever the number of results. The tables stay the truth: every
write to the index changes `SearchIndexState.token` in its own transaction, and a search that
finds another token than its bitmaps' reloads them (two grouped queries), so a count is never
stale, not even inside a transaction that is later rolled back."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from maillage.practices.search import backends
from maillage.practices.search.backends.base import DOCUMENTS, FACETS

STATE = "practices_searchindexstate"


@dataclass(frozen=True)
class Bitmaps:
    token: str | None
    everything: int
    values: dict[str, dict[str, int]]  # facet -> value -> bitmap


_loaded: Bitmaps | None = None


def from_ids(ids: Iterable[int]) -> int:
    ids = list(ids)
    if not ids:
        return 0
    # One ASCII digit per id, read as a base-2 number: the loop does the least work per id.
    digits = bytearray(b"0") * (max(ids) + 1)
    for pk in ids:
        digits[pk] = 49  # "1"
    digits.reverse()
    return int(digits, 2)


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
    ids = backends.current().id_list
    values: dict[str, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT facet, value, {ids('document_id')} FROM {FACETS} GROUP BY facet, value"
        )
        for facet, value, id_list in cursor.fetchall():
            values.setdefault(facet, {})[value] = from_id_list(id_list)
        cursor.execute(f"SELECT {ids('practice_id')} FROM {DOCUMENTS}")
        everything = from_id_list(cursor.fetchone()[0])
    return Bitmaps(token, everything, values)


def current() -> Bitmaps:
    """The bitmaps of the index as this connection sees it: one query when up to date."""
    global _loaded
    token = _token()
    if _loaded is None or _loaded.token != token or token is None:
        _loaded = _load(token)
    return _loaded
