"""PostgreSQL text search. The migration creates the `maillage_french` configuration (the
`french` Snowball stemmer after the `unaccent` dictionary) and a generated `search_vector`
column (title A, summary B, body C) with a GIN index, so the database analyses the text itself
and the index can never disagree with the row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from maillage.practices.search.backends.base import DOCUMENTS, Fragment
from maillage.practices.search.documents import IndexDocument
from maillage.practices.search.query import Clause

QUERY = "to_tsquery('public.maillage_french', %s)"
# ts_rank_cd weights, in the order {D, C, B, A}: body 0.1, summary 0.4, title 1.0.
RANK = "ts_rank_cd('{0.1, 0.1, 0.4, 1.0}', search_vector, query)"
TITLE_WORDS = "to_tsvector('simple', title_words)"


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
        return f"string_agg({column}::text, ',')"

    def matching(self, clauses: Sequence[Clause]) -> Fragment:
        return (
            f"SELECT practice_id AS id FROM {DOCUMENTS} WHERE search_vector @@ {QUERY}",
            [tsquery(clauses)],
        )

    def ranked(
        self, clauses: Sequence[Clause], within: Fragment | None, limit: int, offset: int
    ) -> Fragment:
        sql = f"SELECT practice_id FROM {DOCUMENTS}, {QUERY} AS query WHERE search_vector @@ query"
        params: list[Any] = [tsquery(clauses)]
        if within is not None:
            sql += f" AND practice_id IN ({within[0]})"
            params += within[1]
        order = f"{RANK} DESC, published_at DESC, practice_id DESC"
        return f"{sql} ORDER BY {order} LIMIT %s OFFSET %s", [*params, limit, offset]

    def related(self, words: Sequence[str], exclude: int, limit: int) -> Fragment:
        return (
            f"SELECT practice_id FROM {DOCUMENTS}, to_tsquery('simple', %s) AS query "
            f"WHERE search_vector @@ query AND practice_id <> %s ORDER BY {RANK} DESC LIMIT %s",
            [" | ".join(f"'{word}'" for word in words), exclude, limit],
        )

    def titles(self, words: Sequence[str], last_is_prefix: bool, limit: int) -> Fragment:
        terms = [f"'{word}'" for word in words]
        if last_is_prefix:
            terms[-1] += ":*"
        return (
            f"SELECT title FROM {DOCUMENTS} WHERE {TITLE_WORDS} @@ to_tsquery('simple', %s) "
            f"ORDER BY length(title), practice_id DESC LIMIT %s",
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

    def clear_fulltext(self) -> None:
        """Nothing to do: `search_vector` goes with its row."""

    def write_fulltext(self, documents: Sequence[IndexDocument]) -> None:
        """Nothing to do: `search_vector` is generated from the row."""
