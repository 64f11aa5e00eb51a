from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.territories.folding import fold, fold_query
from maillage.territories.models import Level, Territory
from maillage.territories.search import exact_matches, search_territories
from tests.territories.factories import CommuneFactory, DepartementFactory, Geography


def names(query: str, **options: Any) -> list[str]:
    return [territory.name for territory in search_territories(query, **options)]


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Saint-Étienne-du-Rouvray", "saint etienne du rouvray"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("Villenave-d’Ornon", "villenave d ornon"),
        ("  ŒUILLY ", "oeuilly"),
        ("2A004", "2a004"),
    ],
)
def test_fold_ignores_accents_case_hyphens_and_apostrophes(typed: str, folded: str) -> None:
    assert fold(typed) == folded


def test_fold_query_spells_out_finished_abbreviations_only() -> None:
    assert fold_query("st denis") == "saint denis"
    assert fold_query("Ste-Marie") == "sainte marie"
    assert fold_query("st") == "st"  # may be the start of « Strasbourg »


def test_a_name_prefix_finds_the_commune_first(geography: Geography) -> None:
    # The CU d'Arras is an EPCI, a higher level, but « arra » starts the commune's name.
    assert names("arra") == ["Arras", "CU d'Arras"]


def test_accents_case_and_hyphens_do_not_matter(geography: Geography) -> None:
    assert names("ILE DE FRANCE") == ["Île-de-France"]
    assert names("saint laurent-blangy") == ["Saint-Laurent-Blangy"]
    assert names("st laurent") == ["Saint-Laurent-Blangy"]


def test_any_word_of_the_name_may_start_the_search(geography: Geography) -> None:
    assert names("denis") == ["Seine-Saint-Denis", "Saint-Denis"]
    assert names("blangy") == ["Saint-Laurent-Blangy"]


def test_postal_code_finds_every_commune_of_it_largest_first(geography: Geography) -> None:
    assert names("62000") == ["Arras", "Dainville"]
    assert names("620") == ["Arras", "Dainville"]


def test_cog_code_finds_the_commune(geography: Geography) -> None:
    assert names("62041") == ["Arras"]


def test_departement_number_finds_the_departement_first(geography: Geography) -> None:
    found = search_territories("62")
    assert found[0] == geography.pas_de_calais
    assert set(found[1:]) == {geography.arras, geography.dainville, geography.saint_laurent_blangy}


def test_region_code_comes_after_departement_number(geography: Geography) -> None:
    gers = DepartementFactory(code="32", name="Gers")

    assert search_territories("32") == [gers, geography.hauts_de_france]


def test_exact_match_comes_before_larger_territories(geography: Geography) -> None:
    CommuneFactory(name="Lillers", population=10_000)
    CommuneFactory(name="Lille-sur-Mer", population=900_000)

    assert names("lille") == ["Lille", "Lille-sur-Mer", "Lillers"]


def test_levels_restrict_the_results(geography: Geography) -> None:
    assert names("arra", levels={Level.EPCI}) == ["CU d'Arras"]
    assert names("denis", levels={Level.COMMUNE}) == ["Saint-Denis"]
    assert names("62", levels={Level.DEPARTEMENT, Level.REGION}) == ["Pas-de-Calais"]


def test_limit_caps_the_results(geography: Geography) -> None:
    assert names("62", limit=2) == ["Pas-de-Calais", "Arras"]


def test_a_territory_matching_several_ways_comes_once(geography: Geography) -> None:
    CommuneFactory(name="Saint-Denis-de-Saint-Denis", population=1)

    # Exact name, then name start, then a later word (the département).
    assert names("saint denis") == [
        "Saint-Denis",
        "Saint-Denis-de-Saint-Denis",
        "Seine-Saint-Denis",
    ]


@pytest.mark.django_db
def test_empty_query_returns_nothing_without_a_query(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert search_territories("  -' ") == []


def test_search_takes_two_queries(geography: Geography, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(2):
        found = search_territories("arra")
        assert [territory.departement.name for territory in found] == [
            "Pas-de-Calais",
            "Pas-de-Calais",
        ]


def test_search_reads_the_index(geography: Geography) -> None:
    with CaptureQueriesContext(connection) as queries:
        search_territories("arra", levels={Level.COMMUNE})
    ranking = queries.captured_queries[0]["sql"]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {ranking}")
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "USING COVERING INDEX search_term_prefix (term>? AND term<?)" in plan
        else:
            # The test tables are tiny: discourage the sequential scan to see whether an index
            # can serve the prefix at all (under a C collation the unique (term, territory)
            # index can too; under others only the pattern-ops one).
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {ranking}")
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "Index" in plan
            assert "Seq Scan" not in plan


def test_exact_matches_are_whole_names_or_codes(geography: Geography) -> None:
    assert exact_matches("arras") == [geography.arras]
    assert exact_matches("62000") == [geography.arras, geography.dainville]
    assert exact_matches("arra") == []
    assert exact_matches("denis") == []


def test_from_codes_keeps_the_order_given_and_names_the_unknown(geography: Geography) -> None:
    found, unknown = Territory.objects.from_codes(
        [("commune", "59350"), ("departement", "62"), ("commune", "99999"), ("commune", "59350")]
    )
    assert [territory.name for territory in found] == ["Lille", "Pas-de-Calais"]
    assert unknown == [("commune", "99999")]
