"""Two professionals tapping the same row at the same moment, for real: two threads, two
database connections. PostgreSQL only (the SQLite test database lives in one connection)."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection

from maillage.actions.models import Attendance, Presence
from maillage.actions.operations.sessions import AttendanceChange, mark_attendance
from tests.actions.factories import (
    ActionFactory,
    ParticipantFactory,
    SessionFactory,
    enrol,
    facilitator,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs two real connections (PostgreSQL)"
    ),
]


def _at_once(calls) -> list[AttendanceChange]:
    barrier = threading.Barrier(len(calls))
    results: list[AttendanceChange | BaseException] = [None] * len(calls)  # type: ignore[list-item]

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except BaseException as error:  # surfaced below, with the other thread's outcome
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results  # type: ignore[return-value]


@pytest.fixture
def scene():
    action = ActionFactory()
    first, second = facilitator(action), facilitator(action)
    session = SessionFactory(action=action, date=datetime.date(2026, 3, 4))
    person = enrol(action, ParticipantFactory())
    return session, person, first, second


@pytest.mark.parametrize("seen", [None, 1], ids=["new row", "existing row"])
def test_one_wins_the_other_sees_it(scene, seen):
    session, person, first, second = scene
    if seen is not None:
        Attendance.objects.create(session=session, participant=person, status="absent")
    choices = {first: Presence.PRESENT, second: Presence.EXCUSED}
    changes = _at_once(
        [
            lambda user=user, status=status: mark_attendance(
                actor=user,
                session=session,
                participant=person,
                status=status,
                expected_version=seen,
            )
            for user, status in choices.items()
        ]
    )
    assert sorted(change.conflict for change in changes) == [False, True]
    (winner,) = [change for change in changes if not change.conflict]
    (loser,) = [change for change in changes if change.conflict]
    stored = Attendance.objects.get()
    assert stored.status == winner.attendance.status == loser.attendance.status
    assert loser.attendance.recorded_by_id == winner.attendance.recorded_by_id
    assert stored.version == (1 if seen is None else 2)
