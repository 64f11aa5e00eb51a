"""Writers of the open data files: CSV and JSON as streams of text chunks, XLSX into a file.

CSV: UTF-8 with a byte order mark (without it, spreadsheet software in France garbles the
accents), comma-separated, fields quoted when needed, lines ended by CRLF (RFC 4180). JSON: a
list of sheets, each the API's detail of the sheet. XLSX: the CSV's table, every text typed as
text so that nothing written by an author is ever run as a formula.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from maillage.practices.exports.table import COLUMN_NAMES, row

BYTE_ORDER_MARK = "\ufeff"
# Rows written per chunk of a stream: large enough to keep the overhead low, small enough
# for the download to start at once.
ROWS_PER_CHUNK = 200
# The longest text a spreadsheet cell holds; longer texts are cut (the JSON keeps them whole).
XLSX_CELL_LIMIT = 32_767

Sheets = Iterable[dict[str, Any]]


class UnknownFormatError(ValueError):
    pass


class LineBuffer:
    """A file-like object whose `write` hands the CSV line back instead of storing it."""

    def write(self, line: str) -> str:
        return line


def csv_chunks(sheets: Sheets) -> Iterator[str]:
    writer = csv.writer(LineBuffer())
    chunk = [BYTE_ORDER_MARK, writer.writerow(COLUMN_NAMES)]
    for sheet in sheets:
        chunk.append(writer.writerow(row(sheet)))
        if len(chunk) >= ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)


def json_chunks(sheets: Sheets) -> Iterator[str]:
    separator = "[\n"
    for sheet in sheets:
        yield separator + json.dumps(sheet, cls=DjangoJSONEncoder, ensure_ascii=False)
        separator = ",\n"
    yield "[]\n" if separator == "[\n" else "\n]\n"


def xlsx_cell(sheet: Any, value: str | int | bool | None) -> WriteOnlyCell:
    if not isinstance(value, str):
        return WriteOnlyCell(sheet, value=value)
    # openpyxl refuses control characters, and Excel repairs (cuts) over-long cells.
    text = ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_CELL_LIMIT]
    cell = WriteOnlyCell(sheet, value=text)
    # A text starting with « = » would otherwise be stored as a formula.
    cell.data_type = "s"
    return cell


def write_xlsx(sheets: Sheets, target: IO[bytes]) -> None:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(_("Pratiques inspirantes"))
    worksheet.append([xlsx_cell(worksheet, name) for name in COLUMN_NAMES])
    for sheet in sheets:
        worksheet.append([xlsx_cell(worksheet, value) for value in row(sheet)])
    workbook.save(target)


@dataclass(frozen=True)
class ExportFormat:
    name: str
    label: Any
    content_type: str
    # Text formats stream chunks; binary ones are written into a file.
    chunks: Callable[[Sheets], Iterator[str]] | None = None
    write: Callable[[Sheets, IO[bytes]], None] | None = None


FORMATS = {
    export_format.name: export_format
    for export_format in (
        ExportFormat(
            "csv", gettext_lazy("Tableau CSV"), "text/csv; charset=utf-8", chunks=csv_chunks
        ),
        ExportFormat(
            "json", gettext_lazy("JSON"), "application/json; charset=utf-8", chunks=json_chunks
        ),
        ExportFormat(
            "xlsx",
            gettext_lazy("Classeur Excel (XLSX)"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            write=write_xlsx,
        ),
    )
}


def export_format(name: str) -> ExportFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise UnknownFormatError(
            _("Format d'export inconnu : « %(format)s ». Formats possibles : %(formats)s.")
            % {"format": name, "formats": ", ".join(FORMATS)}
        ) from None
