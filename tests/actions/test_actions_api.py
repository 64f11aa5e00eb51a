"""The collective actions API: list, detail, create, patch; same permissions as the pages."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from maillage.actions.models import CollectiveAction, SessionStatus
from maillage.actions.operations import actions as operations
from maillage.organisations.models import AuditEntry, Role
from maillage.organisations.tokens import create_api_token
from tests.actions.factories import (
    ActionFactory,
    ParticipantFactory,
    SessionFactory,
    enrol,
    facilitator,
)
from tests.organisations.factories import OrganisationFactory, member
from tests.practices.factories import term
from tests.territories.factories import CommuneFactory, DepartementFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/actions"


def _list_url() -> str:
    # By name: where the list sits (with or without a final slash) is the router's business.
    return reverse("api:list_actions")


def _bearer(user) -> dict[str, str]:
    _token, key = create_api_token(actor=user, name="logiciel du service")
    return {"Authorization": f"Bearer {key}"}


def _send(client: Client, method: str, url: str, payload: dict, headers: dict | None = None):
    return getattr(client, method)(
        url, json.dumps(payload), content_type="application/json", headers=headers or {}
    )


@pytest.fixture(autouse=True)
def _referential():
    term("isic_form", "travail_social_de_groupe")  # loads the real vocabularies


def _payload(organisation, commune, **fields):
    return {
        "organisation": organisation.pk,
        "title": "Parcours Confiance",
        "isic_form": "travail_social_de_groupe",
        "isic_subtype": "groupe_de_socialisation",
        "publics": ["personnes_en_precarite"],
        "themes": ["lien_social"],
        "territories": [{"level": commune.level, "code": commune.code}],
        "group_kind": "closed",
        "expected_participants": 10,
        "start_date": "2026-01-05",
        "end_date": "2026-06-30",
        **fields,
    }


def test_create_with_a_token_then_read_it(client: Client):
    organisation = OrganisationFactory(name="MSA Midi-Pyrénées Nord")
    worker = member(Role.PROFESSIONAL, organisation)
    commune = CommuneFactory()
    response = _send(client, "post", _list_url(), _payload(organisation, commune), _bearer(worker))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["isic_form"] == {
        "code": "travail_social_de_groupe",
        "label": term("isic_form", "travail_social_de_groupe").label,
    }
    assert body["territories"] == [{"level": "commune", "code": commune.code, "name": commune.name}]
    assert body["facilitators"][0]["user_id"] == worker.pk
    assert body["organisation"]["name"] == "MSA Midi-Pyrénées Nord"
    again = client.get(f"{URL}/{body['id']}", headers=_bearer(worker))
    assert again.json() == body


def test_create_refuses_unknown_codes_and_bad_rules_with_nothing_written(client: Client):
    organisation = OrganisationFactory()
    worker = member(Role.PROFESSIONAL, organisation)
    commune = CommuneFactory()
    headers = _bearer(worker)
    unknown = _send(
        client,
        "post",
        _list_url(),
        _payload(
            organisation,
            commune,
            isic_form="inconnue",
            territories=[{"level": "commune", "code": "00000"}],
        ),
        headers,
    )
    assert unknown.status_code == 422
    assert set(unknown.json()["errors"]) == {"isic_form", "territories"}
    rules = _send(
        client,
        "post",
        _list_url(),
        _payload(
            organisation, commune, isic_subtype="communaute_geographique", end_date="2025-01-01"
        ),
        headers,
    )
    assert rules.status_code == 422
    assert set(rules.json()["errors"]) == {"isic_subtype", "end_date"}
    other = _send(client, "post", _list_url(), _payload(OrganisationFactory(), commune), headers)
    assert other.status_code == 422
    assert "organisation" in other.json()["errors"]
    partner = member(Role.PARTNER, organisation)
    forbidden = _send(
        client, "post", _list_url(), _payload(organisation, commune), _bearer(partner)
    )
    assert forbidden.status_code == 403
    assert "professionnels" in forbidden.json()["detail"]
    assert not CollectiveAction.objects.exists()
    assert client.post(_list_url(), {}, content_type="application/json").status_code == 401


def _full_action():
    action = ActionFactory()
    worker = facilitator(action)
    caf = OrganisationFactory(name="CAF du Nord")
    operations.set_partners(actor=worker, action=action, partners=[(caf, "Oriente")])
    operations.set_funders(
        actor=worker,
        action=action,
        funders=[{"organisation": caf, "amount": Decimal("4500"), "conditions": "Allocataires"}],
    )
    operations.set_objectives(
        actor=worker,
        action=action,
        objectives=[
            {
                "statement": "Rompre l'isolement",
                "agreed_by": "Le groupe",
                "indicators": [{"label": "Présents", "kind": "quantitative", "target": "8"}],
            }
        ],
    )
    operations.record_phase(
        actor=worker,
        action=action,
        phase=term("phase", "mobilisation"),
        start_date=action.start_date,
        decisions="Réunion publique",
    )
    enrol(action, ParticipantFactory(pseudonym="Nadia"))
    SessionFactory(action=action, status=SessionStatus.HELD)
    return action, worker, caf


def test_detail_has_everything_but_participants(client: Client, django_assert_max_num_queries):
    action, worker, caf = _full_action()
    client.force_login(worker)
    with django_assert_max_num_queries(20):
        body = client.get(f"{URL}/{action.pk}").json()
    assert body["objectives"][0]["indicators"] == [
        {"label": "Présents", "kind": "quantitative", "target": "8"}
    ]
    assert body["partners"] == [
        {"organisation": {"id": caf.pk, "name": "CAF du Nord", "kind": caf.kind}, "role": "Oriente"}
    ]
    assert body["funders"][0]["amount"] == "4500.00"
    assert body["phases"][0]["phase"]["code"] == "mobilisation"
    assert body["phase"]["code"] == "mobilisation"
    assert (body["participants_count"], body["sessions_held"]) == (1, 1)
    assert "Nadia" not in json.dumps(body)


def test_partner_reads_but_cannot_patch_and_stranger_gets_404(client: Client):
    action, _worker, caf = _full_action()
    reader = member(Role.PROFESSIONAL, caf)
    assert client.get(f"{URL}/{action.pk}", headers=_bearer(reader)).status_code == 200
    refused = _send(client, "patch", f"{URL}/{action.pk}", {"title": "x"}, _bearer(reader))
    assert refused.status_code == 403
    assert "co-animateurs" in refused.json()["detail"]
    stranger = _bearer(member(Role.PROFESSIONAL))
    assert client.get(f"{URL}/{action.pk}", headers=stranger).status_code == 404
    assert _send(client, "patch", f"{URL}/{action.pk}", {"title": "x"}, stranger).status_code == 404
    action.refresh_from_db()
    assert action.title != "x"


def test_patch_changes_only_what_is_sent(client: Client):
    action, worker, _caf = _full_action()
    headers = _bearer(worker)
    response = _send(
        client,
        "patch",
        f"{URL}/{action.pk}",
        {"group_name": "Les Cigales", "themes": ["parentalite"], "status": "handed_over"},
        headers,
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["group_name"] == "Les Cigales"
    assert body["themes"][0]["code"] == "parentalite"
    assert body["phase"]["code"] == "retrait_et_passage_de_relais"
    assert body["title"] == action.title
    entry = AuditEntry.objects.filter(action="update_action").get()
    assert set(entry.after) == {"group_name", "themes", "status"}
    bad = _send(client, "patch", f"{URL}/{action.pk}", {"expected_participants": 0}, headers)
    assert bad.status_code == 422
    assert "expected_participants" in bad.json()["errors"]


def test_list_filters_and_constant_query_count(client: Client, django_assert_max_num_queries):
    departement = DepartementFactory(code="59")
    organisation = OrganisationFactory()
    worker = member(Role.PROFESSIONAL, organisation)
    client.force_login(worker)

    def build(count, **fields):
        for _number in range(count):
            commune = CommuneFactory(departement=departement, region=departement.region)
            action = ActionFactory(organisation=organisation, territories=[commune], **fields)
            enrol(action, ParticipantFactory())
            SessionFactory(action=action, status=SessionStatus.HELD)

    build(1, title="Jardin de Saint-Caprais", status="active")
    with django_assert_max_num_queries(15) as one:
        body = client.get(_list_url()).json()
    assert body["total"] == 1
    assert body["items"][0]["participants_count"] == 1
    build(9)
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = client.get(_list_url(), {"per_page": 100}).json()
    assert body["total"] == 10
    ActionFactory(title="Ailleurs", organisation=organisation)
    titles = [
        item["title"]
        for item in client.get(_list_url(), {"territory": "departement:59"}).json()["items"]
    ]
    assert "Ailleurs" not in titles and len(titles) == 10
    assert client.get(_list_url(), {"q": "caprais"}).json()["total"] == 1
    assert client.get(_list_url(), {"status": "active"}).json()["total"] == 1
    assert client.get(_list_url(), {"isic_form": "travail_social_de_groupe"}).json()["total"] == 11
    page = client.get(_list_url(), {"per_page": 5, "page": 3}).json()
    assert (page["total"], len(page["items"])) == (11, 1)
    bad = client.get(_list_url(), {"territory": "departement:00", "isic_form": "x"})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"territory", "isic_form"}
    assert Client().get(_list_url()).status_code == 401


def test_coordinator_of_the_departement_lists_actions_on_her_territory(client: Client):
    departement = DepartementFactory()
    commune = CommuneFactory(departement=departement, region=departement.region)
    ActionFactory(territories=[commune], title="Ici")
    ActionFactory(title="Ailleurs")
    council = OrganisationFactory(kind="conseil_departemental")
    council.territories.add(departement)
    body = client.get(_list_url(), headers=_bearer(member(Role.COORDINATOR, council))).json()
    assert [item["title"] for item in body["items"]] == ["Ici"]


def test_action_ids_are_integers_so_other_paths_never_match(client: Client):
    worker = member(Role.PROFESSIONAL)
    client.force_login(worker)
    assert client.get(f"{URL}/nouvelle").status_code == 404
    schema = client.get("/api/v1/schema").json()
    operation = schema["paths"]["/api/v1/actions/{action_id}"]["get"]
    assert operation["parameters"][0]["schema"]["type"] == "integer"
    assert operation["summary"] == "Une action collective"
