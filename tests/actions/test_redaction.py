"""One redactor removes participants' names from free texts, for the practice sheet, for
readers who do not see participants and after an erasure."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from maillage.actions.models import LogEntry
from maillage.actions.redaction import group_redactor, participant_name_redactor
from maillage.organisations.models import Role
from tests.actions.factories import (
    ActionFactory,
    ParticipantFactory,
    SessionFactory,
    enrol,
    facilitator,
    running_action,
)
from tests.organisations.factories import OrganisationFactory, member

REMOVED = "[prénom retiré]"


def test_a_pseudonym_goes_whole_and_by_its_words_in_any_case():
    redact = participant_name_redactor(["Yasmina B."])
    assert redact("Yasmina B. est venue ; yasmina a proposé une sortie.") == (
        f"{REMOVED} est venue ; {REMOVED} a proposé une sortie."
    )


def test_initials_and_short_words_of_a_pseudonym_stay_in_the_text():
    redact = participant_name_redactor(["Léa de B."])
    assert redact("Léa de B. parle de Bordeaux et de B à Z.") == (
        f"{REMOVED} parle de Bordeaux et de B à Z."
    )


def test_hyphenated_compounds_and_longer_words_are_left_alone():
    redact = participant_name_redactor(["Marie", "Jean-Pierre"])
    assert redact("Marie vit à Sainte-Marie, Marie-Claire aussi ; Mariette vient.") == (
        f"{REMOVED} vit à Sainte-Marie, Marie-Claire aussi ; Mariette vient."
    )
    assert redact("Jean-Pierre, et pas Jean.") == f"{REMOVED}, et pas Jean."


def test_names_after_an_apostrophe_are_found():
    assert participant_name_redactor(["Amina"])("L'idée d'Amina.") == f"L'idée d'{REMOVED}."


def test_without_names_the_text_is_unchanged():
    assert participant_name_redactor([])("Yasmina") == "Yasmina"


@pytest.mark.django_db
def test_the_group_redactor_covers_the_actions_participants_only():
    action = ActionFactory()
    enrol(action, ParticipantFactory(pseudonym="Karim D."))
    elsewhere = ActionFactory(organisation=action.organisation)
    enrol(elsewhere, ParticipantFactory(pseudonym="Nadia"))
    erased = ParticipantFactory(pseudonym="Personne effacée n° 3")
    erased.erased_at = erased.created_at
    erased.save()
    enrol(action, erased)
    redact = group_redactor(action)
    assert redact("Karim et Nadia : une personne effacée.") == (
        f"{REMOVED} et Nadia : une personne effacée."
    )


# --- Readers who do not see participants -----------------------------------------------------


@pytest.fixture
def group(db):
    """An action shared with a partner, with Yasmina named in its logbook and a session note."""
    action = running_action()
    worker = facilitator(action)
    enrol(action, ParticipantFactory(pseudonym="Yasmina B."))
    partner_organisation = OrganisationFactory()
    action.shared_with.add(partner_organisation)
    entry = LogEntry.objects.create(
        action=action,
        author=worker,
        date=action.start_date,
        kind="proposal",
        text="Yasmina propose une sortie à Sainte-Marie.",
        outcome="Yasmina B. l'organise.",
    )
    session = SessionFactory(action=action, note="Yasmina est arrivée en retard.")
    return {
        "action": action,
        "entry": entry,
        "session": session,
        "facilitator": worker,
        "partner": member(Role.PROFESSIONAL, partner_organisation),
        "coordinator": member(Role.COORDINATOR, action.organisation),
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pages(group) -> list[str]:
    action, session = group["action"], group["session"]
    base = f"/api/v1/actions/{action.pk}"
    return [
        reverse("actions:logbook", args=[action.pk]),
        reverse("actions:session", args=[action.pk, session.pk]),
        f"{base}/logbook",
        f"{base}/sessions",
        f"{base}/sessions/{session.pk}",
    ]


@pytest.mark.parametrize("reader", ["partner", "coordinator"])
def test_readers_who_do_not_see_participants_read_texts_without_names(group, reader):
    client = _client(group[reader])
    for url in _pages(group):
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert "Yasmina" not in content, url
        assert "[prénom retiré]" in content or "[pr\\u00e9nom retir\\u00e9]" in content, url
    assert "Sainte-Marie" in client.get(_pages(group)[0]).content.decode()


def test_the_actions_professionals_read_the_texts_whole(group):
    client = _client(group["facilitator"])
    for url in _pages(group):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Yasmina" in response.content.decode(), url


def test_an_editor_who_does_not_see_participants_keeps_the_note_when_saving(group):
    """The coordinator edits the session report without the note: it is not overwritten with
    the names removed."""
    action, session = group["action"], group["session"]
    client = _client(group["coordinator"])
    url = reverse("actions:session", args=[action.pk, session.pk])
    assert 'name="report-note"' not in client.get(url).content.decode()
    response = client.post(
        url, {"part": "report", "report-status": "held", "report-note": "Réécrite"}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.status, session.note) == ("held", "Yasmina est arrivée en retard.")
    entry = group["entry"]
    page = client.get(reverse("actions:logbook", args=[action.pk])).content.decode()
    # An outcome she cannot read whole is not offered for rewriting.
    assert f'name="e{entry.pk}-outcome"' not in page


def test_the_redacted_logbook_api_keeps_its_query_count(group, django_assert_max_num_queries):
    action = group["action"]
    for index in range(10):
        enrol(action, ParticipantFactory(pseudonym=f"Personne {index}"))
        LogEntry.objects.create(
            action=action,
            author=group["facilitator"],
            date=action.start_date,
            kind="event",
            text=f"Personne {index} est venue.",
        )
    client = _client(group["partner"])
    with django_assert_max_num_queries(12):
        response = client.get(f"/api/v1/actions/{action.pk}/logbook")
    assert response.status_code == 200
    assert "Personne" not in response.content.decode()
