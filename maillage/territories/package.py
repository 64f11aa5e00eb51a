"""Read the official geography from the `@etalab/decoupage-administratif` npm package.

The package's JSON files become plain rows, one per territory, parents named by code; nothing
here touches the database.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from maillage.territories.models import Level

SOURCE = "@etalab/decoupage-administratif"
FILES = ("regions.json", "departements.json", "epci.json", "communes.json")
LEVELS_IN_LOAD_ORDER = (
    Level.REGION,
    Level.DEPARTEMENT,
    Level.EPCI,
    Level.COMMUNE,
    Level.ARRONDISSEMENT,
)


class PackageError(Exception):
    """The package is missing or unreadable; the message, in French, says what to do."""


@dataclass(frozen=True)
class Row:
    level: str
    code: str
    name: str
    population: int | None = None
    postal_codes: tuple[str, ...] = ()
    region: str | None = None
    departement: str | None = None
    epci: str | None = None
    parent: str | None = None  # an arrondissement municipal's commune


@dataclass(frozen=True)
class Package:
    version: str
    content_hash: str  # of the data files, so that a reload of the same data can be skipped
    contents: dict[str, bytes]

    def rows(self, departements: Collection[str] | None = None) -> list[Row]:
        """All régions and départements; the communes, arrondissements municipaux and EPCI of
        `departements` (all if None), parents before children. An EPCI is kept when at least
        one of its communes is."""
        try:
            regions, departements_data, epcis, communes = (
                json.loads(self.contents[name]) for name in FILES
            )
        except ValueError as error:
            raise PackageError(
                _("Les données du découpage administratif sont illisibles : %(error)s")
                % {"error": error}
            ) from error
        known = {item["code"] for item in departements_data}
        wanted = set(departements) if departements else known
        if unknown := sorted(wanted - known):
            raise PackageError(
                _("Département inconnu : %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        actual = {item["code"]: item for item in communes if item["type"] == "commune-actuelle"}
        commune_epci = {m["code"]: epci["code"] for epci in epcis for m in epci["membres"]}
        commune_rows = [
            _commune_row(item, Level.COMMUNE, epci=commune_epci.get(item["code"]))
            for item in actual.values()
            if item["departement"] in wanted
        ]
        arrondissement_rows = [
            _commune_row(
                item,
                Level.ARRONDISSEMENT,
                epci=commune_epci.get(item["commune"]),
                parent=item["commune"],
            )
            for item in communes
            if item["type"] == "arrondissement-municipal" and item["departement"] in wanted
        ]
        loaded_communes = {row.code for row in commune_rows}
        return [
            *_area_rows(regions, departements_data, actual.values()),
            *(
                _epci_row(epci, actual)
                for epci in epcis
                if any(member["code"] in loaded_communes for member in epci["membres"])
            ),
            *commune_rows,
            *arrondissement_rows,
        ]


def default_data_dir() -> Path:
    return Path(settings.NODE_MODULES_DIR) / SOURCE / "data"


def open_package(data_dir: Path) -> Package:
    """Read the data files, without parsing them yet. Raises `PackageError` if any is missing."""
    contents = _read_files(data_dir)
    digest = hashlib.sha256()
    for name in FILES:
        digest.update(name.encode() + b"\0" + contents[name])
    return Package(_version(data_dir), digest.hexdigest(), contents)


def _read_files(data_dir: Path) -> dict[str, bytes]:
    missing = [name for name in FILES if not (data_dir / name).is_file()]
    if missing:
        raise PackageError(
            _(
                "Les données du découpage administratif sont introuvables dans %(folder)s "
                "(%(files)s). Installez les paquets npm : lancez `npm ci --ignore-scripts` à la "
                "racine du projet."
            )
            % {"folder": data_dir, "files": ", ".join(missing)}
        )
    return {name: (data_dir / name).read_bytes() for name in FILES}


def _version(data_dir: Path) -> str:
    manifest = data_dir.parent / "package.json"
    if manifest.is_file():
        return str(json.loads(manifest.read_text(encoding="utf-8")).get("version", ""))
    return ""


def _commune_row(item: dict[str, Any], level: Level, **links: str | None) -> Row:
    return Row(
        level=level,
        code=item["code"],
        name=item["nom"],
        population=item.get("population"),
        postal_codes=tuple(item.get("codesPostaux", ())),
        region=item["region"],
        departement=item["departement"],
        **links,
    )


def _area_rows(
    regions: list[dict[str, Any]],
    departements: list[dict[str, Any]],
    communes: Iterable[dict[str, Any]],
) -> Iterable[Row]:
    """The package gives no population for régions and départements: they add up their
    communes, all of them, even when only some are loaded."""
    region_population: Counter[str] = Counter()
    departement_population: Counter[str] = Counter()
    for item in communes:
        region_population[item["region"]] += item.get("population", 0)
        departement_population[item["departement"]] += item.get("population", 0)
    for item in regions:
        yield Row(Level.REGION, item["code"], item["nom"], region_population[item["code"]])
    for item in departements:
        yield Row(
            Level.DEPARTEMENT,
            item["code"],
            item["nom"],
            departement_population[item["code"]],
            region=item["region"],
        )


def _epci_row(epci: dict[str, Any], communes: dict[str, dict[str, Any]]) -> Row:
    """An EPCI may straddle départements: it is placed in the one holding most of its
    inhabitants, so that a département's list of EPCI shows it where people expect it."""
    population_by_place: defaultdict[tuple[str, str], int] = defaultdict(int)
    for member in epci["membres"]:
        if commune := communes.get(member["code"]):
            place = (commune["departement"], commune["region"])
            # + 1: a commune without a known population still counts.
            population_by_place[place] += commune.get("population", 0) + 1
    departement, region = (
        max(population_by_place, key=population_by_place.__getitem__)
        if population_by_place
        else (None, None)
    )
    return Row(
        Level.EPCI,
        epci["code"],
        epci["nom"],
        epci.get("populationMunicipale", epci.get("populationTotale")),
        region=region,
        departement=departement,
    )
