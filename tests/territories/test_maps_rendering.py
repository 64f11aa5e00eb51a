from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client

from maillage.territories import maps
from maillage.territories.maps import CLASS_COLOURS, NEUTRAL_COLOUR, commune_map
from maillage.territories.models import Territory
from tests.territories.factories import CommuneFactory, Geography, give_outline

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def communes_of(territory: Territory):
    return Territory.objects.communes_of(territory)


def parse(svg: str) -> ET.Element:
    """The SVG must be well-formed XML: browsers forgive, screen readers and exports may not."""
    return ET.fromstring(svg)  # noqa: S314 - our own output


def paths(svg: str) -> list[tuple[str, str]]:
    """(fill of its group, tooltip) of each commune's path."""
    return [
        (group.get("fill", ""), path.find(f"{SVG}title").text or "")
        for group in parse(svg).iter(f"{SVG}g")
        for path in group.findall(f"{SVG}path")
    ]


@pytest.fixture
def outlined(geography: Geography) -> Geography:
    give_outline(geography.arras, 2.74, 50.27, 0.07)
    give_outline(geography.dainville, 2.70, 50.27, 0.04)
    give_outline(geography.saint_laurent_blangy, 2.81, 50.28, 0.05)
    return geography


def test_draws_one_path_per_commune_in_one_query(
    outlined: Geography, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        result = commune_map(communes_of(outlined.cu_arras))

    root = parse(result.svg)
    assert root.get("role") == "img"
    title_id, description_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == description_id
    assert root.find(f"{SVG}title").text == "Carte des communes"
    assert "3 communes dessinées." in root.find(f"{SVG}desc").text
    # Without values: every commune in the neutral colour, named, no legend, no table.
    assert sorted(paths(result.svg)) == [
        (NEUTRAL_COLOUR, "Arras"),
        (NEUTRAL_COLOUR, "Dainville"),
        (NEUTRAL_COLOUR, "Saint-Laurent-Blangy"),
    ]
    assert (result.legend, result.rows, result.missing) == ([], [], [])


def test_projects_east_to_the_right_and_north_up(outlined: Geography) -> None:
    result = commune_map(communes_of(outlined.cu_arras))

    starts = {
        name: tuple(map(int, re.match(r"M(-?\d+) (-?\d+)", path.get("d")).groups()))
        for path in parse(result.svg).iter(f"{SVG}path")
        for name in [path.find(f"{SVG}title").text]
    }
    # Dainville lies west of Arras, Saint-Laurent-Blangy east; all start on their south edge.
    assert starts["Dainville"][0] < starts["Arras"][0] < starts["Saint-Laurent-Blangy"][0]
    assert starts["Saint-Laurent-Blangy"][1] < starts["Arras"][1]
    # Longitudes shrink by the cosine of the mean latitude (0.639 at 50.3° N): the box of
    # 0.16° of longitude by 0.07° of latitude is drawn 1.46 times wider than tall, not 2.29.
    width, height = map(int, parse(result.svg).get("viewBox").split()[2:])
    assert width / height == pytest.approx(0.16 * 0.639 / 0.07, rel=0.02)


def test_names_are_escaped(geography: Geography) -> None:
    commune = CommuneFactory(name='<script>alert("x")</script> & Cie', epci=geography.cu_arras)
    give_outline(commune, 2.7, 50.3)

    result = commune_map(communes_of(geography.cu_arras), values={commune.pk: 1.0}, title="A < B")

    assert "<script>" not in result.svg
    assert "&lt;script&gt;" in result.svg
    assert paths(result.svg)[0][1] == '<script>alert("x")</script> & Cie : 1'
    assert parse(result.svg).find(f"{SVG}title").text == "A < B"


def test_values_fall_in_five_classes_with_a_french_legend(geography: Geography) -> None:
    communes = [
        CommuneFactory(name=f"Commune {index:02d}", epci=geography.cu_arras) for index in range(10)
    ]
    for index, commune in enumerate(communes):
        give_outline(commune, 2.0 + index * 0.1, 50.0)
    values = {commune.pk: 1.5 + index for index, commune in enumerate(communes)}

    result = commune_map(communes_of(geography.cu_arras), values=values, unit="%")

    assert [(item.colour, item.label, item.communes) for item in result.legend] == [
        (CLASS_COLOURS[0], "de 1,5\u00a0% à 2,5\u00a0%", 2),
        (CLASS_COLOURS[1], "de 3,5\u00a0% à 4,5\u00a0%", 2),
        (CLASS_COLOURS[2], "de 5,5\u00a0% à 6,5\u00a0%", 2),
        (CLASS_COLOURS[3], "de 7,5\u00a0% à 8,5\u00a0%", 2),
        (CLASS_COLOURS[4], "de 9,5\u00a0% à 10,5\u00a0%", 2),
    ]
    fills = dict((tooltip, fill) for fill, tooltip in paths(result.svg))
    assert fills["Commune 00 : 1,5\u00a0%"] == CLASS_COLOURS[0]
    assert fills["Commune 05 : 6,5\u00a0%"] == CLASS_COLOURS[2]
    assert fills["Commune 09 : 10,5\u00a0%"] == CLASS_COLOURS[4]
    assert "Plus la couleur est foncée" in parse(result.svg).find(f"{SVG}desc").text


def test_few_distinct_values_make_fewer_classes_far_apart(outlined: Geography) -> None:
    values = {
        outlined.arras.pk: 1200,
        outlined.dainville.pk: 80,
        outlined.saint_laurent_blangy.pk: 80,
    }

    result = commune_map(communes_of(outlined.cu_arras), values=values)

    # Whole numbers stay whole, with French grouping.
    assert [(item.colour, item.label) for item in result.legend] == [
        (CLASS_COLOURS[0], "80"),
        (CLASS_COLOURS[4], "1\u00a0200"),
    ]


def test_a_commune_without_value_is_hatched_and_said(outlined: Geography) -> None:
    values = {outlined.arras.pk: 12.5, outlined.dainville.pk: 20.0}

    result = commune_map(communes_of(outlined.cu_arras), values=values, unit="%")

    fills = {tooltip: fill for fill, tooltip in paths(result.svg)}
    assert fills["Saint-Laurent-Blangy : pas de valeur"].startswith("url(#")
    pattern_id = fills["Saint-Laurent-Blangy : pas de valeur"][5:-1]
    assert parse(result.svg).find(f".//{SVG}pattern").get("id") == pattern_id
    assert result.without_value == 1
    assert "1 commune sans valeur est hachurée en gris." in result.svg
    assert [(row.territory.name, row.display) for row in result.rows] == [
        ("Arras", "12,5\u00a0%"),
        ("Dainville", "20,0\u00a0%"),
        ("Saint-Laurent-Blangy", "pas de valeur"),
    ]


def test_communes_without_outline_are_listed_not_drawn(outlined: Geography) -> None:
    result = commune_map(communes_of(outlined.hauts_de_france))

    assert [commune.name for commune in result.missing] == ["Lille"]
    assert len(paths(result.svg)) == 3


def test_no_outline_at_all_still_gives_a_valid_svg(geography: Geography) -> None:
    result = commune_map(communes_of(geography.seine_saint_denis))

    assert paths(result.svg) == []
    assert [commune.name for commune in result.missing] == ["Saint-Denis"]
    assert parse(result.svg).find(f"{SVG}desc").text == "Aucune commune n'a de contour connu."


def test_the_include_gives_legend_table_and_missing_communes(outlined: Geography) -> None:
    values = {outlined.arras.pk: 12.5, outlined.dainville.pk: 20.0}
    result = commune_map(
        communes_of(outlined.hauts_de_france), values=values, title="Taux de pauvreté", unit="%"
    )

    html = render_to_string("territories/_commune_map.html", {"map": result})

    assert f'aria-labelledby="{result.map_id}-legende"' in html
    assert "Taux de pauvreté</figcaption>" in html
    assert html.count("<li ") == 3  # two classes and « pas de valeur »
    assert "12,5\u00a0%" in html
    assert "Une commune n'est pas dessinée, faute de contour connu : Lille." in html
    assert "Voir les valeurs en tableau" in html
    assert '<th scope="col">Valeur (%)</th>' in html
    assert '<tr><th scope="row">Lille</th><td>59350</td><td>pas de valeur</td></tr>' in html


def test_too_many_communes_are_not_drawn_and_the_include_says_so(
    outlined: Geography, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(maps, "MAX_COMMUNES", 2)

    result = commune_map(communes_of(outlined.cu_arras))
    html = render_to_string("territories/_commune_map.html", {"map": result})

    assert result.too_large
    assert "<svg" not in html
    assert "Trop de communes pour les dessiner" in html


def test_the_territory_page_shows_its_communes_on_a_map(
    outlined: Geography, client: Client, django_assert_num_queries: Any
) -> None:
    # The territory, the count, one page of communes, every commune with its outline.
    with django_assert_num_queries(4):
        response = client.get(outlined.cu_arras.get_absolute_url())

    page = response.content.decode()
    assert "Les communes de CU d&#x27;Arras</figcaption>" in page
    assert page.count("<path ") == 3
    assert "Voir les valeurs en tableau" not in page  # no values: the list below suffices


def test_a_commune_page_has_no_map(outlined: Geography, client: Client) -> None:
    page = client.get(outlined.arras.get_absolute_url()).content.decode()

    assert "<svg" not in page.split("<main", 1)[1]
