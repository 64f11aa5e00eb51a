"""The review queue and a candidate beside its source passage: edit, accept, reject, merge."""

from __future__ import annotations

import pytest

from maillage.ingestion.models import FIRST_YEAR, CandidatePractice, CandidateStatus
from maillage.organisations.models import Role
from maillage.practices.models import Practice, Status
from tests.ingestion.factories import CandidateFactory, DocumentFactory
from tests.organisations.factories import OrganisationFactory, member
from tests.practices.factories import PracticeFactory, term

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Département du Gers")


@pytest.fixture
def documentalist(organisation):
    return member(Role.DOCUMENTALIST, organisation)


@pytest.fixture
def document(organisation):
    return DocumentFactory(title="Répertoire du Gers", organisation=organisation)


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# Queue ----------------------------------------------------------------------------------------


def test_the_queue_lists_pending_first_with_counts_in_bounded_queries(
    client, documentalist, document, django_assert_max_num_queries
):
    term("isic_form", "travail_social_communautaire")
    CandidateFactory(segment__document=document, title="Déjà acceptée", status="accepted")
    CandidateFactory(segment__document=document, title="À voir d'abord")
    for _ in range(10):
        CandidateFactory(segment__document=document)
    CandidateFactory(segment__document=DocumentFactory(), title="Pas à nous")
    client.force_login(documentalist)

    with django_assert_max_num_queries(11):
        html = page(client.get("/documents/propositions/"))

    assert "12 propositions" in html
    assert html.index("À voir d&#x27;abord") < html.index("Déjà acceptée")
    assert "Pas à nous" not in html
    assert "À examiner (11)" in html and "Acceptée (1)" in html


def test_the_queue_filters_by_document_status_and_form(client, documentalist, document):
    other = DocumentFactory(organisation=document.organisation)
    CandidateFactory(segment__document=document, title="Jardin partagé", isic_forms=["x"])
    CandidateFactory(segment__document=other, title="Groupe de parole", status="rejected")
    CandidateFactory(
        segment__document=other, title="Groupe de parents", isic_forms=["travail_social_de_groupe"]
    )
    client.force_login(documentalist)

    html = page(client.get("/documents/propositions/", {"document": document.pk}))
    assert "Jardin partagé" in html and "Groupe de" not in html

    html = page(client.get("/documents/propositions/", {"status": "rejected"}))
    assert "Groupe de parole" in html and "Jardin partagé" not in html

    html = page(client.get("/documents/propositions/", {"form": "travail_social_de_groupe"}))
    assert "Groupe de parents" in html and "Groupe de parole" not in html


@pytest.mark.parametrize("number", ["²", "1" * 5000, "-1"])
def test_a_document_number_that_is_not_a_number_filters_nothing(
    client, documentalist, document, number
):
    CandidateFactory(segment__document=document, title="Jardin partagé")
    client.force_login(documentalist)

    html = page(client.get("/documents/propositions/", {"document": number}))

    assert "Jardin partagé" in html


def test_the_queue_is_for_importers_only(client, organisation):
    client.force_login(member(Role.PROFESSIONAL, organisation))
    response = client.get("/documents/propositions/")
    assert response.status_code == 403
    assert "examinent les propositions" in response.content.decode()


# One candidate --------------------------------------------------------------------------------


