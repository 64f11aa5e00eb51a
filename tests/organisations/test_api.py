from __future__ import annotations

import json

import pytest
from django.test import Client

from maillage.organisations.models import AuditEntry, Organisation, Role
from maillage.organisations.tokens import create_api_token
from maillage.territories.models import Level, Territory
from tests.organisations.factories import OrganisationFactory, member

pytestmark = pytest.mark.django_db


def _post(client: Client, payload: dict, key: str | None = None):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return client.post(
        "/api/v1/organisations",
        json.dumps(payload),
        content_type="application/json",
        headers=headers,
    )


def test_list_is_paginated_in_constant_queries(client: Client, django_assert_max_num_queries):
    for _index in range(12):
        OrganisationFactory()
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/organisations")
    assert response.status_code == 200
    assert response.json()["count"] == 12


def test_unknown_kind_filter_is_a_422_with_field_errors(client: Client):
    response = client.get("/api/v1/organisations", {"kind": "roi"})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Données invalides."
    assert "kind" in body["errors"]


def test_unknown_organisation_is_a_french_404(client: Client):
    response = client.get("/api/v1/organisations/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Organisation inconnue : 999999."}


def test_write_without_credentials_is_401(client: Client):
    response = _post(client, {"name": "CCAS de Lens", "kind": "ccas"})
    assert response.status_code == 401
    assert not Organisation.objects.exists()


def test_write_without_permission_is_403(client: Client):
    _token, key = create_api_token(actor=member(Role.PROFESSIONAL), name="client")
    response = _post(client, {"name": "CCAS de Lens", "kind": "ccas"}, key)
    assert response.status_code == 403
    assert "coordinateurs" in response.json()["detail"]


def test_coordinator_creates_with_token_and_unknown_territory_writes_nothing(client: Client):
    coordinator = member(Role.COORDINATOR)
    _token, key = create_api_token(actor=coordinator, name="client")
    arras = Territory.objects.create(level=Level.COMMUNE, code="62041", name="Arras")
    before = Organisation.objects.count()
    audit_before = AuditEntry.objects.count()

    response = _post(
        client,
        {
            "name": "Centre social d'Arras",
            "kind": "centre_social",
            "territories": [
                {"level": "commune", "code": "62041"},
                {"level": "commune", "code": "99999"},
            ],
        },
        key,
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"territories": ["Territoire inconnu : commune 99999."]}
    assert Organisation.objects.count() == before
    assert AuditEntry.objects.count() == audit_before

    response = _post(
        client,
        {
            "name": "Centre social d'Arras",
            "kind": "centre_social",
            "territories": [{"level": "commune", "code": "62041"}],
        },
        key,
    )
    assert response.status_code == 201
    body = response.json()
    assert body["territories"] == [{"level": "commune", "code": "62041", "name": arras.name}]
    assert body["kind_label"] == "Centre social"


def test_bad_token_is_401(client: Client):
    response = _post(client, {"name": "X", "kind": "ccas"}, "mauvaise-clé")
    assert response.status_code == 401
