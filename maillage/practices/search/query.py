"""What a search asks and what it returns (the public types), and how typed text is read.

Typed text is a list of clauses, all required: single words, and « quoted phrases » whose words
must follow each other. The last word, when the person is still typing it (no space after it),
also matches as a prefix: « parenta » finds « parentalité ».
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from maillage.practices.search.analysis import STOPWORDS, folded_words, stem


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    sort: str = "relevance"  # or "date"
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Hit:
    practice_id: int
    title: str
    summary: str
    snippet: str  # safe HTML: <mark> around matched words, everything else escaped
    published_at: datetime | None
    territories: list[str]
    isic_forms: list[str]


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    query: SearchQuery


@dataclass(frozen=True)
class Clause:
    """Folded words that must all appear, next to each other when `phrase`."""

    words: tuple[str, ...]
    phrase: bool = False
    prefix: bool = False

    @cached_property
    def stems(self) -> tuple[str, ...]:
        # Stop words, and words over `analysis.MAX_WORD` letters, have no stem.
        return tuple(found for word in self.words if (found := stem(word)))


# Characters of typed text read (page and API): more is no search anyone types.
MAX_QUERY = 200
_PHRASE = re.compile(r'["«“]([^"»”]*)["»”]?')
# Prefixes shorter than this would match half the vocabulary.
MIN_PREFIX = 3


def parse(text: str) -> list[Clause]:
    """The clauses of what a person typed; stop words alone make no clause."""
    clauses: list[Clause] = []
    for phrase in _PHRASE.findall(text):
        words = tuple(folded_words(phrase))
        # « "la maison" » is one word to look for: no order of words to check.
        if stems := Clause(words).stems:
            clauses.append(Clause(words, phrase=len(stems) > 1))
    bare = _PHRASE.sub(" ", text)
    words = [word for word in folded_words(bare) if word not in STOPWORDS]
    still_typing = bool(words) and not bare[-1:].isspace() and len(words[-1]) >= MIN_PREFIX
    clauses.extend(
        Clause((word,), prefix=still_typing and index == len(words) - 1)
        for index, word in enumerate(words)
    )
    return clauses


def highlight_stems(clauses: Sequence[Clause]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The stems to highlight, and the prefixes (of stems) to highlight too."""
    exact = frozenset(s for clause in clauses if not clause.prefix for s in clause.stems)
    prefixes = tuple(s for clause in clauses if clause.prefix for s in clause.stems)
    return exact, prefixes
