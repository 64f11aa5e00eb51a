"""The figures managers and funders read about collective actions: people, sessions, attendance,
time, partners and funders, for one action, a set of actions, or what one funder supports.

Counts only, never names. Every figure is an aggregate query (COUNT DISTINCT, GROUP BY,
conditional aggregates), so a report costs the same handful of queries whatever the volume.

Who counts as a participant over a period: a person enrolled in the action whose enrolment
overlaps the period (arrived before its end, not gone before its start). A person in several
actions of the scope counts once. Erased people still count (their rows are kept,
pseudonymised). A « new » participant is one whose first arrival in the scope falls in the period
(an arrival in another action of the scope before the period does not make someone new).

Attendance at a held session: its named presences, or its anonymous headcount when no name was
noted (`reports.stability.session_attendance`), as on the sessions page; never both added.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from maillage.actions import access
from maillage.actions.models import (
    AgeBand,
    Attendance,
    CollectiveAction,
    Enrolment,
    Funder,
    Participant,
    Partner,
    Presence,
    Session,
    SessionStatus,
    TimeEntry,
)
from maillage.actions.reports.stability import session_attendance
from maillage.actions.reports.time import TimeTotal, time_totals
from maillage.organisations.access import require
from maillage.organisations.models import Organisation, User


@dataclass(frozen=True)
class Figure:
    """One labelled count (an age band, a commune, a form…); `key` is its code for software."""

    key: str
    label: str
    value: int

    @property
    def display(self) -> str:
        return str(self.value)


@dataclass(frozen=True)
class FunderLine:
    organisation_id: int
    name: str
    actions: int
    amount: Decimal | None


@dataclass(frozen=True)
class PartnerLine:
    organisation_id: int
    name: str
    actions: int


@dataclass(frozen=True)
class SessionFigures:
    planned: int
    held: int
    cancelled: int
    presences: int
    headcount: int
    # Per held session, its named presences or, when no name was noted, its headcount.
    attendance: int

    @property
    def average_attendance(self) -> float | None:
        return round(self.attendance / self.held, 1) if self.held else None


@dataclass(frozen=True)
class ActivityReport:
    start: datetime.date | None
    end: datetime.date | None
    actions: int
    participants: int
    new_participants: int
    by_age_band: list[Figure]
    by_commune: list[Figure]
    sessions: SessionFigures
    time_minutes: int
    time_by_activity: list[TimeTotal]
    partners: list[PartnerLine]
    funders: list[FunderLine]


def within(field: str, start: datetime.date | None, end: datetime.date | None) -> Q:
    condition = Q()
    if start is not None:
        condition &= Q(**{f"{field}__gte": start})
    if end is not None:
        condition &= Q(**{f"{field}__lte": end})
    return condition


def enrolled_during(start: datetime.date | None, end: datetime.date | None) -> Q:
    """Enrolments overlapping the period."""
    condition = Q()
    if end is not None:
        condition &= Q(joined_on__lte=end)
    if start is not None:
        condition &= Q(left_on__isnull=True) | Q(left_on__gte=start)
    return condition


def participant_count(enrolments: QuerySet[Enrolment]) -> int:
    return enrolments.aggregate(n=Count("participant_id", distinct=True))["n"]


def new_participant_count(
    enrolments: QuerySet[Enrolment], start: datetime.date | None, end: datetime.date | None
) -> int:
    """People whose first arrival among `enrolments` (all of the scope, not only those of the
    period) falls in the period."""
    firsts = enrolments.values("participant_id").annotate(first=Min("joined_on")).order_by()
    return firsts.filter(within("first", start, end)).count()


def _age_bands(enrolments: QuerySet[Enrolment]) -> list[Figure]:
    labels = dict(AgeBand.choices)
    rows = (
        enrolments.values("participant__age_band")
        .annotate(n=Count("participant_id", distinct=True))
        .order_by("participant__age_band")
    )
    counts = {row["participant__age_band"]: row["n"] for row in rows}
    # In the order of the bands, « Non renseigné » last, so reports read like a pyramid.
    order = [band for band in AgeBand.values if band] + [""]
    return [
        Figure(band or "inconnu", str(labels[band]), counts[band])
        for band in order
        if band in counts
    ]


def _communes(enrolments: QuerySet[Enrolment]) -> list[Figure]:
    rows = (
        enrolments.values("participant__commune_id", "participant__commune__name")
        .annotate(n=Count("participant_id", distinct=True))
        .order_by("-n", "participant__commune__name")
    )
    known = [
        Figure(str(row["participant__commune_id"]), row["participant__commune__name"], row["n"])
        for row in rows
        if row["participant__commune_id"] is not None
    ]
    unknown = [
        Figure("inconnu", _("Non renseigné"), row["n"])
        for row in rows
        if row["participant__commune_id"] is None
    ]
    return known + unknown


HELD = Q(status=SessionStatus.HELD)


def _session_figures(sessions: QuerySet[Session]) -> SessionFigures:
    figures = sessions.aggregate(
        planned=Count("pk", filter=Q(status=SessionStatus.PLANNED)),
        held=Count("pk", filter=HELD),
        cancelled=Count("pk", filter=Q(status=SessionStatus.CANCELLED)),
        attendance=Sum(session_attendance(), filter=HELD, default=0),
        # Not named `headcount`: the attendance expression reads the sessions' own column.
        headcounts=Sum("headcount", filter=HELD, default=0),
    )
    presences = Attendance.objects.filter(
        session__in=sessions.filter(HELD).values("pk"), status=Presence.PRESENT
    ).count()
    return SessionFigures(presences=presences, headcount=figures.pop("headcounts"), **figures)


def _partners(actions: QuerySet[CollectiveAction]) -> list[PartnerLine]:
    rows = (
        Partner.objects.filter(action__in=actions.values("pk"))
        .values("organisation_id", "organisation__name")
        .annotate(n=Count("action_id", distinct=True))
        .order_by("organisation__name")
    )
    return [
        PartnerLine(row["organisation_id"], row["organisation__name"], row["n"]) for row in rows
    ]


def _funders(actions: QuerySet[CollectiveAction]) -> list[FunderLine]:
    rows = (
        Funder.objects.filter(action__in=actions.values("pk"))
        .values("organisation_id", "organisation__name")
        .annotate(n=Count("action_id", distinct=True), amount=Sum("amount"))
        .order_by("organisation__name")
    )
    return [
        FunderLine(row["organisation_id"], row["organisation__name"], row["n"], row["amount"])
        for row in rows
    ]


def scope_report(
    actions: QuerySet[CollectiveAction],
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> ActivityReport:
    """The report of a set of actions over an optional period (both bounds included)."""
    scope = actions.values("pk")
    in_scope = Enrolment.objects.filter(action__in=scope)
    enrolments = in_scope.filter(enrolled_during(start, end))
    entries = TimeEntry.objects.filter(within("date", start, end), action__in=scope)
    # Every entry has an activity: the overall time is the sum of these groups.
    time_by_activity = time_totals(entries, "activity")
    return ActivityReport(
        start=start,
        end=end,
        actions=actions.count(),
        participants=participant_count(enrolments),
        new_participants=new_participant_count(in_scope, start, end),
        by_age_band=_age_bands(enrolments),
        by_commune=_communes(enrolments),
        sessions=_session_figures(
            Session.objects.filter(within("date", start, end), action__in=scope)
        ),
        time_minutes=sum(total.minutes for total in time_by_activity),
        time_by_activity=time_by_activity,
        partners=_partners(actions),
        funders=_funders(actions),
    )


def action_report(
    action: CollectiveAction,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> ActivityReport:
    return scope_report(CollectiveAction.objects.filter(pk=action.pk), start=start, end=end)


# --- A funder's report ----------------------------------------------------------------------


@dataclass(frozen=True)
class FunderActionLine:
    """What a funder supports in one action, within its support period."""

    action_id: int
    title: str
    amount: Decimal | None
    support_start: datetime.date | None
    support_end: datetime.date | None
    eligible_participants: int
    participants: int
    sessions_held: int
    presences: int
    headcount: int
    attendance: int
    time_minutes: int


@dataclass(frozen=True)
class FunderReport:
    funder: Organisation
    start: datetime.date | None
    end: datetime.date | None
    lines: list[FunderActionLine]
    amount: Decimal
    # A person in several supported actions counts once in these two.
    eligible_participants: int
    participants: int
    sessions_held: int
    presences: int
    headcount: int
    attendance: int
    time_minutes: int


def _support(funder: Organisation, action: str, *conditions: Q) -> Exists:
    """The one Funder row of `funder` for the outer row's action (funder_unique), under
    `conditions` on its support dates. A semi-join on the funders, where a filter through
    `action__funders` would also join every row to its action for nothing."""
    return Exists(
        Funder.objects.filter(*conditions, action_id=OuterRef(action), organisation=funder)
    )


def _supported(funder: Organisation, action: str, date_field: str) -> Exists:
    """Rows whose `date_field` lies in the support period of `funder` for their action."""
    return _support(
        funder,
        action,
        Q(start_date__isnull=True) | Q(start_date__lte=OuterRef(date_field)),
        Q(end_date__isnull=True) | Q(end_date__gte=OuterRef(date_field)),
    )


def _enrolled_in_support(funder: Organisation) -> Exists:
    """Enrolments overlapping the funder's support period of their action (someone still
    enrolled, `left_on` empty, stays in whatever the start of the support)."""
    return _support(
        funder,
        "action_id",
        Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("joined_on")),
        Q(start_date__isnull=True)
        | Q(start_date__lte=Coalesce(OuterRef("left_on"), Value(datetime.date.max))),
    )


def funder_report(
    *,
    user: User,
    funder: Organisation,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> FunderReport:
    """The report of what `funder` supports among the actions `user` reads: per action and in
    total, the participants carrying one of its eligibility tags beside all participants."""
    require(
        access.can_read_funder_report(user, funder),
        _("Vous ne pouvez pas consulter le bilan de ce financeur."),
    )
    # Resolved once: the reading rule would otherwise be repeated as a subquery in each figure,
    # and it misleads the planner's estimates there.
    scope = list(access.funder_report_actions(user, funder).values_list("pk", flat=True))
    eligible_ids = Participant.eligibility_tags.through.objects.filter(
        eligibilitytag__organisation=funder
    ).values("participant_id")
    eligible = Q(participant_id__in=eligible_ids)
    enrolments = Enrolment.objects.filter(
        _enrolled_in_support(funder), enrolled_during(start, end), action__in=scope
    )
    sessions = Session.objects.filter(
        _supported(funder, "action_id", "date"),
        within("date", start, end),
        action__in=scope,
        status=SessionStatus.HELD,
    )
    presences = Attendance.objects.filter(
        _supported(funder, "session__action_id", "session__date"),
        within("session__date", start, end),
        session__action__in=scope,
        session__status=SessionStatus.HELD,
        status=Presence.PRESENT,
    )
    entries = TimeEntry.objects.filter(
        _supported(funder, "action_id", "date"), within("date", start, end), action__in=scope
    )

    # One enrolment per person and action (enrolment_unique): within an action, rows are people.
    per_people = {
        row["action_id"]: row
        for row in enrolments.values("action_id")
        .annotate(participants=Count("pk"), eligible=Count("pk", filter=eligible))
        .order_by()
    }
    per_sessions = {
        row["action_id"]: row
        for row in sessions.values("action_id").annotate(
            held=Count("pk"),
            attendance=Sum(session_attendance(), default=0),
            # Not named `headcount`: the attendance expression reads the sessions' own column.
            headcounts=Sum("headcount", default=0),
        )
    }
    per_presences = dict(
        # COUNT(*), not of the ids: the partial index of present rows answers without the table.
        presences.values_list("session__action_id").annotate(n=Count("*")).order_by()
    )
    per_time = dict(entries.values_list("action_id").annotate(n=Sum("minutes")).order_by())
    rows = (
        Funder.objects.filter(organisation=funder, action__in=scope)
        .values("action_id", "action__title", "amount", "start_date", "end_date")
        .order_by("action__title", "action_id")
    )
    lines = [
        FunderActionLine(
            action_id=row["action_id"],
            title=row["action__title"],
            amount=row["amount"],
            support_start=row["start_date"],
            support_end=row["end_date"],
            eligible_participants=per_people.get(row["action_id"], {}).get("eligible", 0),
            participants=per_people.get(row["action_id"], {}).get("participants", 0),
            sessions_held=per_sessions.get(row["action_id"], {}).get("held", 0),
            presences=per_presences.get(row["action_id"], 0),
            headcount=per_sessions.get(row["action_id"], {}).get("headcounts", 0),
            attendance=per_sessions.get(row["action_id"], {}).get("attendance", 0),
            time_minutes=per_time.get(row["action_id"], 0),
        )
        for row in rows
    ]
    totals = enrolments.aggregate(
        participants=Count("participant_id", distinct=True),
        eligible=Count("participant_id", distinct=True, filter=eligible),
    )
    return FunderReport(
        funder=funder,
        start=start,
        end=end,
        lines=lines,
        amount=sum((line.amount or Decimal(0) for line in lines), Decimal(0)),
        eligible_participants=totals["eligible"],
        participants=totals["participants"],
        sessions_held=sum(line.sessions_held for line in lines),
        presences=sum(line.presences for line in lines),
        headcount=sum(line.headcount for line in lines),
        attendance=sum(line.attendance for line in lines),
        time_minutes=sum(line.time_minutes for line in lines),
    )
