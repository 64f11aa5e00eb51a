"""French full-text search: what a person types finds the sheets they expect."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.practices.search import SearchQuery, bitmaps, search_practices, suggest
from tests.practices.factories import indexed_practice

pytestmark = pytest.mark.django_db


def titles(text: str, **options) -> list[str]:
    return [hit.title for hit in search_practices(SearchQuery(text=text, **options)).hits]


def test_accents_and_case_do_not_matter():
    indexed_practice(title="Soutien à la parentalité", summary="Des ateliers pour les parents.")
    indexed_practice(title="Jardin partagé", summary="Un jardin cultivé par les habitants.")

    assert titles("parentalite") == ["Soutien à la parentalité"]
    assert titles("PARENTALITÉ ") == ["Soutien à la parentalité"]


def test_plural_and_singular_find_each_other():
    indexed_practice(title="Accueil des familles", summary="Un lieu d'accueil.")
    indexed_practice(title="Une famille, un quartier", summary="Un projet de quartier.")

    assert sorted(titles("famille ")) == ["Accueil des familles", "Une famille, un quartier"]
    assert sorted(titles("familles ")) == ["Accueil des familles", "Une famille, un quartier"]


def test_every_word_is_required_and_stop_words_are_ignored():
    indexed_practice(title="Jardin partagé des habitants", summary="Un jardin de quartier.")
    indexed_practice(title="Jardin d'enfants", summary="Accueil des petits.")

    assert titles("le jardin des habitants") == ["Jardin partagé des habitants"]


def test_a_quoted_phrase_needs_its_words_in_order():
    indexed_practice(title="Maison de quartier", summary="Un lieu ouvert.")
    indexed_practice(title="Quartier de la maison", summary="Un autre lieu.")

    assert titles('"maison de quartier"') == ["Maison de quartier"]


def test_a_phrase_is_stemmed_like_single_words_and_stays_within_one_part():
    indexed_practice(
        title="Épicerie", summary="Une épicerie solidaire.", description="Des paniers."
    )
    indexed_practice(title="Café solidaire", summary="Épicerie le jeudi.")

    # Plural, no accent: the same terms as the text's, on SQLite as on PostgreSQL.
    assert titles('"epiceries solidaires"') == ["Épicerie"]
    # « solidaire » ends a title and « épicerie » starts the summary: not a phrase.
    assert titles('"solidaire epicerie"') == []


def test_the_word_being_typed_matches_as_a_prefix():
    indexed_practice(title="Soutien à la parentalité", summary="Des ateliers.")

    assert titles("parenta") == ["Soutien à la parentalité"]
    assert titles("parenta ") == []  # a finished word is a whole word


def test_title_match_ranks_above_summary_and_body_matches():
    indexed_practice(title="Atelier cuisine", summary="Des repas.", description="Une épicerie.")
    indexed_practice(title="Atelier", summary="Une épicerie sociale.", description="Des repas.")
    indexed_practice(title="Épicerie solidaire", summary="Des paniers.", description="Des repas.")

    assert titles("epicerie") == ["Épicerie solidaire", "Atelier", "Atelier cuisine"]


def test_sort_by_date_puts_the_latest_publication_first():
    indexed_practice(title="Épicerie solidaire", summary="Des paniers.")
    indexed_practice(title="Atelier", summary="Une épicerie sociale.")

    assert titles("epicerie", sort="date") == ["Atelier", "Épicerie solidaire"]


def test_words_the_sheet_is_filed_under_find_it():
    sheet = indexed_practice(title="Rencontres du mardi", summary="Des rencontres.")

    assert [hit.practice_id for hit in search_practices(SearchQuery("groupe")).hits] == [sheet.pk]


def test_pages_split_the_results():
    for number in range(5):
        indexed_practice(title=f"Jardin numéro {number}", summary="Un jardin.")

    first = search_practices(SearchQuery("jardin", per_page=2))
    third = search_practices(SearchQuery("jardin", per_page=2, page=3))

    assert first.total == third.total == 5
    assert len(first.hits) == 2
    assert len(third.hits) == 1


def test_snippet_highlights_the_matches_and_escapes_the_rest():
    indexed_practice(
        title="Ateliers",
        summary="Un atelier <script>alert('x')</script> pour soutenir la parentalité.",
    )

    (hit,) = search_practices(SearchQuery("parentalite")).hits

    assert "<mark>parentalité</mark>" in hit.snippet
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet


def test_suggest_offers_titles_whose_words_start_with_what_is_typed():
    indexed_practice(title="L'île aux parents", summary="Un lieu d'accueil.")
    indexed_practice(title="Parcours confiance", summary="Un programme.")
    indexed_practice(title="Jardin partagé", summary="Un jardin.")

    assert suggest("ile aux par") == ["L'île aux parents"]
    assert suggest("parc") == ["Parcours confiance"]
    assert len(suggest("pa")) == 3
    assert suggest("p") == []


@pytest.mark.parametrize("sorted_up_to", [1000, 0], ids=["groups sorted", "groups walked"])
def test_pages_by_relevance_list_every_match_once_in_order(sorted_up_to, monkeypatch):
    monkeypatch.setattr(bitmaps, "SORTED", sorted_up_to)
    in_title = indexed_practice(title="Épicerie solidaire", summary="Des paniers.").pk
    in_summary = indexed_practice(title="Atelier", summary="Une épicerie sociale.").pk
    in_body = [
        indexed_practice(title="Cuisine", summary="Des repas.", description="Une épicerie.").pk,
        indexed_practice(
            title="Jardin", summary="Des légumes.", description="Vendus à l'épicerie."
        ).pk,
    ]
    pages = [
        search_practices(SearchQuery("epicerie", per_page=1, page=n)).hits for n in range(1, 6)
    ]

    assert [len(page) for page in pages] == [1, 1, 1, 1, 0]
    # Title, summary, then the text alone, the latest publication first among equals.
    assert [page[0].practice_id for page in pages[:4]] == [in_title, in_summary, *in_body[::-1]]


def test_a_rare_word_in_the_title_outranks_a_common_one():
    for n in range(6):
        indexed_practice(title=f"Atelier {n}", summary="Des ateliers.")
    rare_in_title = indexed_practice(
        title="Épicerie", summary="Des paniers.", description="Un atelier."
    ).pk
    common_in_title = indexed_practice(
        title="Atelier", summary="Des paniers.", description="Une épicerie."
    ).pk  # published later: first if rarity did not count

    ids = [hit.practice_id for hit in search_practices(SearchQuery("atelier epicerie")).hits]

    assert ids == [rare_in_title, common_in_title]


ODD_INPUT = ['"le la"', '""', '"', "'", "a:*", "AND OR NOT", "x" * 80, "(jardin", "\\", "\x00"]


@pytest.mark.parametrize("text", ODD_INPUT, ids=range(len(ODD_INPUT)))
def test_odd_typed_text_searches_without_error(text):
    indexed_practice(title="Jardin partagé")

    result = search_practices(SearchQuery(text))

    assert result.total in (0, 1)


def test_quotes_around_one_word_do_not_check_an_order_of_words():
    indexed_practice(title="La maison des parents")
    search_practices(SearchQuery("maison"))  # the bitmaps loaded

    with CaptureQueriesContext(connection) as captured:
        result = search_practices(SearchQuery('"la maison"'))

    assert result.total == 1
    phrase_queries = [
        q for q in captured if "practices_search_fts" in q["sql"] or "search_ids" in q["sql"]
    ]
    assert phrase_queries == []
