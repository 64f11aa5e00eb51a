"""The reports in JSON: same figures and rights as the pages, routes not swallowed by
`/{action_id}`."""

from __future__ import annotations

import pytest

from maillage.organisations.models import Role
from tests.actions.test_reports_figures import example  # noqa: F401 — the shared scene
from tests.organisations.factories import member

pytestmark = pytest.mark.django_db

BASE = "/api/v1/actions"


@pytest.fixture
def worker_client(client, example):  # noqa: F811
    client.force_login(example["worker"])
    return client


def test_action_report(worker_client, example, django_assert_max_num_queries):  # noqa: F811
    with django_assert_max_num_queries(20):
        response = worker_client.get(
            f"{BASE}/{example['a'].pk}/report", {"start": "2026-03-01", "end": "2026-03-31"}
        )

    assert response.status_code == 200
    body = response.json()
    assert body["participants"] == 3
    assert body["new_participants"] == 1
    assert body["sessions"]["held"] == 2
    assert body["sessions"]["headcount"] == 7
    # 4 March: p1 and p3 named; 11 March: a headcount of 7 and no name.
    assert body["sessions"]["attendance"] == 9
    assert body["by_commune"][-1] == {"key": "inconnu", "label": "Non renseigné", "value": 1}


def test_action_report_hidden_from_strangers(client, example):  # noqa: F811
    client.force_login(member(Role.PROFESSIONAL))

    response = client.get(f"{BASE}/{example['a'].pk}/report")

    assert response.status_code == 404
    assert response.json()["detail"]


def test_reversed_period_is_refused(worker_client, example):  # noqa: F811
    response = worker_client.get(
        f"{BASE}/{example['a'].pk}/report", {"start": "2026-03-31", "end": "2026-03-01"}
    )

    assert response.status_code == 422
    assert response.json()["errors"]["end"] == ["La fin de la période doit suivre son début."]


def test_funder_report(worker_client, example, django_assert_max_num_queries):  # noqa: F811
    with django_assert_max_num_queries(20):
        response = worker_client.get(f"{BASE}/funders/{example['caf'].pk}/report")

    assert response.status_code == 200
    body = response.json()
    assert (body["eligible_participants"], body["participants"]) == (2, 4)
    assert body["funder_name"] == "CAF du Pas-de-Calais"
    assert {line["action_id"] for line in body["actions"]} == {example["a"].pk, example["b"].pk}


def test_funder_report_refused_for_an_unseen_funder(client, example):  # noqa: F811
    client.force_login(member(Role.PROFESSIONAL))

    response = client.get(f"{BASE}/funders/{example['caf'].pk}/report")

    assert response.status_code == 403
    assert response.json()["detail"] == "Vous ne pouvez pas consulter le bilan de ce financeur."


def test_dashboard(client, example, django_assert_max_num_queries):  # noqa: F811
    client.force_login(member(Role.COORDINATOR, example["carrier"]))

    with django_assert_max_num_queries(20):
        response = client.get(f"{BASE}/dashboard", {"start": "2026-01-01", "end": "2026-12-31"})

    assert response.status_code == 200
    body = response.json()
    assert body["actions"] == 2
    assert body["participants"] == 5
    assert body["territory_level"] == "Département"
    assert body["by_territory"] == [
        {
            "key": str(example["a"].territories.get().departement_id),
            "label": "Pas-de-Calais",
            "value": 2,
        }
    ]


def test_reports_require_authentication(client, example):  # noqa: F811
    assert client.get(f"{BASE}/dashboard").status_code == 401
    assert client.get(f"{BASE}/funders/{example['caf'].pk}/report").status_code == 401


def test_report_routes_are_not_taken_for_an_action_number(worker_client):
    """`/dashboard` and `/funders/1/report` must reach the reports, not `/{action_id}`."""
    dashboard = worker_client.get(f"{BASE}/dashboard")
    funder = worker_client.get(f"{BASE}/funders/1/report")

    assert dashboard.status_code == 200
    assert "by_form" in dashboard.json()
    # Whatever organisation 1 is, the funder report answers, never a validation of `action_id`.
    assert funder.status_code in {200, 403, 404}
    assert "action_id" not in funder.content.decode()
