"""Reading a file of indicator values, as people download them from INSEE or CAF open data.

Two layouts are recognised from the header:

- « large » (wide): a commune code column (`CODGEO`, `code_commune`, `COM`…) and one column per
  indicator code (`LIBGEO` and other place-name columns are ignored);
- « long »: a commune code column, an indicator code column and a value column.

A CSV may use `;`, `,` or a tab, and be in UTF-8 (with or without BOM) or Windows-1252, as Excel
writes it in France (`maillage.territories.csv_decoding`); the encoding read is kept so that the
report says it. Commune codes are normalised by `maillage.territories.commune_codes`. An XLSX file is read
from its first sheet, values and not formulas.

A file is read row by row, never whole: an XLSX declares its own size (`<dimension>`), and a
4 KB file declaring `A1:XFD1048576` would otherwise be padded to billions of cells. The declared
size is ignored, rows are read at most `MAX_COLUMNS` wide, and a file beyond `MAX_COLUMNS`
columns, `MAX_LINES` lines or `MAX_VALUES` values is refused: 2 000 000 values hold every
commune (35 000) for 57 indicators, more than a 20 MB upload carries in practice.

Everything is reduced to `TableEntry` rows (line, column, commune code, indicator code, value),
whatever the layout, so that the import checks one shape. Values are parsed here (French
numbers accepted); `s` (secret statistique), `nd` and empty cells are « no value », counted but
not an error. Whether a code exists, is allowed or repeated is for the import to say.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.territories.commune_codes import SPACES, normalise_commune_code
from maillage.territories.csv_decoding import BinaryData, decode_csv

WIDE = "large"
LONG = "long"
MAX_COLUMNS = 300
MAX_LINES = 2_000_000
MAX_VALUES = 2_000_000

# Header names, compared without case, accents, spaces, `_` or `-`.
COMMUNE_COLUMNS = frozenset(
    {
        "codgeo",
        "codecommune",
        "codecommuneinsee",
        "com",
        "codecom",
        "codeinsee",
        "insee",
        "depcom",
        "codgeocommune",
    }
)
INDICATOR_COLUMNS = frozenset({"indicateur", "codeindicateur", "indicator", "variable"})
VALUE_COLUMNS = frozenset({"valeur", "value", "val"})
# Place names and enclosing territories that open data files carry beside the code.
IGNORED_COLUMNS = frozenset(
    {
        "libgeo",
        "libelle",
        "libellecommune",
        "libcom",
        "nom",
        "nomcommune",
        "commune",
        "dep",
        "departement",
        "codedepartement",
        "reg",
        "region",
        "coderegion",
        "epci",
        "libepci",
        "arr",
        "cv",
        "canton",
        "annee",
    }
)
NO_VALUE = frozenset({"", "s", "nd", "n.d.", "na", "nc", "-", "—"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class TableEntry(NamedTuple):
    """One value of the file: its line (1 = header), column name, codes and value.

    `value` is None for « no value » (`empty` True) and for a value that is not a number
    (`empty` False, `raw` says what was found)."""

    line: int
    column: str
    commune: str
    indicator: str
    raw: str
    value: float | None
    empty: bool


@dataclass
class IndicatorTable:
    """A file of values read and reduced to entries, with what the report says about it."""

    file_format: str  # "CSV" or "XLSX"
    encoding: str  # how the text was read, in words; "" for XLSX
    layout: str  # WIDE or LONG
    commune_column: str
    indicator_columns: list[str] = field(default_factory=list)  # wide: one per indicator
    ignored_columns: list[str] = field(default_factory=list)
    entries: list[TableEntry] = field(default_factory=list)
    rows: int = 0  # data lines read, empty lines excepted
    missing_communes: list[int] = field(default_factory=list)  # lines without a commune code


def header_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.strip().lower())
    return "".join(char for char in decomposed if char.isalnum())


def parse_number(raw: object) -> tuple[float | None, bool]:
    """(value, empty): French numbers (`12,5`, `1 234`) accepted; `s`, `nd`, empty = no value."""
    if isinstance(raw, bool):
        return None, False
    if isinstance(raw, int | float):
        return float(raw), False
    text = SPACES.sub("", str(raw if raw is not None else ""))
    if text.lower() in NO_VALUE:
        return None, True
    if "," in text:
        # « 1.234,5 » (thousands dot) or « 12,5 »: the comma is the decimal mark.
        text = text.replace(".", "").replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None, False
    if number != number or number in (float("inf"), float("-inf")):
        return None, False
    return number, False


def _unreadable(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def _decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV and how it was read; a clear refusal for anything that is not text."""
    try:
        decoded = decode_csv(data)
    except BinaryData as error:
        raise _unreadable(
            _(
                "Ce fichier n'est pas un tableau lisible (CSV ou XLSX) : il contient des données "
                "binaires. Si c'est un texte « Unicode » (UTF-16), enregistrez-le de nouveau en "
                "« CSV UTF-8 » ; sinon, enregistrez-le au format CSV ou XLSX."
            )
        ) from error
    return decoded.text, decoded.encoding


