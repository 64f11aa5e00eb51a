"""The priorities pages: the list with votes, proposing, voting with and without htmx,
deciding, and starting an action from an agreed priority."""

from __future__ import annotations

import pytest
from django.urls import reverse

from maillage.actions.models import CollectiveAction
from maillage.diagnostics.models import Diagnosis, DiagnosisStatus, PriorityStatus
from maillage.diagnostics.operations import priorities as operations
from maillage.organisations.models import Role
from tests.diagnostics.test_priorities_operations import agreed_priority, priority_scene
from tests.organisations.factories import member
from tests.practices.factories import term

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    return priority_scene()


def _list_url(scene) -> str:
    return reverse("diagnostics:priorities", args=[scene.diagnosis.pk])


def test_the_list_shows_votes_contributions_and_started_actions(
    client, scene, django_assert_max_num_queries
):
    first = agreed_priority(scene, "Garde d'enfants le mercredi")
    first.contributions.add(scene.published)
    operations.vote_for_priority(actor=scene.voter, priority=first)
    for number in range(4):
        priority = operations.propose_priority(
            actor=scene.editor, diagnosis=scene.diagnosis, title=f"Priorité {number}"
        )
        operations.vote_for_priority(actor=scene.named, priority=priority)
    operations.start_action_from_priority(
        actor=scene.editor,
        priority=first,
        organisation=scene.carrier,
        isic_form=term("isic_form", "travail_social_de_groupe"),
        title="Mercredis partagés",
    )
    client.force_login(scene.voter)
    with django_assert_max_num_queries(28):  # constant: no query per priority
        page = client.get(_list_url(scene)).content.decode()
    assert "Garde d&#x27;enfants le mercredi" in page
    assert "1 vote — dont le vôtre" in page
    assert "Je retire mon vote" in page
    assert scene.published.text.replace("'", "&#x27;") in page
    assert "1 action en tout" in page  # the partner does not read the carrier's action
    assert "Proposer la priorité" in page
    assert "Enregistrer la décision" not in page  # decisions are the editors'

    client.force_login(scene.editor)
    page = client.get(_list_url(scene)).content.decode()
    assert "Mercredis partagés" in page
    assert page.count("Enregistrer la décision") == 5
    assert "Lancer une action" in page


def test_outsiders_get_the_same_404_and_the_public_reads_a_published_diagnosis(client, scene):
    client.force_login(scene.outsider)
    assert client.get(_list_url(scene)).status_code == 404
    assert client.get(reverse("diagnostics:priorities", args=[999_999])).status_code == 404
    agreed_priority(scene)
    Diagnosis.objects.filter(pk=scene.diagnosis.pk).update(status=DiagnosisStatus.PUBLISHED)
    client.logout()
    page = client.get(_list_url(scene)).content.decode()
    assert "Garde d&#x27;enfants le mercredi" in page
    assert "Je vote" not in page and "Proposer la priorité" not in page
    assert client.post(_list_url(scene), {"title": "X"}).status_code == 403


def test_propose_then_a_bad_proposal_is_shown_on_the_form(client, scene):
    client.force_login(scene.voter)
    response = client.post(
        _list_url(scene),
        {"title": "Un lieu pour les ados", "component": "population", "theme": "education"},
    )
    assert response.status_code == 302
    assert scene.diagnosis.priorities.get().title == "Un lieu pour les ados"
    response = client.post(_list_url(scene), {"title": "<b>fort</b>"})
    assert response.status_code == 200
    assert "balises HTML" in response.content.decode()
    assert scene.diagnosis.priorities.count() == 1


def test_vote_without_javascript_and_a_second_vote_says_so(client, scene):
    priority = agreed_priority(scene)
    url = reverse("diagnostics:priority_vote", args=[priority.pk])
    client.force_login(scene.voter)
    assert client.post(url, {"choice": "pour"}).status_code == 302
    page = client.post(url, {"choice": "pour"}, follow=True).content.decode()
    assert "Vous avez déjà voté pour cette priorité." in page
    assert priority.votes.count() == 1
    client.post(url, {"choice": "retirer"})
    assert priority.votes.count() == 0


