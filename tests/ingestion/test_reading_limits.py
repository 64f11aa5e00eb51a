"""Every bad input of the issue gets a clear French reason, and hostile files are refused before
they cost memory: the size is checked first, ZIP archives are inflated under limits."""

from __future__ import annotations

import os

import pytest

from maillage.ingestion.found import UnreadableDocument
from maillage.ingestion.reading import read_document
from tests.ingestion.builders import (
    docx_bytes,
    lying_zip_bomb_docx_bytes,
    many_entries_docx_bytes,
    odt_bytes,
    pdf_bytes,
    zip_bomb_docx_bytes,
    zip_bytes,
)

BOMB = "bombe de décompression"


def test_a_file_over_50_megabytes_is_refused_before_being_read():
    data = bytes(200 * 1024 * 1024)  # one allocation; the reader must not copy it

    with pytest.raises(UnreadableDocument, match="Le fichier dépasse 50 Mo"):
        read_document(data, "enorme.pdf")


@pytest.mark.parametrize("data", [b"", b"  \r\n\t "])
@pytest.mark.parametrize("name", ["vide.txt", "vide.docx", "vide.pdf"])
def test_an_empty_file_is_refused(data, name):
    with pytest.raises(UnreadableDocument, match=r"Le fichier est vide\."):
        read_document(data, name)


@pytest.mark.parametrize(
    "data",
    [
        b"Ceci n'est pas un document Word.",
        docx_bytes([("p", "Texte")])[:300],  # cut short: the archive's directory is missing
        b"PK\x03\x04" + bytes(500),
    ],
    ids=["text", "truncated", "zip-header-only"],
)
def test_a_corrupt_docx_is_refused(data):
    with pytest.raises(UnreadableDocument, match="Ce fichier DOCX est endommagé"):
        read_document(data, "fiche.docx")


def test_a_corrupt_odt_is_refused():
    with pytest.raises(UnreadableDocument, match="Ce fichier ODT est endommagé"):
        read_document(odt_bytes([("p", "Texte")])[:200], "fiche.odt")


def test_a_zip_bomb_disguised_as_docx_is_refused():
    data = zip_bomb_docx_bytes()
    assert len(data) < 1024 * 1024

    with pytest.raises(UnreadableDocument, match=BOMB):
        read_document(data, "rapport.docx")


def test_a_compression_ratio_above_200_is_refused_even_under_the_size_limit():
    with pytest.raises(UnreadableDocument, match=BOMB):
        read_document(zip_bomb_docx_bytes(expanded_megabytes=20), "rapport.docx")


def test_a_bomb_lying_about_its_sizes_is_refused():
    with pytest.raises(UnreadableDocument, match=f"{BOMB}|endommagé"):
        read_document(lying_zip_bomb_docx_bytes(), "rapport.docx")


def test_an_archive_with_too_many_parts_is_refused():
    with pytest.raises(UnreadableDocument, match=BOMB):
        read_document(many_entries_docx_bytes(), "rapport.docx")


def test_a_binary_named_txt_is_refused():
    with pytest.raises(UnreadableDocument, match="Ce fichier n'est pas un texte lisible"):
        read_document(os.urandom(4096), "notes.txt")


def test_an_unknown_extension_lists_the_accepted_formats():
    with pytest.raises(UnreadableDocument, match=r"Formats acceptés : DOCX, ODT, PDF"):
        read_document(b"a;b\n1;2\n", "tableau.csv")


def test_an_old_word_document_asks_for_docx():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)

    with pytest.raises(UnreadableDocument, match=r"Word ancien \(\.doc\)"):
        read_document(data, "ancien.docx")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("rapport.docx", pdf_bytes("<p>Texte</p>"), r"contenu est celui d'un fichier PDF.*\.pdf"),
        ("notes.txt", docx_bytes([("p", "Texte")]), r"contenu est celui d'un fichier DOCX"),
        ("rapport.pdf", docx_bytes([("p", "Texte")]), r"contenu est celui d'un fichier DOCX"),
    ],
)
def test_a_content_that_contradicts_the_extension_is_explained(name, data, message):
    with pytest.raises(UnreadableDocument, match=message):
        read_document(data, name)


def test_a_spreadsheet_named_docx_is_explained():
    data = zip_bytes([("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>")])

    with pytest.raises(UnreadableDocument, match=r"classeur ou une présentation Office \(XLSX\)"):
        read_document(data, "tableau.docx")


def test_a_pdf_without_its_signature_is_refused():
    with pytest.raises(UnreadableDocument, match="Ce fichier PDF est endommagé"):
        read_document(b"juste du texte", "faux.pdf")