def _delimiter(header: str) -> str:
    counts = {delimiter: header.count(delimiter) for delimiter in (";", "\t", ",")}
    return max(counts, key=lambda delimiter: counts[delimiter])


def _csv_rows(data: bytes) -> tuple[Iterator[Sequence[object]], str]:
    text, encoding = _decode(data)
    sample = text[:65536]
    if len(_CONTROL.findall(sample)) > max(3, len(sample) // 100):
        raise _unreadable(
            _(
                "Ce fichier n'est pas un tableau lisible : il contient des caractères de "
                "contrôle, comme une image ou un document renommé en .csv. Enregistrez votre "
                "tableau au format CSV ou XLSX."
            )
        )
    header = text.lstrip("\r\n").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(header))
    return _csv_records(reader), encoding


def _csv_records(reader: Iterator[list[str]]) -> Iterator[Sequence[object]]:
    try:
        yield from reader
    except csv.Error as error:
        raise _unreadable(
            _("Ce fichier CSV est mal formé (%(error)s).") % {"error": error}
        ) from error


def _xlsx_rows(data: bytes) -> Iterator[Sequence[object]]:
    from openpyxl import load_workbook  # only for XLSX files: it takes a moment to import

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _BROKEN_XLSX as error:
        raise _unreadable(_XLSX_UNREADABLE) from error
    try:
        sheet = workbook.worksheets[0]
        # The declared dimension would pad every row to its width and every gap to its height.
        sheet.reset_dimensions()
        # One column more than allowed, to tell a header that is too wide. The sheet is read
        # while the rows are: a damaged sheet (bad XML, a bad number, a bad checksum) fails
        # here, not when the workbook opens.
        yield from sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)
    except _BROKEN_XLSX as error:
        raise _unreadable(_XLSX_UNREADABLE) from error
    finally:
        workbook.close()


# SyntaxError: what the XML parser raises on a damaged sheet (ParseError is one).
_BROKEN_XLSX = (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError)
_XLSX_UNREADABLE = gettext_lazy(
    "Ce fichier XLSX est illisible ; ouvrez-le dans votre tableur et enregistrez-le."
)