def test_vote_with_htmx_answers_the_vote_block(client, scene):
    priority = agreed_priority(scene)
    url = reverse("diagnostics:priority_vote", args=[priority.pk])
    client.force_login(scene.voter)
    response = client.post(url, {"choice": "pour"}, headers={"HX-Request": "true"})
    block = response.content.decode()
    assert response.status_code == 200
    assert f'id="priority-{priority.pk}-votes"' in block
    assert "dont le vôtre" in block and "Je retire mon vote" in block
    block = client.post(url, {"choice": "pour"}, headers={"HX-Request": "true"}).content.decode()
    assert "Vous avez déjà voté" in block


def test_vote_refused_to_readers_outside_the_steering_group(client, scene):
    priority = agreed_priority(scene)
    reader = member(Role.COORDINATOR)
    Diagnosis.objects.filter(pk=scene.diagnosis.pk).update(status=DiagnosisStatus.ANALYSIS)
    scene.diagnosis.shared_with.add(reader.memberships.get().organisation)
    client.force_login(reader)
    url = reverse("diagnostics:priority_vote", args=[priority.pk])
    assert client.post(url, {"choice": "pour"}).status_code == 403
    client.force_login(scene.outsider)
    assert client.post(url, {"choice": "pour"}).status_code == 404
    assert priority.votes.count() == 0


def test_editors_decide_and_others_are_refused(client, scene):
    priority = operations.propose_priority(
        actor=scene.voter, diagnosis=scene.diagnosis, title="Accueil"
    )
    url = reverse("diagnostics:priority_decide", args=[priority.pk])
    data = {f"decision-{priority.pk}-status": "agreed", f"decision-{priority.pk}-rank": "1"}
    client.force_login(scene.voter)
    assert client.post(url, data).status_code == 403
    client.force_login(scene.editor)
    assert client.post(url, data).status_code == 302
    priority.refresh_from_db()
    assert (priority.status, priority.rank) == (PriorityStatus.AGREED, 1)
    page = client.post(url, {**data, f"decision-{priority.pk}-rank": "0"}, follow=True)
    assert "supérieure ou égale à 1" in page.content.decode()
    priority.refresh_from_db()
    assert priority.rank == 1


def test_start_an_action_from_the_page_and_the_action_links_back(client, scene):
    priority = agreed_priority(scene)
    url = reverse("diagnostics:priority_start_action", args=[priority.pk])
    client.force_login(scene.editor)
    form = client.get(url).content.decode()
    assert 'value="Garde d&#x27;enfants le mercredi"' in form
    response = client.post(
        url,
        {
            "organisation": scene.carrier.pk,
            "isic_form": term("isic_form", "travail_social_de_groupe").pk,
            "title": "Mercredis partagés",
            "start_date": "2026-01-05",
        },
    )
    action = CollectiveAction.objects.get()
    assert response.url == reverse("actions:detail", args=[action.pk])
    assert action.priority == priority
    page = client.get(response.url).content.decode()
    assert "Issue du diagnostic" in page
    assert scene.diagnosis.get_absolute_url() in page


def test_a_proposed_priority_sends_back_to_the_list(client, scene):
    priority = operations.propose_priority(
        actor=scene.editor, diagnosis=scene.diagnosis, title="Accueil"
    )
    client.force_login(scene.editor)
    response = client.get(
        reverse("diagnostics:priority_start_action", args=[priority.pk]), follow=True
    )
    assert "Seule une priorité retenue" in response.content.decode()
    client.force_login(scene.voter)  # a partner-role member creates no action
    response = client.get(reverse("diagnostics:priority_start_action", args=[priority.pk]))
    assert response.status_code == 403


def test_ranked_priorities_come_first_then_the_others_in_order_of_proposal(client, scene):
    proposed = operations.propose_priority(
        actor=scene.editor, diagnosis=scene.diagnosis, title="Proposée sans rang"
    )
    second = agreed_priority(scene, "Retenue en second")
    operations.decide_priority(
        actor=scene.editor, priority=second, status=PriorityStatus.AGREED, rank=2
    )
    agreed_priority(scene, "Retenue en premier")
    client.force_login(scene.voter)
    page = client.get(_list_url(scene)).content.decode()
    positions = [
        page.index(title) for title in ("Retenue en premier", "Retenue en second", proposed.title)
    ]
    assert positions == sorted(positions)
