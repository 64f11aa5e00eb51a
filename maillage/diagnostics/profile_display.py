"""How the figures of a profile read on a page and in a PDF: French numbers with their unit,
the coverage note (« valeur connue pour 11 communes sur 12 ») and, for a ratio, the bars that
compare it with the département and France."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.diagnostics.models import Indicator
from maillage.diagnostics.profiles import Figure, Profile, ProfileRow
from maillage.web.numbers import french_number


@dataclass(frozen=True)
class Bar:
    """One bar of `actions/_bars.html`."""

    label: str
    value: float
    display: str


@dataclass(frozen=True)
class Cell:
    display: str
    coverage: str  # « valeur connue pour 11 communes sur 12 » when some communes lack it


@dataclass(frozen=True)
class ShownRow:
    row: ProfileRow
    cells: list[Cell]  # here, in the département when there is one, in France
    bars: list[Bar]  # for a ratio only


def _display(indicator: Indicator, value: float | None) -> str:
    if value is None:
        return _("non connue")
    decimals = 1 if indicator.is_ratio or not float(value).is_integer() else 0
    number = french_number(value, decimals)
    return f"{number}\u00a0{indicator.unit}" if indicator.unit else number


def _cell(indicator: Indicator, figure: Figure | None) -> Cell:
    if figure is None:
        return Cell("—", "")
    coverage = ""
    if figure.is_partial and figure.communes_with_value:
        coverage = ngettext(
            "valeur connue pour %(known)s commune sur %(communes)s",
            "valeur connue pour %(known)s communes sur %(communes)s",
            figure.communes_with_value,
        ) % {
            "known": number_format(figure.communes_with_value, force_grouping=True),
            "communes": number_format(figure.communes, force_grouping=True),
        }
    return Cell(_display(indicator, figure.value), coverage)


def shown_row(profile: Profile, row: ProfileRow) -> ShownRow:
    figures = [row.here, *([row.departement] if profile.departement else []), row.france]
    return ShownRow(
        row=row,
        cells=[_cell(row.indicator, figure) for figure in figures],
        bars=_bars(profile, row) if row.indicator.is_ratio else [],
    )


def _bars(profile: Profile, row: ProfileRow) -> list[Bar]:
    """A ratio here, in the département and in France; sums are not compared in bars (a
    commune's households beside France's would say nothing)."""
    places: list[tuple[str, Figure | None]] = [
        (profile.territory.name, row.here),
        (profile.departement.name if profile.departement else "", row.departement),
        (_("France"), row.france),
    ]
    return [
        Bar(label, figure.value, _display(row.indicator, figure.value))
        for label, figure in places
        if figure is not None and figure.value is not None
    ]
