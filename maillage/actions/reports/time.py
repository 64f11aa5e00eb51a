"""Totals of the time given to collective work (« afficher ce temps consacré »), grouped in the
database, whatever the number of entries: `time_totals` for one grouping, `grouped_time_totals`
for several from a single GROUP BY over all their fields (one scan of the entries instead of one
per grouping); the few hundred grouped rows it returns (months × organisations…) are then summed
per grouping here.

`by="territory"` groups through the action's own territories, as they were entered (a commune,
an EPCI, a département…). An action on two communes counts each of its entries under both, so
that each territory shows all the time given to it; the territory totals therefore add up to
more than the overall total whenever an action covers several territories, and pages say so;
for the same reason it is never grouped together with the others.
`by="team"` groups on the team copied into each entry, within its organisation (two services
called « Direction » in two organisations stay apart).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import DateField, Func, QuerySet, Sum
from django.utils import formats
from django.utils.translation import gettext as _

from maillage.actions.models import Activity, TimeEntry


@dataclass(frozen=True)
class TimeTotal:
    key: Any
    label: str
    minutes: int

    @property
    def value(self) -> int:
        return self.minutes

    @property
    def display(self) -> str:
        return duration(self.minutes)


def duration(minutes: int) -> str:
    """« 3 h 20 », « 45 min », « 2 h »: how the pages write a duration."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(minutes)s min") % {"minutes": rest}
    if not rest:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(hours)s h %(minutes)02d") % {"hours": hours, "minutes": rest}


@dataclass(frozen=True)
class _Grouping:
    fields: tuple[str, ...]
    label: Callable[[dict[str, Any]], str]
    chronological: bool = False


def _person(row: dict[str, Any]) -> str:
    name = f"{row['user__first_name']} {row['user__last_name']}".strip()
    return name or row["user__email"]


def _team(row: dict[str, Any]) -> str:
    team = row["team"] or _("Sans équipe précisée")
    return f"{team} ({row['organisation__name']})"


class MonthStart(Func):
    """The first day of a date's month, in SQL on both backends: TruncMonth calls back into
    Python for every row on SQLite (it costs more than the whole scan) and goes through a
    time-zone conversion on PostgreSQL. SQLite stores dates as ISO text, hence the substring."""

    template = "SUBSTR(%(expressions)s, 1, 8) || '01'"
    output_field = DateField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="DATE_TRUNC('month', %(expressions)s::timestamp)::date"
        )


def _month(row: dict[str, Any]) -> str:
    return formats.date_format(row["month"], "F Y")


GROUPINGS: dict[str, _Grouping] = {
    "user": _Grouping(("user_id", "user__first_name", "user__last_name", "user__email"), _person),
    "team": _Grouping(("organisation_id", "team", "organisation__name"), _team),
    "organisation": _Grouping(
        ("organisation_id", "organisation__name"), lambda row: row["organisation__name"]
    ),
    "territory": _Grouping(
        ("action__territories", "action__territories__name"),
        lambda row: row["action__territories__name"],
    ),
    "month": _Grouping(("month",), _month, chronological=True),
    "activity": _Grouping(("activity",), lambda row: str(Activity(row["activity"]).label)),
    "action": _Grouping(("action_id", "action__title"), lambda row: row["action__title"]),
    "phase": _Grouping(
        ("phase_id", "phase__label"), lambda row: row["phase__label"] or _("Sans phase précisée")
    ),
}
BY_CHOICES = frozenset(GROUPINGS)


def _key(by: str, row: dict[str, Any]) -> Any:
    if by == "team":
        return (row["organisation_id"], row["team"])
    return row[GROUPINGS[by].fields[0]]


def _fold(entries: QuerySet[TimeEntry], groupings: list[str]) -> dict[str, list[TimeTotal]]:
    """One GROUP BY over the fields of all `groupings`, summed here into each grouping."""
    fields = list(dict.fromkeys(field for by in groupings for field in GROUPINGS[by].fields))
    rows = entries.order_by()
    if "month" in groupings:
        rows = rows.annotate(month=MonthStart("date"))
    if "territory" in groupings:
        rows = rows.filter(action__territories__isnull=False)
    minutes: dict[str, dict[Any, int]] = {by: {} for by in groupings}
    labels: dict[str, dict[Any, str]] = {by: {} for by in groupings}
    for row in rows.values(*fields).annotate(total=Sum("minutes")):
        for by in groupings:
            key = _key(by, row)
            minutes[by][key] = minutes[by].get(key, 0) + row["total"]
            if key not in labels[by]:
                labels[by][key] = GROUPINGS[by].label(row)
    totals = {}
    for by in groupings:
        found = [TimeTotal(key, labels[by][key], total) for key, total in minutes[by].items()]
        if GROUPINGS[by].chronological:
            found.sort(key=lambda total: total.key)
        else:
            # Two people may share a name: the key keeps ties in one order on every backend.
            found.sort(key=lambda total: (-total.minutes, total.label, str(total.key)))
        totals[by] = found
    return totals


def grouped_time_totals(
    entries: QuerySet[TimeEntry], *groupings: str
) -> dict[str, list[TimeTotal]]:
    """Minutes per group for each of `groupings`, largest first (by month: in date order), from
    one query (two when `territory` is among them)."""
    unknown = set(groupings) - BY_CHOICES
    if unknown:
        raise ValueError(f"unknown grouping: {', '.join(sorted(unknown))}")
    shared = list(dict.fromkeys(by for by in groupings if by != "territory"))
    totals = _fold(entries, shared) if shared else {}
    if "territory" in groupings:
        totals.update(_fold(entries, ["territory"]))
    return totals


def time_totals(entries: QuerySet[TimeEntry], by: str) -> list[TimeTotal]:
    """Minutes per `by` group, largest first (by month: in date order)."""
    return grouped_time_totals(entries, by)[by]
