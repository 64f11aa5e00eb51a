"""Search never scans all rows: every query of a search with words and filters reads an index."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from maillage.practices.search import SearchQuery, search_practices, suggest
from tests.practices.factories import indexed_practice, term

pytestmark = pytest.mark.django_db


def plan(sql: str, params: object) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        # A handful of rows makes a sequential scan the cheapest: forbid it, and see whether
        # an index could answer.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def full_scans(text: str) -> list[str]:
    lines = text.splitlines()
    if connection.vendor == "sqlite":
        # « SCAN table » without « USING … INDEX » reads every row; FTS5 shows VIRTUAL TABLE.
        return [line for line in lines if "SCAN practices_search" in line and "INDEX" not in line]
    return [line for line in lines if "Seq Scan on practices_search" in line]


@pytest.mark.parametrize(
    "run",
    [
        lambda: search_practices(SearchQuery("jardin", filters={"theme": ["parentalite"]})),
        lambda: search_practices(SearchQuery("jardin partagé", sort="date")),
        lambda: search_practices(SearchQuery(filters={"isic_form": ["travail_social_de_groupe"]})),
        lambda: suggest("jard"),
    ],
    ids=["words and filter", "words by date", "filter only", "suggest"],
)
@pytest.mark.parametrize("reloading", [False, True], ids=["bitmaps loaded", "after a write"])
def test_search_queries_read_indexes(run, reloading):
    for n in range(5):
        indexed_practice(title=f"Jardin partagé {n}", themes=[term("theme", "parentalite")])
    if not reloading:
        run()  # the first search after a write reloads the facet bitmaps
    with CaptureQueriesContext(connection) as captured:
        run()
    searched = [
        q["sql"]
        for q in captured.captured_queries
        if "practices_search" in q["sql"] and "practices_searchindexstate" not in q["sql"]
    ]
    assert searched
    with transaction.atomic():
        for sql in searched:
            # The captured SQL has its parameters inlined already.
            assert full_scans(plan(sql, None)) == [], sql
