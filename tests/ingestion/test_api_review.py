"""The review queue in JSON: list, read with provenance, correct, accept, reject, merge."""

from __future__ import annotations

import json

import pytest

from maillage.ingestion.models import CandidateStatus
from maillage.organisations.models import Role
from maillage.organisations.tokens import create_api_token
from maillage.practices.models import Practice, Status
from tests.ingestion.factories import CandidateFactory, DocumentFactory
from tests.organisations.factories import OrganisationFactory, member
from tests.practices.factories import term
from tests.territories.factories import small_geography

pytestmark = pytest.mark.django_db
URL = "/api/v1/ingestion/candidates"


def bearer(user) -> dict[str, str]:
    _token, key = create_api_token(actor=user, name="logiciel de la documentation")
    return {"Authorization": f"Bearer {key}"}


def send(client, method: str, url: str, payload: dict, headers: dict):
    return getattr(client, method)(
        url, json.dumps(payload), content_type="application/json", headers=headers
    )


@pytest.fixture
def document():
    return DocumentFactory(organisation=OrganisationFactory(), title="Répertoire du Gers")


@pytest.fixture
def headers(document):
    return bearer(member(Role.DOCUMENTALIST, document.organisation))


def test_the_queue_pending_first_with_counts_in_bounded_queries(
    client, document, headers, django_assert_max_num_queries
):
    decided = CandidateFactory(segment__document=document, status=CandidateStatus.REJECTED)
    for _ in range(6):
        CandidateFactory(segment__document=document)
    CandidateFactory(segment__document=DocumentFactory())

    with django_assert_max_num_queries(6):
        body = client.get(URL, headers=headers).json()

    assert body["total"] == 7
    assert body["counts"]["pending"] == 6 and body["counts"]["rejected"] == 1
    assert body["items"][-1]["id"] == decided.pk

    body = client.get(URL, {"status": "rejected", "document": document.pk}, headers=headers).json()
    assert [item["id"] for item in body["items"]] == [decided.pk]
    assert body["total"] == 1


def test_a_candidate_with_its_provenance_and_passage(client, document, headers):
    candidate = CandidateFactory(segment__document=document)

    body = client.get(f"{URL}/{candidate.pk}", headers=headers).json()

    assert body["provenance"]["objectives"]["start_line"] == 3
    assert body["provenance"]["objectives"]["why"] == "champ titré « Objectifs »"
    assert body["passage"][2].startswith("Rompre l'isolement")
    assert len(body["passage"]) == 7


def test_403_for_who_does_not_review_and_404_for_who_does_not_read(client, document):
    candidate = CandidateFactory(segment__document=document)
    professional = bearer(member(Role.PROFESSIONAL, document.organisation))
    response = client.get(f"{URL}/{candidate.pk}", headers=professional)
    assert response.status_code == 403
    assert "examinent" in response.json()["detail"]
    assert client.get(URL, headers=professional).status_code == 403

    stranger = bearer(member(Role.DOCUMENTALIST))
    assert client.get(f"{URL}/{candidate.pk}", headers=stranger).status_code == 404


def test_patch_changes_only_what_is_sent(client, document, headers):
    geography = small_geography()
    candidate = CandidateFactory(segment__document=document)

    response = send(
        client,
        "patch",
        f"{URL}/{candidate.pk}",
        {"title": "Jardin de Saint-Caprais", "territories": [geography.arras.pk]},
        headers,
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Jardin de Saint-Caprais"
    assert body["territories"] == [geography.arras.pk]
    assert body["fields"]["objectives"] == candidate.fields["objectives"]

    response = send(client, "patch", f"{URL}/{candidate.pk}", {"territories": [999999]}, headers)
    assert response.status_code == 422
    assert "territories" in response.json()["errors"]


@pytest.mark.parametrize(
    ("summary", "message"),
    [
        ("", "Résumé : ce texte est obligatoire dans une fiche."),
        ("R" * 5000, "Résumé : 1200 caractères au plus dans une fiche (il y en a 5000)."),
    ],
)
def test_patch_refuses_a_summary_the_sheet_would_refuse(
    client, document, headers, summary, message
):
    candidate = CandidateFactory(segment__document=document)

    response = send(client, "patch", f"{URL}/{candidate.pk}", {"summary": summary}, headers)

    assert response.status_code == 422, response.content
    assert response.json()["errors"] == {"summary": [message]}
    candidate.refresh_from_db()
    assert candidate.summary == CandidateFactory.summary


def test_accept_makes_a_draft_sheet(client, document, headers):
    term("isic_form", "travail_social_communautaire")
    candidate = CandidateFactory(segment__document=document)

    response = send(
        client, "post", f"{URL}/{candidate.pk}/accept", {"title": "Jardin partagé"}, headers
    )

    assert response.status_code == 200, response.content
    practice = Practice.objects.get(pk=response.json()["practice"])
    assert practice.title == "Jardin partagé" and practice.status == Status.DRAFT
    assert practice.sources.get().title == "Répertoire du Gers"

    again = send(client, "post", f"{URL}/{candidate.pk}/accept", {}, headers)
    assert again.status_code == 422
    assert Practice.objects.count() == 1


def test_reject_and_merge(client, document, headers):
    rejected = CandidateFactory(segment__document=document)
    keep = CandidateFactory(segment__document=document, inhabitants_count=None)
    other = CandidateFactory(segment__document=document, inhabitants_count=3000)

    body = send(
        client, "post", f"{URL}/{rejected.pk}/reject", {"note": "hors sujet"}, headers
    ).json()
    assert body["status"] == "rejected" and body["review_note"] == "hors sujet"

    response = send(client, "post", f"{URL}/{other.pk}/merge", {"into": keep.pk}, headers)
    assert response.status_code == 200, response.content
    assert response.json()["id"] == keep.pk
    assert response.json()["inhabitants_count"] == 3000
    other.refresh_from_db()
    assert other.status == CandidateStatus.MERGED

    stranger_candidate = CandidateFactory()
    response = send(
        client, "post", f"{URL}/{keep.pk}/merge", {"into": stranger_candidate.pk}, headers
    )
    assert response.status_code == 404
