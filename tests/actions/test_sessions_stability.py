"""Group stability figures on a small group worked out by hand."""

from __future__ import annotations

import datetime

import pytest

from maillage.actions.models import Attendance, Enrolment, SessionStatus
from maillage.actions.reports.stability import group_stability
from tests.actions.factories import ActionFactory, ParticipantFactory, SessionFactory, enrol

pytestmark = pytest.mark.django_db

D = datetime.date


def _joined(action, participant, day):
    Enrolment.objects.filter(action=action, participant=participant).update(joined_on=day)


@pytest.fixture
def group():
    """Four held sessions in March (the fourth counted without names), one planned, one
    cancelled. Anne comes to 3 of 4, Bruno to 1 of 4, Chloé (left on 12 March) to 1 of her 2,
    Dina (joined on 18 March) to 1 of her 2, Émile joined after the last held session."""
    action = ActionFactory(expected_participants=5)
    anne, bruno, chloe, dina, emile = (
        enrol(action, ParticipantFactory(pseudonym=name))
        for name in ("Anne", "Bruno", "Chloé", "Dina", "Émile")
    )
    Enrolment.objects.filter(participant=chloe).update(left_on=D(2026, 3, 12))
    _joined(action, dina, D(2026, 3, 18))
    _joined(action, emile, D(2026, 3, 26))
    held = [
        SessionFactory(action=action, date=D(2026, 3, day), status=SessionStatus.HELD)
        for day in (4, 11, 18, 25)
    ]
    held[3].headcount = 6
    held[3].save()
    SessionFactory(action=action, date=D(2026, 4, 1))
    SessionFactory(action=action, date=D(2026, 4, 8), status=SessionStatus.CANCELLED, headcount=40)
    marks = {
        held[0]: {anne: "present", bruno: "present", chloe: "absent"},
        held[1]: {anne: "present", bruno: "excused", chloe: "present"},
        held[2]: {anne: "present", bruno: "absent", dina: "present"},
    }
    for session, statuses in marks.items():
        for person, status in statuses.items():
            Attendance.objects.create(session=session, participant=person, status=status)
    return action


def test_figures_of_the_hand_made_group(group, django_assert_max_num_queries):
    action = group
    with django_assert_max_num_queries(3):
        stability = group_stability(action)
    assert stability.sessions_held == 4
    # (2 + 2 + 2 named, then 6 counted without names) / 4 held sessions
    assert stability.average_attendance == pytest.approx(3.0)
    # Anne 3/4, Chloé 1/2, Dina 1/2 are regulars; Bruno 1/4 is not; Émile could not come yet.
    assert (stability.members, stability.regulars) == (4, 3)
    assert stability.regulars_share == pytest.approx(0.75)
    assert [(row.date, row.newcomers) for row in stability.newcomers_by_session] == [
        (D(2026, 3, 4), 2),
        (D(2026, 3, 11), 1),
        (D(2026, 3, 18), 1),
        (D(2026, 3, 25), 0),
    ]
    assert stability.expected_participants == 5
    assert stability.size_vs_expected == pytest.approx(0.6)


def test_an_action_without_held_sessions_has_no_figures_yet():
    action = ActionFactory()
    enrol(action, ParticipantFactory())
    SessionFactory(action=action)
    stability = group_stability(action)
    assert stability.sessions_held == 0
    assert stability.average_attendance is None
    assert stability.regulars_share is None
    assert stability.size_vs_expected is None
    assert stability.newcomers_by_session == []
