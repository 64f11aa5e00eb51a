"""Facets: counts over the results, combinable filters, forms of intervention and their
sub-types, territories, periods, organisation kinds."""

from __future__ import annotations

from datetime import date

import pytest

from maillage.organisations.models import OrganisationKind
from maillage.practices.search import FACETS, SearchQuery, search_practices
from tests.organisations.factories import OrganisationFactory
from tests.practices.factories import indexed_practice, term
from tests.territories.factories import CommuneFactory, DepartementFactory

pytestmark = pytest.mark.django_db


def counts(result, facet: str) -> dict[str, int]:
    return {value.value: value.count for value in result.facets[facet]}


@pytest.fixture
def sheets():
    nord = DepartementFactory(
        code="59", name="Nord", region__code="32", region__name="Hauts-de-France"
    )
    gironde = DepartementFactory(
        code="33", name="Gironde", region__code="75", region__name="Nouvelle-Aquitaine"
    )
    lille = CommuneFactory(code="59350", name="Lille", departement=nord)
    msa = OrganisationFactory(kind=OrganisationKind.MSA)
    return {
        "socialisation": indexed_practice(
            title="Groupe de remobilisation",
            summary="Un groupe pour reprendre confiance.",
            isic_forms=[term("isic_form", "groupe_de_socialisation")],
            themes=[term("theme", "parentalite")],
            territories=[lille],
            start_date=date(2012, 3, 1),
        ),
        "communautaire": indexed_practice(
            title="Jardin des habitants",
            summary="Un groupe d'habitants cultive un jardin.",
            isic_forms=[term("isic_form", "travail_social_communautaire")],
            themes=[term("theme", "cadre_de_vie"), term("theme", "lien_social")],
            publics=[term("public", "habitants_d_un_quartier")],
            territories=[gironde],
            scale=term("scale", "quartier"),
            start_date=date(2016, 5, 1),
            ongoing=True,
            organisations=[(msa, "carrier")],
        ),
        "groupe": indexed_practice(
            title="Groupe de parents",
            summary="Un groupe de parole de parents.",
            isic_forms=[term("isic_form", "travail_social_de_groupe")],
            themes=[term("theme", "parentalite")],
            territories=[nord],
            start_date=date(1998, 1, 1),
        ),
    }


def test_every_facet_is_present_with_a_french_label():
    result = search_practices(SearchQuery())

    assert (
        set(result.facets)
        == set(FACETS)
        == {
            "isic_form",
            "theme",
            "public",
            "region",
            "departement",
            "scale",
            "period",
            "organisation_kind",
        }
    )
    assert str(FACETS["theme"]) == "Thème"


def test_counts_without_words_cover_every_published_sheet(sheets):
    result = search_practices(SearchQuery())

    assert result.total == 3
    assert counts(result, "theme") == {"parentalite": 2, "cadre_de_vie": 1, "lien_social": 1}
    assert counts(result, "departement") == {"59": 2, "33": 1}
    assert counts(result, "region") == {"32": 2, "75": 1}
    assert counts(result, "period") == {
        "2010-2014": 1,
        "2015-2019": 1,
        "en-cours": 1,
        "avant-2000": 1,
    }
    assert counts(result, "organisation_kind") == {"msa": 1}
    assert counts(result, "scale") == {"quartier": 1}
    labels = {value.value: value.label for value in result.facets["departement"]}
    assert labels == {"59": "Nord", "33": "Gironde"}
    assert {v.value: v.label for v in result.facets["theme"]}[
        "parentalite"
    ] == "Parentalité et vie familiale"


def test_a_sub_type_counts_under_its_broader_form_and_is_found_by_it(sheets):
    result = search_practices(SearchQuery(filters={"isic_form": ["travail_social_de_groupe"]}))

    assert {hit.practice_id for hit in result.hits} == {
        sheets["socialisation"].pk,
        sheets["groupe"].pk,
    }
    everything = counts(search_practices(SearchQuery()), "isic_form")
    assert everything["travail_social_de_groupe"] == 2
    assert everything["groupe_de_socialisation"] == 1


def test_counts_follow_the_words_typed(sheets):
    result = search_practices(SearchQuery(text="jardin"))

    assert result.total == 1
    assert counts(result, "theme") == {"cadre_de_vie": 1, "lien_social": 1}


def test_filters_combine_and_across_facets_or_within_one(sheets):
    either = search_practices(SearchQuery(filters={"departement": ["59", "33"]}))
    both = search_practices(
        SearchQuery(
            filters={"departement": ["59"], "theme": ["parentalite"], "period": ["avant-2000"]}
        )
    )
    with_words = search_practices(SearchQuery(text="groupe", filters={"region": ["75"]}))

    assert either.total == 3
    assert [hit.practice_id for hit in both.hits] == [sheets["groupe"].pk]
    assert [hit.practice_id for hit in with_words.hits] == [sheets["communautaire"].pk]


def test_a_chosen_facet_keeps_the_counts_of_its_other_values(sheets):
    result = search_practices(SearchQuery(filters={"departement": ["33"]}))

    assert result.total == 1
    departements = {v.value: (v.count, v.selected) for v in result.facets["departement"]}
    assert departements == {"33": (1, True), "59": (2, False)}
    assert counts(result, "theme") == {"cadre_de_vie": 1, "lien_social": 1}


def test_unknown_facets_and_values_find_nothing_rather_than_fail(sheets):
    assert search_practices(SearchQuery(filters={"colour": ["blue"]})).total == 3
    result = search_practices(SearchQuery(filters={"theme": ["inconnu"]}))
    assert result.total == 0
    assert ("inconnu", 0, True) in [(v.value, v.count, v.selected) for v in result.facets["theme"]]


def test_hits_carry_territories_and_forms_for_the_result_list(sheets):
    (hit,) = search_practices(SearchQuery(text="remobilisation")).hits

    assert hit.territories == ["Lille"]
    assert hit.isic_forms == ["Groupe de socialisation"]
    assert hit.published_at is not None
