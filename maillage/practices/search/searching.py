"""Answering a search: the matching set (words AND facet filters), its size, the facet counts
over it, one page of hits in the order asked, and their snippets.

Everything but the hits comes from bitmaps: the words' (`words.py`, one query), the facets'
and the date order (`bitmaps.py`, kept in memory). A quoted phrase is checked by the backend's
full-text index. The order by relevance is `ranking.py`'s. At most seven queries (two more
when the bitmaps are reloaded), whatever the number of results or filters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import reduce
from operator import and_, or_

from django.db import connection

from maillage.practices.search import backends, bitmaps, ranking, words
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


def _phrases(clauses: Sequence[Clause], among: int) -> int:
    """The sheets `among` (those holding their words) that hold the quoted phrases, their
    words in order."""
    with connection.cursor() as cursor:
        cursor.execute(*backends.current().phrase_ids(clauses, among))
        return bitmaps.from_id_list(cursor.fetchone()[0])


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


def search_practices(query: SearchQuery) -> SearchResult:
    clauses = [clause for clause in parse(query.text) if clause.stems]
    filters = clean_filters(query.filters)
    index = bitmaps.current()
    located = words.found(clauses) if clauses else []
    matching = reduce(and_, (where.anywhere for where in located), index.everything)
    if matching and (phrases := [clause for clause in clauses if clause.phrase]):
        matching &= _phrases(phrases, matching)
    chosen = {
        facet: reduce(or_, (index.values.get(facet, {}).get(v, 0) for v in values), 0)
        for facet, values in filters.items()
    }
    found = reduce(and_, chosen.values(), matching)
    per_page = min(max(query.per_page, 1), MAX_PER_PAGE)
    offset = (max(query.page, 1) - 1) * per_page
    if clauses and query.sort != "date":
        ids = ranking.page(found, located, index, offset, per_page)
    else:
        ids = index.newest(found, offset, per_page)
    return SearchResult(
        total=found.bit_count(),
        hits=hits(ids, clauses),
        facets=_facets(index, matching, chosen, filters),
        query=query,
    )
