"""The national indicator catalogue shipped with Maillage (`data/catalogue.json`), and the
population per commune taken from the territories' reference data.

`load_catalogue` creates the national indicators that are missing and brings the others back to
the shipped description; it never touches organisations' indicators nor values other than the
population's. Sum indicators are loaded before ratios, which name them by code; the national
totals of the ratios created or changed are computed again, as every write of indicators does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from maillage.diagnostics.models import Aggregation, Indicator
from maillage.diagnostics.operations.indicators import (
    POPULATION,
    refresh_ratio_totals,
    sync_population,
)
from maillage.territories.loading import last_load
from maillage.territories.models import Level, Territory
from maillage.territories.package import SOURCE

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "catalogue.json"


@dataclass
class CatalogueReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    population_values: int = 0


def _population_source(entry: dict[str, Any]) -> dict[str, Any]:
    """The population comes with the territories: the source names the package version."""
    load = last_load(SOURCE)
    if load is not None and load.version:
        entry["source"] = f"{entry['source']} ({SOURCE} {load.version})"
    return entry


def _description(entry: dict[str, Any], codes: dict[str, Indicator]) -> dict[str, Any]:
    values = {key: value for key, value in entry.items() if key not in {"numerator", "denominator"}}
    values.setdefault("year", None)
    values.setdefault("scale", 1)
    values["numerator"] = codes.get(entry.get("numerator", ""))
    values["denominator"] = codes.get(entry.get("denominator", ""))
    return values


def load_catalogue(path: Path = CATALOGUE_FILE) -> CatalogueReport:
    entries = json.loads(path.read_text(encoding="utf-8"))
    entries.sort(key=lambda entry: entry.get("aggregation") == Aggregation.RATIO)
    report = CatalogueReport()
    existing = {
        indicator.code: indicator
        for indicator in Indicator.objects.filter(code__in=[entry["code"] for entry in entries])
    }
    with transaction.atomic():
        for entry in entries:
            if entry["code"] == POPULATION:
                entry = _population_source(entry)
            values = _description(entry, existing)
            indicator = existing.get(entry["code"])
            if indicator is None:
                existing[entry["code"]] = Indicator.objects.create(**values)
                report.created.append(entry["code"])
                continue
            changed = {
                key: value for key, value in values.items() if getattr(indicator, key) != value
            }
            if not changed:
                report.unchanged.append(entry["code"])
                continue
            for key, value in changed.items():
                setattr(indicator, key, value)
            indicator.save()
            report.updated.append(entry["code"])
        if (
            POPULATION in existing
            and Territory.objects.filter(level=Level.COMMUNE, population__isnull=False).exists()
        ):
            report.population_values = sync_population()
        refresh_ratio_totals(
            indicator
            for code in (*report.created, *report.updated)
            if (indicator := existing[code]).is_ratio
        )
    return report
