"""Write functions for sessions and attendance: plan one session or a recurring series, report
what happened (held or cancelled, headcount, note), and mark who came.

Each function checks the permission, validates everything before the first write (French
messages by field), writes in one transaction and records the audit trail.

Attendance uses optimistic concurrency: the caller says which version of the row the person saw
(`expected_version`, `None` when she saw no row). If someone else changed it in between, nothing
is written and the current row comes back flagged as a conflict, so she sees who chose what.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage.actions import access
from maillage.actions.models import (
    Attendance,
    CollectiveAction,
    Enrolment,
    Facilitator,
    Frequency,
    Participant,
    Presence,
    Session,
    SessionSeries,
    SessionStatus,
)
from maillage.organisations import audit
from maillage.organisations.access import require
from maillage.organisations.models import User

SESSION_FIELDS = (
    "date",
    "start_time",
    "duration_minutes",
    "place",
    "theme",
    "facilitators",
    "status",
    "headcount",
    "note",
)
SERIES_FIELDS = (
    "frequency",
    "first_date",
    "count",
    "start_time",
    "duration_minutes",
    "place",
    "theme",
)
MAX_SERIES = 60


@dataclass(frozen=True)
class AttendanceChange:
    """The outcome of one tap. On a conflict `attendance` is the row as someone else left it."""

    attendance: Attendance
    conflict: bool
    previous_status: str | None


def long_date(day: datetime.date) -> str:
    """« 3 février 2027 »."""
    return date_format(day, "j F Y")


def action_period(action: CollectiveAction) -> str:
    """« 5 janvier – 18 décembre 2026 », the year written once when both ends share it."""
    if action.end_date is None:
        return _("à partir du %(start)s") % {"start": long_date(action.start_date)}
    start_format = "j F" if action.start_date.year == action.end_date.year else "j F Y"
    return f"{date_format(action.start_date, start_format)} – {long_date(action.end_date)}"


def _in_period(action: CollectiveAction, day: datetime.date) -> bool:
    return day >= action.start_date and (action.end_date is None or day <= action.end_date)


def _date_errors(action: CollectiveAction, day: Any) -> list[str]:
    if not isinstance(day, datetime.date):
        return [_("Indiquez la date de la séance.")]
    if not _in_period(action, day):
        return [
            _("La séance du %(date)s est en dehors de la période de l'action (%(period)s).")
            % {"date": long_date(day), "period": action_period(action)}
        ]
    return []


def _duration_errors(minutes: Any) -> list[str]:
    # Checked here because the column is unsigned: the database would refuse -30 with an
    # error nobody can read.
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
        return [_("La durée doit être d'au moins une minute.")]
    return []


def _facilitator_errors(action: CollectiveAction, facilitators: Iterable[Facilitator]) -> list[str]:
    if any(facilitator.action_id != action.pk for facilitator in facilitators):
        return [_("Les animateurs d'une séance doivent être des co-animateurs de l'action.")]
    return []


def _raise(errors: dict[str, list[str]]) -> None:
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_session(
    *,
    actor: User,
    action: CollectiveAction,
    date: datetime.date,
    duration_minutes: int,
    start_time: datetime.time | None = None,
    place: str = "",
    theme: str = "",
    facilitators: Iterable[Facilitator] = (),
) -> Session:
    require(
        access.can_edit_action(actor, action),
        _("Seuls les professionnels de l'action prévoient ses séances."),
    )
    facilitators = list(facilitators)
    _raise(
        {
            "date": _date_errors(action, date),
            "duration_minutes": _duration_errors(duration_minutes),
            "facilitators": _facilitator_errors(action, facilitators),
        }
    )
    session = Session(
        action=action,
        date=date,
        start_time=start_time,
        duration_minutes=duration_minutes,
        place=place,
        theme=theme,
    )
    session.full_clean(exclude=["action"])
    session.save()
    session.facilitators.set(facilitators)
    audit.record(actor, "plan_session", session, after=audit.snapshot(session, SESSION_FIELDS))
    return session


def _same_rank_next_month(first: datetime.date, months_later: int) -> datetime.date:
    year, month = divmod(first.month - 1 + months_later, 12)
    year, month = first.year + year, month + 1
    rank = (first.day - 1) // 7
    first_weekday, days = calendar.monthrange(year, month)
    first_match = 1 + (first.weekday() - first_weekday) % 7
    day = first_match + 7 * rank
    while day > days:  # a fifth Wednesday some months lack: take that month's last one
        day -= 7
    return datetime.date(year, month, day)


def series_dates(frequency: str, first_date: datetime.date, count: int) -> list[datetime.date]:
    """The dates of a recurring series.

    - weekly: every 7 days from the first date;
    - fortnightly: every 14 days;
    - monthly: the same weekday at the same rank in each following month — a series starting on
      the second Wednesday of March continues on the second Wednesday of April, of May… (groups
      meet « le deuxième mercredi du mois », not « le 11 »). A fifth weekday, which most months
      lack, becomes the last such weekday of the month.
    """
    if frequency == Frequency.MONTHLY:
        return [_same_rank_next_month(first_date, index) for index in range(count)]
    step = datetime.timedelta(days=14 if frequency == Frequency.FORTNIGHTLY else 7)
    return [first_date + step * index for index in range(count)]


@transaction.atomic
def plan_series(
    *,
    actor: User,
    action: CollectiveAction,
    frequency: str,
    first_date: datetime.date,
    count: int,
    duration_minutes: int,
    start_time: datetime.time | None = None,
    place: str = "",
    theme: str = "",
) -> SessionSeries:
    """Create the series and its planned sessions, run by the action's facilitators (a session
    changed afterwards keeps its own). Refused as a whole if any date falls outside the action's
    period: the message lists those dates."""
    require(
        access.can_edit_action(actor, action),
        _("Seuls les professionnels de l'action prévoient ses séances."),
    )
    errors: dict[str, list[str]] = {"duration_minutes": _duration_errors(duration_minutes)}
    if frequency not in Frequency.values:
        errors["frequency"] = [
            _("Choisissez une fréquence : hebdomadaire, tous les quinze jours ou mensuelle.")
        ]
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_SERIES:
        errors["count"] = [
            _("Le nombre de séances doit être compris entre 1 et %(max)d.") % {"max": MAX_SERIES}
        ]
    if not isinstance(first_date, datetime.date):
        errors["first_date"] = [_("Indiquez la date de la première séance.")]
    _raise(errors)
    dates = series_dates(frequency, first_date, count)
    outside = [day for day in dates if not _in_period(action, day)]
    if outside:
        raise ValidationError(
            {
                "first_date": _(
                    "Aucune séance n'a été créée : ces dates sont en dehors de la période de "
                    "l'action (%(period)s) : %(dates)s."
                )
                % {"period": action_period(action), "dates": ", ".join(map(long_date, outside))}
            }
        )
    series = SessionSeries(
        action=action,
        frequency=frequency,
        first_date=first_date,
        count=count,
        start_time=start_time,
        duration_minutes=duration_minutes,
        place=place,
        theme=theme,
        created_by=actor,
    )
    series.full_clean(exclude=["action", "created_by"])
    series.save()
    sessions = Session.objects.bulk_create(
        Session(
            action=action,
            series=series,
            date=day,
            start_time=start_time,
            duration_minutes=duration_minutes,
            place=place,
            theme=theme,
        )
        for day in dates
    )
    facilitator_ids = list(action.facilitators.values_list("pk", flat=True))
    Session.facilitators.through.objects.bulk_create(
        Session.facilitators.through(session_id=session.pk, facilitator_id=facilitator_id)
        for session in sessions
        for facilitator_id in facilitator_ids
    )
    audit.record(
        actor,
        "plan_series",
        series,
        after={
            **audit.snapshot(series, SERIES_FIELDS),
            "sessions": [session.pk for session in sessions],
        },
    )
    return series


def _headcount_errors(headcount: Any) -> list[str]:
    if headcount is None:
        return []
    if isinstance(headcount, bool) or not isinstance(headcount, int) or headcount < 0:
        return [_("Le nombre de présents ne peut pas être négatif.")]
    return []


@transaction.atomic
def update_session(*, actor: User, session: Session, **fields: Any) -> Session:
    """Change any of date, start_time, place, theme, duration_minutes, facilitators, status
    (planned, held, cancelled), headcount (anonymous count, ≥ 0) and note."""
    action = session.action
    require(
        access.can_edit_action(actor, action),
        _("Seuls les professionnels de l'action modifient ses séances."),
    )
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"update_session() got unexpected fields: {', '.join(sorted(unknown))}")
    errors: dict[str, list[str]] = {}
    if "date" in fields:
        errors["date"] = _date_errors(action, fields["date"])
    if "duration_minutes" in fields:
        errors["duration_minutes"] = _duration_errors(fields["duration_minutes"])
    if "headcount" in fields:
        errors["headcount"] = _headcount_errors(fields["headcount"])
    if "status" in fields and fields["status"] not in SessionStatus.values:
        errors["status"] = [_("Le statut doit être « prévue », « tenue » ou « annulée ».")]
    facilitators = None
    if "facilitators" in fields:
        facilitators = list(fields.pop("facilitators"))
        errors["facilitators"] = _facilitator_errors(action, facilitators)
    _raise(errors)
    before = audit.snapshot(session, SESSION_FIELDS)
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean(exclude=["action", "series"])
    session.save()
    if facilitators is not None:
        session.facilitators.set(facilitators)
    audit.record(
        actor,
        "update_session",
        session,
        before=before,
        after=audit.snapshot(session, SESSION_FIELDS),
    )
    return session


def _locked_row(session: Session, participant: Participant) -> Attendance | None:
    return (
        Attendance.objects.select_for_update()
        .filter(session_id=session.pk, participant_id=participant.pk)
        .first()
    )


def _conflict(row: Attendance, participant: Participant) -> AttendanceChange:
    row.participant = participant
    return AttendanceChange(attendance=row, conflict=True, previous_status=row.status)


def _check_can_mark(actor: User, session: Session, participant: Participant, status: str) -> None:
    require(
        access.can_take_attendance(actor, session),
        _("Seuls les animateurs de l'action notent les présences."),
    )
    if status not in Presence.values:
        raise ValidationError(
            {
                "status": _(
                    "La présence doit être « présent », « excusé », « absent » ou "
                    "« non renseigné »."
                )
            }
        )
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(
            {
                "session": _(
                    "Cette séance est annulée : remettez-la en « prévue » ou « tenue » avant de "
                    "noter les présences."
                )
            }
        )
    enrolled = Enrolment.objects.filter(
        models.Q(left_on__isnull=True) | models.Q(left_on__gte=session.date),
        action_id=session.action_id,
        participant_id=participant.pk,
    ).exists()
    if not enrolled:
        raise ValidationError(
            {
                "participant": _(
                    "Cette personne n'est pas inscrite à l'action à la date de la séance."
                )
            }
        )


def mark_attendance(
    *,
    actor: User,
    session: Session,
    participant: Participant,
    status: str,
    expected_version: int | None = None,
) -> AttendanceChange:
    """Record one participant's presence at one session, unless someone changed it since the
    person saw it (`expected_version`): then nothing is written and the current row comes back
    with `conflict=True`. Choosing what is already stored is not a conflict: nothing is lost.

    Marking a planned session whose date has come marks it held.
    """
    _check_can_mark(actor, session, participant, status)
    with transaction.atomic():
        row = _locked_row(session, participant)
        if row is None:
            try:
                # A savepoint, so that losing the race for the first row leaves the
                # transaction usable to read the winner's row.
                with transaction.atomic():
                    row = Attendance.objects.create(
                        session=session, participant=participant, status=status, recorded_by=actor
                    )
            except IntegrityError:
                row = _locked_row(session, participant)
                if row is None:
                    raise
                return _conflict(row, participant)
            previous = None
        else:
            if row.status == status:
                row.participant = participant
                return AttendanceChange(attendance=row, conflict=False, previous_status=status)
            if row.version != expected_version:
                return _conflict(row, participant)
            previous = row.status
            now = timezone.now()
            # Conditional on the version too: on databases without row locks (SQLite) this is
            # what keeps two writers from overwriting each other.
            updated = Attendance.objects.filter(pk=row.pk, version=row.version).update(
                status=status, version=models.F("version") + 1, recorded_by=actor, recorded_at=now
            )
            if not updated:
                row.refresh_from_db()
                return _conflict(row, participant)
            row.status, row.version, row.recorded_by, row.recorded_at = (
                status,
                row.version + 1,
                actor,
                now,
            )
        row.participant = participant
        audit.record(
            actor,
            "mark_attendance",
            row,
            before=None if previous is None else {"status": previous},
            after={"status": status, "session": session.pk, "participant": participant.pk},
        )
        _hold_if_due(actor, session)
    return AttendanceChange(attendance=row, conflict=False, previous_status=previous)


def _hold_if_due(actor: User, session: Session) -> None:
    if session.status != SessionStatus.PLANNED or session.date > timezone.localdate():
        return
    Session.objects.filter(pk=session.pk, status=SessionStatus.PLANNED).update(
        status=SessionStatus.HELD
    )
    session.status = SessionStatus.HELD
    audit.record(
        actor,
        "hold_session",
        session,
        before={"status": SessionStatus.PLANNED},
        after={"status": SessionStatus.HELD},
    )
