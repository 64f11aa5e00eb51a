"""Titles for search-as-you-type: every word typed must start a word of the title, accents and
case aside (« parentalite ile » suggests « L'île aux parents : la parentalité… »), the most
recently published first."""

from __future__ import annotations

from django.db import connection

from maillage.practices.search import backends
from maillage.practices.search.analysis import folded_words

# One letter would match most titles and read a large part of the index.
MIN_LAST_WORD = 2


def suggest(prefix: str, limit: int = 8) -> list[str]:
    words = folded_words(prefix)
    last_is_prefix = bool(words) and not prefix[-1:].isspace()
    if last_is_prefix and len(words[-1]) < MIN_LAST_WORD:
        words.pop()
        last_is_prefix = False
    if not words or limit < 1:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*backends.current().titles(words, last_is_prefix, limit))
        return [row[0] for row in cursor.fetchall()]
