"""The coordinator's dashboard: the collective actions of her area by form, territory, phase and
status, the time given to them by month and by organisation, the people reached and the sessions
held over a period. Aggregates only, computed in the database.

Her area: the actions carried by the organisations she coordinates or located on their
territories (among those she reads); a national administrator's area is everything. Someone who
coordinates nothing sees the actions she reads. A territory filter narrows the area and drills
down: the whole area is shown by département, a département by EPCI, an EPCI by commune.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from maillage.actions import access
from maillage.actions.models import (
    ActionStatus,
    CollectiveAction,
    Enrolment,
    Session,
    SessionStatus,
    TimeEntry,
)
from maillage.actions.reports.activity import (
    Figure,
    enrolled_during,
    participant_count,
    within,
)
from maillage.actions.reports.time import TimeTotal, grouped_time_totals
from maillage.organisations.access import is_national_admin
from maillage.organisations.models import Organisation, User
from maillage.territories.models import Level, Territory


@dataclass(frozen=True)
class Dashboard:
    start: datetime.date | None
    end: datetime.date | None
    territory: Territory | None
    actions: int
    participants: int
    sessions_held: int
    time_minutes: int
    by_form: list[Figure]
    territory_level: str
    by_territory: list[Figure]
    by_phase: list[Figure]
    by_status: list[Figure]
    time_by_month: list[TimeTotal]
    time_by_organisation: list[TimeTotal]


def area_actions(user: User) -> QuerySet[CollectiveAction]:
    """The actions of `user`'s dashboard, before any filter."""
    actions = access.visible_actions(user)
    if is_national_admin(user):
        return actions
    coordinated, area = access.coordinated_area(user)
    if not coordinated:
        return actions
    condition = Q(organisation_id__in=coordinated)
    if area:
        condition |= access.located_in(area)
    return actions.filter(pk__in=CollectiveAction.objects.filter(condition).values("pk"))


def running_during(start: datetime.date | None, end: datetime.date | None) -> Q:
    """Actions whose period overlaps [start, end]."""
    condition = Q()
    if end is not None:
        condition &= Q(start_date__lte=end)
    if start is not None:
        condition &= Q(end_date__isnull=True) | Q(end_date__gte=start)
    return condition


def area_scope(
    user: User,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    territory: Territory | None = None,
    organisation: Organisation | None = None,
) -> QuerySet[CollectiveAction]:
    """The actions of `user`'s area running during the period, inside `territory` and carried
    by `organisation` when given."""
    actions = area_actions(user).filter(running_during(start, end))
    if territory is not None:
        actions = actions.filter(
            pk__in=CollectiveAction.objects.filter(access.located_in({territory.pk})).values("pk")
        )
    if organisation is not None:
        actions = actions.filter(organisation=organisation)
    return actions


# The level each filter drills down to, and how a territory of an action is brought up to it.
_DRILL = {
    None: (Level.DEPARTEMENT, "territory__departement"),
    Level.REGION: (Level.DEPARTEMENT, "territory__departement"),
    Level.DEPARTEMENT: (Level.EPCI, "territory__epci"),
}


def _by_territory(
    scope: QuerySet[CollectiveAction] | list[int], territory: Territory | None
) -> tuple[str, list[Figure]]:
    level, parent = _DRILL.get(territory.level if territory else None, (Level.COMMUNE, None))
    links = CollectiveAction.territories.through.objects.filter(collectiveaction__in=scope)
    if territory is not None:
        links = links.filter(access.located_in({territory.pk}, prefix="territory"))
    # A territory coarser than the level (an action on a whole département) keeps its own name.
    key = Coalesce(f"{parent}_id", "territory_id") if parent else "territory_id"
    name = Coalesce(f"{parent}__name", "territory__name") if parent else "territory__name"
    rows = (
        links.values(key=key, name=name)
        .annotate(n=Count("collectiveaction_id", distinct=True))
        .order_by("-n", "name")
    )
    return str(Level(level).label), [Figure(str(row["key"]), row["name"], row["n"]) for row in rows]


def _by_kind(scope: QuerySet[CollectiveAction]) -> tuple[list[Figure], list[Figure], list[Figure]]:
    """Actions by form, by phase and by status, from one GROUP BY over the three (a few dozen
    groups, summed here)."""
    rows = scope.values(
        "isic_form__code", "isic_form__label", "phase__code", "phase__label", "status"
    ).annotate(n=Count("pk"))
    forms: Counter[tuple[str, str]] = Counter()
    phases: Counter[tuple[str, str]] = Counter()
    statuses: Counter[str] = Counter()
    for row in rows.order_by():
        forms[row["isic_form__code"], row["isic_form__label"]] += row["n"]
        phases[row["phase__code"] or "inconnu", row["phase__label"] or _("Non renseignée")] += row[
            "n"
        ]
        statuses[row["status"]] += row["n"]

    def figures(counts: Counter[tuple[str, str]]) -> list[Figure]:
        return [
            Figure(key, label, n)
            for (key, label), n in sorted(counts.items(), key=lambda item: (-item[1], item[0][1]))
        ]

    by_status = [
        Figure(status, str(label), statuses[status])
        for status, label in ActionStatus.choices
        if status in statuses
    ]
    return figures(forms), figures(phases), by_status


def dashboard(
    user: User,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    territory: Territory | None = None,
) -> Dashboard:
    """The dashboard of the actions of `user`'s area running during the period, inside
    `territory` if given."""
    actions = area_scope(user, start=start, end=end, territory=territory)
    # The area's rule (memberships, shares, territories) is resolved once into identifiers,
    # rather than repeated as a subquery in each of the figures below; an administrator's area
    # is every action and needs no rule.
    ids = (
        actions.values("pk")
        if is_national_admin(user)
        else list(actions.values_list("pk", flat=True))
    )
    scope = CollectiveAction.objects.filter(pk__in=ids)
    entries = TimeEntry.objects.filter(within("date", start, end), action__in=ids)
    sessions = Session.objects.filter(
        within("date", start, end), action__in=ids, status=SessionStatus.HELD
    )
    level, by_territory = _by_territory(ids, territory)
    by_form, by_phase, by_status = _by_kind(scope)
    time_spent = grouped_time_totals(entries, "month", "organisation")
    return Dashboard(
        start=start,
        end=end,
        territory=territory,
        actions=sum(figure.value for figure in by_status),
        participants=participant_count(
            Enrolment.objects.filter(enrolled_during(start, end), action__in=ids)
        ),
        sessions_held=sessions.count(),
        time_minutes=sum(total.minutes for total in time_spent["month"]),
        by_form=by_form,
        territory_level=level,
        by_territory=by_territory,
        by_phase=by_phase,
        by_status=by_status,
        time_by_month=time_spent["month"],
        time_by_organisation=time_spent["organisation"],
    )
