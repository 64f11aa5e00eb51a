from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from maillage.territories.models import Level, ReferenceLoad, Territory
from maillage.territories.package import SOURCE
from maillage.territories.search import search_territories
from tests.territories.factories import CustomTerritoryFactory

pytestmark = pytest.mark.django_db

REAL_DATA = Path(settings.NODE_MODULES_DIR) / SOURCE / "data"


def commune(code: str, name: str, departement: str, region: str, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "nom": name,
        "type": "commune-actuelle",
        "departement": departement,
        "region": region,
        **extra,
    }


def package_contents() -> dict[str, list[dict[str, Any]]]:
    """A tiny package in the format of @etalab/decoupage-administratif."""
    return {
        "regions.json": [
            {"code": "32", "nom": "Hauts-de-France"},
            {"code": "11", "nom": "Île-de-France"},
        ],
        "departements.json": [
            {"code": "62", "nom": "Pas-de-Calais", "region": "32"},
            {"code": "59", "nom": "Nord", "region": "32"},
            {"code": "75", "nom": "Paris", "region": "11"},
        ],
        "epci.json": [
            {
                "code": "200033579",
                "nom": "CU d'Arras",
                "populationMunicipale": 48558,
                "membres": [{"code": "62041"}, {"code": "62263"}],
            },
            {
                "code": "200093201",
                "nom": "Métropole Européenne de Lille",
                "populationMunicipale": 236710,
                "membres": [{"code": "59350"}],
            },
            {
                "code": "200054781",
                "nom": "Métropole du Grand Paris",
                "populationMunicipale": 2103778,
                "membres": [{"code": "75056"}],
            },
        ],
        "communes.json": [
            commune("62041", "Arras", "62", "32", population=42875, codesPostaux=["62000"]),
            commune("62263", "Dainville", "62", "32", population=5683, codesPostaux=["62000"]),
            commune("59350", "Lille", "59", "32", population=236710, codesPostaux=["59000"]),
            commune("75056", "Paris", "75", "11", population=2103778, codesPostaux=["75001"]),
            {
                "code": "75101",
                "nom": "Paris 1er Arrondissement",
                "type": "arrondissement-municipal",
                "commune": "75056",
                "departement": "75",
                "region": "11",
                "population": 15917,
                "codesPostaux": ["75001"],
            },
            {
                "code": "62999",
                "nom": "Ancienne commune déléguée",
                "type": "commune-deleguee",
                "departement": "62",
                "region": "32",
                "chefLieu": "62041",
            },
        ],
    }


def write_package(folder: Path, contents: dict[str, Any], version: str = "6.0.0") -> Path:
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    (folder / "package.json").write_text(json.dumps({"name": SOURCE, "version": version}))
    for name, rows in contents.items():
        (data / name).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return data


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return write_package(tmp_path / "package", package_contents())


