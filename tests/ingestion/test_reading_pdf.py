"""PDFs printed by WeasyPrint in the test run: their text layer is read page by page, the lines
broken only by the layout joined back into paragraphs; scanned, protected and damaged PDFs are
refused with the reason."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter

from maillage.ingestion.found import UnreadableDocument
from maillage.ingestion.reading import limits, read_document
from maillage.ingestion.reading.pdf import paragraphs
from tests.ingestion.builders import image_only_pdf_bytes, pdf_bytes

SENTENCE = (
    "Les habitants du quartier de Fives se retrouvent chaque semaine au centre social pour "
    "préparer ensemble la fête de quartier avec les associations."
)
HTML = f"""<html><head><title>Actes de la journée</title><meta name="author" content="ATD Quart Monde">
<meta name="dcterms.created" content="2014-10-02"></head><body>
<h1>1. Une action à Lille-Fives</h1>
<p style="width: 6cm">{SENTENCE}</p>
<ul><li>Un atelier de cuisine</li></ul>
<h2 style="page-break-before: always">2. Les résultats</h2>
<p>Trente familles ont participé.</p>
</body></html>"""


@pytest.fixture(scope="module")
def document():
    return read_document(pdf_bytes(HTML), "actes.pdf")


def test_lines_wrapped_by_the_layout_are_one_paragraph(document):
    assert document.file_format == "pdf"
    assert SENTENCE in [line.text for line in document.lines]


def test_each_line_knows_its_page(document):
    assert document.pages == 2
    pages = {line.text: line.page for line in document.lines}
    assert pages[SENTENCE] == 1
    assert pages["Trente familles ont participé."] == 2


def test_numbered_headings_and_bullets_are_recognised(document):
    kinds = {line.text: (line.kind, line.level) for line in document.lines}
    assert kinds["1. Une action à Lille-Fives"] == ("heading", 1)
    assert kinds["2. Les résultats"] == ("heading", 1)
    assert kinds["Un atelier de cuisine"] == ("list_item", 1)


def test_metadata_comes_from_the_document_information(document):
    assert (document.meta.title, document.meta.authors, document.meta.year) == (
        "Actes de la journée",
        "ATD Quart Monde",
        2014,
    )


def test_hyphenation_and_layout_breaks_are_undone_but_sentences_kept():
    page = "Le dévelop-\npement social\nest une orientation.\nAvec la\nCAF et l’\nUnion départementale.\n12"

    assert paragraphs([page]) == [
        ("Le développement social est une orientation.", 1),
        ("Avec la CAF et l’Union départementale.", 1),
    ]


def test_a_paragraph_goes_on_across_a_page_break_and_running_titles_are_dropped():
    pages = [
        "Rapport 2015 – page 1\nObjectifs\nRecréer du lien.",
        "Rapport 2015 – page 2\nObjectifs\nRompre l'isolement.",
        "Rapport 2015 – page 3\nObjectifs\nUn texte qui",
        "Rapport 2015 – page 4\ncontinue sur la page suivante.",
    ]

    assert paragraphs(pages) == [
        ("Objectifs", 1),
        ("Recréer du lien.", 1),
        ("Objectifs", 2),
        ("Rompre l'isolement.", 2),
        ("Objectifs", 3),
        ("Un texte qui continue sur la page suivante.", 3),
    ]


def test_words_hyphenated_by_the_layout_are_whole_again():
    sentence = (
        "L'accompagnement collectif des bénéficiaires nécessite une transformation "
        "institutionnelle considérable."
    )
    html = f'<html lang="fr"><p style="width: 3.5cm; hyphens: auto">{sentence}</p></html>'

    assert [line.text for line in read_document(pdf_bytes(html), "a.pdf").lines] == [sentence]


def test_a_pdf_of_too_many_pages_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_PDF_PAGES", 1)

    with pytest.raises(UnreadableDocument, match="plus de 1 pages : découpez-le"):
        read_document(pdf_bytes(HTML), "long.pdf")


def test_a_scanned_pdf_asks_for_ocr():
    with pytest.raises(UnreadableDocument, match=r"numérisé.*reconnaissance de caractères"):
        read_document(image_only_pdf_bytes(), "scan.pdf")


def _encrypted(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(HTML))))
    writer.encrypt(user_password=user_password, owner_password="proprietaire", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_password_protected_pdf_is_refused_with_the_reason():
    with pytest.raises(UnreadableDocument, match="mot de passe"):
        read_document(_encrypted("secret"), "protege.pdf")


def test_a_pdf_restricted_only_by_its_owner_is_read():
    document = read_document(_encrypted(""), "restreint.pdf")

    assert SENTENCE in [line.text for line in document.lines]


@pytest.mark.parametrize(
    "data", [b"%PDF-1.4\nceci n'est pas un PDF", b"%PDF-1.7\n" + bytes(range(256)) * 8]
)
def test_a_damaged_pdf_is_refused_with_the_reason(data):
    with pytest.raises(UnreadableDocument, match="Ce fichier PDF est endommagé"):
        read_document(data, "abime.pdf")


def test_a_numbered_title_atop_each_page_is_kept():
    pages = [f"Fiche {number}\nUn atelier de cuisine pour les parents." for number in range(1, 6)]

    assert [text for text, _ in paragraphs(pages)].count("Fiche 3") == 1
