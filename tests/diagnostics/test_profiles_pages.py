"""The territorial profile page: figures by theme beside the département and France, the map,
the actors, actions and practices of the territory, and its exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from maillage.diagnostics.models import Theme
from maillage.organisations.models import Role
from tests.actions.factories import ActionFactory
from tests.diagnostics.factories import IndicatorFactory, ratio, set_values
from tests.organisations.factories import OrganisationFactory, member
from tests.practices.factories import PracticeFactory, indexed_practice
from tests.territories.factories import CommuneFactory, CustomTerritoryFactory, small_geography

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    geo = small_geography()
    bethune = CommuneFactory(
        code="62119", name="Béthune", departement=geo.pas_de_calais, region=geo.hauts_de_france
    )
    households = IndicatorFactory(
        code="menages", label="Ménages", unit="ménages", theme=Theme.FAMILIES
    )
    poor = IndicatorFactory(
        code="menages_pauvres",
        label="Ménages pauvres",
        unit="ménages",
        theme=Theme.INCOME_POVERTY,
        source="INSEE, Filosofi",
        year=2021,
    )
    rate = ratio(
        poor,
        households,
        code="taux_pauvrete",
        label="Taux de pauvreté",
        theme=Theme.INCOME_POVERTY,
        is_sample=True,
    )
    set_values(
        households,
        {
            geo.arras: 20_000,
            geo.dainville: 2_000,
            geo.saint_laurent_blangy: 3_000,
            bethune: 10_000,
            geo.lille: 100_000,
        },
    )
    set_values(poor, {geo.arras: 4_000, geo.dainville: 100, bethune: 1_000, geo.lille: 25_000})
    return geo, rate


def profile_url(territory, **query):
    url = reverse("diagnostics:profile", args=[territory.level, territory.code])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def test_the_picker_takes_a_person_to_the_profile_of_the_chosen_territory(client, scene):
    geo, _ = scene

    page = client.get(reverse("diagnostics:profiles"))
    chosen = client.get(reverse("diagnostics:profiles"), {"territoire": geo.cu_arras.pk})

    assert page.status_code == 200
    assert 'name="territoire"' in page.content.decode()
    assert chosen.status_code == 302
    assert chosen["Location"] == profile_url(geo.cu_arras)


def test_the_profile_shows_each_figure_here_in_the_departement_and_in_france(client, scene):
    geo, _ = scene

    response = client.get(profile_url(geo.cu_arras))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Profil de CU d&#x27;Arras" in page
    # Poor households: 4 100 out of 22 000 households where both are known.
    assert "18,6\xa0%" in page
    assert "valeur connue pour 2 communes sur 3" in page
    assert "Pas-de-Calais" in page and "France" in page
    assert "données d'exemple" in page
    assert "INSEE, Filosofi, 2021" in page
    # Themes as sections, ratios as bars with their data table.
    assert page.index("Revenus et pauvreté") < page.index("Familles")
    assert "<figure" in page and "fr-sr-only" in page
    assert "?format=csv" in page and "?format=xlsx" in page


def test_a_theme_filter_keeps_only_its_indicators(client, scene):
    geo, _ = scene

    page = client.get(profile_url(geo.cu_arras, theme=Theme.FAMILIES)).content.decode()

    assert "Ménages</a>" in page
    assert "Taux de pauvreté</a>" not in page


def test_the_map_colours_the_communes_by_the_chosen_indicator(client, scene):
    geo, _ = scene

    plain = client.get(profile_url(geo.cu_arras)).content.decode()
    coloured = client.get(profile_url(geo.cu_arras, carte="taux_pauvrete")).content.decode()

    assert "Les communes de CU d&#x27;Arras" in plain
    assert "Taux de pauvreté, commune par commune" in coloured
    # The values as a table for those who cannot read the map; Saint-Laurent-Blangy has none.
    assert "20,0\xa0%" in coloured or "20\xa0%" in coloured
    assert "pas de valeur" in coloured


def test_a_commune_profile_has_no_map_of_communes(client, scene):
    geo, _ = scene

    page = client.get(profile_url(geo.arras)).content.decode()

    assert "Carte des communes" not in page
    assert "20,0\xa0%" in page


def test_the_actors_actions_and_practices_located_in_the_territory(client, scene):
    geo, _ = scene
    here = OrganisationFactory(name="Centre social d'Arras")
    here.territories.add(geo.dainville)
    elsewhere = OrganisationFactory(name="CCAS de Lille")
    elsewhere.territories.add(geo.lille)
    action = ActionFactory(title="Atelier cuisine", territories=[geo.arras])
    ActionFactory(title="Action à Lille", territories=[geo.lille])
    indexed_practice(title="Jardin partagé", territories=[geo.saint_laurent_blangy])
    draft = PracticeFactory(title="Brouillon caché")
    draft.territories.add(geo.arras)
    colleague = member(Role.PROFESSIONAL, action.organisation)

    anonymous = client.get(profile_url(geo.cu_arras)).content.decode()
    client.force_login(colleague)
    signed_in = client.get(profile_url(geo.cu_arras)).content.decode()

    assert "Centre social d&#x27;Arras" in anonymous
    assert "CCAS de Lille" not in anonymous
    assert "Jardin partagé" in anonymous
    assert "Brouillon caché" not in anonymous
    assert "Atelier cuisine" not in anonymous
    assert "Atelier cuisine" in signed_in
    assert "Action à Lille" not in signed_in


def test_a_custom_territory_lists_the_actors_of_its_communes(client, scene):
    geo, _ = scene
    bassin = CustomTerritoryFactory(name="Bassin d'Arras", communes=[geo.arras, geo.dainville])
    organisation = OrganisationFactory(name="Association des parents")
    organisation.territories.add(geo.arras)

    response = client.get(profile_url(bassin))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Association des parents" in page
    assert "Pas-de-Calais" in page


def test_the_profile_page_costs_a_bounded_number_of_queries(
    client, scene, django_assert_max_num_queries
):
    geo, rate = scene
    for number in range(8):
        extra = IndicatorFactory(code=f"extra_{number}", theme=Theme.HOUSING)
        set_values(extra, {geo.arras: number, geo.dainville: 2 * number})
        ratio(extra, rate.denominator, code=f"part_{number}", theme=Theme.HOUSING)
    for _ in range(5):
        OrganisationFactory().territories.add(geo.arras)

    with django_assert_max_num_queries(14):
        response = client.get(profile_url(geo.cu_arras, carte="taux_pauvrete"))
    assert response.status_code == 200

    # Signed in: the session, the user, her organisations and area, the actions she reads.
    coordinator = member(Role.COORDINATOR)
    ActionFactory(organisation=coordinator.memberships.get().organisation, territories=[geo.arras])
    client.force_login(coordinator)
    with django_assert_max_num_queries(20):
        response = client.get(profile_url(geo.cu_arras, carte="taux_pauvrete"))
    assert response.status_code == 200
    assert len(response.context["actions"]) == 1


def test_the_csv_export_gives_territory_departement_and_france_with_their_terms(client, scene):
    geo, _ = scene

    response = client.get(profile_url(geo.cu_arras, format="csv"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    headers = lines[1]
    assert "CU d'Arras : numérateur" in headers
    assert "Pas-de-Calais : dénominateur" in headers
    assert "France : communes renseignées" in headers
    rate_line = next(line for line in lines if line and line[0] == "taux_pauvrete")
    cells = dict(zip(headers, rate_line, strict=True))
    assert cells["CU d'Arras : numérateur"] == "4100,0"
    assert cells["CU d'Arras : dénominateur"] == "22000,0"
    assert cells["CU d'Arras : communes renseignées"] == "2"
    assert cells["CU d'Arras : communes"] == "3"
    assert cells["Données d'exemple"] == "oui"


def test_the_xlsx_export_opens_in_a_spreadsheet(client, scene):
    geo, _ = scene

    response = client.get(profile_url(geo.cu_arras, format="xlsx"))

    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "Code"
    assert {row[0] for row in rows[1:]} == {"menages", "menages_pauvres", "taux_pauvrete"}


def test_unknown_territory_or_format_is_a_french_404(client, scene):
    geo, _ = scene

    unknown = client.get(reverse("diagnostics:profile", args=["epci", "999999999"]))
    bad_format = client.get(profile_url(geo.cu_arras, format="pdf"))

    assert unknown.status_code == 404
    assert "Territoire inconnu" in unknown.content.decode()
    assert bad_format.status_code == 404


def test_the_territory_page_links_to_its_profile(client, scene):
    geo, _ = scene

    page = client.get(geo.cu_arras.get_absolute_url()).content.decode()

    assert "Profil du territoire" in page
    assert profile_url(geo.cu_arras) in page


def test_an_indicator_unknown_here_for_the_map_is_said_and_the_theme_still_applies(client, scene):
    geo, _ = scene

    response = client.get(profile_url(geo.cu_arras, theme=Theme.FAMILIES, carte="inconnu"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Sélectionnez un choix valide" in page
    assert "Taux de pauvreté</a>" not in page
    assert "Les communes de CU d&#x27;Arras" in page
