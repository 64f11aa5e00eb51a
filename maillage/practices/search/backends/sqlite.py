"""SQLite FTS5. FTS5 has no French stemmer, so the tables hold text analysed in Python
(`IndexDocument.analysed`: folded, stop words dropped, stemmed); queries are analysed the same
way.
Rows are keyed by rowid = practice id.

Two tables: `practices_search_fts` (title, summary, body), the whole text, for phrases, and
`practices_search_head` (the folded title words, migration 0010), for suggestions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from maillage.practices.search.backends.base import (
    DOCUMENTS,
    SEARCH_INDEXES,
    WORDS,
    Fragment,
    WordRow,
    placeholders,
)
from maillage.practices.search.documents import COLUMNS, IndexDocument
from maillage.practices.search.query import Clause

FTS = "practices_search_fts"
HEAD = "practices_search_head"
# Bytes of new terms FTS5 keeps in memory in a transaction before writing them out as a
# segment (1 MB by default). A full rebuild at 1 MB writes hundreds of small segments and spends
# half its FTS5 time merging them; 64 MB halves that time. Writes of a sheet or two never come
# near it, so keeping the setting with the table costs them nothing.
HASHSIZE = 64 * 1024 * 1024
_PUBLISHED_AT = COLUMNS.index("published_at")  # a date, written as Django writes it


def _quoted(term: str) -> str:
    # Analysed terms are [a-z0-9] only; quoting keeps FTS5 from reading AND/OR/NOT as operators.
    return f'"{term}"'


def expression(phrases: Sequence[Clause]) -> str:
    """The FTS5 query of the phrases: each one's terms in a row."""
    return " AND ".join(_quoted(" ".join(phrase.stems)) for phrase in phrases)


class SqliteBackend:
    def phrase_ids(self, phrases: Sequence[Clause], among: int) -> Fragment:
        # FTS5 keeps positions in its index: the phrase is found there, `among` or not.
        # Decimal, as SQLite writes integers anyway: formatting each id (printf) took half the
        # time of listing the matches of a common word.
        return (
            f"SELECT group_concat(rowid, ',') FROM {FTS} WHERE {FTS} MATCH %s",
            [expression(phrases)],
        )

    def titles(self, words: Sequence[str], last_is_prefix: bool, limit: int) -> Fragment:
        terms = [_quoted(word) for word in words]
        if last_is_prefix:
            terms[-1] += "*"
        # Newest first: FTS5 walks its rowids backwards and stops at the limit.
        return (
            f"SELECT title FROM {DOCUMENTS} WHERE practice_id IN (SELECT rowid FROM {HEAD} "
            f"WHERE {HEAD} MATCH %s ORDER BY rowid DESC LIMIT %s) ORDER BY practice_id DESC",
            [" AND ".join(terms), limit],
        )

    def index_definitions(self) -> list[tuple[str, str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                f"AND name IN ({placeholders(len(SEARCH_INDEXES))})",
                SEARCH_INDEXES,
            )
            return cursor.fetchall()

    def settle(self) -> None:
        """Nothing to do: SQLite creates indexes whatever checks are pending."""

    def clear_index(self) -> None:
        # `DELETE FROM` an FTS5 table goes row by row, tokenizing each row again to take its
        # terms out of the index: 11 s at 100 000 sheets, a sixth of a full rebuild. Dropping
        # the tables and creating them again from their own definitions (as SQLite recorded
        # them) only frees their pages (3 s), and rolls back with the rebuild's transaction.
        with connection.cursor() as cursor:
            for table in (FTS, HEAD):
                cursor.execute(
                    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table]
                )
                (definition,) = cursor.fetchone()
                cursor.execute(f"DROP TABLE {table}")
                cursor.execute(definition)
                cursor.execute(
                    f"INSERT INTO {table}({table}, rank) VALUES ('hashsize', %s)", [HASHSIZE]
                )
            # The per-row trigger (migration 0004) would run three statements for each of the
            # documents, over tables just emptied: taken off while they go (a third of the
            # time), put back as SQLite recorded it, in the same transaction.
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [DOCUMENTS],
            )
            triggers = cursor.fetchall()
            for name, _ in triggers:
                cursor.execute(f"DROP TRIGGER {name}")
            cursor.execute(f"DELETE FROM {DOCUMENTS}")
            for _, definition in triggers:
                cursor.execute(definition)
            cursor.execute(f"DELETE FROM {WORDS}")

    def insert_words(self, rows: Sequence[WordRow]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {WORDS} (stem, part, documents) VALUES (%s, %s, %s)", rows
            )

    def delete_fulltext(self, practice_ids: Sequence[int]) -> None:
        """Nothing to do: the trigger on the documents deletes their full text."""

    def encode(self, documents: Sequence[IndexDocument]) -> list[tuple[str, list[Any]]]:
        """(table and columns, rows) to insert."""
        datetime_value = connection.ops.adapt_datetimefield_value
        rows, whole, head = [], [], []
        for doc in documents:
            row = list(doc.row())
            row[_PUBLISHED_AT] = datetime_value(row[_PUBLISHED_AT])
            rows.append(row)
            whole.append((doc.practice_id, *doc.analysed))
            head.append((doc.practice_id, doc.title_words))
        return [
            (f"{DOCUMENTS} ({', '.join(COLUMNS)})", rows),
            (f"{FTS} (rowid, title, summary, body)", whole),
            (f"{HEAD} (rowid, title_words)", head),
        ]

    def write(self, encoded: list[tuple[str, list[Any]]]) -> None:
        with connection.cursor() as cursor:
            for table, rows in encoded:
                if rows:
                    marks = placeholders(len(rows[0]))
                    cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
