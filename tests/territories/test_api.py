from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.territories.factories import CommuneFactory, Geography

API = "/api/v1/territories"


def test_search_returns_the_picker_results(
    geography: Geography, client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(2):
        response = client.get(API, {"q": "arra", "limit": 10})

    assert response.status_code == 200
    first = response.json()[0]
    assert first == {
        "id": geography.arras.pk,
        "level": "commune",
        "level_label": "Commune",
        "kind": "",
        "code": "62041",
        "name": "Arras",
        "label": "Arras — Commune · 62041 · Pas-de-Calais",
        "population": 42875,
        "postal_codes": ["62000"],
        "departement": {"level": "departement", "code": "62", "name": "Pas-de-Calais"},
        "region": {"level": "region", "code": "32", "name": "Hauts-de-France"},
    }
    assert [item["code"] for item in response.json()] == ["62041", "200033579"]


def test_search_filters_levels_and_limits(geography: Geography, client: Client) -> None:
    response = client.get(API, {"q": "62", "level": ["commune", "epci"], "limit": 2})

    assert [item["name"] for item in response.json()] == ["Arras", "Saint-Laurent-Blangy"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"q": "arra", "level": "canton"}, "level", "Niveau inconnu : canton."),
        ({}, "q", "Champ obligatoire."),
        ({"q": "arra", "limit": 500}, "limit", "Doit être inférieur ou égal à 50."),
    ],
)
def test_search_refuses_bad_parameters(
    client: Client, params: dict[str, str], field: str, message: str
) -> None:
    response = client.get(API, params)

    assert response.status_code == 422
    assert response.json()["detail"] == "Données invalides."
    assert message in response.json()["errors"][field][0]


def test_detail_gives_the_parents(
    geography: Geography, client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        response = client.get(f"{API}/commune/62041")

    body = response.json()
    assert body["epci"] == {"level": "epci", "code": "200033579", "name": "CU d'Arras"}
    assert body["departement"]["code"] == "62"
    assert body["parent"] is None
    assert body["communes_count"] is None
    assert body["is_current"] is True


def test_detail_of_an_epci_counts_its_communes(geography: Geography, client: Client) -> None:
    assert client.get(f"{API}/epci/200033579").json()["communes_count"] == 3


@pytest.mark.django_db
def test_unknown_territory_is_a_json_404(client: Client) -> None:
    response = client.get(f"{API}/commune/99999")

    assert response.status_code == 404
    assert response.json() == {"detail": "Territoire inconnu : commune 99999."}


def test_communes_are_paginated(geography: Geography, client: Client) -> None:
    CommuneFactory.create_batch(
        55, departement=geography.pas_de_calais, region=geography.hauts_de_france
    )

    first = client.get(f"{API}/departement/62/communes").json()
    second = client.get(f"{API}/departement/62/communes", {"page": 2}).json()

    assert first["count"] == 58
    assert len(first["items"]) == 50
    assert len(second["items"]) == 8
    assert first["items"][0]["name"] == "Arras"


@pytest.mark.django_db
def test_communes_of_an_unknown_territory_is_a_json_404(client: Client) -> None:
    response = client.get(f"{API}/epci/1/communes")

    assert response.status_code == 404
    assert response.json() == {"detail": "Territoire inconnu : epci 1."}


@pytest.mark.django_db
def test_schema_documents_the_territory_routes(client: Client) -> None:
    schema = client.get("/api/v1/schema").json()

    assert {"/api/v1/territories", "/api/v1/territories/{level}/{code}"} <= set(schema["paths"])
    assert "TerritoryDetail" in schema["components"]["schemas"]
