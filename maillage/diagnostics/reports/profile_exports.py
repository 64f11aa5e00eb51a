"""A territorial profile as a file: one table, one row per indicator, the territory, its
département and France side by side, each with the numerator, the denominator and the number of
communes a figure rests on, so that anyone can check and redo the aggregation.

Written and served by the report exports of the actions app (CSV for French spreadsheets, XLSX
safe from formulas); not as PDF: rows of some twenty columns do not fit a page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.actions.reports.exports import Table, Value, export_response
from maillage.diagnostics.profiles import Figure, Profile


def _figure_headers(place: str) -> list[str]:
    return [
        _("%(place)s : valeur") % {"place": place},
        _("%(place)s : numérateur") % {"place": place},
        _("%(place)s : dénominateur") % {"place": place},
        _("%(place)s : communes renseignées") % {"place": place},
        _("%(place)s : communes") % {"place": place},
    ]


def _figure_cells(figure: Figure | None) -> list[Value]:
    if figure is None:
        return ["", "", "", "", ""]
    return [
        figure.value,
        figure.numerator,
        figure.denominator,
        figure.communes_with_value,
        figure.communes,
    ]


def profile_table(profile: Profile) -> Table:
    departement = profile.departement
    headers = [
        _("Code"),
        _("Indicateur"),
        _("Thème"),
        _("Unité"),
        _("Calcul"),
        _("Source"),
        _("Année"),
        _("Données d'exemple"),
        *_figure_headers(profile.territory.name),
        *(_figure_headers(departement.name) if departement else []),
        *_figure_headers(_("France")),
    ]
    rows: list[list[Value]] = []
    for row in profile.rows:
        indicator = row.indicator
        rows.append(
            [
                indicator.code,
                indicator.label,
                str(indicator.get_theme_display()),
                indicator.unit,
                str(indicator.get_aggregation_display()),
                indicator.source,
                indicator.year,
                _("oui") if indicator.is_sample else _("non"),
                *_figure_cells(row.here),
                *(_figure_cells(row.departement) if departement else []),
                *_figure_cells(row.france),
            ]
        )
    return Table(_("Profil de %(name)s") % {"name": profile.territory.name}, headers, rows)


FORMATS = ("csv", "xlsx")


def profile_export(request: HttpRequest, profile: Profile, extension: str) -> HttpResponse:
    """The profile as a download; Http404 in French for a format other than CSV or XLSX."""
    territory = profile.territory
    return export_response(
        request,
        extension,
        [profile_table(profile)],
        filename=slugify(f"profil-{territory.level}-{territory.code}-{territory.name}"),
        context={},
        offered=FORMATS,
    )
