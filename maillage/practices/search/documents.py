"""The index document of a published sheet, built from its published revision's content only,
so that the index shows exactly what the public page shows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from maillage.practices.search.analysis import folded_words, terms
from maillage.practices.search.facets import facet_values, filed_under
from maillage.practices.snapshot import SECTION_FIELDS as BODY_FIELDS
from maillage.practices.snapshot import TERM_LIST_FIELDS as TERM_FIELDS

# Title, summary and body as lists of search terms.
Terms = tuple[list[str], list[str], list[str]]


def terms_of(title: str, summary: str, body: str) -> Terms:
    return terms(title), terms(summary), terms(body)


@dataclass
class IndexDocument:
    practice_id: int
    title: str
    summary: str
    body: str  # the sheet's text, then the words it is filed under, for search and snippets
    published_at: datetime | None
    display: dict[str, list[str]]  # territory names and forms of intervention, for result lists
    facets: list[str]  # the facet values it is filed under, as `facets.filed_under` keys
    # What the backend's `prepare` made of it for its full-text rows, if it was called.
    prepared: Any = None

    @property
    def title_words(self) -> str:
        """The folded title, for suggestions as one types (prefixes of whole words)."""
        return " ".join(folded_words(self.title))

    @cached_property
    def terms(self) -> Terms:
        """Title, summary and body as search terms (the word bitmaps)."""
        return terms_of(self.title, self.summary, self.body)

    @cached_property
    def analysed(self) -> tuple[str, str, str]:
        """`terms` as strings (the full text)."""
        title, summary, body = (" ".join(part) for part in self.terms)
        return title, summary, body

    def __getstate__(self) -> dict[str, Any]:
        # A rebuild's worker sends the documents it prepared without their `terms`: a
        # thousand small strings each, which the writing process would spend longer decoding
        # than the analysed strings they make.
        return {name: value for name, value in self.__dict__.items() if name != "terms"}


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
) -> IndexDocument:
    paragraphs = [content.get(name) or "" for name in BODY_FIELDS]
    body = "\n\n".join([*(text for text in paragraphs if text.strip()), _filed_under(content)])
    return IndexDocument(
        practice_id=practice_id,
        title=content.get("title") or "",
        summary=content.get("summary") or "",
        body=body,
        published_at=published_at,
        display={
            "territories": [t["name"] for t in content.get("territories") or []],
            "isic_forms": [t["label"] for t in content.get("isic_forms") or []],
        },
        facets=filed_under(facet_values(content, ancestors)),
    )
