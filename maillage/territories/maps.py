"""SVG maps of the communes of a territory, drawn on the server from their stored outlines.

No tile server and no script: the map is one inline SVG, one `<path>` per commune with its name
(and value) as a tooltip, coloured by five classes of values, and the include
`territories/_commune_map.html` adds the legend and the values as a table for those who cannot
read a map.

The projection is equirectangular, with longitudes shrunk by the cosine of the map's mean
latitude: at the scale of a département or a région it draws shapes as people know them, also
overseas, without a projection library.
"""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import accumulate
from operator import sub

from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.territories.models import Outline, Territory
from maillage.web.numbers import french_number

# The longer side of the viewBox. Coordinates are whole units, so points closer than a unit
# merge: a région's map is drawn on a coarser grid to stay under a megabyte, which the eye does
# not notice at the size a screen shows it.
VIEW_SIZE = 1000
LARGE_MAP = 1500  # communes
LARGE_VIEW_SIZE = 500
MARGIN = 4
# A région has up to about 5 200 communes; beyond that (there is no larger level) the map would
# weigh megabytes, so it is not drawn and the include says so.
MAX_COMMUNES = 6000
OUTLINE_FIELDS = ("rings", "west", "south", "east", "north")
# ColorBrewer « YlGnBu », light to dark: readable by people with any common colour blindness,
# and each class distinct from its neighbours in greyscale too.
CLASS_COLOURS = ("#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494")
NEUTRAL_COLOUR = "#cacafb"  # a map without values: the DSFR's light « bleu France »
NO_VALUE_COLOUR = "#f6f6f6"
STROKE_COLOUR = "#666666"


@dataclass(frozen=True)
class LegendClass:
    colour: str
    high: float  # the class's highest value: a value goes to the first class it does not pass
    label: str  # « de 10,5 à 12,3 % »
    communes: int


@dataclass(frozen=True)
class MapRow:
    """One line of the table that gives the map's values to those who cannot see it."""

    territory: Territory
    value: float | None
    display: str  # the value in French format with its unit, or « pas de valeur »


@dataclass
class CommuneMap:
    svg: SafeString
    legend: list[LegendClass]
    missing: list[Territory]  # communes without an outline, so not drawn
    title: str = ""
    unit: str = ""
    without_value: int = 0  # communes drawn with the « pas de valeur » hatching
    rows: list[MapRow] = field(default_factory=list)
    too_large: bool = False  # more than MAX_COMMUNES: nothing drawn
    map_id: str = ""  # unique in the page, for the ids of the SVG and of the include


def commune_map(
    communes: QuerySet[Territory],
    *,
    values: Mapping[int, float] | None = None,
    title: str = "",
    unit: str = "",
) -> CommuneMap:
    """The map of `communes` (one query), coloured by `values` (by commune id) when given."""
    title = title or _("Carte des communes")
    map_id = f"carte-{uuid.uuid4().hex[:8]}"
    territories = list(
        communes.select_related("outline")
        .only("level", "code", "name", *(f"outline__{name}" for name in OUTLINE_FIELDS))
        .order_by("name", "code")[: MAX_COMMUNES + 1]
    )
    if len(territories) > MAX_COMMUNES:
        return CommuneMap(SafeString(), [], [], title, unit, too_large=True, map_id=map_id)
    drawn = [territory for territory in territories if _outline(territory) is not None]
    missing = [territory for territory in territories if _outline(territory) is None]
    decimals = _decimals(values.values()) if values else 0
    legend = _legend(values, drawn, decimals, unit) if values else []
    fills: dict[int, str] = {}
    rows: list[MapRow] = []
    if values is not None:
        for territory in territories:
            value = values.get(territory.pk)
            if value is not None:
                fills[territory.pk] = _colour(value, legend)
            rows.append(MapRow(territory, value, _display(value, decimals, unit)))
    without_value = sum(1 for territory in drawn if territory.pk not in fills)
    svg = _svg(
        drawn,
        size=LARGE_VIEW_SIZE if len(drawn) > LARGE_MAP else VIEW_SIZE,
        map_id=map_id,
        title=title,
        description=_description(len(drawn), values is not None, without_value),
        fills=fills if values is not None else None,
        labels={row.territory.pk: row.display for row in rows},
    )
    return CommuneMap(
        svg=svg,
        legend=legend,
        missing=missing,
        title=title,
        unit=unit,
        without_value=without_value if values is not None else 0,
        rows=rows,
        map_id=map_id,
    )


def _outline(territory: Territory) -> Outline | None:
    try:
        return territory.outline
    except Outline.DoesNotExist:
        return None


def _decimals(values: Iterable[float]) -> int:
    """Whole numbers stay whole; otherwise enough decimals to tell classes apart."""
    numbers = [value for value in values if value is not None]
    if all(float(value).is_integer() for value in numbers):
        return 0
    return 1 if max(abs(value) for value in numbers) >= 10 else 2


def _format(value: float, decimals: int, unit: str) -> str:
    number = french_number(value, decimals)
    return f"{number}\u00a0{unit}" if unit else number


def _display(value: float | None, decimals: int, unit: str) -> str:
    return _("pas de valeur") if value is None else _format(value, decimals, unit)


