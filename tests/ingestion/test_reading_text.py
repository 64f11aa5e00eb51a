"""Plain text and Markdown in any usual encoding, with a conservative heading heuristic checked
on the 2015 report."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest

from maillage.ingestion.found import Line, UnreadableDocument
from maillage.ingestion.reading import read_document
from maillage.ingestion.reading.text import classify

CORPUS = (
    Path(__file__).resolve().parents[2]
    / "../shared/corpus/rapport-developpement-social-travail-social-collectif-2015.txt"
)
TEXT = "Cœur de l’action : « Élan » à Saint-Étienne"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "UTF-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "UTF-8"),
        (TEXT.encode("utf-16"), "UTF-16"),  # with its byte-order mark
        (TEXT.encode("cp1252"), "Windows-1252 (détecté)"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "windows-1252"],
)
def test_text_is_decoded_whatever_its_encoding_and_says_which(data, encoding):
    document = read_document(data, "notes.txt")

    assert document.encoding == encoding
    assert document.lines == [Line(TEXT, "paragraph")]


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02binaire" * 100,
        bytes(range(1, 9)) * 200,  # control characters, no NUL
        "texte".encode("cp1252") + b"\x81\x8d\x8f\x90\x9d",  # undefined even in Windows-1252
    ],
    ids=["nul", "controls", "invalid"],
)
def test_a_binary_named_txt_is_not_text(data):
    with pytest.raises(UnreadableDocument, match="Ce fichier n'est pas un texte lisible"):
        read_document(data, "notes.txt")


@pytest.mark.parametrize(
    "text", ["PK et CAF : deux sigles.", "Le PDF commence par %PDF-1.4, puis…"]
)
def test_a_text_starting_like_a_signature_is_still_text(text):
    assert read_document(text.encode(), "notes.txt").lines[0].text == text


def test_plain_text_gives_one_line_per_non_empty_line():
    data = b"Premier paragraphe.\n\n   \nSecond\tparagraphe.\r\n"

    assert [line.text for line in read_document(data, "a.txt").lines] == [
        "Premier paragraphe.",
        "Second paragraphe.",
    ]


@pytest.mark.parametrize(
    ("text", "kind", "level"),
    [
        ("1.4.2. Identifier les freins et les leviers", "heading", 3),
        ("2.2 Lien entre notre formation et le DSL", "heading", 2),
        ("II. Le développement social et le travail social collectif", "heading", 1),
        ("A) Les acteurs du territoire", "heading", 2),
        ("Levier 4. Éviter de toujours recommencer.", "heading", 2),
        ("Annexe 3.2 Document d’analyse des travaux", "heading", 1),
        ("Action 3 a réuni quarante personnes.", "paragraph", 0),
        ("CONCLUSION", "heading", 1),
        ("3.3. Quelle implication du travail social dans la politique de la Ville ?", "heading", 2),
        # Conservative: without numbering or capitals a short line stays a paragraph.
        ("Le travail social de groupe", "paragraph", 0),
        ("1. Jean-Paul Delevoye, président du Conseil économique.", "list_item", 1),
        ("1. le levier prioritaire selon vous", "list_item", 1),
        ("20 personnes ont participé aux ateliers", "paragraph", 0),
        ("3.5 millions d'euros ont été versés", "paragraph", 0),
        ("2015 fut une année de transition", "paragraph", 0),
        ("CAF", "paragraph", 0),
        ("14, AVENUE DUQUESNE — 75700 PARIS", "paragraph", 0),
        ("a) pourquoi le développement social ?", "list_item", 1),
    ],
)
def test_heading_heuristic_is_conservative(text, kind, level):
    line = classify(text)

    assert (line.kind, line.level) == (kind, level)


def test_bullets_become_list_items_without_their_mark():
    lines = read_document("· les départements ;\n- les communes\n• les CAF".encode(), "a.txt").lines

    assert lines == [
        Line(text, "list_item", 1) for text in ("les départements ;", "les communes", "les CAF")
    ]


def test_export_marks_are_removed_and_notes_follow_their_line():
    data = (
        "[bookmark: _Toc411342157]1.4.\tLa constitution des groupes\n"
        "Le groupe s'est réuni[footnoteRef:3] six fois. [3:  Voir [annexe] 2, p. 4.]\n"
        "Une note[footnoteRef:4] sur deux lignes. [4: 1. Première source ;\n"
        "2 Seconde source, 2013.] \n"
        "[bookmark: _Toc409084940][bookmark: _Toc410663389]\n"
        "[bookmark: _Toc411342175]Conclusion\n"
    ).encode()

    assert read_document(data, "rapport.txt").lines == [
        Line("1.4. La constitution des groupes", "heading", 2),
        Line("Le groupe s'est réuni[3] six fois.", "paragraph"),
        Line("[3] Voir [annexe] 2, p. 4.", "footnote"),
        Line("Une note[4] sur deux lignes.", "paragraph"),
        Line("[4] 1. Première source ;", "footnote"),
        Line("[4] 2 Seconde source, 2013.", "footnote"),
        Line("Conclusion", "heading", 1),
    ]


def test_markdown_blocks():
    data = """# Le jardin partagé

