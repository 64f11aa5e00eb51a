"""Answering a search: the matching set (full text AND facet filters), its size, the facet
counts over it, one page of hits in the order asked, and their snippets.

The words go to the backend's full-text index, which gives the matching ids; the size and
every facet count then come from the facet bitmaps (`bitmaps.py`); only the page of hits is
asked again of the database, sorted by relevance or date. Six queries, whatever the number of
results or filters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import reduce
from operator import and_, or_

from django.db import connection

from maillage.practices.search import backends, bitmaps
from maillage.practices.search.backends.base import DOCUMENTS, FACETS, Fragment
from maillage.practices.search.facets import FACETS as FACET_LABELS
from maillage.practices.search.facets import labels
from maillage.practices.search.hits import hits
from maillage.practices.search.query import Clause, FacetValue, SearchQuery, SearchResult, parse

MAX_PER_PAGE = 100


def clean_filters(filters: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Known facets only, each with its distinct non-empty values, in a stable order."""
    cleaned = {}
    for facet in FACET_LABELS:
        values = filters.get(facet) or []
        if isinstance(values, str):
            values = [values]
        if values := sorted({str(value) for value in values if value}):
            cleaned[facet] = values
    return cleaned


def _filter(facet: str, values: Sequence[str]) -> Fragment:
    placeholders = ", ".join(["%s"] * len(values))
    return (
        f"SELECT document_id AS id FROM {FACETS} WHERE facet = %s AND value IN ({placeholders})",
        [facet, *values],
    )


def _intersection(parts: Sequence[Fragment]) -> Fragment | None:
    """The ids in all parts (AND across facets and words); None means every document."""
    if not parts:
        return None
    return " INTERSECT ".join(sql for sql, _ in parts), [p for _, params in parts for p in params]


def _rows(fragment: Fragment) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(*fragment)
        return cursor.fetchall()


def _matching(clauses: Sequence[Clause], index: bitmaps.Bitmaps) -> int:
    if not clauses:
        return index.everything
    sql, params = backends.current().matching(clauses)
    ids = backends.current().id_list("id")
    return bitmaps.from_id_list(_rows((f"SELECT {ids} FROM ({sql}) AS found", params))[0][0])


def _facets(
    index: bitmaps.Bitmaps, matching: int, chosen: dict[str, int], filters: dict[str, list[str]]
) -> dict[str, list[FacetValue]]:
    """Counts over the results, except that a facet with chosen values is counted without its
    own filter (« disjunctive » counts): one sees what choosing another value would add."""
    counts: dict[tuple[str, str], int] = {}
    for facet in FACET_LABELS:
        within = reduce(and_, (mask for f, mask in chosen.items() if f != facet), matching)
        for value, bitmap in index.values.get(facet, {}).items():
            if count := (bitmap & within).bit_count():
                counts[(facet, value)] = count
        for value in filters.get(facet, ()):
            counts.setdefault((facet, value), 0)
    names = labels(counts)
    facets: dict[str, list[FacetValue]] = {facet: [] for facet in FACET_LABELS}
    for (facet, value), count in counts.items():
        selected = value in filters.get(facet, ())
        facets[facet].append(FacetValue(value, names.get((facet, value), value), count, selected))
    for values in facets.values():
        values.sort(key=lambda v: (-v.count, v.label))
    return facets


def _page_ids(
    query: SearchQuery, clauses: Sequence[Clause], filters: dict[str, list[str]]
) -> list[int]:
    per_page = min(max(query.per_page, 1), MAX_PER_PAGE)
    offset = (max(query.page, 1) - 1) * per_page
    filtered = _intersection([_filter(f, v) for f, v in filters.items()])
    if clauses and query.sort != "date":
        return [
            row[0] for row in _rows(backends.current().ranked(clauses, filtered, per_page, offset))
        ]
    parts = [backends.current().matching(clauses)] if clauses else []
    within = _intersection(parts + ([filtered] if filtered else []))
    sql, params = f"SELECT practice_id FROM {DOCUMENTS}", []
    if within is not None:
        sql += f" WHERE practice_id IN ({within[0]})"
        params = within[1]
    sql += " ORDER BY published_at DESC, practice_id DESC LIMIT %s OFFSET %s"
    return [row[0] for row in _rows((sql, [*params, per_page, offset]))]


def search_practices(query: SearchQuery) -> SearchResult:
    clauses = [clause for clause in parse(query.text) if clause.stems]
    filters = clean_filters(query.filters)
    index = bitmaps.current()
    matching = _matching(clauses, index)
    chosen = {
        facet: reduce(or_, (index.values.get(facet, {}).get(v, 0) for v in values), 0)
        for facet, values in filters.items()
    }
    total = reduce(and_, chosen.values(), matching).bit_count()
    ids = _page_ids(query, clauses, filters) if total else []
    return SearchResult(
        total=total,
        hits=hits(ids, clauses),
        facets=_facets(index, matching, chosen, filters),
        query=query,
    )
