"""The ingestion API for documents: list, upload (multipart) into a batch, progress, detail."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.ingestion.models import CandidateStatus, DocumentType, ImportBatch
from maillage.organisations.models import AuditEntry, Role
from maillage.organisations.tokens import create_api_token
from tests.ingestion.factories import CandidateFactory, CitationFactory, DocumentFactory
from tests.organisations.factories import OrganisationFactory, member

pytestmark = pytest.mark.django_db
URL = "/api/v1/ingestion"


@pytest.fixture(autouse=True)
def _private_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def bearer(user) -> dict[str, str]:
    _token, key = create_api_token(actor=user, name="logiciel de la documentation")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def documentalist(organisation):
    return member(Role.DOCUMENTALIST, organisation)


def test_documents_are_listed_for_who_reads_them_in_bounded_queries(
    client, documentalist, organisation, django_assert_max_num_queries
):
    document = DocumentFactory(organisation=organisation)
    CandidateFactory(segment__document=document)
    CandidateFactory(segment__document=document, status=CandidateStatus.ACCEPTED)
    for _ in range(5):
        DocumentFactory(organisation=organisation)
    DocumentFactory(organisation=OrganisationFactory())
    headers = bearer(documentalist)

    with django_assert_max_num_queries(4):
        response = client.get(f"{URL}/documents", headers=headers)

    assert response.status_code == 200
    listed = {item["id"]: item for item in response.json()}
    assert len(listed) == 6
    assert listed[document.pk]["candidates_pending"] == 1
    assert listed[document.pk]["candidates_accepted"] == 1
    assert listed[document.pk]["url"] == f"/documents/{document.pk}/"
    # A document is stored once read: no state, progress nor error of its own (the batch has them).
    assert not {"status", "progress", "error"} & set(listed[document.pk])


def test_a_document_with_its_passages_candidates_and_citations(client, documentalist, organisation):
    candidate = CandidateFactory(segment__document__organisation=organisation)
    citation = CitationFactory(document=candidate.document)

    body = client.get(
        f"{URL}/documents/{candidate.document_id}", headers=bearer(documentalist)
    ).json()

    assert body["sha256"] == candidate.document.sha256
    assert body["segments"][0]["kind"] == "fiche"
    assert body["candidates"] == [
        {
            "id": candidate.pk,
            "title": candidate.title,
            "status": "pending",
            "start_line": 1,
            "end_line": 7,
        }
    ]
    assert body["citations"][0]["reference"] == citation.reference_id


def test_unreadable_and_unknown_documents_are_the_same_404(client, documentalist):
    hidden = DocumentFactory(organisation=OrganisationFactory())
    headers = bearer(documentalist)
    for pk in (hidden.pk, 999999):
        response = client.get(f"{URL}/documents/{pk}", headers=headers)
        assert response.status_code == 404
        assert response.json()["detail"] == "Aucun document ne porte ce numéro."


def test_without_credentials_it_is_a_401(client):
    assert client.get(f"{URL}/documents").status_code == 401


def test_an_upload_queues_a_batch_whose_progress_is_read_back(
    client, documentalist, organisation, django_capture_on_commit_callbacks
):
    headers = bearer(documentalist)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            f"{URL}/documents",
            {
                "files": [
                    SimpleUploadedFile("a.txt", b"Objectifs"),
                    SimpleUploadedFile("b.md", b"# Titre"),
                ],
                "organisation": organisation.pk,
                "document_type": "proceedings",
            },
            headers=headers,
        )

    assert response.status_code == 201, response.content
    body = response.json()
    batch = ImportBatch.objects.get()
    assert body["id"] == batch.pk and body["files_total"] == 2 and body["finished"] is False
    assert [item["file_name"] for item in body["results"]] == ["a.txt", "b.md"]
    assert batch.organisation == organisation
    assert batch.document_type == DocumentType.PROCEEDINGS

    progress = client.get(f"{URL}/batches/{batch.pk}", headers=headers)
    assert progress.status_code == 200 and progress.json()["url"] == f"/documents/lots/{batch.pk}/"
    other = bearer(member(Role.DOCUMENTALIST))
    assert client.get(f"{URL}/batches/{batch.pk}", headers=other).status_code == 404


def test_who_does_not_import_gets_a_403_and_nothing_is_queued(client, organisation):
    response = client.post(
        f"{URL}/documents",
        {"files": [SimpleUploadedFile("a.txt", b"Objectifs")]},
        headers=bearer(member(Role.PROFESSIONAL, organisation)),
    )
    assert response.status_code == 403
    assert "importent des documents" in response.json()["detail"]
    assert not ImportBatch.objects.exists()


def test_importing_for_an_organisation_one_is_not_a_member_of_is_refused(client, documentalist):
    response = client.post(
        f"{URL}/documents",
        {"files": [SimpleUploadedFile("a.txt", b"x")], "organisation": OrganisationFactory().pk},
        headers=bearer(documentalist),
    )
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_an_unknown_organisation_at_upload_is_a_422_in_french(client, documentalist):
    response = client.post(
        f"{URL}/documents",
        {"files": [SimpleUploadedFile("a.txt", b"x")], "organisation": 999999},
        headers=bearer(documentalist),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "organisation": ["Aucune organisation ne porte ce numéro."]
    }
    assert not ImportBatch.objects.exists()


def test_an_unknown_type_at_upload_is_a_422_in_french(client, documentalist):
    response = client.post(
        f"{URL}/documents",
        {"files": [SimpleUploadedFile("a.txt", b"x")], "document_type": "roman"},
        headers=bearer(documentalist),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"document_type": ["Type de document inconnu."]}
    assert not ImportBatch.objects.exists()


def test_a_patch_corrects_only_the_details_sent_in_bounded_queries(
    client, documentalist, organisation, django_assert_max_num_queries
):
    document = DocumentFactory(title="rapport-v3", authors="CSTS", organisation=organisation)
    CandidateFactory(segment__document=document)
    headers = bearer(documentalist)

    with django_assert_max_num_queries(12):
        response = client.patch(
            f"{URL}/documents/{document.pk}",
            {"title": "Rapport 2015", "date": "2015-03-12", "document_type": "report"},
            content_type="application/json",
            headers=headers,
        )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["title"], body["authors"], body["date"], body["year"]) == (
        "Rapport 2015",
        "CSTS",
        "2015-03-12",
        2015,
    )
    assert body["document_type"] == "report" and body["candidates_pending"] == 1
    entry = AuditEntry.objects.get(action="update_document")
    assert entry.before["title"] == "rapport-v3" and entry.after["title"] == "Rapport 2015"


def test_an_invalid_patch_is_a_422_in_french_and_changes_nothing(
    client, documentalist, organisation
):
    document = DocumentFactory(title="rapport-v3", organisation=organisation)
    headers = bearer(documentalist)

    for payload, field, message in (
        ({"title": " "}, "title", "Donnez un titre au document."),
        ({"date": "2015-03-12", "year": 2010}, "year", "L'année ne correspond pas à la date."),
    ):
        response = client.patch(
            f"{URL}/documents/{document.pk}",
            payload,
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 422, response.content
        assert response.json()["errors"] == {field: [message]}
    response = client.patch(
        f"{URL}/documents/{document.pk}",
        {"document_type": "roman"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422 and "document_type" in response.json()["errors"]
    document.refresh_from_db()
    assert document.title == "rapport-v3"


def test_a_patch_by_a_reader_who_does_not_import_is_a_403_and_by_an_outsider_a_404(
    client, organisation
):
    document = DocumentFactory(title="rapport-v3", organisation=organisation)
    patch = {"title": "Pris"}

    reader = client.patch(
        f"{URL}/documents/{document.pk}",
        patch,
        content_type="application/json",
        headers=bearer(member(Role.PROFESSIONAL, organisation)),
    )
    outsider = client.patch(
        f"{URL}/documents/{document.pk}",
        patch,
        content_type="application/json",
        headers=bearer(member(Role.DOCUMENTALIST)),
    )

    assert reader.status_code == 403 and "modifient" in reader.json()["detail"]
    assert outsider.status_code == 404
    assert outsider.json()["detail"] == "Aucun document ne porte ce numéro."
    document.refresh_from_db()
    assert document.title == "rapport-v3"
