"""PostgreSQL text search. The migrations create the `maillage_french` configuration (the
`french` Snowball stemmer after the `unaccent` dictionary) and the narrow table
`practices_searchvector` (see `SearchVector`): `search_vector` (title A, summary B, body C) and
`head_vector` (title and summary), each with a GIN index. The database analyses the text
itself, from the document row, in the statement that writes the document's vectors.
`search_vector` (stored out of line) matches quoted phrases; `head_vector` (in the row,
migration 0004) finds and ranks similar sheets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from maillage.practices.search.backends.base import (
    DOCUMENTS,
    FACETS,
    SEARCH_INDEXES,
    Fragment,
    placeholders,
)
from maillage.practices.search.documents import IndexDocument
from maillage.practices.search.query import Clause

VECTORS = "practices_searchvector"
QUERY = "to_tsquery('public.maillage_french', %s)"
TITLE_WORDS = "to_tsvector('simple', title_words)"
# GIN indexes (migrations 0002, 0003): built from sorted entries, rather than row by row.
GIN_INDEXES = ("search_vector_all", "search_vector_head", "search_document_title_words")


def _vector(weight: str, column: str) -> str:
    return f"setweight(to_tsvector('public.maillage_french', {column}), '{weight}')"


def rank(vector: str) -> str:
    # ts_rank_cd weights, in the order {D, C, B, A}: body 0.1, summary 0.4, title 1.0.
    return f"ts_rank_cd('{{0.1, 0.1, 0.4, 1.0}}', {vector}, query)"


def tsquery(clauses: Sequence[Clause]) -> str:
    # Folded words are [a-z0-9] only, so quoting them is enough; the configuration stems them
    # and turns stop words inside phrases into gaps.
    parts = []
    for clause in clauses:
        if clause.phrase:
            parts.append("(" + " <-> ".join(f"'{word}'" for word in clause.words) + ")")
        else:
            parts.append(f"'{clause.words[0]}'" + (":*" if clause.prefix else ""))
    return " & ".join(parts)


class PostgresqlBackend:
    def id_list(self, column: str) -> str:
        # As `practices_search_ids` (migration 0005).
        return f"string_agg({column}::text, ',')"

    def matching_ids(self, clauses: Sequence[Clause]) -> Fragment:
        # The function plans its query without sequential scans (migration 0003 says why).
        return f"SELECT practices_search_ids({QUERY})", [tsquery(clauses)]

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
            cursor.execute(f"TRUNCATE {VECTORS}, {FACETS}, {DOCUMENTS}")

    def delete_fulltext(self, practice_ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {VECTORS} WHERE document_id IN ({placeholders(len(practice_ids))})",
                practice_ids,
            )

    def write_fulltext(self, documents: Sequence[IndexDocument]) -> None:
        ids = [doc.practice_id for doc in documents]
        whole = f"{_vector('A', 'title')} || {_vector('B', 'summary')}"
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {VECTORS} (document_id, search_vector, head_vector) "
                f"SELECT practice_id, head || {_vector('C', 'body')}, head "
                f"FROM {DOCUMENTS}, LATERAL (SELECT {whole} AS head) AS h "
                f"WHERE practice_id = ANY(%s)",
                [ids],
            )
