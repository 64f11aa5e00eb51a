"""Word documents built in the test run are read into headings, list items, table rows and
footnotes, with their properties as metadata."""

from __future__ import annotations

import pytest

from maillage.ingestion.found import Line, UnreadableDocument
from maillage.ingestion.reading import read_document
from tests.ingestion.builders import docx_bytes, zip_bytes

BLOCKS = [
    ("h1", "Le jardin de Saint-Caprais"),
    ("h2", "Objectifs"),
    ("p", "Recréer du lien entre les habitants[^1] du quartier."),
    ("li", "Un atelier par semaine"),
    ("li", "Une fête de quartier"),
    ("table", [["Porteur", "Centre social"], ["Partenaires", "CAF, commune"]]),
]


def test_reads_body_in_order_with_each_kind_of_line():
    document = read_document(
        docx_bytes(BLOCKS, footnotes=["Rapport d'activité 2014."]), "fiche.docx"
    )

    assert document.file_format == "docx"
    assert document.lines == [
        Line("Le jardin de Saint-Caprais", "heading", 1),
        Line("Objectifs", "heading", 2),
        Line("Recréer du lien entre les habitants[1] du quartier.", "paragraph"),
        Line("Un atelier par semaine", "list_item", 1),
        Line("Une fête de quartier", "list_item", 1),
        Line("Porteur | Centre social", "table_row"),
        Line("Partenaires | CAF, commune", "table_row"),
        Line("[1] Rapport d'activité 2014.", "footnote"),
    ]


@pytest.mark.parametrize("style", ["Heading{level}", "Titre{level}", "MonStyleMaison{level}"])
def test_headings_are_known_by_their_style_outline_level_whatever_its_name(style):
    document = read_document(docx_bytes(BLOCKS, heading_style=style), "fiche.docx")

    headings = [(line.text, line.level) for line in document.lines if line.kind == "heading"]
    assert headings == [("Le jardin de Saint-Caprais", 1), ("Objectifs", 2)]


def test_footnotes_are_numbered_in_the_order_they_are_called():
    blocks = [("p", "D'abord[^2], ensuite[^1].")]
    document = read_document(docx_bytes(blocks, footnotes=["Note A", "Note B"]), "a.docx")

    assert [line.text for line in document.lines] == [
        "D'abord[1], ensuite[2].",
        "[1] Note B",
        "[2] Note A",
    ]


def test_metadata_comes_from_the_document_properties():
    data = docx_bytes(
        BLOCKS,
        title="Rapport  2015",
        author="Conseil départemental",
        created="2015-02-03T09:00:00Z",
    )

    meta = read_document(data, "rapport.docx").meta

    assert (meta.title, meta.authors, meta.year, meta.date) == (
        "Rapport 2015",
        "Conseil départemental",
        2015,
        "2015-02-03",
    )


def test_entities_in_the_xml_are_refused_not_expanded():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    data = zip_bytes([("[Content_Types].xml", "<Types/>"), ("word/document.xml", laughs)])

    with pytest.raises(UnreadableDocument, match="endommagé"):
        read_document(data, "piege.docx")


def test_an_archive_without_a_document_is_a_damaged_docx():
    data = zip_bytes([("[Content_Types].xml", "<Types/>")])

    with pytest.raises(UnreadableDocument, match="Ce fichier DOCX est endommagé"):
        read_document(data, "vide.docx")


def _docx_with_body(body: str, styles: str = "") -> bytes:
    namespaces = (
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    )
    parts = [
        ("[Content_Types].xml", "<Types/>"),
        ("word/document.xml", f"<w:document {namespaces}><w:body>{body}</w:body></w:document>"),
    ]
    if styles:
        parts.append(("word/styles.xml", f"<w:styles {namespaces}>{styles}</w:styles>"))
    return zip_bytes(parts)


def test_a_paragraph_in_a_list_style_is_a_list_item():
    styles = (
        '<w:style w:type="paragraph" w:styleId="ListBullet"><w:pPr><w:numPr>'
        '<w:numId w:val="3"/></w:numPr></w:pPr></w:style>'
    )
    body = (
        '<w:p><w:pPr><w:pStyle w:val="ListBullet"/></w:pPr><w:r><w:t>Un atelier</w:t></w:r></w:p>'
    )

    assert read_document(_docx_with_body(body, styles), "a.docx").lines == [
        Line("Un atelier", "list_item", 1)
    ]


def test_the_text_of_a_drawing_is_read_once_not_with_its_fallback():
    body = (
        "<w:p><w:r><w:t>Avant </w:t></w:r><mc:AlternateContent><mc:Choice>"
        "<w:r><w:t>encadré</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>encadré</w:t></w:r>"
        "</mc:Fallback></mc:AlternateContent><w:r><w:t> après</w:t></w:r></w:p>"
    )

    assert read_document(_docx_with_body(body), "a.docx").lines == [
        Line("Avant encadré après", "paragraph")
    ]


def test_a_nesting_no_word_processor_writes_is_a_damaged_docx():
    body = "<w:p>" + "<w:r>" * 5000 + "</w:r>" * 5000 + "</w:p>"

    with pytest.raises(UnreadableDocument, match="Ce fichier DOCX est endommagé"):
        read_document(_docx_with_body(body), "a.docx")
