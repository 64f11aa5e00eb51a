from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_invalid_query_parameter_gets_french_field_errors(client: Client):
    response = client.get("/api/v1/organisations", {"kind": "roi"})
    assert response.status_code == 422
    [message] = response.json()["errors"]["kind"]
    assert message.startswith("Valeur non reconnue ; valeurs possibles : 'conseil_departemental'")
    assert " ou 'tete_de_reseau'" in message


def test_missing_and_too_short_fields_are_named(client: Client):
    from maillage.organisations.models import Role
    from tests.organisations.factories import member

    client.force_login(member(Role.COORDINATOR))
    response = client.post(
        "/api/v1/organisations", json.dumps({"name": "X"}), content_type="application/json"
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["name"] == ["Trop court : au moins 2 caractère(s)."]
    assert errors["kind"] == ["Champ obligatoire."]


def test_malformed_json_is_a_precise_error(client: Client):
    from maillage.organisations.models import Role
    from tests.organisations.factories import member

    client.force_login(member(Role.COORDINATOR))
    response = client.post("/api/v1/organisations", "{pas du json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Corps de la requête illisible : JSON invalide."}
