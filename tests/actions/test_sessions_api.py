"""Sessions and attendance in the API: same rules and messages as the pages, conflicts as 409."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client

from maillage.actions.models import Attendance, Facilitator, Session
from maillage.organisations.models import Role
from maillage.organisations.tokens import create_api_token
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


def _url(action, *rest) -> str:
    return "/".join([f"/api/v1/actions/{action.pk}/sessions", *map(str, rest)])


def _send(client: Client, method: str, url: str, payload, headers: dict | None = None):
    return getattr(client, method)(
        url, json.dumps(payload), content_type="application/json", headers=headers or {}
    )


@pytest.fixture
def action():
    return ActionFactory()


@pytest.fixture
def worker(action):
    return facilitator(action)


@pytest.fixture
def api(client: Client, worker) -> Client:
    client.force_login(worker)
    return client


@pytest.fixture
def session(action):
    return SessionFactory(action=action, date=D(2026, 3, 4))


def test_list_sessions_with_a_constant_number_of_queries(
    api, action, worker, django_assert_max_num_queries
):
    running = Facilitator.objects.get(action=action)
    for day in range(1, 4):
        SessionFactory(action=action, date=D(2026, 3, day)).facilitators.add(running)
    with django_assert_max_num_queries(8) as few:
        response = api.get(_url(action))
    assert response.status_code == 200
    assert [row["date"] for row in response.json()] == ["2026-03-01", "2026-03-02", "2026-03-03"]
    assert response.json()[0]["facilitators"] == [running.pk]
    for day in range(4, 30):
        SessionFactory(action=action, date=D(2026, 3, day)).facilitators.add(running)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get(_url(action)).json()) == 29


def test_someone_outside_the_action_gets_404(client, action, session):
    client.force_login(member(Role.PROFESSIONAL))
    response = client.get(_url(action))
    assert response.status_code == 404
    assert response.json()["detail"] == "Aucune action collective ne porte ce numéro."


def test_create_session_with_a_token(client, action, worker):
    _token, key = create_api_token(actor=worker, name="agenda du service")
    response = _send(
        client,
        "post",
        _url(action),
        {"date": "2026-03-04", "duration_minutes": 120, "start_time": "18:00", "place": "Salle"},
        {"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "planned"
    assert Session.objects.get().place == "Salle"


def test_negative_duration_is_422_with_the_french_message(api, action):
    response = _send(api, "post", _url(action), {"date": "2026-03-04", "duration_minutes": -30})
    assert response.status_code == 422
    assert response.json()["errors"]["duration_minutes"] == [
        "La durée doit être d'au moins une minute."
    ]
    assert not Session.objects.exists()


def test_date_outside_the_period_is_422(api, action):
    response = _send(api, "post", _url(action), {"date": "2027-02-03", "duration_minutes": 60})
    assert response.status_code == 422
    assert response.json()["errors"]["date"] == [
        "La séance du 3 février 2027 est en dehors de la période de l'action "
        "(5 janvier – 18 décembre 2026)."
    ]


def test_create_series(api, action):
    response = _send(
        api,
        "post",
        _url(action, "series"),
        {"frequency": "monthly", "first_date": "2026-03-11", "count": 3, "duration_minutes": 90},
    )
    assert response.status_code == 201
    assert [row["date"] for row in response.json()] == ["2026-03-11", "2026-04-08", "2026-05-13"]


def test_patch_reports_the_session_and_refuses_negative_duration(api, action, session):
    response = _send(
        api, "patch", _url(action, session.pk), {"status": "held", "headcount": 7, "note": "Ok"}
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["headcount"]) == ("held", 7), response.json()
    response = _send(api, "patch", _url(action, session.pk), {"duration_minutes": -30})
    assert response.status_code == 422
    session.refresh_from_db()
    assert session.duration_minutes == 120


def test_partner_reads_sessions_but_cannot_change_them(client, action, session):
    action.shared_with.add(partner_org := member(Role.PARTNER).memberships.get().organisation)
    client.force_login(partner_org.memberships.get().user)
    assert client.get(_url(action, session.pk)).status_code == 200
    response = _send(client, "patch", _url(action, session.pk), {"note": "x"})
    assert response.status_code == 403


# --- attendance -------------------------------------------------------------------------------


@pytest.fixture
def people(action):
    return [enrol(action, ParticipantFactory(pseudonym=name)) for name in ("Anne", "Bruno")]


def test_attendance_lists_id_and_pseudonym_only(api, action, session, people):
    response = api.get(_url(action, session.pk, "attendance"))
    assert response.status_code == 200
    body = response.json()
    assert (body["enrolled"], body["present"], body["unknown"]) == (2, 0, 2)
    assert body["rows"][0] == {
        "participant_id": people[0].pk,
        "pseudonym": "Anne",
        "status": "unknown",
        "version": None,
        "recorded_by": None,
        "recorded_at": None,
    }


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.PARTNER])
def test_coordinator_and_partner_get_403_on_attendance(client, action, session, people, role):
    client.force_login(member(role, action.organisation))
    url = _url(action, session.pk, "attendance")
    response = client.get(url)
    assert response.status_code == 403
    assert "animateurs" in response.json()["detail"]
    assert "Anne" not in response.content.decode()
    payload = [{"participant_id": people[0].pk, "status": "present"}]
    assert _send(client, "put", url, payload).status_code == 403
    assert not Attendance.objects.exists()


def test_put_applies_each_row(api, action, session, people):
    payload = [
        {"participant_id": people[0].pk, "status": "present", "expected_version": None},
        {"participant_id": people[1].pk, "status": "excused"},
    ]
    response = _send(api, "put", _url(action, session.pk, "attendance"), payload)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["status"], r["version"], r["conflict"]) for r in results] == [
        ("present", 1, False),
        ("excused", 1, False),
    ]


def test_put_with_a_stale_version_is_409_with_the_current_row(api, action, session, people):
    colleague = facilitator(action)
    Attendance.objects.create(
        session=session, participant=people[0], status="excused", recorded_by=colleague, version=2
    )
    payload = [
        {"participant_id": people[0].pk, "status": "present", "expected_version": 1},
        {"participant_id": people[1].pk, "status": "present", "expected_version": None},
    ]
    response = _send(api, "put", _url(action, session.pk, "attendance"), payload)
    assert response.status_code == 409
    body = response.json()
    assert "modifiées entre-temps" in body["detail"]
    conflict, saved = body["results"]
    assert conflict["conflict"] and conflict["status"] == "excused"
    assert conflict["recorded_by"] == colleague.display_name and conflict["version"] == 2
    assert not saved["conflict"] and saved["status"] == "present"
    assert Attendance.objects.get(participant=people[0]).status == "excused"


def test_put_for_someone_not_enrolled_writes_nothing(api, action, session, people):
    stranger = ParticipantFactory()
    payload = [
        {"participant_id": people[0].pk, "status": "present"},
        {"participant_id": stranger.pk, "status": "present"},
    ]
    response = _send(api, "put", _url(action, session.pk, "attendance"), payload)
    assert response.status_code == 422
    assert str(stranger.pk) in response.json()["errors"]["participant_id"][0]
    assert not Attendance.objects.exists()


def test_openapi_documents_the_routes_in_french(client):
    schema = client.get("/api/v1/schema").json()
    path = schema["paths"]["/api/v1/actions/{action_id}/sessions/{session_id}/attendance"]
    assert path["put"]["summary"] == "Noter des présences"
    assert path["get"]["summary"] == "Les présences d'une séance"
