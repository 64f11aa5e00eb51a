"""Highlighted extracts: the stretch of the sheet's text with the most matched words, escaped,
with <mark> around the matches. Computed in Python for both backends, so that they highlight
alike and nothing but <mark> ever reaches the page unescaped.

A sheet's text runs to thousands of words: rather than analysing every word, a regular
expression finds the words that start like a searched stem (accents aside), and only those are
stemmed to confirm the match."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from functools import lru_cache

from django.utils.html import escape

from maillage.practices.search.analysis import STOPWORDS, folded_words, stem

WIDTH = 220  # characters, about 30 words
BEFORE = 60  # characters of context before the first match
_ACCENTED = {
    "a": "aàâä",
    "c": "cç",
    "e": "eéèêë",
    "i": "iîï",
    "o": "oôö",
    "u": "uùûü",
    "y": "yÿ",
}


@lru_cache(maxsize=200_000)
def _word_stem(word: str) -> str:
    folded = folded_words(word)
    return "" if not folded or folded[0] in STOPWORDS else stem(folded[0])


@lru_cache(maxsize=1024)
def _candidates(stems: tuple[str, ...]) -> re.Pattern[str]:
    """Words that start with one of the stems, whatever their accents and case."""
    alternatives = (
        "".join(f"[{_ACCENTED[ch]}]" if ch in _ACCENTED else ch for ch in s)
        for s in sorted(stems, key=len, reverse=True)
    )
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\w*", re.IGNORECASE)


def _cut(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole words."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def snippet(text: str, exact: Collection[str], prefixes: Sequence[str]) -> str:
    """Safe HTML: about 30 words of `text` around its densest cluster of matched words."""
    stems = tuple(sorted({*exact, *prefixes}))
    matches = []
    if stems:
        for found in _candidates(stems).finditer(text):
            stemmed = _word_stem(found.group())
            if stemmed and (stemmed in exact or stemmed.startswith(tuple(prefixes))):
                matches.append(found)
    if not matches:
        start, end = _cut(text, 0, min(len(text), WIDTH))
        return escape(text[:end]) + (" …" if end < len(text) else "")
    # The match that begins the stretch of WIDTH characters holding the most matches.
    best, best_count, last = 0, 0, 0
    for first in range(len(matches)):
        last = max(last, first)
        while last + 1 < len(matches) and matches[last + 1].end() - matches[first].start() <= WIDTH:
            last += 1
        if last - first + 1 > best_count:
            best, best_count = first, last - first + 1
    start, end = _cut(text, max(0, matches[best].start() - BEFORE), matches[best].start() + WIDTH)
    pieces = ["… " if start else ""]
    cursor = start
    for found in matches:
        if found.start() < start or found.end() > end:
            continue
        pieces += [escape(text[cursor : found.start()]), f"<mark>{escape(found.group())}</mark>"]
        cursor = found.end()
    pieces += [escape(text[cursor:end]), " …" if end < len(text) else ""]
    return "".join(pieces)