def _legend(
    values: Mapping[int, float], drawn: list[Territory], decimals: int, unit: str
) -> list[LegendClass]:
    """Five classes of (nearly) equal counts; fewer when there are fewer distinct values."""
    shown = sorted(values[t.pk] for t in drawn if values.get(t.pk) is not None)
    if not shown:
        return []
    distinct = sorted(set(shown))
    classes = min(len(CLASS_COLOURS), len(distinct))
    uppers: list[float] = []
    for index in range(1, classes + 1):
        upper = shown[min(len(shown) - 1, math.ceil(index * len(shown) / classes) - 1)]
        if not uppers or upper > uppers[-1]:
            uppers.append(upper)
    colours = _spread(len(uppers))
    legend: list[LegendClass] = []
    low = shown[0]
    position = 0
    for colour, high in zip(colours, uppers, strict=True):
        members = 0
        while position < len(shown) and shown[position] <= high:
            members += 1
            position += 1
        label = (
            _format(low, decimals, unit)
            if low == high
            else _("de %(low)s à %(high)s")
            % {"low": _format(low, decimals, unit), "high": _format(high, decimals, unit)}
        )
        legend.append(LegendClass(colour, high, label, members))
        if position < len(shown):
            low = shown[position]
    return legend


def _spread(classes: int) -> list[str]:
    """With fewer than five classes, colours far apart on the scale, keeping the darkest."""
    last = len(CLASS_COLOURS) - 1
    if classes == 1:
        return [CLASS_COLOURS[last]]
    return [CLASS_COLOURS[round(index * last / (classes - 1))] for index in range(classes)]


def _colour(value: float, legend: list[LegendClass]) -> str:
    return next(
        (item.colour for item in legend if value <= item.high), legend[-1].colour if legend else ""
    )


def _description(drawn: int, has_values: bool, without_value: int) -> str:
    if not drawn:
        return _("Aucune commune n'a de contour connu.")
    text = ngettext("%(count)d commune dessinée.", "%(count)d communes dessinées.", drawn) % {
        "count": drawn
    }
    if has_values:
        text += " " + _(
            "Plus la couleur est foncée, plus la valeur est élevée. Les valeurs sont aussi "
            "données dans le tableau qui suit la carte."
        )
        if without_value:
            text += " " + ngettext(
                "%(count)d commune sans valeur est hachurée en gris.",
                "%(count)d communes sans valeur sont hachurées en gris.",
                without_value,
            ) % {"count": without_value}
    return text


def _svg(
    drawn: list[Territory],
    *,
    size: int,
    map_id: str,
    title: str,
    description: str,
    fills: dict[int, str] | None,
    labels: dict[int, str],
) -> SafeString:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{map_id}" class="maillage-map" role="img" '
        'style="display:block;width:100%;height:auto;max-height:36rem" '
        f'aria-labelledby="{map_id}-titre {map_id}-description" ',
    ]
    if not drawn:
        parts.append(
            f'viewBox="0 0 {size} {size // 4}"><title id="{map_id}-titre">'
            f'{escape(title)}</title><desc id="{map_id}-description">{escape(description)}'
            "</desc></svg>"
        )
        return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above
    outlines = [territory.outline for territory in drawn]
    west = min(outline.west for outline in outlines)
    east = max(outline.east for outline in outlines)
    south = min(outline.south for outline in outlines)
    north = max(outline.north for outline in outlines)
    shrink = math.cos(math.radians((south + north) / 2))
    span = max((east - west) * shrink, north - south, 1e-6)
    scale = (size - 2 * MARGIN) / span / 10_000  # view units per stored unit (1e-4 degree)
    width = round((east - west) * shrink * scale * 10_000) + 2 * MARGIN
    height = round((north - south) * scale * 10_000) + 2 * MARGIN
    origin_x, origin_y = west * 10_000, north * 10_000
    pattern = f"{map_id}-sans-valeur"
    parts.append(
        f'viewBox="0 0 {width} {height}" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{map_id}-titre">{escape(title)}</title>'
        f'<desc id="{map_id}-description">{escape(description)}</desc>'
        f'<defs><pattern id="{pattern}" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{NO_VALUE_COLOUR}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#929292" stroke-width="2"/></pattern></defs>'
        f"<style>#{map_id} path{{vector-effect:non-scaling-stroke}}</style>"
        f'<g stroke="{STROKE_COLOUR}" stroke-width="0.5" stroke-linejoin="round" '
        'fill-rule="evenodd">'
    )
    # Paths grouped by colour: one `fill` per group instead of one per commune.
    groups: dict[str, list[str]] = defaultdict(list)
    offset_x = MARGIN - origin_x * shrink * scale
    offset_y = MARGIN + origin_y * scale
    for territory in drawn:
        path = _path(territory.outline.rings, shrink * scale, offset_x, scale, offset_y)
        fill = NEUTRAL_COLOUR if fills is None else fills.get(territory.pk, f"url(#{pattern})")
        label = labels.get(territory.pk)
        tooltip = f"{territory.name} : {label}" if label else territory.name
        groups[fill].append(f'<path d="{path}"><title>{escape(tooltip)}</title></path>')
    for fill, paths in groups.items():
        parts += (f'<g fill="{fill}">', *paths, "</g>")
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # noqa: S308 - names are escaped, the rest is ours


def _path(rings: str, kx: float, offset_x: float, ky: float, offset_y: float) -> str:
    """Relative path commands in whole view units, without the moves rounding made empty."""
    commands: list[str] = []
    for ring in rings.split(";"):
        numbers = list(map(int, ring.split()))
        xs = [round(x * kx + offset_x) for x in accumulate(numbers[0::2])]
        ys = [round(offset_y - y * ky) for y in accumulate(numbers[1::2])]
        steps = [
            f"{dx} {dy}"
            for dx, dy in zip(map(sub, xs[1:], xs), map(sub, ys[1:], ys), strict=True)
            if dx or dy
        ]
        if steps:
            commands.append(f"M{xs[0]} {ys[0]}l{' '.join(steps)}z")
    return "".join(commands).replace(" -", "-")
