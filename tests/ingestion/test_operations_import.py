"""Storing what a file yields: the document and its lines, passages, candidates with their
territories and provenance, library records merged by key, citations; the same file twice; a
file that cannot be read; who may import."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from maillage.ingestion import dedup
from maillage.ingestion.models import (
    CandidatePractice,
    CandidateStatus,
    Citation,
    Document,
    DocumentType,
    Reference,
    Segment,
)
from maillage.ingestion.operations import import_document
from maillage.ingestion.segmenting import RULES
from maillage.organisations.models import AuditEntry, Role
from tests.ingestion.builders import docx_bytes, pdf_bytes
from tests.ingestion.factories import ReferenceFactory
from tests.ingestion.stub_analysis import (
    NO_CONTEXT,
    draft,
    place,
    reference,
    stub_analysis,
    text,
)
from tests.organisations.factories import member
from tests.practices.factories import published_practice
from tests.territories.factories import small_geography

pytestmark = pytest.mark.django_db

REPORT = text(
    "Le développement social local",
    "Exemple : le jardin de Saint-Caprais",
    "Des habitants d'Arras cultivent une parcelle avec le centre social.",
    "Exemple : l'île aux parents",
    "Un lieu d'accueil des parents à Lille.",
    "Bibliographie",
    "CSTS, Le développement social local, 2010.",
    "Dhume F., Du travail social au travail ensemble, ASH, 2001.",
)


def test_a_file_is_stored_with_its_lines_passages_candidates_and_citations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    places = small_geography()
    stub_analysis(
        monkeypatch,
        drafts=[
            draft(
                "Jardin de Saint-Caprais",
                2,
                3,
                places=[place(places.arras, 3), place(places.pas_de_calais, 3)],
                isic_forms=["travail_social_communautaire"],
                start_year=2012,
            ),
            draft("L'île aux parents", 4, 5, places=[place(places.lille, 5)]),
        ],
        references=[
            reference("Le développement social local", 7, authors="CSTS", year=2010),
            reference("Du travail social au travail ensemble", 8, authors="Dhume F."),
        ],
    )
    documentalist = member(Role.DOCUMENTALIST)

    document = import_document(
        actor=documentalist, data=REPORT, file_name="dossier/rapport.txt", context=NO_CONTEXT
    )

    assert document.file_name == "rapport.txt"
    assert document.text.split("\n") == REPORT.decode().split("\n")
    assert document.lines == 8 and document.imported_by == documentalist
    assert [(s.kind, s.start_line, s.end_line) for s in document.segments.all()] == [
        ("example", 2, 3),
        ("example", 4, 5),
        ("reference", 7, 7),
        ("reference", 8, 8),
    ]
    garden, parents = document.candidates.order_by("segment__start_line")
    assert garden.status == CandidateStatus.PENDING
    assert {t.code for t in garden.territories.all()} == {places.arras.code, "62"}
    assert garden.places[0]["code"] == places.arras.code and garden.places[0]["line"] == 3
    assert garden.provenance["title"] == {
        "start_line": 2,
        "end_line": 2,
        "page": None,
        "why": "premier groupe nominal",
    }
    assert garden.start_year == 2012 and garden.isic_forms == ["travail_social_communautaire"]
    assert [t.code for t in parents.territories.all()] == [places.lille.code]
    citations = Citation.objects.filter(document=document).order_by("start_line")
    assert [(c.reference.title, c.segment.start_line) for c in citations] == [
        ("Le développement social local", 7),
        ("Du travail social au travail ensemble", 8),
    ]
    entry = AuditEntry.objects.get(action="import_document")
    assert entry.actor == documentalist and entry.after["candidates"] == 2


def test_each_candidate_keeps_the_rule_that_found_its_passage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    garden = draft("Jardin de Saint-Caprais", 2, 3)
    stub_analysis(
        monkeypatch,
        drafts=[
            replace(garden, segment=replace(garden.segment, rule="example")),
            draft("Passage d'une règle inconnue", 4, 5),
        ],
    )

    document = import_document(actor=None, data=REPORT, file_name="a.txt", context=NO_CONTEXT)

    found, unexplained = document.candidates.order_by("segment__start_line")
    assert found.provenance["passage"] == {
        "start_line": 2,
        "end_line": 3,
        "page": None,
        "why": str(RULES["example"]),
    }
    assert "passage" not in unexplained.provenance


def test_the_type_given_at_import_is_kept_and_none_given_is_other() -> None:
    typed = import_document(
        actor=None, data=REPORT, file_name="a.txt", document_type=DocumentType.PROCEEDINGS
    )
    untyped = import_document(actor=None, data=text("Un autre texte."), file_name="b.txt")

    assert typed.document_type == DocumentType.PROCEEDINGS
    assert untyped.document_type == DocumentType.OTHER
    with pytest.raises(ValidationError) as raised:
        import_document(actor=None, data=text("Encore un."), file_name="c.txt", document_type="x")
    assert raised.value.message_dict == {"document_type": ["Type de document inconnu."]}


def test_the_same_file_imported_again_is_recognised_and_nothing_is_duplicated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stub_analysis(
        monkeypatch,
        drafts=[draft("Jardin de Saint-Caprais", 2, 3)],
        references=[reference("Le développement social local", 7, authors="CSTS")],
    )
    first = import_document(actor=None, data=REPORT, file_name="a.txt", context=NO_CONTEXT)

    again = import_document(actor=None, data=REPORT, file_name="copie.txt", context=NO_CONTEXT)

    assert again == first
    assert (Document.objects.count(), Segment.objects.count()) == (1, 2)
    assert (CandidatePractice.objects.count(), Reference.objects.count()) == (1, 1)
    assert Citation.objects.count() == 1
    assert AuditEntry.objects.filter(action="import_document").count() == 1


def test_variants_of_a_source_become_one_record_whose_empty_fields_are_filled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    known = ReferenceFactory(
        key="csts le developpement social local",
        authors="CSTS",
        title="Le développement social local",
        year=2010,
        place="",
        url="",
    )
    stub_analysis(
        monkeypatch,
        references=[
            reference(
                "Le développement social local",
                7,
                authors="C.S.T.S.",
                key=known.key,
                year=2011,
                place="Paris",
            ),
            reference(
                "Le developpement social local",
                8,
                key=known.key,
                url="https://www.example.org/csts.pdf",
            ),
        ],
    )

    document = import_document(actor=None, data=REPORT, file_name="a.txt", context=NO_CONTEXT)

    known.refresh_from_db()
    assert Reference.objects.count() == 1
    # Filled fields are kept (authors, year); empty ones take what the variants say.
    assert (known.authors, known.year) == ("CSTS", 2010)
    assert (known.place, known.url) == ("Paris", "https://www.example.org/csts.pdf")
    assert list(document.citations.values_list("reference", "start_line")) == [
        (known.pk, 7),
        (known.pk, 8),
    ]


def test_references_merged_across_two_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_analysis(monkeypatch, references=[reference("Titre commun", 7, key="cle commune")])
    first = import_document(actor=None, data=REPORT, file_name="a.txt", context=NO_CONTEXT)
    stub_analysis(
        monkeypatch, references=[reference("Titre commun", 1, key="cle commune", year=2001)]
    )

    second = import_document(
        actor=None, data=text("Titre commun, 2001."), file_name="b.txt", context=NO_CONTEXT
    )

    record = Reference.objects.get()
    assert record.year == 2001
    assert {c.document for c in record.citations.all()} == {first, second}


def test_a_citation_of_a_merged_variant_goes_to_the_record_it_was_merged_into(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kept = ReferenceFactory()
    variant = ReferenceFactory(key="variante", merged_into=kept)
    stub_analysis(monkeypatch, references=[reference(variant.title, 7, key="variante")])

    document = import_document(actor=None, data=REPORT, file_name="a.txt", context=NO_CONTEXT)

    assert document.citations.get().reference == kept


def test_candidates_close_to_a_sheet_or_to_each_other_are_flagged_not_created_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sheet = published_practice(title="Le jardin partagé de Saint-Caprais")
    stub_analysis(
        monkeypatch,
        drafts=[
            draft("Jardin de Saint-Caprais", 2, 3),
            draft("L'île aux parents", 4, 5),
            draft("Ile aux Parents", 6, 6),
        ],
    )

    document = import_document(actor=None, data=REPORT, file_name="a.txt", context=NO_CONTEXT)

    garden, parents, again = document.candidates.order_by("segment__start_line")
    assert (garden.status, garden.similar_practice, garden.similarity) == (
        CandidateStatus.DUPLICATE,
        sheet,
        100.0,
    )
    assert parents.status == CandidateStatus.PENDING and parents.similar_candidate is None
    assert (again.status, again.similar_candidate) == (CandidateStatus.DUPLICATE, parents)


def test_a_candidate_already_drawn_from_another_document_is_flagged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stub_analysis(monkeypatch, drafts=[draft("Une communauté autour de bébé", 2, 3)])
    first = import_document(actor=None, data=REPORT, file_name="a.txt", context=NO_CONTEXT)
    stub_analysis(monkeypatch, drafts=[draft("Communauté autour du bébé", 1, 1)])

    second = import_document(
        actor=None, data=text("Communauté autour du bébé"), file_name="b.txt", context=NO_CONTEXT
    )

    repeated = second.candidates.get()
    assert repeated.status == CandidateStatus.DUPLICATE
    assert repeated.similar_candidate == first.candidates.get()


def test_duplicates_are_looked_for_before_the_write_transaction_opens(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stub_analysis(monkeypatch, drafts=[draft("Jardin de Saint-Caprais", 2, 3)])
    depths: list[int] = []
    for name in ("similar_practice", "similar_candidate"):
        found = getattr(dedup, name)

        def spied(*args: Any, found: Any = found, **kwargs: Any) -> Any:
            depths.append(len(connection.atomic_blocks))
            return found(*args, **kwargs)

        monkeypatch.setattr(dedup, name, spied)
    outside = len(connection.atomic_blocks)

    import_document(actor=None, data=REPORT, file_name="a.txt", context=NO_CONTEXT)

    # The test's own transaction is `outside`; the import's would be one more.
    assert depths == [outside, outside]


def test_pages_of_a_paged_document_are_kept_for_each_line() -> None:
    data = pdf_bytes(
        "<h1>Rapport sur le développement social</h1>"
        "<p>La première page décrit les actions collectives menées dans le département.</p>"
        "<p style='break-before: page'>La deuxième page présente les résultats obtenus.</p>"
    )

    document = import_document(actor=None, data=data, file_name="rapport.pdf")

    assert document.file_format == "pdf" and document.pages == 2
    assert len(document.line_pages) == document.lines and document.line_pages[-1] == 2


@pytest.mark.parametrize(
    ("data", "file_name"),
    [
        (b"", "vide.txt"),
        (b"PK\x03\x04 ceci n'est pas un docx", "abime.docx"),
        (bytes(range(256)) * 64, "binaire.txt"),
    ],
)
def test_an_unreadable_file_raises_its_french_reason_and_writes_nothing(
    data: bytes, file_name: str
) -> None:
    before = AuditEntry.objects.count()

    with pytest.raises(ValidationError) as raised:
        import_document(actor=None, data=data, file_name=file_name)

    assert raised.value.messages and all(message for message in raised.value.messages)
    assert Document.objects.count() == 0 and AuditEntry.objects.count() == before


def test_a_real_docx_goes_through_every_stage() -> None:
    data = docx_bytes(
        [
            ("h1", "Les actions collectives"),
            ("p", "Exemple : à Arras, un groupe de parents se réunit chaque semaine."),
        ],
        title="Répertoire 2015",
        author="Conseil départemental",
    )

    document = import_document(actor=None, data=data, file_name="repertoire.docx")

    assert (document.title, document.authors, document.file_format) == (
        "Répertoire 2015",
        "Conseil départemental",
        "docx",
    )
    assert "Les actions collectives" in document.text.split("\n")


def test_a_professional_may_not_import() -> None:
    professional = member(Role.PROFESSIONAL)

    with pytest.raises(PermissionDenied):
        import_document(actor=professional, data=REPORT, file_name="a.txt")

    assert Document.objects.count() == 0


def test_an_importer_imports_only_for_an_organisation_they_belong_to() -> None:
    documentalist = member(Role.DOCUMENTALIST)
    elsewhere = member(Role.DOCUMENTALIST).memberships.get().organisation

    with pytest.raises(PermissionDenied):
        import_document(actor=documentalist, data=REPORT, file_name="a.txt", organisation=elsewhere)
