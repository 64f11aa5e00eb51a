"""What a full-text backend provides: phrases matched with their words in order, suggestions,
and the writing of the index's rows. The rest of the search (words, filters, facets, order,
pages, snippets, similar sheets) is the same on every database: bitmaps read from plain tables
(`words.py`, `bitmaps.py`) and `SearchDocument`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from maillage.practices.search.documents import IndexDocument
from maillage.practices.search.query import Clause

DOCUMENTS = "practices_searchdocument"
# Which sheets hold each word, and each facet value: a bitmap per key (`words.py`).
WORDS = "practices_searchword"
FACET = "f"  # the part of a facet value's row, whose key is « facet=value »
# (key, part, encoded bitmap): a row of `SearchWord`.
WordRow = tuple[bytes, str, bytes]
# Indexes that only searches read.
SEARCH_INDEXES = ("search_document_published",)

# (SQL, parameters): a fragment of a query, in Django's %s parameter style.
Fragment = tuple[str, list[Any]]


def placeholders(count: int) -> str:
    """« %s, %s, … »: one parameter per value of an IN list."""
    return ", ".join(["%s"] * count)


class Backend(Protocol):
    def phrase_ids(self, phrases: Sequence[Clause], among: int) -> Fragment:
        """SELECT of one value: the ids of the documents holding every phrase, its words in
        order, as decimals separated by commas (`bitmaps.from_id_list`). Only those of the
        bitmap `among` count: the documents holding every word, which a backend whose index
        keeps no positions checks one by one."""

    def titles(self, words: Sequence[str], last_is_prefix: bool, limit: int) -> Fragment:
        """SELECT of the titles whose folded words are `words` (the last one maybe begun),
        newest first."""

    def index_definitions(self) -> list[tuple[str, str]]:
        """(name, CREATE INDEX statement) of the indexes only searches read, which a full
        rebuild drops and creates again after loading every row: sorting the rows once is
        faster than inserting them one by one into the indexes."""

    def settle(self) -> None:
        """Make the checks deferred to the end of the transaction now (foreign keys of the rows
        just written), before indexes are created on their tables."""

    def clear_index(self) -> None:
        """Empty the whole index (documents, full text, word and facet bitmaps), to write it
        again."""

    def insert_words(self, rows: Sequence[WordRow]) -> None:
        """Write the bitmaps of keys not yet in the table (a full rebuild's)."""

    def encode(self, documents: Sequence[IndexDocument]) -> Any:
        """The rows of new documents and their full text, as `write` inserts them fastest
        (picklable: a rebuild's worker processes encode, the rebuilding one writes)."""

    def write(self, encoded: Any) -> None:
        """Insert documents encoded by `encode` (their words and facet values are the
        caller's: `words.change` for one sheet, `insert_words` for a rebuild)."""

    def delete_fulltext(self, practice_ids: Sequence[int]) -> None:
        """Take documents out of the full-text index, before their rows are deleted."""
