"""A rebuild analyses text into stem numbers (`Lexicon`) and writes PostgreSQL's vectors in
binary: the same terms as `analysis.terms`, the same vectors as PostgreSQL reads from their text
form."""

from __future__ import annotations

import pytest
from django.db import connection

from maillage.practices.search.analysis import Lexicon, terms
from maillage.practices.search.backends import tsvector
from maillage.practices.search.documents import build_document
from maillage.practices.search.models import SearchDocument
from tests.practices.factories import indexed_practice

TEXTS = [
    "L'île aux parents : un lieu d'accueil où les parents parlent entre eux.",
    "Œuvre, Łódź, « développement social local » — 100 % gagnants !",
    "x" * 80 + " mot trop long puis jardin",
    "",
]


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_stem_numbers_are_the_terms_of_the_text(text):
    lexicon = Lexicon()
    lexicon.numbers("jardin partagé des parents")  # numbers already given keep theirs

    numbers = lexicon.numbers(text)

    assert [lexicon.stems[number] for number in numbers] == terms(text)


def _document(title: str, summary: str, body: str):
    content = {"title": title, "summary": summary, "description": body}
    return build_document(1, content, None, {}, Lexicon())


def _literal(document) -> str:
    """The text form of the vector: each term at its position, title A then summary B then
    body C, a gap between the parts (what the search wrote before it wrote binary)."""
    entries, position = [], 1
    for weight, part in zip("ABC", document.terms, strict=True):
        entries += [f"'{term}':{min(position + i, 16383)}{weight}" for i, term in enumerate(part)]
        position += len(part) + 1
    return " ".join(entries)


DOCUMENTS = {
    "parts": ("Jardin partagé", "Un jardin de quartier.", "Les parents du jardin et le jardin."),
    "empty parts": ("Jardin", "", ""),
    "a word 300 times": ("Atelier", "", "jardin " * 300),
    "past the last position": (
        "Atelier",
        "Parents",
        " ".join(f"mot{n % 500}" for n in range(17000)),
    ),
}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's tsvector")
@pytest.mark.django_db
@pytest.mark.parametrize("parts", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_binary_vectors_are_what_postgresql_reads_from_text(parts):
    document = _document(*parts)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE written (id bigint, vector tsvector)")
        with cursor.cursor.copy("COPY written FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(tsvector.copy_data([(1, tsvector.encode(document))]))
        cursor.execute(
            "SELECT vector = %s::tsvector, vector::text FROM written", [_literal(document)]
        )
        same, written = cursor.fetchone()

    assert same, written


@pytest.mark.django_db
def test_tabs_line_breaks_and_backslashes_are_stored_as_written():
    sheet = indexed_practice(title="Jardin\tpartagé \\ potager", summary="Ligne 1\r\nLigne 2\\n")

    stored = SearchDocument.objects.get(pk=sheet.pk)
    assert (stored.title, stored.summary) == ("Jardin\tpartagé \\ potager", "Ligne 1\r\nLigne 2\\n")
