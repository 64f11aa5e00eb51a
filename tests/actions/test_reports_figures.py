"""The figures of the reports against a small example computed by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.actions.models import (
    Attendance,
    CollectiveAction,
    EligibilityTag,
    Funder,
    Presence,
    SessionStatus,
    TimeEntry,
)
from maillage.actions.reports.activity import action_report, funder_report, scope_report
from maillage.actions.reports.dashboard import dashboard
from maillage.actions.reports.stability import group_stability
from maillage.organisations.models import OrganisationKind, Role
from tests.actions.factories import ActionFactory, ParticipantFactory, SessionFactory, enrol
from tests.actions.factories import facilitator as make_facilitator
from tests.organisations.factories import OrganisationFactory, member
from tests.territories.factories import small_geography

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def example():
    """Two actions of a CCAS, the CAF funding both (on A only from March), five people.

    A: p1 (CAF), p2 (no tag, no commune), p3 (RSA only, left on 15 February), p5 (arrived on
    10 March). B: p1 again, p4 (CAF). Sessions of A: 4 Feb held (p1, p2 present, p3 absent),
    18 Feb cancelled, 4 Mar held (p1, p3 present), 11 Mar held with a headcount of 7, 2 Dec
    planned.
    """
    geography = small_geography()
    carrier = OrganisationFactory(name="CCAS d'Arras")
    caf = OrganisationFactory(name="CAF du Pas-de-Calais", kind=OrganisationKind.CAF)
    departement = OrganisationFactory(
        name="Département du Pas-de-Calais", kind=OrganisationKind.CONSEIL_DEPARTEMENTAL
    )
    caf_tag = EligibilityTag.objects.create(organisation=caf, label="Allocataire CAF")
    rsa_tag = EligibilityTag.objects.create(organisation=departement, label="Bénéficiaire du RSA")
    a = ActionFactory(organisation=carrier, territories=[geography.arras])
    b = ActionFactory(organisation=carrier, territories=[geography.dainville])
    worker = make_facilitator(a)
    make_facilitator(b, worker)
    p1 = ParticipantFactory(age_band="25-39", commune=geography.arras)
    p1.eligibility_tags.add(caf_tag)
    p2 = ParticipantFactory(age_band="40-54")
    p3 = ParticipantFactory(age_band="25-39", commune=geography.arras)
    p3.eligibility_tags.add(rsa_tag)
    p4 = ParticipantFactory(age_band="18-24", commune=geography.dainville)
    p4.eligibility_tags.add(caf_tag)
    p5 = ParticipantFactory(age_band="", commune=geography.dainville)
    for person in (p1, p2, p3):
        enrol(a, person)
    a.enrolments.filter(participant=p3).update(left_on=D(2026, 2, 15))
    enrol(a, p5)
    a.enrolments.filter(participant=p5).update(joined_on=D(2026, 3, 10))
    enrol(b, p1)
    enrol(b, p4)

    def session(day, status, present=(), absent=(), headcount=None):
        held = SessionFactory(action=a, date=day, status=status, headcount=headcount)
        for person in present:
            Attendance.objects.create(session=held, participant=person, status=Presence.PRESENT)
        for person in absent:
            Attendance.objects.create(session=held, participant=person, status=Presence.ABSENT)

    session(D(2026, 2, 4), SessionStatus.HELD, present=[p1, p2], absent=[p3])
    session(D(2026, 2, 18), SessionStatus.CANCELLED)
    session(D(2026, 3, 4), SessionStatus.HELD, present=[p1, p3])
    session(D(2026, 3, 11), SessionStatus.HELD, headcount=7)
    session(D(2026, 12, 2), SessionStatus.PLANNED)
    for day, minutes, activity in (
        (D(2026, 2, 10), 120, "preparation"),
        (D(2026, 3, 4), 180, "facilitation"),
    ):
        TimeEntry.objects.create(
            action=a,
            user=worker,
            organisation=carrier,
            date=day,
            minutes=minutes,
            activity=activity,
        )
    Funder.objects.create(
        action=a, organisation=caf, amount=Decimal("5000"), start_date=D(2026, 3, 1)
    )
    Funder.objects.create(action=b, organisation=caf, amount=Decimal("1000"))
    return {"a": a, "b": b, "caf": caf, "worker": worker, "carrier": carrier}


def test_action_report_counts_each_person_once_and_headcounts_apart(example):
    report = action_report(example["a"])

    assert report.participants == 4
    assert report.sessions.held == 3
    assert report.sessions.cancelled == 1
    assert report.sessions.planned == 1
    assert report.sessions.presences == 4
    assert report.sessions.headcount == 7
    assert report.sessions.average_attendance == pytest.approx(3.7)
    assert report.time_minutes == 300
    assert {t.label: t.minutes for t in report.time_by_activity} == {
        "Préparation": 120,
        "Animation": 180,
    }
    assert [(f.label, f.value) for f in report.by_age_band] == [
        ("25 à 39 ans", 2),
        ("40 à 54 ans", 1),
        ("Non renseigné", 1),
    ]
    assert [(f.label, f.value) for f in report.by_commune] == [
        ("Arras", 2),
        ("Dainville", 1),
        ("Non renseigné", 1),
    ]
    assert [(f.name, f.amount) for f in report.funders] == [
        ("CAF du Pas-de-Calais", Decimal("5000"))
    ]


def test_action_report_over_a_period(example):
    report = action_report(example["a"], start=D(2026, 3, 1), end=D(2026, 3, 31))

    # p3 left in February; p5 arrived in March, the only newcomer.
    assert report.participants == 3
    assert report.new_participants == 1
    assert (report.sessions.planned, report.sessions.held, report.sessions.cancelled) == (0, 2, 0)
    assert report.sessions.presences == 2
    assert report.sessions.headcount == 7
    assert report.time_minutes == 180


def test_scope_report_counts_a_person_in_two_actions_once(example):
    report = scope_report(
        CollectiveAction.objects.filter(pk__in=[example["a"].pk, example["b"].pk])
    )

    assert report.actions == 2
    assert report.participants == 5
    assert [(f.name, f.actions, f.amount) for f in report.funders] == [
        ("CAF du Pas-de-Calais", 2, Decimal("6000"))
    ]


def test_funder_report_counts_eligible_and_everyone(example):
    report = funder_report(user=example["worker"], funder=example["caf"])

    lines = {line.action_id: line for line in report.lines}
    a, b = lines[example["a"].pk], lines[example["b"].pk]
    # Within the CAF's support of A (from 1 March): p1, p2 (no tag, still counted) and p5.
    assert (a.eligible_participants, a.participants) == (1, 3)
    assert (a.sessions_held, a.presences, a.headcount, a.time_minutes) == (2, 2, 7, 180)
    assert (b.eligible_participants, b.participants) == (2, 2)
    # p1 is in both actions and counts once.
    assert (report.eligible_participants, report.participants) == (2, 4)
    assert report.amount == Decimal("6000")
    assert report.sessions_held == 2
    assert report.attendance == 9


def test_funder_report_period_restricts_further(example):
    report = funder_report(
        user=example["worker"], funder=example["caf"], start=D(2026, 3, 5), end=D(2026, 3, 31)
    )

    line = next(line for line in report.lines if line.action_id == example["a"].pk)
    assert (line.sessions_held, line.presences, line.headcount, line.time_minutes) == (1, 0, 7, 0)


def test_funder_report_is_refused_for_a_funder_one_cannot_see(example):
    stranger = member(Role.PROFESSIONAL)

    with pytest.raises(PermissionDenied, match="Vous ne pouvez pas consulter le bilan"):
        funder_report(user=stranger, funder=example["caf"])


def test_funder_report_for_its_own_members_covers_all_it_funds(example):
    caf_member = member(Role.PROFESSIONAL, example["caf"])

    report = funder_report(user=caf_member, funder=example["caf"])

    assert len(report.lines) == 2
    assert report.participants == 4


def _queries(function) -> int:
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


def _actions_with_people(carrier, caf, worker, count):
    for _ in range(count):
        action = ActionFactory(organisation=carrier)
        make_facilitator(action, worker)
        Funder.objects.create(action=action, organisation=caf, amount=Decimal("100"))
        session = SessionFactory(action=action, status=SessionStatus.HELD)
        for _person in range(3):
            person = enrol(action, ParticipantFactory())
            Attendance.objects.create(session=session, participant=person, status=Presence.PRESENT)
        TimeEntry.objects.create(
            action=action,
            user=worker,
            organisation=carrier,
            date=session.date,
            minutes=60,
            activity="facilitation",
        )


def test_reports_cost_the_same_queries_for_2_or_10_actions():
    carrier = OrganisationFactory()
    caf = OrganisationFactory(kind=OrganisationKind.CAF)
    worker = member(Role.PROFESSIONAL, carrier)
    _actions_with_people(carrier, caf, worker, 2)
    coordinator = member(Role.COORDINATOR, carrier)
    scope = CollectiveAction.objects.filter(organisation=carrier)

    def counts():
        return (
            _queries(lambda: scope_report(scope)),
            _queries(lambda: funder_report(user=worker, funder=caf)),
            _queries(lambda: dashboard(coordinator, start=D(2026, 1, 1), end=D(2026, 12, 31))),
        )

    small = counts()
    _actions_with_people(carrier, caf, worker, 8)
    large = counts()

    assert small == large
    assert funder_report(user=worker, funder=caf).participants == 30
    assert dashboard(coordinator).actions == 10


def test_dashboard_area_of_a_coordinator_an_administrator_and_a_stranger(example):
    other = ActionFactory(territories=[small_geography().saint_denis])
    coordinator = member(Role.COORDINATOR, example["carrier"])
    admin = member(Role.PROFESSIONAL)
    admin.is_national_admin = True
    admin.save()

    assert dashboard(coordinator).actions == 2
    assert dashboard(admin).actions == 3
    narrowed = dashboard(admin, territory=other.territories.get().departement)
    assert narrowed.actions == 1
    assert narrowed.territory_level == "EPCI"
    assert dashboard(member(Role.PROFESSIONAL)).actions == 0


def test_a_headcount_beside_names_is_not_added_to_them():
    """Three sessions counted by hand: 3 named + a headcount of 3 (the same people: 3), a
    headcount of 5 alone (5), 2 named without headcount (2): 10 present over 3 sessions."""
    carrier = OrganisationFactory()
    caf = OrganisationFactory(kind=OrganisationKind.CAF)
    action = ActionFactory(organisation=carrier)
    worker = make_facilitator(action)
    Funder.objects.create(action=action, organisation=caf)
    people = [enrol(action, ParticipantFactory()) for _ in range(3)]

    def held(day, present, headcount=None):
        session = SessionFactory(
            action=action, date=day, status=SessionStatus.HELD, headcount=headcount
        )
        for person in present:
            Attendance.objects.create(session=session, participant=person, status=Presence.PRESENT)
        if not present:
            # An absence is a row too: it must not turn the session into a « named » one.
            Attendance.objects.create(
                session=session, participant=ParticipantFactory(), status=Presence.ABSENT
            )

    held(D(2026, 2, 4), people, headcount=3)
    held(D(2026, 2, 11), [], headcount=5)
    held(D(2026, 2, 18), people[:2])

    sessions = action_report(action).sessions
    assert (sessions.presences, sessions.headcount, sessions.attendance) == (5, 8, 10)
    assert sessions.average_attendance == pytest.approx(3.3)
    funder = funder_report(user=worker, funder=caf)
    assert (funder.presences, funder.headcount, funder.attendance) == (5, 8, 10)
    assert funder.lines[0].attendance == 10
    assert group_stability(action).average_attendance == pytest.approx(10 / 3)


def test_someone_back_in_another_action_of_the_scope_is_not_new():
    """Léa came to A in 2025 and left; she joins B in March 2026. Over March 2026 in the scope
    A + B she is a participant, not a new one; Tom, first seen in March, is new."""
    carrier = OrganisationFactory()
    a = ActionFactory(organisation=carrier, start_date=D(2025, 1, 6))
    b = ActionFactory(organisation=carrier)
    lea, tom = ParticipantFactory(), ParticipantFactory()
    enrol(a, lea)
    a.enrolments.filter(participant=lea).update(left_on=D(2025, 6, 30))
    enrol(b, lea)
    enrol(b, tom)
    b.enrolments.update(joined_on=D(2026, 3, 2))
    scope = CollectiveAction.objects.filter(pk__in=[a.pk, b.pk])

    report = scope_report(scope, start=D(2026, 3, 1), end=D(2026, 3, 31))

    assert (report.participants, report.new_participants) == (2, 1)
    assert scope_report(scope, start=D(2025, 1, 1), end=D(2025, 12, 31)).new_participants == 1
    # Over B alone, both arrived in March.
    assert action_report(b, start=D(2026, 3, 1), end=D(2026, 3, 31)).new_participants == 2