def _rows(data: bytes, file_name: str) -> tuple[Iterator[Sequence[object]], str, str]:
    if not data.strip():
        raise _unreadable(_("Le fichier est vide."))
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(data), "XLSX", ""
    if file_name.lower().endswith(".xlsx"):
        raise _unreadable(
            _("Ce fichier porte l'extension .xlsx mais n'est pas un classeur XLSX lisible.")
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _unreadable(
            _(
                "Les fichiers Excel 97-2003 (.xls) ne sont pas lus : enregistrez-le au format "
                "XLSX ou CSV."
            )
        )
    rows, encoding = _csv_rows(data)
    return rows, "CSV", encoding


def _filled(row: Sequence[object]) -> bool:
    if row.count(None) == len(row):  # the blank rows of a sheet, quickly
        return False
    return any(cell is not None and str(cell).strip() for cell in row)


def _count(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")


def _too_big(what: str) -> ValidationError:
    return _unreadable(
        _("Ce fichier est trop grand pour être importé en une fois : %(what)s. Découpez-le.")
        % {"what": what}
    )


def _filled_rows(rows: Iterable[Sequence[object]]) -> Iterator[tuple[int, Sequence[object]]]:
    """The rows that hold something, with their line number (1 = the first line), one at a
    time; a refusal past `MAX_LINES` lines."""
    for line, row in enumerate(rows, start=1):
        if line > MAX_LINES:
            raise _too_big(_("plus de %(count)s lignes") % {"count": _count(MAX_LINES)})
        if _filled(row):
            yield line, row


def _name(cell: object) -> str:
    return str(cell).strip() if cell is not None else ""


def _layout(names: list[str]) -> tuple[str, int, int | None, int | None]:
    keys = [header_key(name) for name in names]
    commune = next((index for index, key in enumerate(keys) if key in COMMUNE_COLUMNS), None)
    if commune is None:
        raise _unreadable(
            _(
                "Aucune colonne de code commune n'a été trouvée sur la première ligne. Nommez-la "
                "« CODGEO », « code_commune » ou « code_insee »."
            )
        )
    indicator = next((index for index, key in enumerate(keys) if key in INDICATOR_COLUMNS), None)
    value = next((index for index, key in enumerate(keys) if key in VALUE_COLUMNS), None)
    if indicator is not None and value is not None:
        return LONG, commune, indicator, value
    return WIDE, commune, None, None


def _header(row: Sequence[object]) -> list[str]:
    names = [_name(cell) for cell in row]
    while names and not names[-1]:
        names.pop()
    if len(names) > MAX_COLUMNS:
        raise _too_big(_("plus de %(count)s colonnes") % {"count": _count(MAX_COLUMNS)})
    return names


def _cell(row: Sequence[object], index: int) -> object:
    return row[index] if index < len(row) else None


def read_indicator_table(data: bytes, file_name: str) -> IndicatorTable:
    """The entries of a CSV or XLSX file of values, or a `ValidationError` (key `file`) saying in
    French why the file cannot be read."""
    rows, file_format, encoding = _rows(data, file_name)
    filled = _filled_rows(rows)
    first = next(filled, None)
    if first is None:
        raise _unreadable(_("Le fichier ne contient aucune ligne."))
    names = _header(first[1])
    layout, commune_index, indicator_index, value_index = _layout(names)
    table = IndicatorTable(
        file_format=file_format,
        encoding=encoding,
        layout=layout,
        commune_column=names[commune_index],
    )
    if layout == WIDE:
        columns = []
        for index, name in enumerate(names):
            if index == commune_index or not name:
                continue
            if header_key(name) in IGNORED_COLUMNS:
                table.ignored_columns.append(name)
            else:
                columns.append((index, name, name.strip().lower()))
        table.indicator_columns = [name for _index, name, _code in columns]
    else:
        columns = []
        table.indicator_columns = [names[indicator_index]]  # type: ignore[index]
        table.ignored_columns = [
            name
            for index, name in enumerate(names)
            if name and index not in (commune_index, indicator_index, value_index)
        ]
    append = table.entries.append
    for offset, row in filled:
        table.rows += 1
        commune = normalise_commune_code(_cell(row, commune_index))
        if not commune:
            table.missing_communes.append(offset)
            continue
        if layout == LONG:
            raw = _cell(row, value_index)  # type: ignore[arg-type]
            value, empty = parse_number(raw)
            code = _name(_cell(row, indicator_index)).lower()  # type: ignore[arg-type]
            append(TableEntry(offset, names[value_index], commune, code, _name(raw), value, empty))  # type: ignore[index]
        else:
            for index, name, code in columns:
                raw = _cell(row, index)
                value, empty = parse_number(raw)
                append(TableEntry(offset, name, commune, code, _name(raw), value, empty))
        if len(table.entries) > MAX_VALUES:
            raise _too_big(_("plus de %(count)s valeurs") % {"count": _count(MAX_VALUES)})
    return table
