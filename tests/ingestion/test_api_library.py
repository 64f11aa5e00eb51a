"""The library in JSON: search, a record with its citations, merging variants; read by token or
session, never anonymously."""

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


def _reader():
    """A member of an organisation and one of its documents, which the member reads."""
    reader = member(Role.PROFESSIONAL)
    return reader, DocumentFactory(organisation=reader.memberships.get().organisation)


def test_search_lists_what_a_readable_document_cites_paginated_and_in_bounded_queries(
    client, django_assert_max_num_queries
):
    reader, document = _reader()
    CitationFactory(
        document=document,
        reference=ReferenceFactory(
            key="csts le developpement social local", title="Le développement social local"
        ),
    )
    for _ in range(12):
        CitationFactory(document=document, reference=ReferenceFactory(year=2001))
    CitationFactory(document=DocumentFactory(organisation=OrganisationFactory()))
    client.force_login(reader)

    with django_assert_max_num_queries(6):
        body = client.get(URL, {"per_page": 5}).json()
    assert body["total"] == 13 and len(body["items"]) == 5

    body = client.get(URL, {"q": "développement SOCIAL"}).json()
    assert [item["title"] for item in body["items"]] == ["Le développement social local"]
    assert client.get(URL, {"year": 2001}).json()["total"] == 12
    assert client.get(URL, {"document_type": "nonsense"}).status_code == 422
    client.logout()
    assert client.get(URL).status_code == 401


def test_a_token_client_reads_what_its_user_reads(client):
    reader, document = _reader()
    reference = ReferenceFactory(title="Le développement social local")
    CitationFactory(reference=reference, document=document, raw_text="Cité ici")
    CitationFactory(document=DocumentFactory(organisation=OrganisationFactory()))
    _token, key = create_api_token(actor=reader, name="x")
    headers = {"Authorization": f"Bearer {key}"}

    body = client.get(URL, headers=headers).json()
    detail = client.get(f"{URL}/{reference.pk}", headers=headers).json()

    assert [item["id"] for item in body["items"]] == [reference.pk]
    assert [c["raw_text"] for c in detail["cited_in"]] == ["Cité ici"]
    assert client.get(URL, headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_a_variant_leads_to_its_record_only_for_whoever_reads_it(client):
    reader, document = _reader()
    hidden = ReferenceFactory()
    CitationFactory(reference=hidden, document=DocumentFactory(organisation=OrganisationFactory()))
    variant = ReferenceFactory(merged_into=hidden)
    client.force_login(reader)

    missing = client.get(f"{URL}/{variant.pk}")
    unknown = client.get(f"{URL}/{variant.pk + 1000}")

    assert missing.status_code == unknown.status_code == 404
    assert missing.json() == unknown.json() == {"detail": "Aucune notice ne porte ce numéro."}
    CitationFactory(reference=hidden, document=document)
    assert client.get(f"{URL}/{variant.pk}").json()["id"] == hidden.pk


def test_a_record_shows_only_the_citations_of_documents_the_client_reads(client):
    reader, document = _reader()
    reference = ReferenceFactory()
    CitationFactory(reference=reference, document=document, raw_text="Cité ici")
    CitationFactory(
        reference=reference,
        document=DocumentFactory(organisation=OrganisationFactory()),
        raw_text="Entretien avec Mme Dupont",
    )
    assert client.get(f"{URL}/{reference.pk}").status_code == 401
    client.force_login(member(Role.PROFESSIONAL))
    assert client.get(f"{URL}/{reference.pk}").status_code == 404
    client.force_login(reader)

    body = client.get(f"{URL}/{reference.pk}").json()

    assert body["citations"] == 1
    assert [(c["raw_text"], c["document"]) for c in body["cited_in"]] == [("Cité ici", document.pk)]


def test_a_documentalist_merges_and_others_are_refused(client):
    documentalist = member(Role.DOCUMENTALIST)
    document = DocumentFactory(organisation=documentalist.memberships.get().organisation)
    kept, variant = ReferenceFactory(), ReferenceFactory(pages="12-14")
    CitationFactory(reference=kept, document=document)
    CitationFactory(reference=variant, document=document)

    _token, key = create_api_token(actor=member(Role.PROFESSIONAL), name="x")
    refused = client.post(
        f"{URL}/{kept.pk}/merge",
        json.dumps({"other": variant.pk}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert refused.status_code == 403

    _token, key = create_api_token(actor=documentalist, name="x")
    response = client.post(
        f"{URL}/{kept.pk}/merge",
        json.dumps({"other": variant.pk}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["pages"] == "12-14" and response.json()["citations"] == 2
    assert Reference.objects.get(pk=variant.pk).merged_into_id == kept.pk
    client.force_login(documentalist)
    assert client.get(f"{URL}/{variant.pk}").json()["id"] == kept.pk


def test_merging_with_a_record_one_does_not_see_answers_as_for_an_unknown_number(client):
    documentalist = member(Role.DOCUMENTALIST)
    document = DocumentFactory(organisation=documentalist.memberships.get().organisation)
    kept, hidden = ReferenceFactory(), ReferenceFactory()
    CitationFactory(reference=kept, document=document)
    CitationFactory(reference=hidden)  # cited by another organisation's document only
    merged_away = ReferenceFactory(merged_into=hidden)
    _token, key = create_api_token(actor=documentalist, name="x")

    def merge(other: int):
        return client.post(
            f"{URL}/{kept.pk}/merge",
            json.dumps({"other": other}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}"},
        )

    unknown = merge(999_999)
    assert unknown.status_code == 404
    for other in (hidden.pk, merged_away.pk):
        response = merge(other)
        assert (response.status_code, response.json()) == (404, unknown.json())
    assert not Reference.objects.filter(merged_into=kept).exists()


def test_a_variant_already_merged_is_not_merged_again_through_its_record(client):
    documentalist = member(Role.DOCUMENTALIST)
    document = DocumentFactory(organisation=documentalist.memberships.get().organisation)
    kept, other = ReferenceFactory(), ReferenceFactory()
    variant = ReferenceFactory(merged_into=other)
    for reference in (kept, other, variant):
        CitationFactory(reference=reference, document=document)
    client.force_login(documentalist)

    assert client.get(f"{URL}/{variant.pk}").json()["id"] == other.pk
    for keep, merged in ((kept.pk, variant.pk), (variant.pk, kept.pk)):
        response = client.post(
            f"{URL}/{keep}/merge", json.dumps({"other": merged}), content_type="application/json"
        )
        assert response.status_code == 404
    assert Reference.objects.get(pk=other.pk).merged_into_id is None
    assert not Reference.objects.filter(merged_into=kept).exists()
