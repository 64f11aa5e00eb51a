"""Group stability figures, computed from sessions and attendance in the database (a few
aggregate queries whatever the number of rows), never typed in.

Definitions (shown to users on the sessions page):
- sessions held: sessions whose status is « tenue »;
- average attendance: over held sessions, the named presences, or the anonymous headcount for a
  session where no name was noted, divided by the number of held sessions;
- stable core (« noyau stable »): among members who could attend at least one held session
  (held between their arrival and their departure), the share present at at least half of those;
- newcomers: for each held session, the people whose first presence in the action it is;
- group size vs expected: average attendance divided by the expected number of participants.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models.functions import Coalesce, NullIf

from maillage.actions.models import (
    Attendance,
    CollectiveAction,
    Enrolment,
    Presence,
    Session,
    SessionStatus,
)


@dataclass(frozen=True)
class SessionNewcomers:
    session_id: int
    date: datetime.date
    newcomers: int


@dataclass(frozen=True)
class Stability:
    sessions_held: int
    average_attendance: float | None
    members: int
    regulars: int
    regulars_share: float | None
    newcomers_by_session: list[SessionNewcomers]
    expected_participants: int | None
    size_vs_expected: float | None


def session_attendance() -> Coalesce:
    """The people present at the outer Session row: its named presences, or its anonymous
    headcount when no name was noted. Never both: a headcount noted beside names counts the
    same people again. Shared with the activity reports, so that every figure agrees."""
    named = (
        Attendance.objects.filter(session_id=models.OuterRef("pk"), status=Presence.PRESENT)
        .order_by()
        .values("session_id")
        # COUNT(*): the partial index of present rows answers without reading the table.
        .annotate(n=models.Count("*"))
        .values("n")
    )
    return Coalesce(
        NullIf(models.Subquery(named), models.Value(0)),
        "headcount",
        models.Value(0),
        output_field=models.IntegerField(),
    )


def _average_attendance(held: models.QuerySet[Session], sessions_held: int) -> float | None:
    if not sessions_held:
        return None
    counted = held.aggregate(total=models.Sum(session_attendance()))
    return (counted["total"] or 0) / sessions_held


def _count(queryset: models.QuerySet, key: str) -> Coalesce:
    """COUNT(*) of `queryset` as a correlated subquery, 0 when empty."""
    counted = queryset.order_by().values(key).annotate(n=models.Count("pk")).values("n")
    return Coalesce(models.Subquery(counted), 0)


def _stable_core(action: CollectiveAction) -> tuple[int, int]:
    """(members who could attend a held session, those present at half of them or more)."""
    during_stay = {
        "date__gte": models.OuterRef("joined_on"),
        "date__lte": models.OuterRef("until"),
    }
    possible = Session.objects.filter(action_id=action.pk, status=SessionStatus.HELD, **during_stay)
    present = Attendance.objects.filter(
        participant_id=models.OuterRef("participant_id"),
        status=Presence.PRESENT,
        session__action_id=action.pk,
        session__status=SessionStatus.HELD,
        **{f"session__{key}": value for key, value in during_stay.items()},
    )
    figures = (
        Enrolment.objects.filter(action_id=action.pk)
        .annotate(
            until=Coalesce(
                "left_on", models.Value(datetime.date.max, output_field=models.DateField())
            )
        )
        .annotate(
            possible=_count(possible, "action_id"),
            present=_count(present, "participant_id"),
        )
        .annotate(twice_present=models.F("present") * 2)
        .aggregate(
            members=models.Count("pk", filter=models.Q(possible__gt=0)),
            regulars=models.Count(
                "pk",
                filter=models.Q(possible__gt=0, twice_present__gte=models.F("possible")),
            ),
        )
    )
    return figures["members"], figures["regulars"]


def _newcomers(held: models.QuerySet[Session]) -> list[SessionNewcomers]:
    """Each held session with the number of people whose first presence it is (sessions on the
    same day are ordered by their number)."""
    present = Attendance.objects.filter(session__in=held.values("pk"), status=Presence.PRESENT)
    earlier = present.filter(participant_id=models.OuterRef("participant_id")).filter(
        models.Q(session__date__lt=models.OuterRef("session__date"))
        | models.Q(
            session__date=models.OuterRef("session__date"),
            session_id__lt=models.OuterRef("session_id"),
        )
    )
    firsts = present.filter(~models.Exists(earlier), session_id=models.OuterRef("pk"))
    rows = held.annotate(newcomers=_count(firsts, "session_id")).values_list(
        "pk", "date", "newcomers"
    )
    return [SessionNewcomers(*row) for row in rows.order_by("date", "pk")]


def group_stability(action: CollectiveAction) -> Stability:
    held = Session.objects.filter(action_id=action.pk, status=SessionStatus.HELD)
    newcomers = _newcomers(held)
    sessions_held = len(newcomers)
    average = _average_attendance(held, sessions_held)
    members, regulars = _stable_core(action)
    expected = action.expected_participants
    return Stability(
        sessions_held=sessions_held,
        average_attendance=average,
        members=members,
        regulars=regulars,
        regulars_share=regulars / members if members else None,
        newcomers_by_session=newcomers,
        expected_participants=expected,
        size_vs_expected=average / expected if average is not None and expected else None,
    )
