"""Reading files of indicator values: CSV in the encodings and delimiters people have, XLSX,
the wide and long layouts, French numbers, and clear refusals of what is not a table."""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from maillage.diagnostics import indicator_files
from maillage.diagnostics.indicator_files import (
    LONG,
    WIDE,
    parse_number,
    read_indicator_table,
)
from maillage.territories.commune_codes import normalise_commune_code


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def declaring(data: bytes, dimension: str) -> bytes:
    """The XLSX `data` with its first sheet declaring the size `dimension`, as a crafted file
    may: the size is the file's word, not a count of its cells."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content, found = re.subn(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), content
                )
                assert found == 1
            target.writestr(item, content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_wide_csv_with_semicolons_and_label_column() -> None:
    data = "CODGEO;LIBGEO;menages;allocataires\n62041;Arras;20 150;5 012\n62263;Dainville;2 450;s\n"
    table = read_indicator_table(data.encode(), "insee.csv")
    assert (table.file_format, table.layout, table.encoding) == ("CSV", WIDE, "UTF-8")
    assert table.commune_column == "CODGEO"
    assert table.indicator_columns == ["menages", "allocataires"]
    assert table.ignored_columns == ["LIBGEO"]
    assert table.rows == 2
    assert [(e.line, e.commune, e.indicator, e.value, e.empty) for e in table.entries] == [
        (2, "62041", "menages", 20150.0, False),
        (2, "62041", "allocataires", 5012.0, False),
        (3, "62263", "menages", 2450.0, False),
        (3, "62263", "allocataires", None, True),
    ]


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_other_delimiters_and_header_case(delimiter: str) -> None:
    data = delimiter.join(["code_commune", "MENAGES"]) + "\n1001" + delimiter + "12.5\n"
    table = read_indicator_table(data.encode(), "f.csv")
    assert [(e.commune, e.indicator, e.value) for e in table.entries] == [
        ("01001", "menages", 12.5)
    ]


def test_windows_1252_is_read_and_said() -> None:
    data = "Code commune;Libellé;menages\n62041;Arras é;12,5\n".encode("cp1252")
    table = read_indicator_table(data, "excel.csv")
    assert table.encoding.startswith("Windows-1252")
    assert table.ignored_columns == ["Libellé"]
    assert table.entries[0].value == 12.5


def test_utf8_bom_is_read_and_said() -> None:
    data = "\ufeffcodgeo;menages\n2A004;1\u00a0234,5\n".encode()
    table = read_indicator_table(data, "bom.csv")
    assert table.encoding == "UTF-8 avec BOM"
    assert table.commune_column == "codgeo"
    assert (table.entries[0].commune, table.entries[0].value) == ("2A004", 1234.5)


def test_long_layout() -> None:
    data = "code_insee;indicateur;valeur\n62041;menages;10\n62041;Allocataires;nd\n"
    table = read_indicator_table(data.encode(), "long.csv")
    assert table.layout == LONG
    assert [(e.line, e.indicator, e.value, e.empty) for e in table.entries] == [
        (2, "menages", 10.0, False),
        (3, "allocataires", None, True),
    ]


def test_xlsx_wide_values_not_formulas() -> None:
    data = xlsx([["CODGEO", "LIBGEO", "menages"], [62041, "Arras", 20150], ["62263", None, "abc"]])
    table = read_indicator_table(data, "insee.xlsx")
    assert (table.file_format, table.encoding, table.layout) == ("XLSX", "", WIDE)
    assert [(e.commune, e.value, e.raw) for e in table.entries] == [
        ("62041", 20150.0, "20150"),
        ("62263", None, "abc"),
    ]


def test_xlsx_long_layout() -> None:
    data = xlsx([["COM", "Indicateur", "Valeur"], ["1001", "menages", 3.5]])
    table = read_indicator_table(data, "long.xlsx")
    assert table.layout == LONG
    assert [(e.commune, e.indicator, e.value) for e in table.entries] == [("01001", "menages", 3.5)]


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "photo.csv", "binaires"),
        ("codgeo;menages\n62041;1\n".encode("utf-16-le"), "unicode.csv", "UTF-16"),
        (b"PK\x03\x04garbage", "broken.xlsx", "XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old.xls", "97-2003"),
        (b"just,some,text\n1,2,3\n", "nocode.csv", "code commune"),
        (b"   \n", "empty.csv", "vide"),
        (b"codgeo;menages\n62041;1\n", "renamed.xlsx", "XLSX"),
    ],
)
def test_unreadable_files_get_a_french_reason(data: bytes, name: str, words: str) -> None:
    with pytest.raises(ValidationError) as error:
        read_indicator_table(data, name)
    assert words in " ".join(error.value.messages)


def test_numbers_and_codes() -> None:
    assert parse_number("1 234,5") == (1234.5, False)
    assert parse_number("1.234,5") == (1234.5, False)
    assert parse_number("12.5") == (12.5, False)
    assert parse_number("\u202f12") == (12.0, False)
    assert parse_number("S") == (None, True)
    assert parse_number("") == (None, True)
    assert parse_number("douze") == (None, False)
    assert parse_number("nan") == (None, False)
    assert normalise_commune_code(1001) == "01001"
    assert normalise_commune_code(1001.0) == "01001"
    assert normalise_commune_code(" 2b033 ") == "2B033"
    assert normalise_commune_code("75056") == "75056"


def refusal(data: bytes, name: str) -> str:
    with pytest.raises(ValidationError) as error:
        read_indicator_table(data, name)
    return " ".join(error.value.messages)


def test_xlsx_declaring_a_huge_size_is_read_as_it_really_is() -> None:
    """A few kilobytes declaring 16 384 columns and a million rows: only what the file holds is
    read, without building the declared cells in memory."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["CODGEO", "menages"])
    sheet.append(["62041", 3])
    sheet.cell(row=3000, column=1, value="62263")
    sheet.cell(row=3000, column=2, value=5)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = declaring(buffer.getvalue(), "A1:XFD1048576")
    assert len(data) < 10_000
    tracemalloc.start()
    try:
        table = read_indicator_table(data, "piege.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # The declared rows × columns would take 16 384 × 8 bytes a row: 390 MB for these 3 000.
    assert peak < 20_000_000, peak
    assert [(e.line, e.commune, e.value) for e in table.entries] == [
        (2, "62041", 3.0),
        (3000, "62263", 5.0),
    ]
    assert table.indicator_columns == ["menages"]


def test_too_many_columns_are_refused() -> None:
    header = ["CODGEO", *(f"ind{n}" for n in range(indicator_files.MAX_COLUMNS))]
    words = refusal(declaring(xlsx([header, ["62041", 1]]), "A1:B2"), "large.xlsx")
    assert "trop grand" in words and "plus de 300 colonnes" in words
    words = refusal((";".join(header) + "\n62041;1\n").encode(), "large.csv")
    assert "plus de 300 colonnes" in words


def test_empty_cells_after_the_header_do_not_count_as_columns() -> None:
    header = ["CODGEO", "menages", *([""] * 400)]
    table = read_indicator_table((";".join(header) + "\n62041;1\n").encode(), "f.csv")
    assert table.indicator_columns == ["menages"] and len(table.entries) == 1


def test_too_many_lines_or_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(indicator_files, "MAX_LINES", 1000)
    monkeypatch.setattr(indicator_files, "MAX_VALUES", 4)
    far = Workbook()
    far.active.append(["CODGEO", "menages"])
    far.active.cell(row=1001, column=1, value="62041")
    buffer = io.BytesIO()
    far.save(buffer)
    assert "plus de 1\u00a0000 lignes" in refusal(buffer.getvalue(), "loin.xlsx")
    four = "codgeo;a;b\n62041;1;2\n62263;3;4\n"
    assert len(read_indicator_table(four.encode(), "f.csv").entries) == 4
    words = refusal((four + "62753;5;6\n").encode(), "f.csv")
    assert "plus de 4 valeurs" in words and "Découpez-le" in words


def with_sheet(data: bytes, sheet: bytes) -> bytes:
    """The XLSX `data` with its first sheet replaced by `sheet`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = sheet
            target.writestr(item, content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


@pytest.mark.parametrize(
    "sheet",
    [
        b"<worksheet><sheetData><row r='1'><c r='A1'",  # cut in the middle
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="n"><v>douze</v></c></row></sheetData></worksheet>',
    ],
    ids=["broken XML", "a number that is not one"],
)
def test_a_damaged_sheet_is_refused_in_french_not_a_server_error(sheet: bytes) -> None:
    data = with_sheet(xlsx([["CODGEO", "menages"], ["62041", 3]]), sheet)

    with pytest.raises(ValidationError) as error:
        read_indicator_table(data, "abime.xlsx")

    assert "Ce fichier XLSX est illisible" in " ".join(error.value.messages)
