"""The contributions API: readers get published contributions only, moderators everything with
the flags; signed-in contributions; moderation; the public endpoint without an account, 404 for
an unknown link and 429 in French when flooded; nothing written when refused."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from maillage.diagnostics import quota
from maillage.diagnostics.models import Contribution, ContributionStatus
from maillage.organisations.models import Role
from tests.diagnostics.factories import ContributionFactory, DiagnosisFactory, open_diagnosis
from tests.organisations.factories import OrganisationFactory, member
from tests.territories.factories import small_geography

pytestmark = pytest.mark.django_db

TEXT = "Les jeunes n'ont aucun lieu pour se retrouver le soir."


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _post(client: Client, url: str, payload: dict):
    return client.post(url, json.dumps(payload), content_type="application/json")


def _scene():
    diagnosis = open_diagnosis()
    moderator = member(Role.PROFESSIONAL, diagnosis.organisation)
    partner_organisation = OrganisationFactory()
    diagnosis.shared_with.add(partner_organisation)
    reader = member(Role.PARTNER, partner_organisation)
    return diagnosis, moderator, reader


def test_readers_get_published_contributions_only(django_assert_max_num_queries) -> None:
    diagnosis, moderator, reader = _scene()
    ContributionFactory(diagnosis=diagnosis, text="En attente 06 12 34 56 78", flags=["phone"])
    for index in range(20):
        ContributionFactory(
            diagnosis=diagnosis, status=ContributionStatus.PUBLISHED, text=f"Publiée {index}"
        )
    url = f"/api/v1/diagnostics/{diagnosis.pk}/contributions"
    as_reader, as_moderator = _client(reader), _client(moderator)
    with django_assert_max_num_queries(12):
        answer = as_reader.get(url).json()
    assert answer["count"] == 20
    assert {item["status"] for item in answer["results"]} == {"published"}
    assert all(item["flags"] is None and item["author"] is None for item in answer["results"])
    refused = as_reader.get(url, {"status": "pending"})
    assert refused.status_code == 403
    with django_assert_max_num_queries(12):
        everything = as_moderator.get(url).json()
    assert everything["count"] == 21
    pending = _client(moderator).get(url, {"status": "pending"}).json()["results"]
    assert [item["flags"] for item in pending] == [["phone"]]
    assert _client(member()).get(url).status_code == 404
    assert _client().get(url).status_code == 401


def test_a_member_contributes_signed_in_and_bad_input_is_refused() -> None:
    geo = small_geography()
    diagnosis = open_diagnosis(territory=geo.cu_arras)
    professional = member(Role.PROFESSIONAL, diagnosis.organisation)
    url = f"/api/v1/diagnostics/{diagnosis.pk}/contributions"
    response = _post(_client(professional), url, {"kind": "need", "text": TEXT, "commune": "62263"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and body["commune"] == {"code": "62263", "name": "Dainville"}
    assert body["organisation"] == diagnosis.organisation.name
    outside = _post(_client(professional), url, {"kind": "need", "text": TEXT, "commune": "59350"})
    assert outside.status_code == 422 and "commune" in outside.json()["errors"]
    markup = _post(_client(professional), url, {"kind": "need", "text": "<p>" + TEXT})
    assert markup.status_code == 422 and "balises HTML" in markup.json()["errors"]["text"][0]
    assert _post(_client(member()), url, {"kind": "need", "text": TEXT}).status_code == 404
    assert Contribution.objects.count() == 1


def test_moderation_through_the_api() -> None:
    diagnosis, moderator, reader = _scene()
    contribution = ContributionFactory(
        diagnosis=diagnosis, text="Appelez le 06 12 34 56 78 svp", flags=["phone"]
    )
    url = f"/api/v1/diagnostics/contributions/{contribution.pk}/moderation"
    assert _post(_client(reader), url, {"decision": "publish"}).status_code == 403
    assert _post(_client(member()), url, {"decision": "publish"}).status_code == 404
    flagged = _post(_client(moderator), url, {"decision": "publish"})
    assert flagged.status_code == 422 and "téléphone" in flagged.json()["errors"]["text"][0]
    done = _post(
        _client(moderator), url, {"decision": "publish", "text": "Il faut une permanence."}
    )
    assert done.status_code == 200
    assert done.json()["status"] == "published" and done.json()["flags"] == []
    unknown = _post(_client(moderator), url, {"decision": "archive"})
    assert unknown.status_code == 422


def test_the_public_endpoint_needs_no_account() -> None:
    diagnosis = open_diagnosis()
    url = f"/api/v1/diagnostics/public/{diagnosis.public_token}/contributions"
    payload = {"kind": "problem", "contributor_kind": "inhabitant", "text": TEXT + " mail: x@y.fr"}
    response = _post(_client(), url, payload)
    assert response.status_code == 201
    assert response.json()["flags"] is None
    assert Contribution.objects.get().flags == ["email"]
    unknown = _post(_client(), "/api/v1/diagnostics/public/inconnu/contributions", payload)
    assert unknown.status_code == 404 and unknown.json()["detail"]


def test_the_public_endpoint_refuses_when_closed_and_when_flooded() -> None:
    closed = DiagnosisFactory()
    payload = {"kind": "need", "contributor_kind": "inhabitant", "text": TEXT}
    refused = _post(
        _client(), f"/api/v1/diagnostics/public/{closed.public_token}/contributions", payload
    )
    assert refused.status_code == 422 and "fermées" in refused.json()["errors"]["__all__"][0]
    diagnosis = open_diagnosis()
    url = f"/api/v1/diagnostics/public/{diagnosis.public_token}/contributions"
    for _ in range(quota.WINDOWS[0].limit):
        assert _post(_client(), url, payload).status_code == 201
    flooded = _post(_client(), url, payload)
    assert flooded.status_code == 429
    assert "beaucoup de messages" in flooded.json()["detail"]
    assert int(flooded["Retry-After"]) > 0
    assert Contribution.objects.count() == quota.WINDOWS[0].limit


def test_moderating_the_place_through_the_api() -> None:
    diagnosis, moderator, _reader = _scene()
    public = f"/api/v1/diagnostics/public/{diagnosis.public_token}/contributions"
    payload = {
        "kind": "need",
        "contributor_kind": "inhabitant",
        "text": TEXT,
        "place": "12 rue des Lilas, Mme Martin 06 12 34 56 78",
    }
    contribution_id = _post(_client(), public, payload).json()["id"]
    listed = _client(moderator).get(f"/api/v1/diagnostics/{diagnosis.pk}/contributions").json()
    assert listed["results"][0]["flags"] == ["place:phone", "place:address"]
    url = f"/api/v1/diagnostics/contributions/{contribution_id}/moderation"
    flagged = _post(_client(moderator), url, {"decision": "publish", "text": TEXT})
    assert flagged.status_code == 422
    assert "Le lieu contient" in flagged.json()["errors"]["place"][0]
    done = _post(_client(moderator), url, {"decision": "publish", "place": "Les Lilas"})
    assert done.status_code == 200
    assert (done.json()["place"], done.json()["flags"]) == ("Les Lilas", [])
    assert Contribution.objects.get().status == ContributionStatus.PUBLISHED
