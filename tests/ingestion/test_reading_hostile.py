"""Files built to exhaust a reader — nested tables, huge space counts, PDF pages repeating one
stream, ZIP directories lying about their size, odd digits — are read in bounded work or refused
with a French reason, never with an unexpected error."""

from __future__ import annotations

import zipfile

import pytest
from pypdf import PageObject

from maillage.ingestion import reading
from maillage.ingestion.found import UnreadableDocument
from maillage.ingestion.reading import limits, pdf, read_document
from tests.ingestion.builders import (
    lying_directory_docx_bytes,
    many_entries_docx_bytes,
    nested_tables_docx_bytes,
    nested_tables_odt_bytes,
    raw_docx_bytes,
    raw_odt_bytes,
    shared_stream_pdf_bytes,
)

WORDS = ["extérieur", "milieu", "intérieur"]


@pytest.mark.parametrize(
    ("build", "name"),
    [(nested_tables_docx_bytes, "tables.docx"), (nested_tables_odt_bytes, "tables.odt")],
)
def test_a_nested_table_row_is_read_once_not_again_in_every_row_around_it(build, name):
    document = read_document(build(WORDS), name)

    assert [(line.text, line.kind) for line in document.lines] == [
        (word, "table_row") for word in WORDS
    ]


@pytest.mark.parametrize(
    ("build", "name"),
    [(nested_tables_docx_bytes, "tables.docx"), (nested_tables_odt_bytes, "tables.odt")],
)
def test_a_document_holding_too_much_text_is_refused(build, name, monkeypatch):
    monkeypatch.setattr(limits, "MAX_TEXT_CHARACTERS", 20)

    with pytest.raises(UnreadableDocument, match="plus de 20 caractères de texte"):
        read_document(build(["x" * 15, "y" * 15]), name)


def test_an_odt_space_count_of_any_size_stands_for_one_space():
    document = read_odt_paragraph('a<text:s text:c="99999999999999999999"/>b')

    assert [line.text for line in document.lines] == ["a b"]


def read_odt_paragraph(inline: str):
    return read_document(raw_odt_bytes(f"<text:p>{inline}</text:p>"), "espaces.odt")


def test_levels_written_with_other_digits_are_not_levels():
    docx = raw_docx_bytes(
        '<w:p><w:pPr><w:outlineLvl w:val="²"/><w:numPr><w:ilvl w:val="³"/></w:numPr></w:pPr>'
        "<w:r><w:t>Bonjour</w:t></w:r></w:p>"
    )
    odt = raw_odt_bytes('<text:h text:outline-level="²">Titre</text:h>')

    assert [(line.kind, line.level) for line in read_document(docx, "a.docx").lines] == [
        ("list_item", 1)
    ]
    assert [(line.kind, line.level) for line in read_document(odt, "a.odt").lines] == [
        ("heading", 1)
    ]


def test_an_unexpected_parse_error_in_a_reader_says_the_file_is_damaged(monkeypatch):
    def failing(archive):
        raise KeyError("w:val")

    monkeypatch.setattr(reading, "read_docx", failing)

    with pytest.raises(UnreadableDocument, match="Ce fichier DOCX est endommagé"):
        read_document(raw_docx_bytes("<w:p/>"), "a.docx")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (raw_docx_bytes("<w:p><w:r><w:t>  </w:t></w:r></w:p>"), "vide.docx"),
        (raw_odt_bytes("<text:p/><text:h/>"), "vide.odt"),
    ],
)
def test_a_document_without_text_is_refused(data, name):
    with pytest.raises(UnreadableDocument, match="Le document ne contient aucun texte"):
        read_document(data, name)


def test_a_directory_larger_than_its_end_record_claims_is_refused_before_being_parsed(
    monkeypatch,
):
    data = lying_directory_docx_bytes()
    parsed = []
    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", lambda self: parsed.append(self))

    with pytest.raises(UnreadableDocument, match="bombe de décompression"):
        read_document(data, "rapport.docx")
    assert parsed == []


def test_an_archive_is_parsed_once(monkeypatch):
    parsed = []
    real = zipfile.ZipFile._RealGetContents

    def counting(self):
        parsed.append(self)
        return real(self)

    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", counting)

    read_document(raw_docx_bytes("<w:p><w:r><w:t>Bonjour</w:t></w:r></w:p>"), "a.docx")

    assert len(parsed) == 1


def test_an_archive_expanding_past_30_megabytes_is_refused():
    with pytest.raises(UnreadableDocument, match="30 Mo"):
        read_document(many_entries_docx_bytes(), "rapport.docx")


def test_pages_drawing_the_same_stream_are_extracted_once(monkeypatch):
    calls = []
    real = PageObject.extract_text

    def counting(self, *args, **kwargs):
        calls.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", counting)

    document = read_document(shared_stream_pdf_bytes(3), "rapport.pdf")

    assert len(calls) == 1
    assert document.pages == 3 and "Le projet du quartier des Tilleuls" in document.lines[0].text


def test_a_pdf_page_holding_too_many_characters_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_PDF_PAGE_CHARACTERS", 10)

    with pytest.raises(UnreadableDocument, match="Une page de ce PDF contient plus de 10"):
        read_document(shared_stream_pdf_bytes(2), "rapport.pdf")


def test_a_pdf_holding_too_much_text_in_all_stops_being_read(monkeypatch):
    monkeypatch.setattr(limits, "MAX_TEXT_CHARACTERS", 50)
    calls = []
    real = PageObject.extract_text
    monkeypatch.setattr(
        PageObject, "extract_text", lambda self, *a, **k: calls.append(1) or real(self, *a, **k)
    )
    data = shared_stream_pdf_bytes(200)

    with pytest.raises(UnreadableDocument, match="plus de 50 caractères de texte"):
        read_document(data, "rapport.pdf")
    assert len(calls) <= 1


def test_a_pdf_too_slow_to_read_is_refused_between_pages(monkeypatch):
    clock = iter(range(0, 10_000, 40))
    monkeypatch.setattr(pdf.time, "monotonic", lambda: next(clock))

    with pytest.raises(UnreadableDocument, match="Ce PDF est trop long à lire"):
        read_document(shared_stream_pdf_bytes(5), "rapport.pdf")
