"""The territorial profile: every indicator of a territory, aggregated from its communes.

Values exist only per commune. A sum indicator of a territory is the sum over its communes; a
ratio is `scale × Σ numerator / Σ denominator` over the communes where both terms are known —
never the mean of the communes' ratios, which would weigh a village like a city. Each figure
says how many communes it rests on (`communes_with_value` out of `communes`).

One aggregate query over `IndicatorValue` per territory (grouped by indicator, answered from the
index (commune, indicator, value)) computes the sums. A ratio whose terms are both known in every
commune is the quotient of their sums; otherwise one more query reads its terms' values in the
communes that lack one, to take them out of the sums. France comes from the totals kept on each
indicator (`national_total`, `national_count`): no scan of every value. `epci_profiles` runs the
same queries grouped by EPCI, for every EPCI at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Count, F, QuerySet, Sum

from maillage.diagnostics.models import Indicator, IndicatorValue
from maillage.territories.models import Level, Territory


@dataclass(frozen=True)
class Figure:
    """An indicator in one territory: for a ratio, its two sums over the communes where both are
    known; for a sum, `numerator` and `denominator` are None."""

    value: float | None
    numerator: float | None
    denominator: float | None
    communes_with_value: int
    communes: int

    @property
    def is_partial(self) -> bool:
        return self.communes_with_value < self.communes


@dataclass(frozen=True)
class ProfileRow:
    indicator: Indicator
    here: Figure
    departement: Figure | None
    france: Figure | None


@dataclass
class Profile:
    territory: Territory
    communes: int
    rows: list[ProfileRow]
    departement: Territory | None


# A group of communes: None for one territory, an EPCI's id in `epci_profiles`.
Key = int | None


def _figures(
    indicators: list[Indicator],
    values: QuerySet[IndicatorValue],
    communes: Mapping[Key, int],
    group: str | None = None,
) -> dict[Key, dict[int, Figure]]:
    """The figures of each group of communes (`communes`: how many each has), from `values`
    (the values of their communes; `group` the lookup of a value's group)."""
    read = {indicator.pk for indicator in indicators if not indicator.is_ratio}
    ratios = [indicator for indicator in indicators if indicator.is_ratio]
    read |= {term for ratio in ratios for term in (ratio.numerator_id, ratio.denominator_id)}
    totals = _totals(values, read, group)
    # A ratio is the quotient of its terms' sums when both are known in every commune of the
    # group; otherwise its terms are summed over the communes where both are known.
    pending: dict[Key, list[Indicator]] = {}
    for key, count in communes.items():
        known = totals.get(key, {})
        for ratio in ratios:
            numerator = known.get(ratio.numerator_id, (0, 0))[1]
            denominator = known.get(ratio.denominator_id, (0, 0))[1]
            if numerator and denominator and (numerator < count or denominator < count):
                pending.setdefault(key, []).append(ratio)
    paired = _paired_sums(values, pending, totals, group) if pending else {}
    figures: dict[Key, dict[int, Figure]] = {}
    for key, count in communes.items():
        known = totals.get(key, {})
        figures[key] = {}
        for indicator in indicators:
            if not indicator.is_ratio:
                total, with_value = known.get(indicator.pk, (0.0, 0))
                figure = Figure(total if with_value else None, None, None, with_value, count)
            elif (indicator.pk, key) in paired:
                figure = _ratio(indicator, *paired[indicator.pk, key], count)
            else:
                numerator, with_value = known.get(indicator.numerator_id, (0.0, 0))
                denominator = known.get(indicator.denominator_id, (0.0, 0))[0]
                figure = _ratio(indicator, numerator, denominator, with_value, count)
            figures[key][indicator.pk] = figure
    return figures


def _totals(
    values: QuerySet[IndicatorValue], read: set[int], group: str | None
) -> dict[Key, dict[int, tuple[float, int]]]:
    """One aggregate query: the sum and the number of values per (group, indicator)."""
    totals: dict[Key, dict[int, tuple[float, int]]] = {}
    if not read:
        return totals
    rows = (
        values.filter(indicator_id__in=sorted(read))
        # Grouped by an expression rather than the column: SQLite would otherwise read the
        # unique (indicator, commune) index for its order, then the table for each value,
        # instead of the covering (commune, indicator, value) index — ten times slower.
        .values(*([group] if group else []), term=F("indicator_id") + 0)
        .annotate(total=Sum("value"), known=Count("*"))
        .order_by()
    )
    for row in rows:
        totals.setdefault(row[group] if group else None, {})[row["term"]] = (
            row["total"],
            row["known"],
        )
    return totals


def _paired_sums(
    values: QuerySet[IndicatorValue],
    pending: Mapping[Key, list[Indicator]],
    totals: Mapping[Key, Mapping[int, tuple[float, int]]],
    group: str | None,
) -> dict[tuple[int, Key], tuple[float, float, int]]:
    """For each pending (ratio, group): Σ numerator, Σ denominator over the communes where both
    are known, and how many they are: the totals, minus the values of the communes where the
    other term is missing. One query reads the terms' values in the communes that lack one of
    them — few: the small communes under statistical secrecy, the same for most indicators."""
    terms = sorted(
        {
            term
            for ratios in pending.values()
            for ratio in ratios
            for term in (ratio.numerator_id, ratio.denominator_id)
        }
    )
    of_terms = values.filter(indicator_id__in=terms)
    lacking = (
        of_terms.values("commune_id")
        .annotate(known=Count("*"))
        .filter(known__lt=len(terms))
        .values("commune_id")
    )
    known: dict[Key, dict[int, dict[int, float]]] = {}
    columns = [group] if group else []
    for *key, commune, term, value in of_terms.filter(commune_id__in=lacking).values_list(
        *columns, "commune_id", "indicator_id", "value"
    ):
        known.setdefault(key[0] if key else None, {}).setdefault(commune, {})[term] = value
    sums: dict[tuple[int, Key], tuple[float, float, int]] = {}
    for key, ratios in pending.items():
        communes = known.get(key, {}).values()
        for ratio in ratios:
            top, bottom = ratio.numerator_id, ratio.denominator_id
            numerator, both = totals[key][top]
            denominator = totals[key][bottom][0]
            for terms_known in communes:
                if top in terms_known and bottom not in terms_known:
                    numerator -= terms_known[top]
                    both -= 1
                elif bottom in terms_known and top not in terms_known:
                    denominator -= terms_known[bottom]
            sums[ratio.pk, key] = (numerator, denominator, both)
    return sums


def _ratio(
    indicator: Indicator, numerator: float, denominator: float, known: int, communes: int
) -> Figure:
    if not known:
        return Figure(None, None, None, 0, communes)
    value = indicator.scale * numerator / denominator if denominator else None
    return Figure(value, numerator, denominator, known, communes)


def national_figure(indicator: Indicator, communes: int = 0) -> Figure:
    """The figure for France, from the national totals kept by the writes (a ratio's are its
    terms summed over the communes where both are known); `communes`: how many France has."""
    known = indicator.national_count
    if not indicator.is_ratio:
        return Figure(indicator.national_total if known else None, None, None, known, communes)
    return _ratio(
        indicator,
        indicator.national_total or 0,
        indicator.national_denominator or 0,
        known,
        communes,
    )


def _indicators(indicators: Iterable[Indicator] | None) -> list[Indicator]:
    if indicators is None:
        return list(Indicator.objects.select_related("numerator", "denominator"))
    return list(indicators)


def _departement_of(territory: Territory) -> Territory | None:
    """The département a territory is compared with: its own for a commune, an arrondissement or
    an EPCI, the one of most of its communes for a custom territory, none above."""
    if territory.level in {Level.REGION, Level.DEPARTEMENT}:
        return None
    if territory.level != Level.CUSTOM:
        return territory.departement
    most = (
        profile_communes(territory)
        .filter(departement__isnull=False)
        .values("departement")
        .annotate(communes=Count("pk"))
        .order_by("-communes", "departement")
        .values("departement")[:1]
    )
    return Territory.objects.filter(pk__in=most).first()


def profile_communes(territory: Territory) -> QuerySet[Territory]:
    """The communes a profile adds up: the territory's communes that still exist (a commune
    merged into another is kept for the data that names it, but counted in the new one)."""
    return Territory.objects.communes_of(territory).filter(is_current=True)


def _commune_values(communes: QuerySet[Territory]) -> QuerySet[IndicatorValue]:
    return IndicatorValue.objects.filter(commune_id__in=communes.values("pk"))


def territory_profile(
    territory: Territory, indicators: Iterable[Indicator] | None = None, *, compare: bool = True
) -> Profile:
    """The profile of any territory. `indicators` None: every indicator known in at least one
    of its communes. `compare` adds the département and France."""
    chosen = _indicators(indicators)
    communes = profile_communes(territory)
    commune_count = communes.count()
    here = _figures(chosen, _commune_values(communes), {None: commune_count})[None]
    if indicators is None:
        chosen = [indicator for indicator in chosen if here[indicator.pk].communes_with_value]
    departement = _departement_of(territory) if compare else None
    in_departement: dict[int, Figure] = {}
    if departement is not None and chosen:
        departement_communes = profile_communes(departement)
        in_departement = _figures(
            chosen,
            _commune_values(departement_communes),
            {None: departement_communes.count()},
        )[None]
    in_france: dict[int, Figure] = {}
    if compare and chosen:
        france_communes = Territory.objects.filter(level=Level.COMMUNE, is_current=True).count()
        in_france = {
            indicator.pk: national_figure(indicator, france_communes) for indicator in chosen
        }
    rows = [
        ProfileRow(
            indicator=indicator,
            here=here[indicator.pk],
            departement=in_departement.get(indicator.pk),
            france=in_france.get(indicator.pk),
        )
        for indicator in chosen
    ]
    return Profile(territory=territory, communes=commune_count, rows=rows, departement=departement)


def commune_values(indicator: Indicator, communes: QuerySet[Territory]) -> dict[int, float]:
    """The indicator in each commune that knows it, by commune id (a ratio computed per
    commune, where both terms are known and the denominator is not zero): for the map."""
    if not indicator.is_ratio:
        return dict(
            _commune_values(communes).filter(indicator=indicator).values_list("commune_id", "value")
        )
    terms: dict[int, dict[int, float]] = {
        indicator.numerator_id: {},
        indicator.denominator_id: {},
    }
    for commune, term, value in (
        _commune_values(communes)
        .filter(indicator_id__in=list(terms))
        .values_list("commune_id", "indicator_id", "value")
    ):
        terms[term][commune] = value
    numerators, denominators = terms[indicator.numerator_id], terms[indicator.denominator_id]
    return {
        commune: indicator.scale * value / denominators[commune]
        for commune, value in numerators.items()
        if denominators.get(commune)
    }


def _known_in_france(indicator: Indicator) -> bool:
    return bool(indicator.national_count)


def epci_profiles(indicators: Iterable[Indicator] | None = None) -> dict[int, dict[int, Figure]]:
    """The figures of every EPCI at once, by EPCI id then indicator id: the same queries as
    one profile, grouped by EPCI too, whatever their number. `indicators` None: every indicator
    with values in France."""
    chosen = _indicators(indicators)
    if indicators is None:
        chosen = [indicator for indicator in chosen if _known_in_france(indicator)]
    counts: dict[Key, int] = dict(
        Territory.objects.filter(level=Level.COMMUNE, is_current=True, epci__isnull=False)
        .values("epci")
        .annotate(communes=Count("pk"))
        .values_list("epci", "communes")
    )
    values = IndicatorValue.objects.filter(
        commune__level=Level.COMMUNE, commune__is_current=True, commune__epci__isnull=False
    )
    figures = _figures(chosen, values, counts, group="commune__epci")
    return {epci: figures[epci] for epci in counts if epci is not None}
