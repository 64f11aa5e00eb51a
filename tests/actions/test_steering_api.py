"""The steering API: objectives, team (facilitators, partners, funders) and phases, the twins of
the pages, with the same rules and rights; nothing is written when a request is refused."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from maillage.actions.models import ActionPhase, Facilitator, Funder, Objective, Partner
from maillage.organisations.models import AuditEntry, OrganisationKind, Role
from maillage.organisations.tokens import create_api_token
from tests.actions.factories import ActionFactory, facilitator
from tests.organisations.factories import OrganisationFactory, member
from tests.practices.factories import term

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _referential():
    term("phase", "mobilisation")  # loads the real vocabularies


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _put(client: Client, url: str, payload: dict, **headers):
    return client.put(url, json.dumps(payload), content_type="application/json", headers=headers)


def _post(client: Client, url: str, payload: dict):
    return client.post(url, json.dumps(payload), content_type="application/json")


def _url(action, part: str) -> str:
    return f"/api/v1/actions/{action.pk}/{part}"


def _written(action) -> tuple[int, ...]:
    """What a refused request must leave as it was."""
    return (
        Objective.objects.filter(action=action).count(),
        Partner.objects.filter(action=action).count(),
        Funder.objects.filter(action=action).count(),
        Facilitator.objects.filter(action=action).count(),
        ActionPhase.objects.filter(action=action).count(),
        action.shared_with.count(),
        AuditEntry.objects.count(),
    )


OBJECTIVES = {
    "objectives": [
        {
            "statement": "Rompre l'isolement des parents",
            "agreed_by": "Le groupe et la CAF",
            "agreed_on": "2026-01-12",
            "indicators": [
                {"label": "Présence moyenne", "kind": "quantitative", "target": "8 sur 10"},
                {"label": "Entraide hors séances"},
            ],
        },
        {"statement": "Préparer la reprise par le groupe"},
    ]
}


def test_objectives_replaced_with_a_token() -> None:
    action = ActionFactory()
    worker = facilitator(action)
    _token, key = create_api_token(actor=worker, name="logiciel du service")
    response = _put(Client(), _url(action, "objectives"), OBJECTIVES, Authorization=f"Bearer {key}")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["id"] == action.pk and body["title"] == action.title
    assert [item["statement"] for item in body["objectives"]] == [
        "Rompre l'isolement des parents",
        "Préparer la reprise par le groupe",
    ]
    first = body["objectives"][0]
    assert first["agreed_by"] == "Le groupe et la CAF" and first["agreed_on"] == "2026-01-12"
    assert first["indicators"] == [
        {"label": "Présence moyenne", "kind": "quantitative", "target": "8 sur 10"},
        {"label": "Entraide hors séances", "kind": "qualitative", "target": ""},
    ]
    assert AuditEntry.objects.filter(action="set_objectives").count() == 1

    cleared = _put(_client(worker), _url(action, "objectives"), {"objectives": []})
    assert cleared.status_code == 200 and cleared.json()["objectives"] == []


def test_objectives_refused_leave_the_old_ones() -> None:
    action = ActionFactory()
    client = _client(facilitator(action))
    assert _put(client, _url(action, "objectives"), OBJECTIVES).status_code == 200
    before = _written(action)
    bad = {
        "objectives": [
            {"statement": "Nouvel objectif"},
            {"statement": "  ", "indicators": [{"label": "Présence", "kind": "au doigt mouillé"}]},
        ]
    }
    response = _put(client, _url(action, "objectives"), bad)
    assert response.status_code == 422
    messages = response.json()["errors"]["objectives"]
    assert "Objectif 2 : énoncez l'objectif." in messages
    assert any("nature d'indicateur inconnue" in message for message in messages)
    assert _written(action) == before
    assert Objective.objects.filter(action=action, statement="Nouvel objectif").count() == 0


def _team(partner, colleague, funder, **funder_fields) -> dict:
    return {
        "facilitators": [
            {"user_id": colleague.pk, "function": "Psychologue", "organisation": partner.pk},
            {"name": "Mme Durand", "function": "Bénévole"},
        ],
        "partners": [{"organisation": partner.pk, "role": "Met une salle à disposition"}],
        "funders": [
            {
                "organisation": funder.pk,
                "amount": "4500.00",
                "conditions": "Allocataires CAF accueillis",
                "start_date": "2026-01-01",
                "end_date": "2026-12-31",
                **funder_fields,
            }
        ],
    }


def test_team_replaced_in_one_request() -> None:
    action = ActionFactory()
    worker = facilitator(action)
    partner = OrganisationFactory(
        name="Centre social des Fives", kind=OrganisationKind.CENTRE_SOCIAL
    )
    colleague = member(Role.PROFESSIONAL, partner)
    caf = OrganisationFactory(name="CAF du Nord", kind=OrganisationKind.CAF)
    payload = _team(partner, colleague, caf)
    payload["facilitators"].insert(0, {"user_id": worker.pk, "function": "Assistante sociale"})

    response = _put(_client(worker), _url(action, "team"), payload)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["partners"] == [
        {
            "organisation": {"id": partner.pk, "name": partner.name, "kind": partner.kind},
            "role": "Met une salle à disposition",
        }
    ]
    assert [(row["user_id"], row["function"]) for row in body["facilitators"]] == [
        (worker.pk, "Assistante sociale"),
        (colleague.pk, "Psychologue"),
        (None, "Bénévole"),
    ]
    assert body["facilitators"][2]["name"] == "Mme Durand"
    [funder] = body["funders"]
    assert funder["organisation"]["id"] == caf.pk and Decimal(funder["amount"]) == Decimal(4500)
    assert funder["conditions"] == "Allocataires CAF accueillis"
    assert (funder["start_date"], funder["end_date"]) == ("2026-01-01", "2026-12-31")
    assert list(action.shared_with.all()) == [partner]
    # The partner's professional now reads the action, and does not change it.
    assert _client(colleague).get(f"/api/v1/actions/{action.pk}").status_code == 200


def test_team_unknown_organisation_or_account_named_and_nothing_written() -> None:
    action = ActionFactory()
    worker = facilitator(action)
    partner = OrganisationFactory()
    colleague = member(Role.PROFESSIONAL, partner)
    caf = OrganisationFactory(kind=OrganisationKind.CAF)
    before = _written(action)
    payload = _team(partner, colleague, caf)
    payload["partners"].append({"organisation": 987654, "role": "?"})
    payload["facilitators"].append({"user_id": 123456})

    response = _put(_client(worker), _url(action, "team"), payload)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["partners"] == ["Organisation inconnue : 987654."]
    assert errors["facilitators"] == ["Compte inconnu : 123456."]
    assert _written(action) == before


def test_team_is_all_or_nothing_when_a_funder_is_refused() -> None:
    """Partners and facilitators are valid and written first; the negative amount undoes them."""
    action = ActionFactory()
    worker = facilitator(action)
    partner = OrganisationFactory()
    colleague = member(Role.PROFESSIONAL, partner)
    caf = OrganisationFactory(name="CAF du Nord", kind=OrganisationKind.CAF)
    before = _written(action)

    response = _put(
        _client(worker), _url(action, "team"), _team(partner, colleague, caf, amount="-10")
    )
    assert response.status_code == 422
    assert response.json()["errors"]["funders"] == [
        "Le montant de CAF du Nord est positif ou nul (moins de dix milliards)."
    ]
    assert _written(action) == before
    assert not Facilitator.objects.filter(user=colleague).exists()


def test_team_facilitator_from_outside_is_refused() -> None:
    action = ActionFactory()
    worker = facilitator(action)
    outsider = member(Role.PROFESSIONAL)
    before = _written(action)
    payload = {"facilitators": [{"user_id": outsider.pk}], "partners": [], "funders": []}
    response = _put(_client(worker), _url(action, "team"), payload)
    assert response.status_code == 422
    assert "Ligne 1 : seul un professionnel" in response.json()["errors"]["facilitators"][0]
    assert _written(action) == before


def test_phases_opened_by_code() -> None:
    action = ActionFactory()
    client = _client(facilitator(action))
    first = _post(
        client,
        _url(action, "phases"),
        {"phase": "reperage_et_diagnostic", "start_date": "2026-01-05"},
    )
    assert first.status_code == 201, first.json()
    second = _post(
        client,
        _url(action, "phases"),
        {"phase": "mobilisation", "start_date": "2026-02-02", "decisions": "Deux réunions"},
    )
    assert second.status_code == 201
    body = second.json()
    assert body["phase"]["code"] == "mobilisation"
    assert [(step["phase"]["code"], step["end_date"]) for step in body["phases"]] == [
        ("reperage_et_diagnostic", "2026-02-02"),
        ("mobilisation", None),
    ]
    assert body["phases"][1]["decisions"] == "Deux réunions"


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        # A term of another scheme (the participation ladder) is not a phase.
        (
            {"phase": "observateur", "start_date": "2026-03-02"},
            "phase",
            "Phase inconnue du référentiel : « observateur ».",
        ),
        (
            {"phase": "co_construction_du_projet", "start_date": "2026-01-20"},
            "start_date",
            "Une phase ne peut pas commencer avant la précédente (02/02/2026).",
        ),
        (
            {"phase": "mobilisation", "start_date": "2026-03-02"},
            "phase",
            "L'action est déjà dans cette phase.",
        ),
    ],
)
def test_phase_refused(payload, field, message) -> None:
    action = ActionFactory()
    client = _client(facilitator(action))
    assert (
        _post(client, _url(action, "phases"), {"phase": "mobilisation", "start_date": "2026-02-02"})
    ).status_code == 201
    before = _written(action)
    response = _post(client, _url(action, "phases"), payload)
    assert response.status_code == 422
    assert response.json()["errors"][field] == [message]
    assert _written(action) == before
    action.refresh_from_db()
    assert action.phase.code == "mobilisation"


def test_permissions() -> None:
    action = ActionFactory()
    facilitator(action)
    partner = OrganisationFactory()
    action.shared_with.add(partner)
    reader = _client(member(Role.PROFESSIONAL, partner))
    stranger = _client(member(Role.PROFESSIONAL))
    before = _written(action)
    requests = [
        ("put", "objectives", OBJECTIVES),
        # An unknown organisation: the reader is refused before the payload is read.
        ("put", "team", {"facilitators": [], "partners": [{"organisation": 1}], "funders": []}),
        ("post", "phases", {"phase": "mobilisation", "start_date": "2026-02-02"}),
    ]
    for method, part, payload in requests:
        send = _put if method == "put" else _post
        refused = send(reader, _url(action, part), payload)
        assert refused.status_code == 403, part
        assert refused.json()["detail"].startswith("Seuls les co-animateurs de l'action")
        assert send(stranger, _url(action, part), payload).status_code == 404
        assert send(Client(), _url(action, part), payload).status_code == 401
    assert _written(action) == before


def test_action_id_is_an_integer() -> None:
    action = ActionFactory()
    client = _client(facilitator(action))
    assert _put(client, "/api/v1/actions/dashboard/objectives", OBJECTIVES).status_code == 404
