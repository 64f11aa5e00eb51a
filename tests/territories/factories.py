"""Territories for tests, searchable by the picker as soon as they are created.

from tests.territories.factories import CommuneFactory, small_geography

geography = small_geography()        # a coherent set, see `Geography`
commune = CommuneFactory(departement=geography.pas_de_calais)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import factory

from maillage.territories.indexing import reindex
from maillage.territories.models import CustomKind, Level, Outline, Territory
from maillage.territories.outlines import encode_rings


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ("level", "code")
        skip_postgeneration_save = True

    level = Level.COMMUNE
    # « 9x… » codes stay clear of the real ones used in `small_geography`.
    code = factory.Sequence(lambda n: f"9{n % 10}{n:03d}")
    name = factory.Sequence(lambda n: f"Territoire {n}")
    population = 1000

    @factory.post_generation
    def search_terms(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            reindex([self])


class RegionFactory(TerritoryFactory):
    level = Level.REGION
    code = factory.Sequence(lambda n: f"R{n}")


class DepartementFactory(TerritoryFactory):
    level = Level.DEPARTEMENT
    code = factory.Sequence(lambda n: f"D{n}")
    region = factory.SubFactory(RegionFactory)


class EpciFactory(TerritoryFactory):
    level = Level.EPCI
    code = factory.Sequence(lambda n: f"2999{n:05d}")
    departement = factory.SubFactory(DepartementFactory)
    region = factory.SelfAttribute("departement.region")


class CommuneFactory(TerritoryFactory):
    level = Level.COMMUNE
    departement = factory.SubFactory(DepartementFactory)
    region = factory.SelfAttribute("departement.region")


class CustomTerritoryFactory(TerritoryFactory):
    level = Level.CUSTOM
    kind = CustomKind.BASSIN_DE_VIE
    code = factory.Sequence(lambda n: f"BV{n}")

    @factory.post_generation
    def communes(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.communes.set(extracted)


@dataclass(frozen=True)
class Geography:
    hauts_de_france: Territory
    pas_de_calais: Territory
    nord: Territory
    cu_arras: Territory
    arras: Territory
    dainville: Territory
    saint_laurent_blangy: Territory
    lille: Territory
    ile_de_france: Territory
    seine_saint_denis: Territory
    saint_denis: Territory


def small_geography() -> Geography:
    """Real codes, names, postal codes and populations (COG 2024), small enough for any test:
    Hauts-de-France (32) with Pas-de-Calais (62) and Nord (59), the CU d'Arras and three of its
    communes, Lille; Île-de-France (11) with Seine-Saint-Denis (93) and Saint-Denis."""
    hauts_de_france = RegionFactory(code="32", name="Hauts-de-France", population=5_980_000)
    pas_de_calais = DepartementFactory(
        code="62", name="Pas-de-Calais", population=1_457_905, region=hauts_de_france
    )
    nord = DepartementFactory(code="59", name="Nord", population=2_611_000, region=hauts_de_france)
    cu_arras = EpciFactory(
        code="200033579",
        name="CU d'Arras",
        population=109_781,
        departement=pas_de_calais,
        region=hauts_de_france,
    )

    def commune(code: str, name: str, population: int, postal_codes: list[str]) -> Territory:
        departement = pas_de_calais if code.startswith("62") else nord
        return CommuneFactory(
            code=code,
            name=name,
            population=population,
            postal_codes=postal_codes,
            departement=departement,
            region=hauts_de_france,
            epci=cu_arras if departement == pas_de_calais else None,
        )

    ile_de_france = RegionFactory(code="11", name="Île-de-France", population=12_463_067)
    seine_saint_denis = DepartementFactory(
        code="93", name="Seine-Saint-Denis", population=1_704_316, region=ile_de_france
    )
    return Geography(
        hauts_de_france=hauts_de_france,
        pas_de_calais=pas_de_calais,
        nord=nord,
        cu_arras=cu_arras,
        arras=commune("62041", "Arras", 42_875, ["62000"]),
        dainville=commune("62263", "Dainville", 5_683, ["62000"]),
        saint_laurent_blangy=commune("62753", "Saint-Laurent-Blangy", 6_500, ["62223"]),
        lille=commune("59350", "Lille", 236_710, ["59000", "59160", "59260", "59777", "59800"]),
        ile_de_france=ile_de_france,
        seine_saint_denis=seine_saint_denis,
        saint_denis=CommuneFactory(
            code="93066",
            name="Saint-Denis",
            population=149_077,
            postal_codes=["93200", "93210"],
            departement=seine_saint_denis,
            region=ile_de_france,
        ),
    )


def give_outline(territory: Territory, west: float, south: float, size: float = 0.05) -> Outline:
    """A square outline for maps in tests: `size` degrees wide, from its south-west corner."""
    rings, (box_west, box_south, box_east, box_north) = encode_rings(
        [[(west, south), (west + size, south), (west + size, south + size), (west, south + size)]]
    )
    return Outline.objects.create(
        territory=territory,
        rings=rings,
        west=box_west,
        south=box_south,
        east=box_east,
        north=box_north,
    )
