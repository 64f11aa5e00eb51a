from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from maillage.actions.models import TimeEntry
from maillage.organisations.models import Role
from tests.actions.factories import SessionFactory, TimeEntryFactory, facilitator, running_action
from tests.organisations.factories import member

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(action) -> str:
    return f"/api/v1/actions/{action.pk}/time-entries"


def test_list_with_filters_and_pagination(django_assert_max_num_queries) -> None:
    action = running_action()
    worker = facilitator(action)
    colleague = facilitator(action)
    start = action.start_date
    for day in range(5):
        TimeEntryFactory(action=action, user=worker, date=start + datetime.timedelta(days=day))
    TimeEntryFactory(action=action, user=colleague, activity="writing", date=start)
    client = _client(worker)

    with django_assert_max_num_queries(12):
        body = client.get(_url(action), {"per_page": 2, "page": 2}).json()
    assert body["count"] == 6 and body["per_page"] == 2 and len(body["results"]) == 2
    first = client.get(_url(action)).json()["results"][0]
    assert first["date"] == (start + datetime.timedelta(days=4)).isoformat()
    assert first["user"] == {"id": worker.pk, "name": worker.display_name}

    assert client.get(_url(action), {"user": colleague.pk}).json()["count"] == 1
    assert client.get(_url(action), {"activity": "writing"}).json()["count"] == 1
    later = (start + datetime.timedelta(days=3)).isoformat()
    assert client.get(_url(action), {"from": later}).json()["count"] == 2
    assert client.get(_url(action), {"to": start.isoformat()}).json()["count"] == 2


def test_list_query_count_does_not_grow(django_assert_max_num_queries) -> None:
    action = running_action()
    worker = facilitator(action)
    client = _client(worker)
    TimeEntryFactory.create_batch(2, action=action)
    with django_assert_max_num_queries(12) as few:
        client.get(_url(action))
    TimeEntryFactory.create_batch(30, action=action)
    with django_assert_max_num_queries(len(few)):
        client.get(_url(action))


def test_create_with_the_rules_of_the_form() -> None:
    action = running_action()
    worker = facilitator(action)
    colleague = facilitator(action)
    session = SessionFactory(action=action, date=timezone.localdate())
    client = _client(worker)
    today = timezone.localdate().isoformat()

    response = client.post(
        _url(action),
        {
            "date": today,
            "minutes": 150,
            "activity": "facilitation",
            "user_id": colleague.pk,
            "phase": "mise_en_oeuvre",
            "session_id": session.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["user"]["id"], body["minutes"], body["phase"], body["session_id"]) == (
        colleague.pk,
        150,
        "mise_en_oeuvre",
        session.pk,
    )
    assert body["organisation"]["id"] == action.organisation_id

    refused = client.post(
        _url(action),
        {"date": today, "minutes": -10, "activity": "facilitation"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["errors"]["minutes"] == ["La durée doit être d'au moins une minute."]

    unknown = client.post(
        _url(action),
        {"date": today, "minutes": 10, "activity": "facilitation", "phase": "sieste"},
        content_type="application/json",
    )
    assert unknown.status_code == 422 and "phase" in unknown.json()["errors"]
    assert TimeEntry.objects.count() == 1


def test_permissions() -> None:
    action = running_action()
    facilitator(action)
    colleague = facilitator(action)
    coordinator = member(Role.COORDINATOR, action.organisation)
    payload = {
        "date": timezone.localdate().isoformat(),
        "minutes": 30,
        "activity": "writing",
        "user_id": colleague.pk,
    }
    refused = _client(coordinator).post(_url(action), payload, content_type="application/json")
    assert refused.status_code == 403 and "co-animateur" in refused.json()["detail"]

    stranger = _client(member(Role.PROFESSIONAL))
    assert stranger.get(_url(action)).status_code == 404
    assert stranger.post(_url(action), payload, content_type="application/json").status_code == 404
    assert Client().get(_url(action)).status_code == 401
    assert not TimeEntry.objects.exists()


def test_action_id_is_an_integer() -> None:
    action = running_action()
    client = _client(facilitator(action))
    assert client.get("/api/v1/actions/dashboard/time-entries").status_code == 404
