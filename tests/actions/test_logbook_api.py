"""The logbook API: read by whoever reads the action, written by its editors with the rules of the
page (plain text, no future date); nothing is written when a request is refused."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from maillage.actions.models import ActionDocument, LogEntry
from maillage.organisations.models import AuditEntry, Role
from tests.actions.factories import facilitator, running_action
from tests.organisations.factories import OrganisationFactory, member

pytestmark = pytest.mark.django_db

MARKUP = "Le texte ne peut pas contenir de balises HTML"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(action, entry=None) -> str:
    url = f"/api/v1/actions/{action.pk}/logbook"
    return f"{url}/{entry.pk}" if entry else url


def _send(client: Client, method: str, url: str, payload: dict):
    return getattr(client, method)(url, json.dumps(payload), content_type="application/json")


def _entry(action, author, days_ago: int = 1, **fields) -> LogEntry:
    fields.setdefault("kind", "event")
    fields.setdefault("text", "Sortie au jardin partagé")
    return LogEntry.objects.create(
        action=action,
        author=author,
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
        **fields,
    )


def _document(entry: LogEntry, title: str) -> ActionDocument:
    return ActionDocument.objects.create(
        action=entry.action,
        log_entry=entry,
        file=f"actions/{entry.action_id}/{title}.pdf",
        title=title,
        content_type="application/pdf",
        size=100,
        uploaded_by=entry.author,
    )


def test_list_with_filters_and_pagination(django_assert_max_num_queries) -> None:
    action = running_action()
    worker = facilitator(action)
    for days_ago in range(1, 5):
        _entry(action, worker, days_ago=days_ago)
    decision = _entry(action, worker, days_ago=0, kind="decision", text="Le groupe se nomme")
    _entry(action, worker, days_ago=6, kind="proposal", highlight=True, outcome="Retenue")
    _document(decision, "Compte rendu")
    _entry(running_action(), worker)  # another action's logbook stays out
    client = _client(worker)

    with django_assert_max_num_queries(12):
        body = client.get(_url(action), {"per_page": 2, "page": 1}).json()
    assert body["count"] == 6 and body["per_page"] == 2 and len(body["results"]) == 2
    first = body["results"][0]
    assert first["id"] == decision.pk and first["kind_label"] == "Décision"
    assert first["author"] == {"id": worker.pk, "name": worker.display_name}
    assert first["documents"] == [
        {
            "id": decision.documents.get().pk,
            "title": "Compte rendu",
            "url": f"/actions/documents/{decision.documents.get().pk}/",
        }
    ]
    last_page = client.get(_url(action), {"per_page": 2, "page": 3}).json()["results"]
    assert last_page[1]["kind"] == "proposal"

    assert client.get(_url(action), {"kind": "decision"}).json()["count"] == 1
    highlighted = client.get(_url(action), {"highlight": "true"}).json()
    assert highlighted["count"] == 1 and highlighted["results"][0]["outcome"] == "Retenue"
    assert client.get(_url(action), {"highlight": "false"}).json()["count"] == 5
    unknown = client.get(_url(action), {"kind": "ragot"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"]["kind"][0].startswith("Nature inconnue : « ragot »")


def test_list_query_count_does_not_grow(django_assert_max_num_queries) -> None:
    action = running_action()
    worker = facilitator(action)
    client = _client(worker)
    _document(_entry(action, worker), "Affiche")
    with django_assert_max_num_queries(12) as few:
        client.get(_url(action))
    for number in range(20):
        entry = _entry(action, member(Role.PROFESSIONAL, action.organisation))
        _document(entry, f"Photo {number}")
    with django_assert_max_num_queries(len(few)):
        assert len(client.get(_url(action)).json()["results"]) == 21


def test_create_then_read_back() -> None:
    action = running_action()
    worker = facilitator(action)
    today = timezone.localdate().isoformat()
    response = _send(
        _client(worker),
        "post",
        _url(action),
        {
            "date": today,
            "kind": "proposal",
            "text": "  Un repas partagé en juin  ",
            "highlight": True,
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["text"] == "Un repas partagé en juin" and body["highlight"] is True
    assert body["author"]["id"] == worker.pk and body["outcome"] == "" and body["documents"] == []
    entry = LogEntry.objects.get(pk=body["id"])
    assert entry.action == action and entry.author == worker
    assert AuditEntry.objects.filter(action="add_log_entry", object_id=str(entry.pk)).exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"text": "<script>alert(1)</script>"}, "text", MARKUP),
        ({"text": "Réunion", "outcome": "<b>Acceptée</b>"}, "outcome", MARKUP),
        ({"kind": "ragot"}, "kind", "Choisissez une nature d'entrée de la liste."),
        ({"text": "   "}, "text", "Écrivez le contenu de l'entrée."),
        ({"date": "future"}, "date", "Le journal de bord relate ce qui a eu lieu"),
    ],
)
def test_create_refused(fields, field, message) -> None:
    action = running_action()
    worker = facilitator(action)
    payload = {"date": timezone.localdate().isoformat(), "kind": "event", "text": "Sortie"}
    payload.update(fields)
    if payload["date"] == "future":
        payload["date"] = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    audited = AuditEntry.objects.count()
    response = _send(_client(worker), "post", _url(action), payload)
    assert response.status_code == 422
    assert response.json()["errors"][field][0].startswith(message)
    assert not LogEntry.objects.exists() and AuditEntry.objects.count() == audited


def test_patch_outcome_and_highlight() -> None:
    action = running_action()
    worker = facilitator(action)
    entry = _entry(action, worker, kind="proposal", text="Un repas partagé")
    client = _client(worker)
    response = _send(client, "patch", _url(action, entry), {"outcome": "Fait le 12 juin"})
    assert response.status_code == 200, response.json()
    assert response.json()["outcome"] == "Fait le 12 juin"
    assert response.json()["highlight"] is False and response.json()["text"] == "Un repas partagé"
    marked = _send(client, "patch", _url(action, entry), {"highlight": True}).json()
    assert marked["highlight"] is True and marked["outcome"] == "Fait le 12 juin"
    entry.refresh_from_db()
    assert (entry.outcome, entry.highlight) == ("Fait le 12 juin", True)
    assert AuditEntry.objects.filter(action="update_log_entry").count() == 2


def test_patch_refused_leaves_the_entry() -> None:
    action = running_action()
    worker = facilitator(action)
    entry = _entry(action, worker, text="Réunion des partenaires")
    client = _client(worker)
    audited = AuditEntry.objects.count()
    response = _send(
        client, "patch", _url(action, entry), {"text": "<a href=x>lien</a>", "highlight": True}
    )
    assert response.status_code == 422
    assert response.json()["errors"]["text"][0].startswith(MARKUP)
    entry.refresh_from_db()
    assert (entry.text, entry.highlight) == ("Réunion des partenaires", False)
    assert AuditEntry.objects.count() == audited

    elsewhere = _entry(running_action(), worker)
    missing = _send(client, "patch", _url(action, elsewhere), {"highlight": True})
    assert missing.status_code == 404
    assert (
        missing.json()["detail"] == f"Cette action n'a pas d'entrée de journal n° {elsewhere.pk}."
    )


def test_permissions() -> None:
    action = running_action()
    worker = facilitator(action)
    entry = _entry(action, worker)
    partner = OrganisationFactory()
    action.shared_with.add(partner)
    reader = _client(member(Role.PROFESSIONAL, partner))
    stranger = _client(member(Role.PROFESSIONAL))
    payload = {"date": timezone.localdate().isoformat(), "kind": "event", "text": "Sortie"}
    refusal = "Seuls les animateurs et les professionnels de l'action tiennent son journal de bord."

    assert reader.get(_url(action)).json()["count"] == 1
    created = _send(reader, "post", _url(action), payload)
    assert created.status_code == 403 and created.json()["detail"] == refusal
    changed = _send(reader, "patch", _url(action, entry), {"highlight": True})
    assert changed.status_code == 403 and changed.json()["detail"] == refusal

    assert stranger.get(_url(action)).status_code == 404
    assert _send(stranger, "post", _url(action), payload).status_code == 404
    assert _send(stranger, "patch", _url(action, entry), {"highlight": True}).status_code == 404
    assert Client().get(_url(action)).status_code == 401
    assert LogEntry.objects.get() == entry
    entry.refresh_from_db()
    assert entry.highlight is False


def test_action_id_is_an_integer() -> None:
    action = running_action()
    client = _client(facilitator(action))
    assert client.get("/api/v1/actions/dashboard/logbook").status_code == 404
