"""« Pratiques similaires »: sheets whose title and summary share the key words of a sheet's
title and summary, re-ordered by how many facet values (forms, themes, publics, territory,
period…) they share."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import reduce
from operator import or_

from maillage.practices.search import bitmaps, ranking, words
from maillage.practices.search.analysis import terms
from maillage.practices.search.bitmaps import Bitmaps
from maillage.practices.search.facets import facet_of
from maillage.practices.search.hits import hits
from maillage.practices.search.models import SearchDocument
from maillage.practices.search.query import Hit

CANDIDATES = 30
# Few words, the longest first (the rarer, as a rule): each one read is a list of sheets.
KEY_WORDS = 6


def title_key_words(title: str) -> list[str]:
    """The stems of a title, the longest (the rarer, as a rule) first."""
    return sorted(set(terms(title)), key=lambda word: (-len(word), word))


def _key_words(document: SearchDocument) -> list[str]:
    """The title's words, then the summary's most frequent ones: what the sheet is about."""
    frequent = [word for word, _ in Counter(terms(document.summary)).most_common() if len(word) > 3]
    return list(dict.fromkeys(title_key_words(document.title) + frequent))[:KEY_WORDS]


def sharing(
    stems: Sequence[str], limit: int, exclude: int | None = None, index: Bitmaps | None = None
) -> list[int]:
    """Ids of the sheets whose title or summary hold some of these stems, best first: those
    that hold the rarer ones, in their title rather than their summary (`ranking.py`'s order),
    the latest publication first among equals. `index`: the bitmaps, if already read."""
    if index is None:
        index = bitmaps.current()
    located = words.of_stems(stems)
    heads = reduce(or_, (where.title | where.summary for where in located), 0)
    heads &= index.everything & ~(1 << exclude if exclude is not None else 0)
    return ranking.page(heads, located, index, 0, limit)


def similar_practices(practice_id: int, limit: int = 5) -> list[Hit]:
    document = SearchDocument.objects.filter(pk=practice_id).first()
    if document is None or not (key_words := _key_words(document)):
        return []
    index = bitmaps.current()
    if not (candidates := sharing(key_words, CANDIDATES, exclude=practice_id, index=index)):
        return []
    shared: Counter[int] = Counter()
    among = bitmaps.from_ids(candidates)
    for facet, value in map(facet_of, document.facets):
        shared.update(bitmaps.ids_of(index.values.get(facet, {}).get(value, 0) & among))
    # A stable sort: the text's order stays between sheets that share as many facet values.
    ordered = sorted(candidates, key=lambda pk: -shared[pk])
    return hits(ordered[:limit], [])
