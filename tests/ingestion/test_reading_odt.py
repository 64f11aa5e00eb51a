"""OpenDocument texts built in the test run are read like Word documents."""

from __future__ import annotations

import pytest

from maillage.ingestion.found import Line, UnreadableDocument
from maillage.ingestion.reading import read_document
from tests.ingestion.builders import odt_bytes, zip_bytes

BLOCKS = [
    ("h1", "L'île aux parents"),
    ("h3", "Description"),
    ("p", "Un lieu d'accueil[^1] pour les parents."),
    ("li", "Des groupes de parole"),
    ("li", "Des sorties"),
    ("table", [["Public", "Parents"], ["Territoire", "Roubaix"]]),
    ("p", "Suite du texte."),
]


def test_reads_headings_lists_tables_and_notes():
    document = read_document(odt_bytes(BLOCKS, footnotes=["Voir le bilan 2013."]), "f.odt")

    assert document.file_format == "odt"
    assert document.lines == [
        Line("L'île aux parents", "heading", 1),
        Line("Description", "heading", 3),
        Line("Un lieu d'accueil[1] pour les parents.", "paragraph"),
        Line("Des groupes de parole", "list_item", 1),
        Line("Des sorties", "list_item", 1),
        Line("Public | Parents", "table_row"),
        Line("Territoire | Roubaix", "table_row"),
        Line("Suite du texte.", "paragraph"),
        Line("[1] Voir le bilan 2013.", "footnote"),
    ]


def test_metadata_comes_from_meta_xml():
    data = odt_bytes(
        BLOCKS, title="Répertoire", author="MSA", created="2014-06-30T12:00:00", footnotes=["n"]
    )

    meta = read_document(data, "f.odt").meta

    assert (meta.title, meta.authors, meta.year, meta.date) == (
        "Répertoire",
        "MSA",
        2014,
        "2014-06-30",
    )


def test_spaces_and_spans_inside_a_paragraph_are_kept():
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
        '<text:p>Centre<text:s text:c="2"/>social <text:span>de</text:span><text:tab/>Fives'
        "</text:p></office:text></office:body></office:document-content>"
    )
    data = zip_bytes(
        [("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", content)],
        stored_first=True,
    )

    assert read_document(data, "f.odt").lines == [Line("Centre social de Fives", "paragraph")]


def test_an_odt_named_docx_is_explained():
    with pytest.raises(UnreadableDocument, match=r"contenu est celui d'un fichier ODT.*\.odt"):
        read_document(odt_bytes(BLOCKS, footnotes=["n"]), "fiche.docx")


def test_nested_lists_give_their_depth():
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
        "<text:section><text:list><text:list-item><text:p>Publics</text:p><text:list>"
        "<text:list-item><text:p>Familles</text:p></text:list-item></text:list></text:list-item>"
        "</text:list></text:section></office:text></office:body></office:document-content>"
    )
    data = zip_bytes(
        [("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", content)],
        stored_first=True,
    )

    assert read_document(data, "f.odt").lines == [
        Line("Publics", "list_item", 1),
        Line("Familles", "list_item", 2),
    ]
