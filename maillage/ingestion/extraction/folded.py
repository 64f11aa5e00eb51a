"""Folded words that remember where they stand in the original line.

The gazetteer and the vocabularies are matched on folded text (`territories.folding`: no
accents, no case, « St » spelled out), but a place is kept only after looking at the original
characters around it: its capital letter, the « à » or « le » before it, the hyphen after it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from maillage.territories.folding import fold, fold_words

_WORD = re.compile(r"[a-z0-9]+")


class _CharFolding(dict[int, str]):
    """One character for one character, so that spans in the folded line are spans in the
    original one: accented letters to their base letter, ligatures to their first letter (names
    are folded the same way, so « Œ » matches « Œ »), anything else to a space."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char.isascii():
            folded = char.lower() if char.isalnum() else " "
        else:
            folded = fold(char)[:1] or " "
        self[code] = folded
        return folded


_FOLDING = _CharFolding()


@dataclass(frozen=True)
class FoldedLine:
    """`text` as « w1 w2 … » between two spaces, for word-bounded Aho-Corasick keys."""

    original: str
    padded: str
    spans: tuple[tuple[int, int], ...]  # each word's (start, end) in `original`
    starts: tuple[int, ...]  # each word's first character in `padded`

    def original_span(self, padded_end: int, key_length: int) -> tuple[int, int]:
        """The original characters under a key « w… » (spaces included) ending at `padded_end`."""
        first = bisect_right(self.starts, padded_end - key_length + 2) - 1
        last = bisect_right(self.starts, padded_end - 1) - 1
        return self.spans[first][0], self.spans[last][1]


@lru_cache(maxsize=16384)  # the places and the vocabularies read the same lines
def fold_line(text: str) -> FoldedLine:
    translated = text.translate(_FOLDING)
    spans = [match.span() for match in _WORD.finditer(translated)]
    # Already folded words stay one word each; `fold_words` only spells out « st » → « saint ».
    words = fold_words(" ".join(translated[start:end] for start, end in spans))
    starts = []
    position = 1
    for word in words:
        starts.append(position)
        position += len(word) + 1
    return FoldedLine(text, " " + " ".join(words) + " ", tuple(spans), tuple(starts))


def fold_key(name: str) -> str:
    """A name as a word-bounded key: « Saint-Denis » → « saint denis » between spaces."""
    return fold_line(name).padded