def test_a_candidate_stands_beside_its_passage_with_each_field_s_provenance(
    client, documentalist, document
):
    term("isic_form", "travail_social_communautaire")
    candidate = CandidateFactory(
        segment__document=document,
        places=[
            {
                "text": "Lille-Fives",
                "level": "commune",
                "code": "59350",
                "name": "Lille",
                "line": 7,
                "why": "quartier de Lille",
            }
        ],
    )
    client.force_login(documentalist)

    html = page(client.get(f"/documents/propositions/{candidate.pk}/", {"lignes": "3-3"}))

    assert 'id="L3" class="ingestion-marked"' in html
    assert 'id="L5">' in html
    assert "Rompre l&#x27;isolement des habitants" in html
    assert 'href="?lignes=3-3#L3">L3</a>' in html
    assert "trouvé par : champ titré « Objectifs »" in html
    assert "Lille-Fives → Lille (commune 59350)" in html
    assert 'href="?lignes=7-7#L7">L7</a> — trouvé par : quartier de Lille' in html
    assert "Travail social communautaire" in html  # the form's label, not its code
    assert "fr-col-lg-6" in html  # two columns from desktop width, stacked below
    assert 'value="accept"' in html and 'value="reject"' in html


@pytest.mark.parametrize(
    ("lines", "marked"), [("²-³", 0), ("1" * 5000, 0), ("3-²", 1), ("3-" + "9" * 5000, 1)]
)
def test_a_line_range_that_is_not_numbers_marks_nothing_or_its_first_line(
    client, documentalist, document, lines, marked
):
    candidate = CandidateFactory(segment__document=document)
    client.force_login(documentalist)

    html = page(client.get(f"/documents/propositions/{candidate.pk}/", {"lignes": lines}))

    assert html.count('class="ingestion-marked"') == marked


def test_a_candidate_says_which_rule_found_its_passage(client, documentalist, document):
    candidate = CandidateFactory(segment__document=document)
    candidate.provenance["passage"] = {
        "start_line": 1,
        "end_line": 7,
        "page": None,
        "why": "fiche action : au moins deux champs titrés",
    }
    candidate.save()
    client.force_login(documentalist)

    html = page(client.get(f"/documents/propositions/{candidate.pk}/"))

    assert "passage trouvé par : fiche action : au moins deux champs titrés" in html


def test_a_probable_duplicate_links_to_its_match(client, documentalist, document):
    sheet = PracticeFactory(title="Jardin partagé de Saint-Caprais")
    twin = CandidateFactory(segment__document=document, title="Le jardin de Saint-Caprais")
    candidate = CandidateFactory(
        segment__document=document,
        status=CandidateStatus.DUPLICATE,
        similar_practice=sheet,
        similar_candidate=twin,
        similarity=0.91,
    )
    client.force_login(documentalist)

    html = page(client.get(f"/documents/propositions/{candidate.pk}/"))

    assert "Doublon probable" in html
    assert f'href="/pratiques/{sheet.pk}/">Jardin partagé de Saint-Caprais</a>' in html
    assert f'href="/documents/propositions/{twin.pk}/"' in html
    assert f'<option value="{twin.pk}">' in html  # offered for the merge


def test_who_may_not_review_gets_a_403_and_who_may_not_read_a_404(client, document):
    candidate = CandidateFactory(segment__document=document)
    client.force_login(member(Role.PROFESSIONAL, document.organisation))
    response = client.get(f"/documents/propositions/{candidate.pk}/")
    assert response.status_code == 403
    assert "examinent les propositions" in response.content.decode()

    client.force_login(member(Role.DOCUMENTALIST))
    assert client.get(f"/documents/propositions/{candidate.pk}/").status_code == 404


def _edit_data(candidate: CandidatePractice, **changes) -> dict:
    return {
        "title": candidate.title,
        "summary": candidate.summary,
        "objectives": candidate.fields["objectives"],
        "description": candidate.fields["description"],
        "isic_forms": [term("isic_form", "travail_social_communautaire").pk],
        **changes,
    }


def test_accepting_with_an_edited_title_makes_a_draft_sheet_with_its_source(
    client, documentalist, document
):
    candidate = CandidateFactory(segment__document=document)
    client.force_login(documentalist)

    response = client.post(
        f"/documents/propositions/{candidate.pk}/",
        {**_edit_data(candidate, title="Le jardin partagé de Saint-Caprais"), "action": "accept"},
    )

    practice = Practice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/pratiques/{practice.pk}/modifier/"
    assert practice.title == "Le jardin partagé de Saint-Caprais"
    assert practice.status == Status.DRAFT
    assert practice.description == candidate.fields["description"]
    assert [source.title for source in practice.sources.all()] == ["Répertoire du Gers"]
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.ACCEPTED and candidate.practice == practice

    html = page(client.get(f"/documents/propositions/{candidate.pk}/"))
    assert 'value="accept"' not in html
    assert "Acceptée" in html


