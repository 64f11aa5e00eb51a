"""Reports as files: every report becomes a list of tables, written as CSV (one file, the tables
one after the other), XLSX (one sheet per table) or a printable PDF.

CSV for French spreadsheets: UTF-8 with a byte order mark and « ; » between fields, because the
French Excel reads « , » as the decimal separator. Figures only, never names of participants.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook

from maillage.actions.reports.activity import ActivityReport, Figure, FunderReport
from maillage.actions.reports.dashboard import Dashboard
from maillage.actions.reports.time import TimeTotal
from maillage.practices.exports.formats import BYTE_ORDER_MARK, LineBuffer, xlsx_cell

Value = str | int | float | Decimal | None
# WeasyPrint reports each layout step at INFO level, which would fill the server's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
# Excel refuses longer sheet names.
SHEET_NAME_LIMIT = 31


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list[Value]]


def hours(minutes: int) -> float:
    return round(minutes / 60, 1)


def _figures(title: str, column: str, figures: Iterable[Figure], unit: str) -> Table:
    return Table(title, [column, unit], [[figure.label, figure.value] for figure in figures])


def _times(title: str, column: str, totals: Iterable[TimeTotal]) -> Table:
    return Table(
        title, [column, _("Heures")], [[total.label, hours(total.minutes)] for total in totals]
    )


def action_tables(report: ActivityReport) -> list[Table]:
    sessions = report.sessions
    return [
        Table(
            _("Synthèse"),
            [_("Indicateur"), _("Valeur")],
            [
                [_("Actions"), report.actions],
                [_("Participants (personnes distinctes)"), report.participants],
                [_("Nouveaux participants sur la période"), report.new_participants],
                [_("Séances prévues"), sessions.planned],
                [_("Séances tenues"), sessions.held],
                [_("Séances annulées"), sessions.cancelled],
                [_("Présences notées nominativement"), sessions.presences],
                [_("Présents comptés sans les noms"), sessions.headcount],
                [_("Présences aux séances tenues (sans double compte)"), sessions.attendance],
                [_("Moyenne de présents par séance tenue"), sessions.average_attendance],
                [_("Temps consacré (heures)"), hours(report.time_minutes)],
            ],
        ),
        _figures(
            _("Participants par tranche d'âge"),
            _("Tranche d'âge"),
            report.by_age_band,
            _("Participants"),
        ),
        _figures(_("Participants par commune"), _("Commune"), report.by_commune, _("Participants")),
        _times(_("Temps par activité"), _("Activité"), report.time_by_activity),
        Table(
            _("Partenaires"),
            [_("Organisation"), _("Actions")],
            [[partner.name, partner.actions] for partner in report.partners],
        ),
        Table(
            _("Financeurs"),
            [_("Organisation"), _("Actions"), _("Montant (€)")],
            [[funder.name, funder.actions, funder.amount] for funder in report.funders],
        ),
    ]


def funder_tables(report: FunderReport) -> list[Table]:
    headers = [
        _("Action"),
        _("Montant (€)"),
        _("Début du soutien"),
        _("Fin du soutien"),
        _("Participants éligibles"),
        _("Tous les participants"),
        _("Séances tenues"),
        _("Présences notées"),
        _("Présents sans les noms"),
        _("Présences (sans double compte)"),
        _("Temps (heures)"),
    ]
    rows: list[list[Value]] = [
        [
            line.title,
            line.amount,
            line.support_start.isoformat() if line.support_start else "",
            line.support_end.isoformat() if line.support_end else "",
            line.eligible_participants,
            line.participants,
            line.sessions_held,
            line.presences,
            line.headcount,
            line.attendance,
            hours(line.time_minutes),
        ]
        for line in report.lines
    ]
    rows.append(
        [
            _("Total (une personne présente dans plusieurs actions compte une fois)"),
            report.amount,
            "",
            "",
            report.eligible_participants,
            report.participants,
            report.sessions_held,
            report.presences,
            report.headcount,
            report.attendance,
            hours(report.time_minutes),
        ]
    )
    return [Table(_("Bilan du financeur"), headers, rows)]


def dashboard_tables(board: Dashboard) -> list[Table]:
    actions = _("Actions")
    return [
        Table(
            _("Synthèse"),
            [_("Indicateur"), _("Valeur")],
            [
                [_("Actions"), board.actions],
                [_("Participants touchés (personnes distinctes)"), board.participants],
                [_("Séances tenues"), board.sessions_held],
                [_("Temps consacré (heures)"), hours(board.time_minutes)],
            ],
        ),
        _figures(_("Actions par forme"), _("Forme d'intervention"), board.by_form, actions),
        _figures(_("Actions par territoire"), board.territory_level, board.by_territory, actions),
        _figures(_("Actions par phase"), _("Phase"), board.by_phase, actions),
        _figures(_("Actions par statut"), _("Statut"), board.by_status, actions),
        _times(_("Temps par mois"), _("Mois"), board.time_by_month),
        _times(_("Temps par organisation"), _("Organisation"), board.time_by_organisation),
    ]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: Value) -> Value:
    # A French spreadsheet reads « 12.5 » as text (or a date): decimals take a comma.
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    # Texts come from users (a title, an indicator's label): a spreadsheet would run one that
    # starts like a formula. The apostrophe makes it plain text.
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(tables: Iterable[Table]) -> str:
    writer = csv.writer(LineBuffer(), delimiter=";")
    lines = [BYTE_ORDER_MARK]
    for table in tables:
        lines.append(writer.writerow([_csv_value(table.title)]))
        lines.append(writer.writerow([_csv_value(header) for header in table.headers]))
        lines.extend(writer.writerow([_csv_value(value) for value in row]) for row in table.rows)
        lines.append(writer.writerow([]))
    return "".join(lines)


def _cell_value(value: Value) -> str | int | float | None:
    # openpyxl writes Decimal as text in some versions; amounts are numbers in a spreadsheet.
    return float(value) if isinstance(value, Decimal) else value


def xlsx_bytes(tables: Iterable[Table]) -> bytes:
    workbook = Workbook(write_only=True)
    for table in tables:
        sheet = workbook.create_sheet(table.title[:SHEET_NAME_LIMIT])
        sheet.append([xlsx_cell(sheet, header) for header in table.headers])
        for row in table.rows:
            sheet.append([xlsx_cell(sheet, _cell_value(value)) for value in row])
    target = io.BytesIO()
    workbook.save(target)
    return target.getvalue()


def pdf_bytes(request: HttpRequest, context: dict[str, Any]) -> bytes:
    # Imported on the first PDF only, as for practice sheets: loading WeasyPrint takes a second.
    from weasyprint import HTML

    return HTML(
        string=render_to_string("actions/report_pdf.html", context, request=request)
    ).write_pdf()


@dataclass(frozen=True)
class _Format:
    extension: str
    content_type: str
    build: Callable[[HttpRequest, list[Table], dict[str, Any]], bytes | str]


FORMATS = {
    chosen.extension: chosen
    for chosen in (
        _Format(
            "csv", "text/csv; charset=utf-8", lambda request, tables, context: csv_text(tables)
        ),
        _Format(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            lambda request, tables, context: xlsx_bytes(tables),
        ),
        _Format(
            "pdf",
            "application/pdf",
            lambda request, tables, context: pdf_bytes(request, {**context, "tables": tables}),
        ),
    )
}


def export_response(
    request: HttpRequest,
    extension: str,
    tables: list[Table],
    *,
    filename: str,
    context: dict[str, Any],
    offered: Collection[str] = tuple(FORMATS),
) -> HttpResponse:
    """The report as a download; `context` feeds the PDF's template (title, period, intro).
    `offered`: the extensions this report is downloaded in (some are too wide for a PDF page);
    Http404 in French for any other."""
    if extension not in offered or extension not in FORMATS:
        raise Http404(
            _("Format d'export inconnu : « %(format)s ». Formats possibles : %(formats)s.")
            % {"format": extension, "formats": ", ".join(offered)}
        )
    chosen = FORMATS[extension]
    response = HttpResponse(
        chosen.build(request, tables, context), content_type=chosen.content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response
