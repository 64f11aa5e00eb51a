"""The territorial profile in JSON: the page's figures, French errors."""

from __future__ import annotations

import pytest

from tests.diagnostics.factories import IndicatorFactory, ratio, set_values
from tests.territories.factories import small_geography

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    geo = small_geography()
    households = IndicatorFactory(code="menages", label="Ménages")
    poor = IndicatorFactory(code="menages_pauvres", label="Ménages pauvres")
    rate = ratio(poor, households, code="taux_pauvrete", label="Taux de pauvreté")
    set_values(households, {geo.arras: 20_000, geo.dainville: 2_000, geo.lille: 100_000})
    set_values(poor, {geo.arras: 4_000, geo.dainville: 100, geo.lille: 25_000})
    return geo, rate


def url(level: str, code: str) -> str:
    return f"/api/v1/diagnostics/profiles/{level}/{code}"


def test_the_profile_of_an_epci_with_its_comparisons(client, scene, django_assert_max_num_queries):
    # The territory, then the profile's queries (see test_profiles_aggregation).
    with django_assert_max_num_queries(9):
        response = client.get(url("epci", "200033579"))

    assert response.status_code == 200
    body = response.json()
    assert body["territory"] == {"level": "epci", "code": "200033579", "name": "CU d'Arras"}
    assert body["departement"]["code"] == "62"
    assert body["communes"] == 3
    rows = {row["indicator"]["code"]: row for row in body["rows"]}
    assert set(rows) == {"menages", "menages_pauvres", "taux_pauvrete"}
    rate = rows["taux_pauvrete"]
    assert rate["indicator"]["aggregation"] == "ratio"
    assert rate["here"] == {
        "value": pytest.approx(100 * 4_100 / 22_000),
        "numerator": 4_100,
        "denominator": 22_000,
        "communes_with_value": 2,
        "communes": 3,
    }
    assert rate["france"]["value"] == pytest.approx(100 * 29_100 / 122_000)
    assert rows["menages"]["departement"]["value"] == 22_000


def test_chosen_indicators_come_in_the_order_asked(client, scene):
    response = client.get(url("commune", "62041"), {"indicators": "taux_pauvrete, menages"})

    assert response.status_code == 200
    rows = response.json()["rows"]
    assert [row["indicator"]["code"] for row in rows] == ["taux_pauvrete", "menages"]
    assert rows[0]["here"]["value"] == pytest.approx(20)


def test_an_unknown_indicator_is_refused_in_french(client, scene):
    response = client.get(url("epci", "200033579"), {"indicators": "menages,inconnu,autre"})

    assert response.status_code == 422
    assert response.json()["errors"] == {"indicators": ["Indicateur inconnu : inconnu, autre."]}


def test_an_unknown_territory_is_a_french_404(client, scene):
    response = client.get(url("epci", "000000000"))

    assert response.status_code == 404
    assert response.json()["detail"] == "Territoire inconnu : epci 000000000."
