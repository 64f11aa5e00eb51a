"""SQLite FTS5. FTS5 has no French stemmer, so the table holds text analysed in Python
(`analysis.analysed`: folded, stop words dropped, stemmed); queries are analysed the same way.
Rows are keyed by rowid = practice id; ranking is bm25 with title > summary > body."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from maillage.practices.search.backends.base import DOCUMENTS, Fragment, placeholders
from maillage.practices.search.documents import IndexDocument
from maillage.practices.search.query import Clause

FTS = "practices_search_fts"
# bm25 weights of the columns title, summary, body, title_words (the last one is for suggestions).
BM25 = f"bm25({FTS}, 10.0, 4.0, 1.0, 0.0)"
# Bytes of new terms FTS5 keeps in memory in a transaction before writing them out as a
# segment (1 MB by default). A full rebuild at 1 MB writes hundreds of small segments and spends
# half its FTS5 time merging them; 64 MB halves that time. Writes of a sheet or two never come
# near it, so keeping the setting with the table costs them nothing.
HASHSIZE = 64 * 1024 * 1024


def _quoted(term: str) -> str:
    # Analysed terms are [a-z0-9] only; quoting keeps FTS5 from reading AND/OR/NOT as operators.
    return f'"{term}"'


def expression(clauses: Sequence[Clause], columns: str = "title summary body") -> str:
    parts = []
    for clause in clauses:
        stems = clause.stems
        if not stems:
            continue
        if clause.phrase:
            parts.append(_quoted(" ".join(stems)))
        else:
            parts.append(_quoted(stems[0]) + ("*" if clause.prefix else ""))
    return "{" + columns + "} : (" + " AND ".join(parts) + ")"


class SqliteBackend:
    def id_list(self, column: str) -> str:
        # %% because it goes into queries run with parameters, which %-format.
        return f"group_concat(printf('%%08x', {column}), '')"

    def matching_ids(self, clauses: Sequence[Clause]) -> Fragment:
        sql, params = self.matching(clauses)
        return f"SELECT {self.id_list('id')} FROM ({sql}) AS found", params

    def matching(self, clauses: Sequence[Clause], *, head: bool = False) -> Fragment:
        match = expression(clauses, "title summary") if head else expression(clauses)
        return f"SELECT rowid AS id FROM {FTS} WHERE {FTS} MATCH %s", [match]

    def ranked(
        self,
        clauses: Sequence[Clause],
        within: Fragment | None,
        limit: int,
        offset: int,
        *,
        head: bool | None,
    ) -> Fragment:
        head_match = expression(clauses, "title summary")
        sql = f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s"
        params: list[Any] = [head_match if head else expression(clauses)]
        if head is False:
            sql += f" AND +rowid NOT IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)"
            params.append(head_match)
        if within is not None:
            # Unary plus: filter the matches, rather than let FTS5 run the match once per id.
            sql += f" AND +rowid IN ({within[0]})"
            params += within[1]
        return f"{sql} ORDER BY {BM25}, rowid DESC LIMIT %s OFFSET %s", [*params, limit, offset]

    def related(self, words: Sequence[str], exclude: int, limit: int) -> Fragment:
        match = "{title summary} : (" + " OR ".join(_quoted(w) for w in words) + ")"
        return (
            f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s AND rowid <> %s "
            f"ORDER BY {BM25} LIMIT %s",
            [match, exclude, limit],
        )

    def titles(self, words: Sequence[str], last_is_prefix: bool, limit: int) -> Fragment:
        terms = [_quoted(word) for word in words]
        if last_is_prefix:
            terms[-1] += "*"
        # Newest first: FTS5 walks its rowids backwards and stops at the limit.
        return (
            f"SELECT title FROM {DOCUMENTS} WHERE practice_id IN (SELECT rowid FROM {FTS} "
            f"WHERE {FTS} MATCH %s ORDER BY rowid DESC LIMIT %s) ORDER BY practice_id DESC",
            ["{title_words} : (" + " AND ".join(terms) + ")", limit],
        )

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        marks = placeholders(len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def clear_fulltext(self) -> None:
        # `DELETE FROM` an FTS5 table goes row by row, tokenizing each row again to take its
        # terms out of the index: 11 s at 100 000 sheets, a sixth of a full rebuild. Dropping
        # the table and creating it again from its own definition (as SQLite recorded it) only
        # frees its pages (3 s), and rolls back with the rebuild's transaction. Done before the
        # documents are deleted, so the per-row trigger then finds nothing to delete.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS]
            )
            (definition,) = cursor.fetchone()
            cursor.execute(f"DROP TABLE {FTS}")
            cursor.execute(definition)
            cursor.execute(f"INSERT INTO {FTS}({FTS}, rank) VALUES ('hashsize', %s)", [HASHSIZE])

    def delete_fulltext(self, practice_ids: Sequence[int]) -> None:
        """Nothing to do: the trigger on the documents deletes their full text."""

    def write_fulltext(self, documents: Sequence[IndexDocument]) -> None:
        rows = [(doc.practice_id, *doc.analysed(), doc.title_words) for doc in documents]
        self.insert_rows(FTS, ("rowid", "title", "summary", "body", "title_words"), rows)
