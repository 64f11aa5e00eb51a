"""PostgreSQL text search: the narrow table `practices_searchvector` (see `SearchVector`) holds
`search_vector` (title A, summary B, body C) and `head_vector` (title and summary), each with a
GIN index. `search_vector` (stored out of line) matches quoted phrases; `head_vector` (in the
row, migration 0004) finds and ranks similar sheets.

The vectors are written as `tsvector` literals built from the terms of `analysis.py` (accents
folded, French stop words dropped, Snowball French stemmer: what the `french` configuration
with `unaccent` does), not by `to_tsvector` in the database. Its parser took 0.9 ms of a core
per sheet, most of a full rebuild; a literal takes a sixth of that to read, and is built in the
rebuild's worker processes. Both databases then index exactly the same terms, and the queries
(`tsquery` literals of the same terms) match what the word bitmaps match."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import Any

from django.db import connection

from maillage.practices.search.backends.base import (
    DOCUMENTS,
    SEARCH_INDEXES,
    Fragment,
    placeholders,
)
from maillage.practices.search.documents import IndexDocument, Terms
from maillage.practices.search.query import Clause

VECTORS = "practices_searchvector"
TITLE_WORDS = "to_tsvector('simple', title_words)"
# GIN indexes (migrations 0002, 0003): built from sorted entries, rather than row by row.
GIN_INDEXES = ("search_vector_all", "search_vector_head", "search_document_title_words")


# PostgreSQL stores positions past this one as this one.
LAST_POSITION = 16383


def _separators(weight: str) -> list[str]:
    """What follows the term at each position, up to the next term: « ':12A ' »."""
    return [f"':{min(position, LAST_POSITION)}{weight} '" for position in range(LAST_POSITION + 2)]


_SEPARATORS = {weight: _separators(weight) for weight in "ABC"}


def _literal(terms: Sequence[str], weight: str, start: int) -> str:
    """The terms at their positions from `start` on, one entry per occurrence (the database
    gathers the positions of a term): joined in C, where a Python loop gathering them took a
    third of a rebuild's preparation."""
    if not terms:
        return ""
    separators = _SEPARATORS[weight][start : start + len(terms)]
    if len(separators) < len(terms):  # beyond the last position: all at the last one
        separators += [_SEPARATORS[weight][LAST_POSITION]] * (len(terms) - len(separators))
    return "'" + "".join(chain.from_iterable(zip(terms, separators, strict=True)))[:-2]


def vectors(terms: Terms) -> tuple[str, str]:
    """`search_vector` and `head_vector` of a document's terms, as `tsvector` literals: each
    term at its positions, weighted title A, summary B, body C. A gap between the parts keeps a
    phrase from running from the end of one into the next."""
    title, summary, body = terms
    head = f"{_literal(title, 'A', 1)} {_literal(summary, 'B', len(title) + 2)}"
    whole = f"{head} {_literal(body, 'C', len(title) + len(summary) + 3)}"
    return whole, head


def rank(vector: str) -> str:
    # ts_rank_cd weights, in the order {D, C, B, A}: body 0.1, summary 0.4, title 1.0.
    return f"ts_rank_cd('{{0.1, 0.1, 0.4, 1.0}}', {vector}, query)"


def tsquery(clauses: Sequence[Clause]) -> str:
    """The `tsquery` literal of the clauses: their terms, a phrase's in a row."""
    parts = []
    for clause in clauses:
        if clause.phrase:
            parts.append("(" + " <-> ".join(f"'{term}'" for term in clause.stems) + ")")
        else:
            parts.append(f"'{clause.stems[0]}'" + (":*" if clause.prefix else ""))
    return " & ".join(parts)


class PostgresqlBackend:
    def matching_ids(self, clauses: Sequence[Clause]) -> Fragment:
        # The function plans its query without sequential scans (migration 0003 says why).
        return "SELECT practices_search_ids(%s::tsquery)", [tsquery(clauses)]

    def related(self, words: Sequence[str], exclude: int, limit: int) -> Fragment:
        return (
            f"SELECT document_id FROM {VECTORS}, to_tsquery('simple', %s) AS query "
            f"WHERE head_vector @@ query AND document_id <> %s "
            f"ORDER BY {rank('head_vector')} DESC LIMIT %s",
            [" | ".join(f"'{word}'" for word in words), exclude, limit],
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

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

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
        # and foreign key checks, and no dead rows left for the index scans to step over. Like
        # CREATE INDEX, it needs the checks pending on the tables done first.
        self.settle()
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {VECTORS}, {DOCUMENTS}")

    def delete_fulltext(self, practice_ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {VECTORS} WHERE document_id IN ({placeholders(len(practice_ids))})",
                practice_ids,
            )

    def prepare(self, document: IndexDocument) -> None:
        document.prepared = vectors(document.terms)

    def write_fulltext(self, documents: Sequence[IndexDocument]) -> None:
        self.insert_rows(
            VECTORS,
            ("document_id", "search_vector", "head_vector"),
            [(doc.practice_id, *(doc.prepared or vectors(doc.terms))) for doc in documents],
        )
