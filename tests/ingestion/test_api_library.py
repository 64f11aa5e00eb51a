"""The library in JSON: public search, a record with its citations, merging variants."""

from __future__ import annotations

import json

import pytest

from maillage.ingestion.models import Reference
from maillage.organisations.models import Role
from maillage.organisations.tokens import create_api_token
from tests.ingestion.factories import CitationFactory, DocumentFactory, ReferenceFactory
from tests.organisations.factories import OrganisationFactory, member

pytestmark = pytest.mark.django_db
URL = "/api/v1/ingestion/references"


def test_search_is_public_paginated_and_in_bounded_queries(client, django_assert_max_num_queries):
    ReferenceFactory(
        key="csts le developpement social local", title="Le développement social local"
    )
    for _ in range(12):
        ReferenceFactory(year=2001)

    with django_assert_max_num_queries(2):
        body = client.get(URL, {"per_page": 5}).json()
    assert body["total"] == 13 and len(body["items"]) == 5

    body = client.get(URL, {"q": "développement SOCIAL"}).json()
    assert [item["title"] for item in body["items"]] == ["Le développement social local"]
    assert client.get(URL, {"year": 2001}).json()["total"] == 12
    assert client.get(URL, {"document_type": "nonsense"}).status_code == 422


def test_a_record_hides_the_documents_the_client_does_not_read(client):
    reference = ReferenceFactory()
    CitationFactory(
        reference=reference, document=DocumentFactory(organisation=OrganisationFactory())
    )

    body = client.get(f"{URL}/{reference.pk}").json()

    assert body["citations"] == 1
    assert body["cited_in"][0]["document"] is None and body["cited_in"][0]["document_title"] == ""


def test_a_documentalist_merges_and_others_are_refused(client):
    kept, variant = ReferenceFactory(), ReferenceFactory(pages="12-14")
    CitationFactory(reference=variant)

    _token, key = create_api_token(actor=member(Role.PROFESSIONAL), name="x")
    refused = client.post(
        f"{URL}/{kept.pk}/merge",
        json.dumps({"other": variant.pk}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert refused.status_code == 403

    _token, key = create_api_token(actor=member(Role.DOCUMENTALIST), name="x")
    response = client.post(
        f"{URL}/{kept.pk}/merge",
        json.dumps({"other": variant.pk}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["pages"] == "12-14" and response.json()["citations"] == 1
    assert Reference.objects.get(pk=variant.pk).merged_into_id == kept.pk
    assert client.get(f"{URL}/{variant.pk}").json()["id"] == kept.pk
