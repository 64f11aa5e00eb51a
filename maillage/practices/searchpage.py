"""The search page's query string, both ways: read into a `SearchQuery`, and turned back into
links (remove one filter, change page) so that every state of the page has its own address and
works without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.http import QueryDict

from maillage.practices.search import FACETS, MAX_QUERY, FacetValue, SearchQuery, SearchResult

PER_PAGE = 20
MAX_VALUES_PER_FACET = 30
MAX_PAGE = 500
SORTS = ("relevance", "date")


def parse_query(params: QueryDict) -> SearchQuery:
    filters = {
        key: tuple(dict.fromkeys(v[:50] for v in params.getlist(key) if v))[:MAX_VALUES_PER_FACET]
        for key in FACETS
    }
    try:
        page = min(max(int(params.get("page", "1")), 1), MAX_PAGE)
    except ValueError:
        page = 1
    sort = params.get("tri", "relevance")
    return SearchQuery(
        text=params.get("q", "").strip()[:MAX_QUERY],
        filters={key: values for key, values in filters.items() if values},
        sort=sort if sort in SORTS else "relevance",
        page=page,
        per_page=PER_PAGE,
    )


@dataclass(frozen=True)
class Facet:
    key: str
    label: str
    values: list[FacetValue]

    @property
    def selected_count(self) -> int:
        return sum(1 for value in self.values if value.selected)


@dataclass(frozen=True)
class ActiveFilter:
    facet_label: str
    label: str
    remove_url: str


class SearchPage:
    """What the search template shows for one result."""

    def __init__(self, result: SearchResult, params: QueryDict) -> None:
        self.result = result
        self.query = result.query
        self.params = params

    def _url(self, params: QueryDict) -> str:
        params.pop("page", None)
        encoded = params.urlencode()
        return f"?{encoded}" if encoded else "?"

    @cached_property
    def facets(self) -> list[Facet]:
        return [
            Facet(key, str(label), self.result.facets.get(key, []))
            for key, label in FACETS.items()
            if self.result.facets.get(key)
        ]

    @cached_property
    def active_filters(self) -> list[ActiveFilter]:
        labels = {
            (key, value.value): value.label
            for key, values in self.result.facets.items()
            for value in values
        }
        active = []
        for key, values in self.query.filters.items():
            for value in values:
                params = self.params.copy()
                params.setlist(key, [v for v in params.getlist(key) if v != value])
                active.append(
                    ActiveFilter(
                        facet_label=str(FACETS[key]),
                        label=labels.get((key, value), value),
                        remove_url=self._url(params),
                    )
                )
        return active

    @property
    def clear_url(self) -> str:
        params = QueryDict(mutable=True)
        if self.query.text:
            params["q"] = self.query.text
        return self._url(params)

    @cached_property
    def page(self) -> Page:
        """A page of the pagination include; the hits themselves come from the search."""
        total = min(self.result.total, MAX_PAGE * PER_PAGE)
        return Paginator(range(total), PER_PAGE).get_page(self.query.page)

    def _page_url(self, number: int) -> str:
        params = self.params.copy()
        params.pop("page", None)
        if number > 1:
            params["page"] = str(number)
        encoded = params.urlencode()
        return f"?{encoded}" if encoded else "?"

    @property
    def previous_url(self) -> str:
        return self._page_url(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_url(self) -> str:
        return self._page_url(self.page.next_page_number()) if self.page.has_next() else ""
