"""Planning sessions and series, reporting them, and taking attendance without lost updates."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.actions.models import (
    Attendance,
    Facilitator,
    Frequency,
    Presence,
    Session,
    SessionSeries,
    SessionStatus,
)
from maillage.actions.operations import sessions as operations
from maillage.actions.operations.sessions import mark_attendance, series_dates
from maillage.organisations.models import AuditEntry, Role
from tests.actions.factories import (
    ActionFactory,
    ParticipantFactory,
    SessionFactory,
    enrol,
    facilitator,
)
from tests.organisations.factories import member

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def action():
    return ActionFactory(expected_participants=10)


@pytest.fixture
def worker(action):
    return facilitator(action)


# --- planning ---------------------------------------------------------------------------------


def test_plan_session_with_its_facilitators_is_audited(action, worker):
    running = Facilitator.objects.get(action=action, user=worker)
    session = operations.plan_session(
        actor=worker,
        action=action,
        date=D(2026, 3, 4),
        duration_minutes=90,
        start_time=datetime.time(18),
        place="Salle du Tilleul",
        theme="Le budget",
        facilitators=[running],
    )
    assert session.status == SessionStatus.PLANNED
    assert list(session.facilitators.all()) == [running]
    entry = AuditEntry.objects.get(action="plan_session")
    assert entry.after["place"] == "Salle du Tilleul"


def test_session_outside_the_period_is_refused_with_both_dates_in_french(action, worker):
    with pytest.raises(ValidationError) as refused:
        operations.plan_session(
            actor=worker, action=action, date=D(2027, 2, 3), duration_minutes=60
        )
    assert refused.value.message_dict["date"] == [
        "La séance du 3 février 2027 est en dehors de la période de l'action "
        "(5 janvier – 18 décembre 2026)."
    ]
    assert not Session.objects.exists()


@pytest.mark.parametrize("minutes", [0, -30])
def test_zero_or_negative_duration_is_refused_before_the_database(action, worker, minutes):
    with pytest.raises(ValidationError) as refused:
        operations.plan_session(
            actor=worker, action=action, date=D(2026, 3, 4), duration_minutes=minutes
        )
    assert refused.value.message_dict["duration_minutes"] == [
        "La durée doit être d'au moins une minute."
    ]
    assert not Session.objects.exists() and not AuditEntry.objects.exists()


def test_facilitator_of_another_action_is_refused(action, worker):
    other = ActionFactory(organisation=action.organisation)
    facilitator(other)
    stranger = Facilitator.objects.get(action=other)
    with pytest.raises(ValidationError) as refused:
        operations.plan_session(
            actor=worker,
            action=action,
            date=D(2026, 3, 4),
            duration_minutes=60,
            facilitators=[stranger],
        )
    assert "co-animateurs de l'action" in refused.value.message_dict["facilitators"][0]


def test_partner_and_coordinator_cannot_plan(action):
    partner = member(Role.PARTNER, action.organisation)
    with pytest.raises(PermissionDenied):
        operations.plan_session(
            actor=partner, action=action, date=D(2026, 3, 4), duration_minutes=60
        )


# --- series -----------------------------------------------------------------------------------


def test_weekly_and_fortnightly_dates():
    wednesday = D(2026, 3, 4)
    assert series_dates(Frequency.WEEKLY, wednesday, 3) == [
        D(2026, 3, 4),
        D(2026, 3, 11),
        D(2026, 3, 18),
    ]
    assert series_dates(Frequency.FORTNIGHTLY, wednesday, 3) == [
        D(2026, 3, 4),
        D(2026, 3, 18),
        D(2026, 4, 1),
    ]


def test_monthly_keeps_the_weekday_and_its_rank():
    second_wednesday = D(2026, 3, 11)
    assert series_dates(Frequency.MONTHLY, second_wednesday, 4) == [
        D(2026, 3, 11),
        D(2026, 4, 8),
        D(2026, 5, 13),
        D(2026, 6, 10),
    ]
    assert all(day.weekday() == 2 for day in series_dates(Frequency.MONTHLY, D(2026, 12, 9), 3))
    # Across the new year: second Wednesday of December, then of January.
    assert series_dates(Frequency.MONTHLY, D(2026, 12, 9), 2)[1] == D(2027, 1, 13)


def test_monthly_fifth_weekday_becomes_the_last_one():
    fifth_wednesday = D(2026, 4, 29)
    assert series_dates(Frequency.MONTHLY, fifth_wednesday, 3) == [
        D(2026, 4, 29),
        D(2026, 5, 27),  # May has four Wednesdays after the 6th: 6, 13, 20, 27
        D(2026, 6, 24),
    ]


def test_plan_series_creates_planned_sessions_run_by_the_facilitators(action, worker):
    series = operations.plan_series(
        actor=worker,
        action=action,
        frequency=Frequency.WEEKLY,
        first_date=D(2026, 3, 4),
        count=8,
        duration_minutes=120,
        start_time=datetime.time(18),
        place="Centre social",
    )
    sessions = list(series.sessions.order_by("date"))
    assert [s.date for s in sessions] == series_dates(Frequency.WEEKLY, D(2026, 3, 4), 8)
    assert {s.status for s in sessions} == {SessionStatus.PLANNED}
    assert all(s.start_time == datetime.time(18) for s in sessions)
    running = Facilitator.objects.get(action=action, user=worker)
    assert all(list(s.facilitators.all()) == [running] for s in sessions)
    assert AuditEntry.objects.get(action="plan_series").after["sessions"] == [
        s.pk for s in sessions
    ]


def test_series_running_past_the_period_is_refused_whole_listing_the_dates(action, worker):
    with pytest.raises(ValidationError) as refused:
        operations.plan_series(
            actor=worker,
            action=action,
            frequency=Frequency.WEEKLY,
            first_date=D(2026, 12, 2),
            count=5,
            duration_minutes=120,
        )
    message = refused.value.message_dict["first_date"][0]
    assert "Aucune séance n'a été créée" in message
    assert "23 décembre 2026, 30 décembre 2026" in message
    assert "16 décembre" not in message
    assert not SessionSeries.objects.exists() and not Session.objects.exists()


@pytest.mark.parametrize("count", [0, 61])
def test_series_count_must_be_between_1_and_60(action, worker, count):
    with pytest.raises(ValidationError) as refused:
        operations.plan_series(
            actor=worker,
            action=action,
            frequency=Frequency.WEEKLY,
            first_date=D(2026, 3, 4),
            count=count,
            duration_minutes=120,
        )
    assert refused.value.message_dict["count"] == [
        "Le nombre de séances doit être compris entre 1 et 60."
    ]


# --- update -----------------------------------------------------------------------------------


def test_update_session_reports_what_happened(action, worker):
    session = SessionFactory(action=action)
    operations.update_session(
        actor=worker, session=session, status=SessionStatus.HELD, headcount=12, note="Bon climat."
    )
    session.refresh_from_db()
    assert (session.status, session.headcount, session.note) == ("held", 12, "Bon climat.")
    entry = AuditEntry.objects.get(action="update_session")
    assert entry.before == {"status": "planned", "headcount": None, "note": ""}


def test_update_session_refuses_negative_headcount_and_bad_date(action, worker):
    session = SessionFactory(action=action)
    with pytest.raises(ValidationError) as refused:
        operations.update_session(
            actor=worker, session=session, headcount=-1, date=D(2025, 12, 1), duration_minutes=-5
        )
    errors = refused.value.message_dict
    assert errors["headcount"] == ["Le nombre de présents ne peut pas être négatif."]
    assert "1 décembre 2025" in errors["date"][0]
    assert errors["duration_minutes"] == ["La durée doit être d'au moins une minute."]
    session.refresh_from_db()
    assert session.headcount is None and session.date == action.start_date


# --- attendance -------------------------------------------------------------------------------


@pytest.fixture
def scene(action, worker):
    session = SessionFactory(action=action, date=D(2026, 3, 4))
    person = enrol(action, ParticipantFactory(pseudonym="Nadia"))
    return session, person


def test_first_mark_creates_the_row_and_holds_a_past_session(scene, worker):
    session, person = scene
    change = mark_attendance(
        actor=worker, session=session, participant=person, status=Presence.PRESENT
    )
    assert not change.conflict and change.previous_status is None
    assert change.attendance.version == 1
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD
    assert AuditEntry.objects.filter(action="mark_attendance").count() == 1
    assert AuditEntry.objects.filter(action="hold_session").count() == 1


def test_future_session_stays_planned(action, worker):
    session = SessionFactory(action=action, date=D(2026, 12, 16))
    person = enrol(action, ParticipantFactory())
    mark_attendance(actor=worker, session=session, participant=person, status=Presence.EXCUSED)
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED


def test_two_professionals_at_once_first_wins_second_sees_her_choice(action, scene, worker):
    session, person = scene
    colleague = facilitator(action)
    colleague.first_name, colleague.last_name = "Claire", "Martin"
    colleague.save()
    mark_attendance(actor=worker, session=session, participant=person, status=Presence.ABSENT)
    # Both load the page: they see version 1.
    first = mark_attendance(
        actor=colleague,
        session=session,
        participant=person,
        status=Presence.EXCUSED,
        expected_version=1,
    )
    second = mark_attendance(
        actor=worker,
        session=session,
        participant=person,
        status=Presence.PRESENT,
        expected_version=1,
    )
    assert not first.conflict and first.attendance.version == 2
    assert second.conflict
    assert second.attendance.status == Presence.EXCUSED
    assert second.attendance.recorded_by == colleague
    stored = Attendance.objects.get()
    assert (stored.status, stored.version, stored.recorded_by) == ("excused", 2, colleague)
    # Having seen it, she can now decide with the current version.
    third = mark_attendance(
        actor=worker,
        session=session,
        participant=person,
        status=Presence.PRESENT,
        expected_version=2,
    )
    assert not third.conflict and third.previous_status == Presence.EXCUSED
    assert AuditEntry.objects.filter(action="mark_attendance").count() == 3


def test_second_first_tap_on_a_new_row_is_a_conflict(scene, worker):
    session, person = scene
    mark_attendance(actor=worker, session=session, participant=person, status=Presence.PRESENT)
    late = mark_attendance(
        actor=worker,
        session=session,
        participant=person,
        status=Presence.ABSENT,
        expected_version=None,
    )
    assert late.conflict and late.attendance.status == Presence.PRESENT


def test_unique_constraint_race_on_a_new_row_is_a_conflict_not_an_error(
    action, scene, worker, monkeypatch
):
    """Both read « no row »; the other one inserts first: ours hits the unique constraint."""
    session, person = scene
    colleague = facilitator(action)
    real_locked_row = operations._locked_row
    calls = []

    def other_inserts_first(session_, participant):
        calls.append(1)
        if len(calls) == 1:
            Attendance.objects.create(
                session=session_, participant=participant, status="excused", recorded_by=colleague
            )
            return None
        return real_locked_row(session_, participant)

    monkeypatch.setattr(operations, "_locked_row", other_inserts_first)
    change = mark_attendance(
        actor=worker, session=session, participant=person, status=Presence.PRESENT
    )
    assert change.conflict
    assert change.attendance.status == "excused" and change.attendance.recorded_by == colleague
    assert Attendance.objects.get().status == "excused"


def test_choosing_what_is_already_stored_is_not_a_conflict(scene, worker):
    session, person = scene
    mark_attendance(actor=worker, session=session, participant=person, status=Presence.PRESENT)
    again = mark_attendance(
        actor=worker, session=session, participant=person, status=Presence.PRESENT
    )
    assert not again.conflict and Attendance.objects.get().version == 1


def test_only_enrolled_people_still_there_on_the_date(action, scene, worker):
    session, _person = scene
    stranger = ParticipantFactory()
    with pytest.raises(ValidationError) as refused:
        mark_attendance(
            actor=worker, session=session, participant=stranger, status=Presence.PRESENT
        )
    assert "n'est pas inscrite" in refused.value.message_dict["participant"][0]
    gone = enrol(action, ParticipantFactory(), left_on=D(2026, 2, 1))
    with pytest.raises(ValidationError):
        mark_attendance(actor=worker, session=session, participant=gone, status=Presence.PRESENT)
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.PARTNER, Role.PROFESSIONAL])
def test_only_facilitators_take_attendance(action, scene, role):
    session, person = scene
    outsider = member(role, action.organisation)
    with pytest.raises(PermissionDenied) as refused:
        mark_attendance(
            actor=outsider, session=session, participant=person, status=Presence.PRESENT
        )
    assert "animateurs" in str(refused.value)
    assert not Attendance.objects.exists()


def test_unknown_status_is_refused(scene, worker):
    session, person = scene
    with pytest.raises(ValidationError):
        mark_attendance(actor=worker, session=session, participant=person, status="maybe")


def test_no_attendance_on_a_cancelled_session(scene, worker):
    session, person = scene
    session.status = SessionStatus.CANCELLED
    session.save()
    with pytest.raises(ValidationError) as refused:
        mark_attendance(actor=worker, session=session, participant=person, status="present")
    assert "annulée" in refused.value.message_dict["session"][0]
