"""The « Capitaliser » button: POST only, opens the new draft, says why when it cannot."""

from __future__ import annotations

import html

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from maillage.actions.models import CollectiveAction
from maillage.organisations.models import Role
from maillage.practices.models import Practice
from tests.actions.factories import ActionFactory, facilitator
from tests.organisations.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def action() -> CollectiveAction:
    return ActionFactory(title="Jardin partagé", description="Un jardin et des voisins.")


def _url(action: CollectiveAction) -> str:
    return reverse("actions:capitalise", args=[action.pk])


def test_a_facilitator_is_taken_to_the_draft_with_a_message(
    client: Client, action: CollectiveAction
) -> None:
    client.force_login(facilitator(action))

    response = client.post(_url(action))

    practice = Practice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("practices:update", args=[practice.pk])
    [message] = get_messages(response.wsgi_request)
    assert "Jardin partagé" in str(message) and "brouillon" in str(message)


def test_a_second_click_returns_to_the_action_with_the_reason(
    client: Client, action: CollectiveAction
) -> None:
    client.force_login(facilitator(action))
    client.post(_url(action))

    response = client.post(_url(action), follow=True)

    assert response.redirect_chain[-1][0] == action.get_absolute_url()
    assert Practice.objects.count() == 1
    assert "déjà sa fiche de pratique « Jardin partagé »" in html.unescape(
        response.content.decode()
    )


def test_get_is_not_allowed(client: Client, action: CollectiveAction) -> None:
    client.force_login(facilitator(action))

    assert client.get(_url(action)).status_code == 405
    assert not Practice.objects.exists()


def test_a_reader_who_may_not_edit_is_refused(client: Client, action: CollectiveAction) -> None:
    client.force_login(member(Role.PARTNER, action.organisation))

    response = client.post(_url(action))

    assert response.status_code == 403
    assert "professionnels de l'action" in html.unescape(response.content.decode())
    assert not Practice.objects.exists()


def test_an_action_one_cannot_see_does_not_exist(client: Client, action: CollectiveAction) -> None:
    client.force_login(member(Role.PROFESSIONAL))

    assert client.post(_url(action)).status_code == 404
    assert client.post(reverse("actions:capitalise", args=[action.pk + 1000])).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(
    client: Client, action: CollectiveAction
) -> None:
    response = client.post(_url(action))

    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