def test_saving_corrections_keeps_the_candidate_open(client, documentalist, document):
    candidate = CandidateFactory(segment__document=document)
    client.force_login(documentalist)

    response = client.post(
        f"/documents/propositions/{candidate.pk}/",
        {
            **_edit_data(candidate, title="Jardin partagé (corrigé)", start_year="2013"),
            "action": "save",
        },
    )

    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.title == "Jardin partagé (corrigé)"
    assert candidate.start_year == 2013
    assert candidate.status == CandidateStatus.PENDING
    assert candidate.isic_forms == ["travail_social_communautaire"]
    assert not Practice.objects.exists()


def test_a_year_the_operations_accept_is_accepted_by_the_page(client, documentalist, document):
    candidate = CandidateFactory(segment__document=document)
    client.force_login(documentalist)

    response = client.post(
        f"/documents/propositions/{candidate.pk}/",
        {**_edit_data(candidate, start_year=str(FIRST_YEAR), end_year="1850"), "action": "save"},
    )

    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.start_year, candidate.end_year) == (FIRST_YEAR, 1850)


def test_an_empty_title_is_refused_beside_the_field(client, documentalist, document):
    candidate = CandidateFactory(segment__document=document)
    client.force_login(documentalist)

    html = page(
        client.post(
            f"/documents/propositions/{candidate.pk}/",
            {**_edit_data(candidate, title=""), "action": "accept"},
        )
    )

    assert "Ce champ est obligatoire." in html
    assert not Practice.objects.exists()


def test_rejecting_needs_a_reason_and_records_it(client, documentalist, document):
    candidate = CandidateFactory(segment__document=document)
    client.force_login(documentalist)

    html = page(client.post(f"/documents/propositions/{candidate.pk}/", {"action": "reject"}))
    assert "Ce champ est obligatoire." in html

    response = client.post(
        f"/documents/propositions/{candidate.pk}/",
        {"action": "reject", "note": "pas une action collective"},
    )
    assert response["Location"] == "/documents/propositions/"
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.REJECTED
    assert candidate.review_note == "pas une action collective"
    assert candidate.reviewed_by == documentalist


def test_merging_into_another_candidate_of_the_document(client, documentalist, document):
    keep = CandidateFactory(segment__document=document, participants_count=None)
    other = CandidateFactory(segment__document=document, participants_count=25)
    outsider = CandidateFactory(
        segment__document=DocumentFactory(organisation=document.organisation)
    )
    client.force_login(documentalist)

    response = client.post(
        f"/documents/propositions/{other.pk}/", {"action": "merge", "keep": outsider.pk}
    )
    assert "Sélectionnez un choix valide" in page(response)

    response = client.post(
        f"/documents/propositions/{other.pk}/", {"action": "merge", "keep": keep.pk}
    )

    assert response["Location"] == f"/documents/propositions/{keep.pk}/"
    keep.refresh_from_db()
    other.refresh_from_db()
    assert keep.participants_count == 25
    assert other.status == CandidateStatus.MERGED and other.merged_into == keep


def test_a_decided_candidate_is_not_changed_again(client, documentalist, document):
    candidate = CandidateFactory(segment__document=document, status=CandidateStatus.REJECTED)
    client.force_login(documentalist)

    response = client.post(
        f"/documents/propositions/{candidate.pk}/", {**_edit_data(candidate), "action": "accept"}
    )

    assert response.status_code == 302
    assert not Practice.objects.exists()