Un texte écrit
sur deux lignes[^1] avec **du gras** et [un lien](https://exemple.fr).

Objectifs
---------

- Recréer du lien
  - entre voisins
1. Premier temps

| Porteur | Partenaires |
|---------|-------------|
| Centre social | CAF |

[^1]: Rapport d'activité 2014.
""".encode()

    document = read_document(data, "fiche.md")

    assert document.file_format == "md"
    assert document.meta.title == "Le jardin partagé"
    assert document.lines == [
        Line("Le jardin partagé", "heading", 1),
        Line(
            "Un texte écrit sur deux lignes[1] avec du gras et un lien (https://exemple.fr).",
            "paragraph",
        ),
        Line("Objectifs", "heading", 2),
        Line("Recréer du lien", "list_item", 1),
        Line("entre voisins", "list_item", 2),
        Line("Premier temps", "list_item", 1),
        Line("Porteur | Partenaires", "table_row"),
        Line("Centre social | CAF", "table_row"),
        Line("[1] Rapport d'activité 2014.", "footnote"),
    ]


@pytest.fixture(scope="module")
def report():
    if not CORPUS.exists():
        pytest.skip("the 2015 report is not here (../shared/corpus)")
    return CORPUS.read_bytes(), read_document(CORPUS.read_bytes(), CORPUS.name)


def test_the_report_keeps_every_non_empty_line(report):
    data, document = report
    source = [
        line
        for line in data.decode().splitlines()
        if re.search(r"\w", re.sub(r"\[(bookmark|image):[^\]]*\]", "", line))
    ]

    assert document.encoding == "UTF-8"
    # One line per non-empty line of the file, plus one per note split off the line it was in.
    assert len(document.lines) == len(source) + 116
    assert not [
        line for line in document.lines if "[bookmark:" in line.text or "[footnoteRef:" in line.text
    ]


def test_the_report_notes_are_all_found_in_order(report):
    _, document = report
    numbers = [
        int(line.text[1 : line.text.index("]")])
        for line in document.lines
        if line.kind == "footnote"
    ]

    # In order; a note the export wrote over two lines gives two lines of the same number.
    assert numbers == sorted(numbers)
    assert list(dict.fromkeys(numbers)) == list(range(1, 117))


def test_the_report_headings_give_its_sections_and_stay_rare(report):
    _, document = report
    headings = {line.text: line.level for line in document.lines if line.kind == "heading"}

    assert (
        headings[
            "II. Le développement social et le travail social collectif : un enjeu porteur de sens"
        ]
        == 1
    )
    assert headings["3.7.1. Le travail social de groupe"] == 3
    assert headings["3.7.2. Le travail social communautaire"] == 3
    assert (
        headings[
            "Levier 4. Éviter de toujours recommencer : un besoin de capitalisation de la connaissance et des pratiques inspirantes."
        ]
        == 2
    )
    assert (
        headings[
            "Annexe 3.2. Document d’analyse des travaux interrégionaux sur le développement social et le travail social collectif"
        ]
        == 1
    )
    # A false heading would mislead the section of every passage below it: they stay rare.
    assert len(headings) < 0.06 * len(document.lines)
    assert not [text for text in headings if len(text) > 200]
