"""The documentalist's review: edit, accept into a draft sheet with its source, reject, merge
candidates and library records; who may."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.ingestion.models import CandidateStatus, Citation
from maillage.ingestion.operations import (
    accept_candidate,
    merge_candidates,
    merge_references,
    reject_candidate,
    update_candidate,
)
from maillage.organisations.models import AuditEntry, Role
from maillage.practices.models import Practice, Status
from maillage.practices.operations import text_errors
from tests.ingestion.factories import (
    CandidateFactory,
    CitationFactory,
    DocumentFactory,
    ReferenceFactory,
    SegmentFactory,
)
from tests.organisations.factories import member
from tests.practices.factories import term
from tests.territories.factories import small_geography

pytestmark = pytest.mark.django_db


@pytest.fixture
def documentalist():
    return member(Role.DOCUMENTALIST)


@pytest.fixture
def candidate(documentalist):
    term("isic_form", "travail_social_communautaire")  # loads the référentiel
    organisation = documentalist.memberships.get().organisation
    document = DocumentFactory(organisation=organisation, imported_by=documentalist)
    return CandidateFactory(segment=SegmentFactory(document=document, start_line=3, end_line=7))


def test_accepting_makes_a_draft_sheet_with_its_source(documentalist, candidate) -> None:
    geography = small_geography()
    candidate.territories.add(geography.arras)
    candidate.end_year = 2014
    candidate.participants_count = 25
    candidate.save()

    practice = accept_candidate(actor=documentalist, candidate=candidate, title="Jardin des Blancs")

    assert practice.status == Status.DRAFT and practice.author == documentalist
    assert practice.title == "Jardin des Blancs"
    assert practice.objectives == candidate.fields["objectives"]
    assert [t.code for t in practice.isic_forms.all()] == ["travail_social_communautaire"]
    assert list(practice.territories.all()) == [geography.arras]
    assert (practice.start_date.isoformat(), practice.end_date.isoformat()) == (
        "2012-01-01",
        "2014-12-31",
    )
    assert practice.participants_count == 25
    assert practice.organisation == candidate.document.organisation
    source = practice.sources.get()
    assert (source.title, source.locator, source.note) == (
        candidate.document.title,
        "L3–7",
        "Importé par Maillage",
    )
    candidate.refresh_from_db()
    assert (candidate.status, candidate.practice, candidate.reviewed_by) == (
        CandidateStatus.ACCEPTED,
        practice,
        documentalist,
    )
    assert AuditEntry.objects.filter(action="accept_candidate", object_id=candidate.pk).exists()


def test_the_source_of_a_paged_document_names_its_page(documentalist, candidate) -> None:
    document = candidate.document
    document.line_pages = [1, 1, 3, 3, 3, 3, 4]
    document.save()
    candidate.segment.start_page = 3
    candidate.segment.save()

    practice = accept_candidate(actor=documentalist, candidate=candidate)

    assert practice.sources.get().locator == "p. 3–4"


def test_a_candidate_without_a_form_of_intervention_is_not_accepted(
    documentalist, candidate
) -> None:
    with pytest.raises(ValidationError) as raised:
        accept_candidate(actor=documentalist, candidate=candidate, isic_forms=[])

    assert "isic_forms" in raised.value.message_dict
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.PENDING and candidate.practice is None


def test_a_reviewed_candidate_cannot_be_accepted_or_rejected_again(
    documentalist, candidate
) -> None:
    reject_candidate(actor=documentalist, candidate=candidate, note="Pas une action collective")
    candidate.refresh_from_db()
    assert (candidate.status, candidate.review_note) == (
        CandidateStatus.REJECTED,
        "Pas une action collective",
    )

    with pytest.raises(ValidationError):
        accept_candidate(actor=documentalist, candidate=candidate)
    with pytest.raises(ValidationError):
        reject_candidate(actor=documentalist, candidate=candidate, note="")


def test_editing_checks_the_referential_codes_and_the_years(documentalist, candidate) -> None:
    with pytest.raises(ValidationError) as raised:
        update_candidate(
            actor=documentalist,
            candidate=candidate,
            publics=["pas_un_code"],
            start_year=2015,
            end_year=2010,
        )
    assert set(raised.value.message_dict) == {"publics", "end_year"}

    updated = update_candidate(
        actor=documentalist, candidate=candidate, title="  Jardin partagé  ", summary="Résumé."
    )

    assert (updated.title, updated.summary) == ("Jardin partagé", "Résumé.")
    assert AuditEntry.objects.get(action="update_candidate").after["title"] == "Jardin partagé"


def test_editing_refuses_what_the_sheet_would_refuse_and_saves_nothing(
    documentalist, candidate
) -> None:
    title = candidate.title

    with pytest.raises(ValidationError) as raised:
        update_candidate(
            actor=documentalist,
            candidate=candidate,
            title="J" * 201,
            summary="Un <b>jardin</b>",
            fields={"objectives": "<script>alert(1)</script>"},
        )

    assert set(raised.value.message_dict) == {"title", "summary", "objectives"}
    assert "200 caractères" in raised.value.message_dict["title"][0]
    candidate.refresh_from_db()
    assert candidate.title == title and not AuditEntry.objects.filter(action="update_candidate")
    updated = update_candidate(
        actor=documentalist,
        candidate=candidate,
        title="J" * 200,
        fields={"objectives": "Se\x00 retrouver\r\n", "results": "  "},
    )
    assert updated.title == "J" * 200 and updated.fields == {"objectives": "Se retrouver"}


def test_a_drawn_title_too_long_for_a_sheet_is_refused_in_the_same_words_at_acceptance(
    documentalist, candidate
) -> None:
    candidate.title = "J" * 250
    candidate.save()

    with pytest.raises(ValidationError) as raised:
        accept_candidate(actor=documentalist, candidate=candidate)

    assert raised.value.message_dict["title"] == [
        "Titre : 200 caractères au plus dans une fiche (il y en a 250)."
    ]
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.PENDING and candidate.practice is None


@pytest.mark.parametrize(
    ("summary", "message"),
    [
        ("  ", "Résumé : ce texte est obligatoire dans une fiche."),
        ("R" * 1201, "Résumé : 1200 caractères au plus dans une fiche (il y en a 1201)."),
    ],
)
def test_editing_refuses_a_summary_the_sheet_would_refuse_in_its_words(
    documentalist, candidate, summary, message
) -> None:
    before = candidate.summary

    with pytest.raises(ValidationError) as raised:
        update_candidate(actor=documentalist, candidate=candidate, summary=summary)

    assert raised.value.message_dict == {"summary": [message]}
    assert text_errors({"summary": summary}) == {"summary": [message]}
    candidate.refresh_from_db()
    assert candidate.summary == before and not AuditEntry.objects.filter(action="update_candidate")


@pytest.mark.parametrize(
    ("summary", "message"),
    [
        ("", "Résumé : ce texte est obligatoire dans une fiche."),
        ("R" * 5000, "Résumé : 1200 caractères au plus dans une fiche (il y en a 5000)."),
    ],
)
def test_a_drawn_summary_the_sheet_would_refuse_is_refused_at_acceptance_in_the_same_words(
    documentalist, candidate, summary, message
) -> None:
    candidate.summary = summary
    candidate.save()

    with pytest.raises(ValidationError) as raised:
        accept_candidate(actor=documentalist, candidate=candidate)

    assert raised.value.message_dict == {"summary": [message]}
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.PENDING and not Practice.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("start_year", 40000, "Indiquez une année entre 1800 et 2100."),
        ("end_year", 10000, "Indiquez une année entre 1800 et 2100."),
        ("start_year", True, "Indiquez une année entre 1800 et 2100."),
        ("participants_count", 2**31, "Indiquez un nombre entier positif."),
        ("inhabitants_count", True, "Indiquez un nombre entier positif."),
        ("participants_count", -1, "Indiquez un nombre entier positif."),
    ],
)
def test_numbers_out_of_range_are_refused_and_nothing_is_saved(
    documentalist, candidate, field, value, message
) -> None:
    before = getattr(candidate, field)

    with pytest.raises(ValidationError) as raised:
        update_candidate(actor=documentalist, candidate=candidate, **{field: value})

    assert raised.value.message_dict == {field: [message]}
    candidate.refresh_from_db()
    assert getattr(candidate, field) == before


def test_merging_fills_the_empty_fields_and_unions_the_territories(
    documentalist, candidate
) -> None:
    geography = small_geography()
    candidate.summary = ""
    candidate.save()
    candidate.territories.add(geography.arras)
    other = CandidateFactory(
        segment=SegmentFactory(document=candidate.document),
        summary="Le résumé de l'autre.",
        fields={"objectives": "Autres objectifs", "results": "Des résultats"},
        participants_count=40,
        provenance={"results": {"start_line": 9, "end_line": 9, "page": None, "why": "champ"}},
    )
    other.territories.add(geography.lille)

    kept = merge_candidates(actor=documentalist, keep=candidate, other=other)

    assert kept.summary == "Le résumé de l'autre."
    assert kept.fields["objectives"] == candidate.fields["objectives"]
    assert kept.fields["results"] == "Des résultats"
    assert kept.provenance["results"]["start_line"] == 9
    assert kept.participants_count == 40
    assert set(kept.territories.all()) == {geography.arras, geography.lille}
    other.refresh_from_db()
    assert (other.status, other.merged_into) == (CandidateStatus.MERGED, kept)
    with pytest.raises(ValidationError):
        merge_candidates(actor=documentalist, keep=candidate, other=candidate)


def test_a_professional_or_an_outsider_may_not_review(candidate) -> None:
    colleague = member(Role.PROFESSIONAL, candidate.document.organisation)
    outsider = member(Role.DOCUMENTALIST)

    for person in (colleague, outsider):
        with pytest.raises(PermissionDenied):
            accept_candidate(actor=person, candidate=candidate)
        with pytest.raises(PermissionDenied):
            reject_candidate(actor=person, candidate=candidate, note="")
        with pytest.raises(PermissionDenied):
            update_candidate(actor=person, candidate=candidate, title="Autre")

    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.PENDING


def test_merging_library_records_moves_the_citations(documentalist) -> None:
    keep = ReferenceFactory(place="", url="")
    other = ReferenceFactory(place="Paris", url="https://www.example.org/a.pdf", year=1999)
    read = DocumentFactory(organisation=documentalist.memberships.get().organisation)
    CitationFactory(reference=keep, document=read)
    citation = CitationFactory(reference=other, document=read)
    older = ReferenceFactory(merged_into=other)
    with pytest.raises(PermissionDenied):  # a record the documentalist reads no citation of
        merge_references(actor=documentalist, keep=keep, other=ReferenceFactory())

    kept = merge_references(actor=documentalist, keep=keep, other=other)

    assert (kept.place, kept.url, kept.year) == ("Paris", "https://www.example.org/a.pdf", 2010)
    assert Citation.objects.get(pk=citation.pk).reference == kept
    other.refresh_from_db()
    older.refresh_from_db()
    assert other.merged_into == kept and older.merged_into == kept
    with pytest.raises(ValidationError):
        merge_references(actor=documentalist, keep=keep, other=other)
    with pytest.raises(PermissionDenied):
        merge_references(actor=member(Role.COORDINATOR), keep=keep, other=ReferenceFactory())
