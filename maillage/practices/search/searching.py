"""Answering a search: the matching set (full text AND facet filters), its size, the facet
counts over it, one page of hits in the order asked, and their snippets.

The words go to the backend's full-text index, which gives the matching ids; the size and
every facet count then come from the facet bitmaps (`bitmaps.py`); only the page of hits is
asked again of the database, sorted by relevance or date. At most seven queries, whatever the
number of results or filters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import reduce
from operator import and_, or_

from django.db import connection

from maillage.practices.search import backends, bitmaps
from maillage.practices.search.backends.base import DOCUMENTS, FACETS, Fragment, placeholders
from maillage.practices.search.facets import FACETS as FACET_LABELS
from maillage.practices.search.facets import labels
from maillage.practices.search.hits import hits
from maillage.practices.search.query import Clause, FacetValue, SearchQuery, SearchResult, parse

MAX_PER_PAGE = 100
# Up to this many results, a ranking by relevance takes them all at once (see `_ranked`).
FEW = 1000
# From this share of all documents on, a page by date walks the date index (see `_page_ids`):
# one result in 50 rows read.
DENSE = 0.02


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
    marks = placeholders(len(values))
    return (
        f"SELECT document_id AS id FROM {FACETS} WHERE facet = %s AND value IN ({marks})",
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
    return bitmaps.from_id_list(_rows(backends.current().matching_ids(clauses))[0][0])


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


def _ranked(
    clauses: Sequence[Clause], filtered: Fragment | None, limit: int, offset: int, found: int
) -> list[int]:
    """A page of the matches by relevance. A few hundred results (`found`, their bitmap) are
    ranked all together, named by their ids. More come in two tiers: first the sheets whose
    title and summary hold every word, then the others. Ranking every match of a common word
    (bm25, ts_rank_cd) would read tens of thousands of rows; the first tier is small, and the
    pages most read fall in it. Title and summary weigh most in the rank anyway."""
    backend = backends.current()
    if found.bit_count() <= FEW:
        ids = bitmaps.ids_of(found)
        among = (placeholders(len(ids)), ids)
        return [row[0] for row in _rows(backend.ranked(clauses, among, limit, offset, head=None))]
    ids = [row[0] for row in _rows(backend.ranked(clauses, filtered, limit, offset, head=True))]
    if len(ids) == limit:
        return ids
    if ids or not offset:
        head_size = offset + len(ids)
    else:  # past the first tier: how long was it?
        sql, params = backend.matching(clauses, head=True)
        if filtered is not None:
            sql, params = f"{sql} INTERSECT {filtered[0]}", params + filtered[1]
        head_size = _rows((f"SELECT COUNT(*) FROM ({sql}) AS head", params))[0][0]
    rest = backend.ranked(
        clauses, filtered, limit - len(ids), max(0, offset - head_size), head=False
    )
    return ids + [row[0] for row in _rows(rest)]


def _has(facet: str, values: Sequence[str]) -> Fragment:
    """Condition on a document `d`: filed under one of these values (one index probe)."""
    marks = placeholders(len(values))
    return (
        f"EXISTS (SELECT 1 FROM {FACETS} f WHERE f.document_id = d.practice_id "
        f"AND f.facet = %s AND f.value IN ({marks}))",
        [facet, *values],
    )


def _page_ids(
    query: SearchQuery,
    clauses: Sequence[Clause],
    filters: dict[str, list[str]],
    found: int,
    share: float,
) -> list[int]:
    """One page of ids; `found` is the bitmap of the results, `share` their part of all."""
    per_page = min(max(query.per_page, 1), MAX_PER_PAGE)
    offset = (max(query.page, 1) - 1) * per_page
    filtered = _intersection([_filter(f, v) for f, v in filters.items()])
    if clauses and query.sort != "date":
        return _ranked(clauses, filtered, per_page, offset, found)
    sql, params = f"SELECT d.practice_id FROM {DOCUMENTS} d", []
    if not clauses and share >= DENSE:
        # Many results: walk the date index, newest first, testing each document's filters,
        # and stop at the page: cheaper than gathering every result to sort them.
        conditions = [_has(f, v) for f, v in filters.items()]
        if conditions:
            sql += " WHERE " + " AND ".join(c for c, _ in conditions)
            params = [p for _, ps in conditions for p in ps]
    else:
        parts = [backends.current().matching(clauses)] if clauses else []
        if within := _intersection(parts + ([filtered] if filtered else [])):
            sql += f" WHERE d.practice_id IN ({within[0]})"
            params = within[1]
    sql += " ORDER BY d.published_at DESC, d.practice_id DESC LIMIT %s OFFSET %s"
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
    found = reduce(and_, chosen.values(), matching)
    total = found.bit_count()
    share = total / max(index.everything.bit_count(), 1)
    ids = _page_ids(query, clauses, filters, found, share) if total else []
    return SearchResult(
        total=total,
        hits=hits(ids, clauses),
        facets=_facets(index, matching, chosen, filters),
        query=query,
    )
