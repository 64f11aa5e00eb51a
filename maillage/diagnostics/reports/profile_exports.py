"""A territorial profile as a file: one table, one row per indicator, the territory, its
département and France side by side, each with the numerator, the denominator and the number of
communes a figure rests on, so that anyone can check and redo the aggregation.

The house writers of the report exports (CSV for French spreadsheets, XLSX safe from formulas)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.actions.reports.exports import Table, Value, csv_text, xlsx_bytes
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


FORMATS: dict[str, tuple[str, Callable[[list[Table]], str | bytes]]] = {
    "csv": ("text/csv; charset=utf-8", csv_text),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx_bytes),
}


def profile_export(profile: Profile, extension: str) -> HttpResponse:
    """The profile as a download; Http404 in French for a format other than CSV or XLSX."""
    if extension not in FORMATS:
        raise Http404(
            _("Format d'export inconnu : « %(format)s ». Formats possibles : %(formats)s.")
            % {"format": extension, "formats": ", ".join(FORMATS)}
        )
    content_type, build = FORMATS[extension]
    response = HttpResponse(build([profile_table(profile)]), content_type=content_type)
    territory = profile.territory
    name = slugify(f"profil-{territory.level}-{territory.code}-{territory.name}")
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response
