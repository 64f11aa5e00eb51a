from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from maillage.territories.models import Level
from tests.territories.factories import CommuneFactory, CustomTerritoryFactory, Geography


def test_search_page_lists_matches_with_links(geography: Geography, client: Client) -> None:
    response = client.get(reverse("territories:search"), {"q": "arra"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "2 territoires pour « arra »" in page
    assert page.index('href="/territoires/commune/62041/">Arras</a>') < page.index(
        'href="/territoires/epci/200033579/">CU d&#x27;Arras</a>'
    )


def test_search_page_has_the_picker(geography: Geography, client: Client) -> None:
    page = client.get(reverse("territories:search")).content.decode()

    assert 'role="combobox"' in page
    assert "data-submit-on-choose" in page
    assert "/static/territories/picker.js" in page


def test_search_page_without_a_match_suggests_what_to_type(
    geography: Geography, client: Client
) -> None:
    page = client.get(reverse("territories:search"), {"q": "zzz"}).content.decode()

    assert "Aucun territoire pour « zzz »" in page
    assert "code postal" in page


def test_choosing_a_territory_goes_to_its_page(geography: Geography, client: Client) -> None:
    response = client.get(reverse("territories:search"), {"territoire": geography.arras.pk})

    assert response.status_code == 302
    assert response["Location"] == "/territoires/commune/62041/"


def test_typing_a_code_without_javascript_goes_to_its_page(
    geography: Geography, client: Client
) -> None:
    response = client.get(reverse("territories:search"), {"territoire__saisie": "Pas-de-Calais"})

    assert response["Location"] == "/territoires/departement/62/"


def test_suggestions_fragment_describes_each_option(geography: Geography, client: Client) -> None:
    response = client.get(reverse("territories:suggestions"), {"q": "arra"})

    fragment = response.content.decode()
    assert fragment.count('role="option"') == 2
    assert f'data-id="{geography.arras.pk}" data-label="Arras (62041)"' in fragment
    assert "Arras <small>— Commune · 62041 · Pas-de-Calais</small>" in fragment


def test_suggestions_respect_levels(geography: Geography, client: Client) -> None:
    response = client.get(reverse("territories:suggestions"), {"q": "arra", "levels": "epci,x"})

    assert response.content.decode().count('role="option"') == 1
    assert "CU d&#x27;Arras" in response.content.decode()


def test_commune_page_shows_its_facts_and_parents(
    geography: Geography, client: Client, django_assert_num_queries: Any
) -> None:
    bassin = CustomTerritoryFactory(name="Bassin d'Arras", communes=[geography.arras])

    # The commune with its parents, its arrondissements, the custom territories holding it.
    with django_assert_num_queries(3):
        page = client.get(geography.arras.get_absolute_url()).content.decode()

    assert "<h1>Arras</h1>" in page
    assert "42\u00a0875 habitants" in page
    assert "<dd>62000</dd>" in page
    assert '<a href="/territoires/epci/200033579/">CU d&#x27;Arras</a>' in page
    assert '<a href="/territoires/departement/62/">Pas-de-Calais (62)</a>' in page
    assert '<a href="/territoires/region/32/">Hauts-de-France</a>' in page
    assert f'<a href="{bassin.get_absolute_url()}">Bassin d&#x27;Arras</a>' in page


def test_departement_page_lists_its_communes_by_page(
    geography: Geography, client: Client, django_assert_num_queries: Any
) -> None:
    CommuneFactory.create_batch(
        60, departement=geography.pas_de_calais, region=geography.hauts_de_france
    )

    # The territory, the count, one page of communes with their département and EPCI, and
    # every commune with its outline for the map.
    with django_assert_num_queries(4):
        response = client.get(geography.pas_de_calais.get_absolute_url(), {"page": 2})

    page = response.content.decode()
    assert "63 communes" in page
    assert page.count('<tr>\n          <td><a href="/territoires/commune/') == 13
    assert "Page 2 sur 2" in page


def test_custom_territory_page_lists_its_communes(geography: Geography, client: Client) -> None:
    bassin = CustomTerritoryFactory(
        name="Bassin d'Arras", communes=[geography.arras, geography.dainville]
    )

    page = client.get(bassin.get_absolute_url()).content.decode()

    assert "Bassin de vie" in page
    assert "2 communes" in page
    assert 'href="/territoires/commune/62263/">Dainville</a>' in page


def test_arrondissement_page_links_its_commune(geography: Geography, client: Client) -> None:
    arrondissement = CommuneFactory(
        level=Level.ARRONDISSEMENT, code="59998", name="Lille-Sud", parent=geography.lille
    )

    page = client.get(arrondissement.get_absolute_url()).content.decode()

    assert '<a href="/territoires/commune/59350/">Lille</a>' in page


@pytest.mark.django_db
def test_unknown_territory_is_a_french_404(client: Client) -> None:
    response = client.get("/territoires/commune/99999/")

    assert response.status_code == 404
    assert "Territoire inconnu : commune 99999." in response.content.decode()
