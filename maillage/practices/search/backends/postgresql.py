"""PostgreSQL text search: the narrow table `practices_searchvector` (see `SearchVector`) holds
`search_vector` (title A, summary B, body C), stored out of line, which checks quoted phrases.

The vectors are written in `tsvector`'s binary form (`tsvector.py`), built from the terms of
`analysis.py` (accents folded, French stop words dropped, Snowball French stemmer: what the
`french` configuration with `unaccent` does), not by `to_tsvector` in the database: its parser
took 0.9 ms of a core per sheet, most of a full rebuild. Both databases then index exactly the
same terms, and the queries (`tsquery` literals of the same terms) match what the word bitmaps
match.

A phrase is checked among the sheets that hold all its words (the word bitmaps know them), by
reading their vectors: a GIN index could not do less, as it does not keep positions and reads
the same vectors to check the order of the words, and building it took a sixth of a rebuild."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import connection

from maillage.practices.search.backends import tsvector
from maillage.practices.search.backends.base import (
    DOCUMENTS,
    SEARCH_INDEXES,
    WORDS,
    Fragment,
    WordRow,
    placeholders,
)
from maillage.practices.search.bitmaps import ids_of
from maillage.practices.search.documents import COLUMNS, IndexDocument
from maillage.practices.search.query import Clause

VECTORS = "practices_searchvector"
TITLE_WORDS = "to_tsvector('simple', title_words)"
# GIN index (migration 0002): built from sorted entries, rather than row by row.
GIN_INDEXES = ("search_document_title_words",)


def tsquery(phrases: Sequence[Clause]) -> str:
    """The `tsquery` literal of the phrases: each one's terms in a row."""
    return " & ".join(
        "(" + " <-> ".join(f"'{term}'" for term in phrase.stems) + ")" for phrase in phrases
    )


def _copy_text(value: Any) -> str:
    """A value as a field of COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str):
        # One C scan per sign: a translation table goes through a dict for every character.
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return str(value)


class PostgresqlBackend:
    def phrase_ids(self, phrases: Sequence[Clause], among: int) -> Fragment:
        # The function reads the vectors of `among` only, by their key (migration 0010).
        return (
            "SELECT practices_search_ids(%s::tsquery, %s::bigint[])",
            [tsquery(phrases), "{" + ",".join(map(str, ids_of(among))) + "}"],
        )

    def titles(self, words: Sequence[str], last_is_prefix: bool, limit: int) -> Fragment:
        terms = [f"'{word}'" for word in words]
        if last_is_prefix:
            terms[-1] += ":*"
        return (
            f"SELECT title FROM {DOCUMENTS} WHERE {TITLE_WORDS} @@ to_tsquery('simple', %s) "
            f"ORDER BY practice_id DESC LIMIT %s",
            [" & ".join(terms), limit],
        )

    def index_definitions(self) -> list[tuple[str, str]]:
        names = (*SEARCH_INDEXES, *GIN_INDEXES)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                f"AND indexname IN ({placeholders(len(names))})",
                names,
            )
            return cursor.fetchall()

    def settle(self) -> None:
        # PostgreSQL creates no index on a table with trigger events pending (Django's foreign
        # keys are checked at commit): SET CONSTRAINTS ALL IMMEDIATE, then DEFERRED again.
        connection.check_constraints()

    def clear_index(self) -> None:
        # TRUNCATE gives the tables new, empty files, in the transaction: no row by row deletes
        # and foreign key checks, and no dead rows (12 kB bitmaps among them) left to vacuum or
        # for the index scans to step over. Like CREATE INDEX, it needs the checks pending on
        # the tables done first.
        self.settle()
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {VECTORS}, {DOCUMENTS}, {WORDS}")

    def insert_words(self, rows: Sequence[WordRow]) -> None:
        # In binary: as text, the server would read 300 MB of bitmaps as hexadecimal digits.
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY {WORDS} (stem, part, documents) FROM STDIN (FORMAT BINARY)"
            ) as copy,
        ):
            copy.set_types(["bytea", "text", "bytea"])
            for row in rows:
                copy.write_row(row)

    def delete_fulltext(self, practice_ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {VECTORS} WHERE document_id IN ({placeholders(len(practice_ids))})",
                practice_ids,
            )

    def encode(self, documents: Sequence[IndexDocument]) -> tuple[bytes, bytes]:
        """The documents as COPY reads them: their rows in text, their vectors in binary."""
        rows = "".join("\t".join(map(_copy_text, doc.row())) + "\n" for doc in documents)
        vectors = tsvector.copy_data((doc.practice_id, tsvector.encode(doc)) for doc in documents)
        return rows.encode(), vectors

    def write(self, encoded: tuple[bytes, bytes]) -> None:
        rows, vectors = encoded
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {DOCUMENTS} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                copy.write(rows)
            with cursor.cursor.copy(
                f"COPY {VECTORS} (document_id, search_vector) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.write(vectors)