def load(data_dir: Path, *args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("load_territories", "--data-dir", str(data_dir), *args, stdout=out)
    return out.getvalue()


def get(level: str, code: str) -> Territory:
    return Territory.objects.select_related("region", "departement", "epci", "parent").get(
        level=level, code=code
    )


def test_loads_every_level_with_its_links(data_dir: Path) -> None:
    output = load(data_dir)

    assert "13 créés" in output
    arras = get(Level.COMMUNE, "62041")
    assert (arras.name, arras.population, arras.postal_codes) == ("Arras", 42875, ["62000"])
    assert arras.departement.code == "62"
    assert arras.region.code == "32"
    assert arras.epci.name == "CU d'Arras"
    arrondissement = get(Level.ARRONDISSEMENT, "75101")
    assert arrondissement.parent.code == "75056"
    assert arrondissement.epci.code == "200054781"
    # Régions and départements add up their communes' populations.
    assert get(Level.DEPARTEMENT, "62").population == 42875 + 5683
    assert get(Level.REGION, "32").population == 42875 + 5683 + 236710
    assert get(Level.DEPARTEMENT, "62").region.code == "32"
    assert get(Level.EPCI, "200033579").departement.code == "62"
    assert not Territory.objects.filter(code="62999").exists()  # communes déléguées are skipped
    assert [t.code for t in search_territories("arra")] == ["62041", "200033579"]


def test_a_second_run_with_the_same_data_does_nothing(
    data_dir: Path, django_assert_num_queries: Any
) -> None:
    load(data_dir)
    before = list(Territory.objects.values_list("pk", "name", "population").order_by("pk"))

    with django_assert_num_queries(1):  # reading the last load, nothing else
        output = load(data_dir)

    assert "déjà à jour" in output
    assert list(Territory.objects.values_list("pk", "name", "population").order_by("pk")) == before
    assert ReferenceLoad.objects.count() == 1


def test_changed_data_updates_the_same_rows_in_place(data_dir: Path, tmp_path: Path) -> None:
    load(data_dir)
    arras_pk = get(Level.COMMUNE, "62041").pk
    contents = package_contents()
    contents["communes.json"][0].update(nom="Arras-en-Artois", population=43000)
    contents["communes.json"].append(commune("62001", "Ablain-Saint-Nazaire", "62", "32"))
    write_package(tmp_path / "package", contents, version="6.0.1")

    output = load(data_dir)

    arras = get(Level.COMMUNE, "62041")
    assert arras.pk == arras_pk
    assert (arras.name, arras.population) == ("Arras-en-Artois", 43000)
    assert "1 créés" in output
    assert search_territories("arras en", levels={Level.COMMUNE}) == [arras]
    assert search_territories("nazaire")[0].code == "62001"
    assert ReferenceLoad.objects.latest().version == "6.0.1"


def test_a_vanished_territory_is_deleted_unless_something_refers_to_it(
    data_dir: Path, tmp_path: Path
) -> None:
    load(data_dir)
    bassin = CustomTerritoryFactory(name="Bassin d'Arras", communes=[get(Level.COMMUNE, "62263")])
    contents = package_contents()
    contents["communes.json"] = [
        row for row in contents["communes.json"] if row["code"] not in {"62263", "59350"}
    ]
    write_package(tmp_path / "package", contents)

    output = load(data_dir)

    assert not Territory.objects.filter(level=Level.COMMUNE, code="59350").exists()
    # Its EPCI has no commune left in the package: gone too.
    assert not Territory.objects.filter(level=Level.EPCI, code="200093201").exists()
    dainville = get(Level.COMMUNE, "62263")
    assert not dainville.is_current
    assert dainville in bassin.communes.all()
    assert search_territories("dainville") == []
    assert "2 supprimés, 1 gardés hors vigueur" in output


def test_departements_option_loads_a_subset(data_dir: Path) -> None:
    load(data_dir, "--departements", "62")

    communes = Territory.objects.filter(level=Level.COMMUNE)
    assert sorted(communes.values_list("code", flat=True)) == ["62041", "62263"]
    assert list(Territory.objects.filter(level=Level.EPCI).values_list("code", flat=True)) == [
        "200033579"
    ]
    assert Territory.objects.filter(level=Level.DEPARTEMENT).count() == 3
    assert not Territory.objects.filter(level=Level.ARRONDISSEMENT).exists()
    assert ReferenceLoad.objects.get().departements == "62"


def test_a_wider_load_after_a_subset_adds_the_rest(data_dir: Path) -> None:
    load(data_dir, "--departements", "62")

    output = load(data_dir)

    assert "déjà à jour" not in output
    assert Territory.objects.filter(level=Level.COMMUNE).count() == 4


def test_missing_package_says_how_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="npm ci --ignore-scripts"):
        load(tmp_path / "nowhere")
    assert not Territory.objects.exists()


def test_unknown_departement_is_refused(data_dir: Path) -> None:
    with pytest.raises(CommandError, match="Département inconnu : 99"):
        load(data_dir, "--departements", "62,99")
    assert not Territory.objects.exists()


def test_unreadable_json_is_refused_and_writes_nothing(data_dir: Path) -> None:
    (data_dir / "communes.json").write_text("[{", encoding="utf-8")

    with pytest.raises(CommandError, match="illisibles"):
        load(data_dir)
    assert not Territory.objects.exists()


@pytest.mark.skipif(not REAL_DATA.is_dir(), reason="npm packages not installed (npm ci)")
def test_loads_the_real_package_for_one_departement() -> None:
    call_command("load_territories", "--departements", "62", stdout=None)

    arras = get(Level.COMMUNE, "62041")
    assert arras.postal_codes == ["62000"]
    assert arras.epci.code == "200033579"
    assert arras.departement.name == "Pas-de-Calais"
    assert Territory.objects.filter(level=Level.COMMUNE).count() > 800
    assert search_territories("arra", levels={Level.COMMUNE})[0] == arras
    assert search_territories("62000")[0] == arras
