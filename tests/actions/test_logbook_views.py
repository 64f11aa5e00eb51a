from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.actions.models import ActionDocument, LogEntry, LogKind
from maillage.actions.operations.logbook import add_document, add_log_entry
from maillage.organisations.models import Role
from tests.actions.factories import facilitator, running_action
from tests.organisations.factories import OrganisationFactory, member

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _entry(actor, action, kind=LogKind.EVENT, text="Visite de la ferme pédagogique.", **fields):
    return add_log_entry(
        actor=actor, action=action, date=timezone.localdate(), kind=kind, text=text, **fields
    )


def test_add_an_entry_then_filter_by_kind_and_highlight() -> None:
    action = running_action()
    worker = facilitator(action)
    client = _client(worker)
    url = reverse("actions:logbook", args=[action.pk])
    response = client.post(
        url,
        {
            "date": timezone.localdate().isoformat(),
            "kind": LogKind.PITFALL,
            "text": "Horaires incompatibles avec la sortie d'école.",
            "highlight": "on",
        },
    )
    assert response.status_code == 302
    assert LogEntry.objects.get().highlight
    _entry(worker, action)

    assert len(client.get(url).context["entries"]) == 2
    pitfalls = client.get(url, {"nature": LogKind.PITFALL}).context["entries"]
    assert [entry.kind for entry, _ in pitfalls] == [LogKind.PITFALL]
    kept = client.get(url, {"nature": "a-retenir"}).context["entries"]
    assert [entry.highlight for entry, _ in kept] == [True]


def test_markup_is_refused_on_the_page_in_french() -> None:
    action = running_action()
    client = _client(facilitator(action))
    response = client.post(
        reverse("actions:logbook", args=[action.pk]),
        {"date": timezone.localdate().isoformat(), "kind": "event", "text": "<b>Fête</b>"},
    )
    assert response.status_code == 200
    assert "balises HTML" in response.content.decode()
    assert not LogEntry.objects.exists()


def test_outcome_of_a_proposal_and_highlight_toggle() -> None:
    action = running_action()
    worker = facilitator(action)
    proposal = _entry(worker, action, kind=LogKind.PROPOSAL, text="Un atelier cuisine.")
    client = _client(worker)
    client.post(
        reverse("actions:log_entry_outcome", args=[proposal.pk]),
        {f"e{proposal.pk}-outcome": "Atelier lancé en mars ; réponse donnée au groupe."},
    )
    client.post(reverse("actions:log_entry_highlight", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.outcome.startswith("Atelier lancé") and proposal.highlight
    client.post(reverse("actions:log_entry_highlight", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert not proposal.highlight
    page = client.get(reverse("actions:logbook", args=[action.pk])).content.decode()
    assert "Enregistrer la suite donnée" in page


def test_readers_read_but_do_not_write_and_strangers_get_404() -> None:
    action = running_action()
    worker = facilitator(action)
    entry = _entry(worker, action)
    partner = OrganisationFactory()
    action.shared_with.add(partner)
    reader = _client(member(Role.PROFESSIONAL, partner))
    url = reverse("actions:logbook", args=[action.pk])
    page = reader.get(url)
    assert page.status_code == 200 and page.context["form"] is None
    assert "Visite de la ferme" in page.content.decode()
    assert reader.post(url, {"kind": "event", "text": "x"}).status_code == 403
    assert reader.post(reverse("actions:log_entry_highlight", args=[entry.pk])).status_code == 403
    stranger = _client(member(Role.PROFESSIONAL))
    assert stranger.get(url).status_code == 404
    assert stranger.post(reverse("actions:log_entry_highlight", args=[entry.pk])).status_code == 404


def test_upload_refusals_and_permission_checked_download() -> None:
    action = running_action()
    worker = facilitator(action)
    client = _client(worker)
    add_url = reverse("actions:document_add", args=[action.pk])
    client.post(
        add_url, {"file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" * 8), "title": "Devis"}
    )
    assert not ActionDocument.objects.exists()
    client.post(add_url, {"file": SimpleUploadedFile("affiche.png", PNG), "title": "Affiche"})
    document = ActionDocument.objects.get()

    download = client.get(reverse("actions:document", args=[document.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PNG

    partner = OrganisationFactory()
    action.shared_with.add(partner)
    assert (
        _client(member(Role.PROFESSIONAL, partner))
        .get(reverse("actions:document", args=[document.pk]))
        .status_code
        == 200
    )
    stranger = _client(member(Role.PROFESSIONAL))
    assert stranger.get(reverse("actions:document", args=[document.pk])).status_code == 404
    assert Client().get(reverse("actions:document", args=[document.pk])).status_code == 302
    assert stranger.post(reverse("actions:document_remove", args=[document.pk])).status_code == 404
    assert client.post(reverse("actions:document_remove", args=[document.pk])).status_code == 302
    assert not ActionDocument.objects.exists()


def test_logbook_page_query_count_does_not_grow(django_assert_max_num_queries) -> None:
    action = running_action()
    worker = facilitator(action)
    client = _client(worker)
    url = reverse("actions:logbook", args=[action.pk])
    _entry(worker, action)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for number in range(10):
        entry = _entry(worker, action, kind=LogKind.PROPOSAL, text=f"Proposition {number}")
        add_document(
            actor=worker,
            action=action,
            uploaded_file=SimpleUploadedFile(f"cr{number}.pdf", PDF),
            title=f"CR {number}",
            log_entry=entry,
        )
    with django_assert_max_num_queries(len(few)):
        client.get(url)
