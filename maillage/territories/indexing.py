"""The search terms of a territory, and their rank among the matches of a prefix.

A territory gets one term per place a search may start: its folded name, its name from each
meaningful later word (« denis » for Saint-Denis), its code and its postal codes. The rank is an
integer computed once, so that the search sorts with the index alone:

    name start or code < later word,  then  région < département < EPCI < commune < custom
    < arrondissement,  then  the larger population first.

`maillage.territories.search` adds the exact-match criterion on top, at query time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from maillage.territories.folding import fold, fold_words
from maillage.territories.models import Level, SearchTerm, Territory

LEVEL_ORDER = {
    Level.REGION: 0,
    Level.DEPARTEMENT: 1,
    Level.EPCI: 2,
    Level.COMMUNE: 3,
    Level.CUSTOM: 4,
    Level.ARRONDISSEMENT: 5,
}
_POPULATION_SPAN = 10**9  # more than any French territory's population
INSIDE_NAME = 10 * _POPULATION_SPAN
"""Added to the rank of a term that starts inside a name: a rank below it is a name start."""

# Words that never start a term on their own: « de » should not list every « X-de-Y ».
_NOT_A_START = frozenset(
    {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "lez", "s"}
    | {"sous", "sur"}
)
_BATCH = 1000
MAX_TERM_LENGTH = 200


def rank(level: str, population: int | None, *, inside_name: bool) -> int:
    population_order = _POPULATION_SPAN - 1 - min(population or 0, _POPULATION_SPAN - 1)
    return (
        (INSIDE_NAME if inside_name else 0)
        + LEVEL_ORDER[Level(level)] * _POPULATION_SPAN
        + population_order
    )


def terms_for(territory: Territory) -> dict[str, int]:
    """Each term of a territory with its rank (the best one when a term comes twice)."""
    found: dict[str, int] = {}

    def add(term: str, *, inside_name: bool) -> None:
        term = term[:MAX_TERM_LENGTH]
        value = rank(territory.level, territory.population, inside_name=inside_name)
        if term and value < found.get(term, value + 1):
            found[term] = value

    words = fold_words(territory.name)
    for index, word in enumerate(words):
        if index == 0 or word not in _NOT_A_START:
            add(" ".join(words[index:]), inside_name=index > 0)
    # People type département numbers, not région codes, and the two overlap (« 32 » is the Gers
    # and Hauts-de-France); a custom territory's code often repeats its main commune's (INSEE
    # names a bassin de vie after it). Those codes rank with the words inside names.
    add(fold(territory.code), inside_name=territory.level in {Level.REGION, Level.CUSTOM})
    for postal_code in territory.postal_codes or ():
        add(fold(postal_code), inside_name=False)
    return found


def _chunks(items: list[Territory]) -> Iterator[list[Territory]]:
    for start in range(0, len(items), _BATCH):
        yield items[start : start + _BATCH]


def reindex(territories: Iterable[Territory]) -> int:
    """Replace the search terms of saved territories; returns how many terms were written.

    A territory no longer in force gets none, so the picker stops offering it."""
    written = 0
    for chunk in _chunks(list(territories)):
        SearchTerm.objects.filter(territory_id__in=[territory.pk for territory in chunk]).delete()
        terms = [
            SearchTerm(term=term, territory_id=territory.pk, level=territory.level, rank=value)
            for territory in chunk
            if territory.is_current
            for term, value in terms_for(territory).items()
        ]
        SearchTerm.objects.bulk_create(terms, batch_size=_BATCH)
        written += len(terms)
    return written
