"""Answering a search: the matching set (full text AND facet filters), its size, the facet
counts over it, one page of hits in the order asked, and their snippets.

Every step reads an index: the backend's full-text index for the words, `search_facet_lookup`
for the filters, the (document, facet, value) key for the counts, and the published date index
for a search without words. A constant number of queries, whatever the number of results."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import connection

from maillage.practices.search import backends
from maillage.practices.search.backends.base import DOCUMENTS, FACETS, Fragment
from maillage.practices.search.facets import FACETS as FACET_LABELS
from maillage.practices.search.facets import labels
from maillage.practices.search.hits import hits
from maillage.practices.search.query import FacetValue, SearchQuery, SearchResult, parse

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


def _counts(within: Fragment | None, only: str | None = None) -> list[tuple[str, str, int]]:
    sql, params = f"SELECT facet, value, COUNT(*) FROM {FACETS}", []
    conditions = []
    if within is not None:
        conditions.append(f"document_id IN ({within[0]})")
        params += within[1]
    if only is not None:
        conditions.append("facet = %s")
        params.append(only)
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    return _rows((f"{sql} GROUP BY facet, value", params))


def _facets(text: Fragment | None, filters: dict[str, list[str]]) -> dict[str, list[FacetValue]]:
    """Counts over the result set, except that a facet with chosen values is counted without
    its own filter (« disjunctive » counts): one sees how many more each other value would add."""
    everything = [text] if text else []
    rows = _counts(_intersection(everything + [_filter(f, v) for f, v in filters.items()]))
    counts = {(facet, value): n for facet, value, n in rows if facet not in filters}
    for facet in filters:
        others = [_filter(f, v) for f, v in filters.items() if f != facet]
        counts.update(
            ((f, value), n) for f, value, n in _counts(_intersection(everything + others), facet)
        )
    for facet, values in filters.items():
        for value in values:
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
    query: SearchQuery, clauses: list, matching: Fragment | None, filtered: Fragment | None
) -> list[int]:
    per_page = min(max(query.per_page, 1), MAX_PER_PAGE)
    offset = (max(query.page, 1) - 1) * per_page
    if clauses and query.sort != "date":
        fragment = backends.current().ranked(clauses, filtered, per_page, offset)
    else:
        within = _intersection([p for p in (matching, filtered) if p])
        sql, params = f"SELECT practice_id FROM {DOCUMENTS}", []
        if within is not None:
            sql += f" WHERE practice_id IN ({within[0]})"
            params = within[1]
        sql += " ORDER BY published_at DESC, practice_id DESC LIMIT %s OFFSET %s"
        fragment = (sql, [*params, per_page, offset])
    return [row[0] for row in _rows(fragment)]


def search_practices(query: SearchQuery) -> SearchResult:
    clauses = [clause for clause in parse(query.text) if clause.stems]
    filters = clean_filters(query.filters)
    matching = backends.current().matching(clauses) if clauses else None
    filtered = _intersection([_filter(f, v) for f, v in filters.items()])
    everything = _intersection([p for p in (matching, filtered) if p])
    total_sql = (
        f"SELECT COUNT(*) FROM ({everything[0]}) AS found"
        if everything
        else f"SELECT COUNT(*) FROM {DOCUMENTS}"
    )
    total = _rows((total_sql, everything[1] if everything else []))[0][0]
    ids = _page_ids(query, clauses, matching, filtered) if total else []
    return SearchResult(
        total=total,
        hits=hits(ids, clauses),
        facets=_facets(matching, filters),
        query=query,
    )
