"""Search of the published practice sheets: French full text, facets, suggestions, similar
sheets; SQLite FTS5 or PostgreSQL text search, whichever database is in use.

The index holds published sheets only, built from their published revision, and is written in
the same transaction as the workflow step that publishes or archives (`index_practice`,
`remove_practice`). See docs/search.md."""

from __future__ import annotations

from maillage.practices.search.facets import FACETS
from maillage.practices.search.indexing import index_practice, reindex_all, remove_practice
from maillage.practices.search.query import MAX_QUERY, FacetValue, Hit, SearchQuery, SearchResult
from maillage.practices.search.searching import search_practices
from maillage.practices.search.similar import similar_practices
from maillage.practices.search.suggestions import suggest

__all__ = [
    "FACETS",
    "MAX_QUERY",
    "FacetValue",
    "Hit",
    "SearchQuery",
    "SearchResult",
    "index_practice",
    "reindex_all",
    "remove_practice",
    "search_practices",
    "similar_practices",
    "suggest",
]
