"""The priorities API: same permissions as the pages, French errors, bounded queries."""

from __future__ import annotations

import json

import pytest

from maillage.actions.models import CollectiveAction
from maillage.diagnostics.models import PriorityStatus
from maillage.diagnostics.operations import priorities as operations
from maillage.organisations.tokens import create_api_token
from tests.diagnostics.test_priorities_operations import agreed_priority, priority_scene
from tests.practices.factories import term

pytestmark = pytest.mark.django_db

BASE = "/api/v1/diagnostics"


@pytest.fixture
def scene():
    return priority_scene()


def _bearer(user) -> dict[str, str]:
    _token, key = create_api_token(actor=user, name="tableur du CCAS")
    return {"Authorization": f"Bearer {key}"}


def _send(client, method: str, url: str, user, payload: dict | None = None):
    return getattr(client, method)(
        url,
        json.dumps(payload or {}),
        content_type="application/json",
        headers=_bearer(user),
    )


def test_list_with_votes_in_bounded_queries(client, scene, django_assert_max_num_queries):
    for number in range(5):
        priority = operations.propose_priority(
            actor=scene.editor, diagnosis=scene.diagnosis, title=f"Priorité {number}"
        )
        priority.contributions.add(scene.published)
        operations.vote_for_priority(actor=scene.voter, priority=priority)
    headers = _bearer(scene.voter)
    with django_assert_max_num_queries(14):  # constant: no query per priority
        response = client.get(f"{BASE}/{scene.diagnosis.pk}/priorities", headers=headers)
    assert response.status_code == 200
    items = response.json()
    assert [item["title"] for item in items] == [f"Priorité {n}" for n in range(5)]
    assert {(item["votes"], item["voted"]) for item in items} == {(1, True)}
    assert items[0]["contributions"] == [scene.published.pk]


def test_outsiders_get_404(client, scene):
    response = client.get(
        f"{BASE}/{scene.diagnosis.pk}/priorities", headers=_bearer(scene.outsider)
    )
    assert response.status_code == 404
    assert client.get(f"{BASE}/{scene.diagnosis.pk}/priorities").status_code == 401


def test_propose_vote_twice_and_withdraw(client, scene):
    response = _send(
        client,
        "post",
        f"{BASE}/{scene.diagnosis.pk}/priorities",
        scene.voter,
        {"title": "Un lieu pour les ados", "contributions": [scene.published.pk]},
    )
    assert response.status_code == 201, response.content
    priority_id = response.json()["id"]
    url = f"{BASE}/priorities/{priority_id}/vote"
    assert _send(client, "post", url, scene.voter).json()["votes"] == 1
    second = _send(client, "post", url, scene.voter)
    assert second.status_code == 422
    assert second.json()["errors"]["__all__"] == ["Vous avez déjà voté pour cette priorité."]
    withdrawn = _send(client, "delete", url, scene.voter)
    assert (withdrawn.status_code, withdrawn.json()["votes"]) == (200, 0)


def test_bad_proposals_answer_422_by_field(client, scene):
    url = f"{BASE}/{scene.diagnosis.pk}/priorities"
    response = _send(
        client, "post", url, scene.voter, {"title": "Accueil", "contributions": [999_999]}
    )
    assert response.status_code == 422
    assert response.json()["errors"]["contributions"] == ["Contribution inconnue : 999999."]
    response = _send(
        client, "post", url, scene.voter, {"title": "Accueil", "contributions": [scene.pending.pk]}
    )
    assert response.status_code == 422
    assert "publiées" in response.json()["errors"]["contributions"][0]
    assert not scene.diagnosis.priorities.exists()


def test_decide_is_for_editors(client, scene):
    priority = operations.propose_priority(
        actor=scene.voter, diagnosis=scene.diagnosis, title="Accueil"
    )
    url = f"{BASE}/priorities/{priority.pk}"
    assert _send(client, "patch", url, scene.voter, {"status": "agreed"}).status_code == 403
    response = _send(client, "patch", url, scene.editor, {"status": "agreed", "rank": 1})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["rank"]) == ("agreed", 1)


def test_start_an_action_from_an_agreed_priority(client, scene):
    term("isic_form", "travail_social_de_groupe")
    proposed = operations.propose_priority(
        actor=scene.editor, diagnosis=scene.diagnosis, title="Accueil"
    )
    payload = {"organisation": scene.carrier.pk, "isic_form": "travail_social_de_groupe"}
    response = _send(
        client, "post", f"{BASE}/priorities/{proposed.pk}/action", scene.editor, payload
    )
    assert response.status_code == 422
    assert "retenue" in response.json()["errors"]["__all__"][0]

    priority = agreed_priority(scene)
    assert priority.status == PriorityStatus.AGREED
    url = f"{BASE}/priorities/{priority.pk}/action"
    bad = _send(client, "post", url, scene.editor, {**payload, "isic_form": "inconnue"})
    assert bad.status_code == 422 and "isic_form" in bad.json()["errors"]
    response = _send(client, "post", url, scene.editor, payload)
    assert response.status_code == 201, response.content
    action = CollectiveAction.objects.get(pk=response.json()["id"])
    assert action.priority == priority
    listed = client.get(
        f"{BASE}/{scene.diagnosis.pk}/priorities", headers=_bearer(scene.editor)
    ).json()
    assert [item["actions"] for item in listed if item["id"] == priority.pk] == [
        [
            {
                "id": action.pk,
                "title": "Garde d'enfants le mercredi",
                "status": "preparation",
                "url": f"/actions/{action.pk}/",
            }
        ]
    ]
