"""The index document of a published sheet, built from its published revision's content only,
so that the index shows exactly what the public page shows."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

import numpy as np

from maillage.practices.search.analysis import Lexicon, folded_words, terms
from maillage.practices.search.facets import facet_values, filed_under
from maillage.practices.snapshot import SECTION_FIELDS as BODY_FIELDS
from maillage.practices.snapshot import TERM_LIST_FIELDS as TERM_FIELDS

# Title, summary and body as lists of search terms, and as arrays of their stem numbers.
Terms = tuple[list[str], list[str], list[str]]
Numbers = tuple[np.ndarray, np.ndarray, np.ndarray]

# The columns of `practices_searchdocument`, in the order of `IndexDocument.row`.
COLUMNS = (
    "practice_id",
    "title",
    "title_words",
    "summary",
    "body",
    "published_at",
    "display",
    "facets",
)


def terms_of(title: str, summary: str, body: str) -> Terms:
    return terms(title), terms(summary), terms(body)


@dataclass(frozen=True)
class Grouped:
    """A document's terms sorted by stem, then by place: each term's stem number, its place
    among the document's terms (from 0), and its part (0 title, 1 summary, 2 body)."""

    stems: np.ndarray
    places: np.ndarray
    parts: np.ndarray

    def keys(self) -> np.ndarray:
        """Each (stem, part) the document holds, once, as stem << 2 | part, in order."""
        keys = self.stems << 2 | self.parts
        if not len(keys):
            return keys
        return keys[np.concatenate(([True], keys[1:] != keys[:-1]))]


# A term's place among the terms of its document, in the low bits of its sort key.
_PLACE_BITS = 32
_PLACE = (1 << _PLACE_BITS) - 1


def grouped(numbers: Numbers) -> Grouped:
    """Title, summary and body grouped by stem: one sort gives the PostgreSQL vector its
    lexemes and the word bitmaps their keys."""
    title, summary, _ = numbers
    keys = np.concatenate(numbers) << _PLACE_BITS
    keys |= np.arange(len(keys))
    keys.sort()
    places = keys & _PLACE
    parts = np.searchsorted(np.array([len(title), len(title) + len(summary)]), places, "right")
    return Grouped(keys >> _PLACE_BITS, places, parts)


@dataclass
class IndexDocument:
    practice_id: int
    title: str
    summary: str
    body: str  # the sheet's text, then the words it is filed under, for search and snippets
    published_at: datetime | None
    display: dict[str, list[str]]  # territory names and forms of intervention, for result lists
    facets: list[str]  # the facet values it is filed under, as `facets.filed_under` keys
    lexicon: Lexicon  # whose stems `numbers` are numbers of
    numbers: Numbers  # title, summary and body as stem numbers (the terms of `terms_of`)

    @property
    def title_words(self) -> str:
        """The folded title, for suggestions as one types (prefixes of whole words)."""
        return " ".join(folded_words(self.title))

    @property
    def terms(self) -> Terms:
        stems = self.lexicon.stems
        title, summary, body = (
            list(map(stems.__getitem__, part.tolist())) for part in self.numbers
        )
        return title, summary, body

    @property
    def analysed(self) -> tuple[str, str, str]:
        """`terms` as strings (SQLite's full text)."""
        title, summary, body = (" ".join(part) for part in self.terms)
        return title, summary, body

    @cached_property
    def grouped(self) -> Grouped:
        return grouped(self.numbers)

    def row(self) -> tuple[Any, ...]:
        """Its row of `practices_searchdocument` (`COLUMNS`), the date as it is."""
        return (
            self.practice_id,
            self.title,
            self.title_words,
            self.summary,
            self.body,
            self.published_at,
            json.dumps(self.display, ensure_ascii=False),
            json.dumps(self.facets, ensure_ascii=False),
        )


def _filed_under(content: Mapping[str, Any]) -> str:
    """Labels, territory and organisation names: a sheet is found by the words it is filed
    under (« Lille », « ATD Quart Monde », « parentalité ») even when its text omits them."""
    words = [term["label"] for name in TERM_FIELDS for term in content.get(name) or []]
    words += [
        content[name]["label"] for name in ("participation_level", "scale") if content.get(name)
    ]
    words += [territory["name"] for territory in content.get("territories") or []]
    words += [organisation["name"] for organisation in content.get("organisations") or []]
    return " · ".join(words)


def build_document(
    practice_id: int,
    content: Mapping[str, Any],
    published_at: datetime | None,
    ancestors: Mapping[str, list[str]],
    lexicon: Lexicon,
) -> IndexDocument:
    """The document of a sheet's published content, its text analysed into `lexicon`."""
    paragraphs = [content.get(name) or "" for name in BODY_FIELDS]
    body = "\n\n".join([*(text for text in paragraphs if text.strip()), _filed_under(content)])
    title, summary = content.get("title") or "", content.get("summary") or ""
    return IndexDocument(
        practice_id=practice_id,
        title=title,
        summary=summary,
        body=body,
        published_at=published_at,
        display={
            "territories": [t["name"] for t in content.get("territories") or []],
            "isic_forms": [t["label"] for t in content.get("isic_forms") or []],
        },
        facets=filed_under(facet_values(content, ancestors)),
        lexicon=lexicon,
        numbers=(lexicon.numbers(title), lexicon.numbers(summary), lexicon.numbers(body)),
    )
