"""The territory picker's search: by name (any word start), code, postal code or département
number, ranked exact match first, then as `maillage.territories.indexing` ranks terms."""

from __future__ import annotations

from collections.abc import Collection

from django.db import connections, router
from django.db.models import Case, F, Min, Q, Value, When

from maillage.territories.folding import fold_query
from maillage.territories.indexing import INSIDE_NAME
from maillage.territories.models import SearchTerm, Territory

_NOT_EXACT = 10 * INSIDE_NAME


def prefix_filter(prefix: str) -> Q:
    """Terms that start with `prefix`, written so that the database reads its index.

    The one place where the databases differ: PostgreSQL runs `LIKE 'prefix%'` on the index built
    with `varchar_pattern_ops`, but SQLite's LIKE is case-insensitive and never uses an ordinary
    index, so there the same set is asked as a range of the (ASCII, binary-ordered) terms.
    """
    if connections[router.db_for_read(SearchTerm)].vendor == "sqlite":
        after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return Q(term__gte=prefix, term__lt=after)
    return Q(term__startswith=prefix)


def search_territories(
    query: str, *, levels: Collection[str] | None = None, limit: int = 10
) -> list[Territory]:
    """The best `limit` territories for what a person typed, best first.

    Two queries: the ranking reads the search term index only; then the territories, with their
    région and département for display."""
    prefix = fold_query(query)
    if not prefix or limit < 1:
        return []
    terms = SearchTerm.objects.filter(prefix_filter(prefix))
    if levels:
        terms = terms.filter(level__in=sorted(levels))
    # An exact match is a whole name, code or postal code, not a later word (« denis »).
    not_exact = Case(
        When(term=prefix, rank__lt=INSIDE_NAME, then=Value(0)), default=Value(_NOT_EXACT)
    )
    best = (
        terms.values("territory_id")
        .annotate(score=Min(F("rank") + not_exact))
        .order_by("score", "territory_id")[:limit]
    )
    ids = [row["territory_id"] for row in best]
    found = Territory.objects.select_related("region", "departement").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def exact_matches(text: str, *, levels: Collection[str] | None = None) -> list[Territory]:
    """The territories whose whole name, code or postal code is `text` (folded), best first."""
    term = fold_query(text)
    if not term:
        return []
    terms = SearchTerm.objects.filter(term=term, rank__lt=INSIDE_NAME)
    if levels:
        terms = terms.filter(level__in=sorted(levels))
    ids = list(terms.order_by("rank", "territory_id").values_list("territory_id", flat=True))
    found = Territory.objects.select_related("region", "departement").in_bulk(ids)
    return [found[pk] for pk in dict.fromkeys(ids) if pk in found]
