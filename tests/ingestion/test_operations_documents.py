"""Correcting what was read from a file about the document: title, authors, date, year, type;
who may, what is refused (in French), and the audit of each change."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.ingestion.models import Document, DocumentType
from maillage.ingestion.operations import update_document
from maillage.organisations.models import AuditEntry, Role
from tests.ingestion.factories import DocumentFactory
from tests.organisations.factories import OrganisationFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def documentalist(organisation):
    return member(Role.DOCUMENTALIST, organisation)


@pytest.fixture
def document(organisation) -> Document:
    return DocumentFactory(
        title="rapport-final-v3",
        authors="",
        year=2015,
        document_type=DocumentType.OTHER,
        organisation=organisation,
    )


def test_the_details_are_corrected_and_the_change_audited(documentalist, document) -> None:
    updated = update_document(
        actor=documentalist,
        document=document,
        title="  Développement social et travail social collectif  ",
        authors="Conseil supérieur du travail social",
        date=datetime.date(2015, 3, 12),
        document_type=DocumentType.REPORT,
    )

    document.refresh_from_db()
    assert updated == document
    assert document.title == "Développement social et travail social collectif"
    assert document.authors == "Conseil supérieur du travail social"
    assert (document.date, document.year) == (datetime.date(2015, 3, 12), 2015)
    assert document.document_type == DocumentType.REPORT
    entry = AuditEntry.objects.get(action="update_document")
    assert entry.actor == documentalist and entry.object_id == str(document.pk)
    assert entry.before == {
        "title": "rapport-final-v3",
        "authors": "",
        "date": None,
        "document_type": "other",
    }
    assert entry.after == {
        "title": "Développement social et travail social collectif",
        "authors": "Conseil supérieur du travail social",
        "date": "2015-03-12",
        "document_type": "report",
    }


def test_only_the_fields_given_change(documentalist, document) -> None:
    update_document(actor=documentalist, document=document, authors="CCAS de Lens")

    document.refresh_from_db()
    assert (document.title, document.authors, document.year) == (
        "rapport-final-v3",
        "CCAS de Lens",
        2015,
    )


def test_a_new_date_gives_its_year_and_without_a_date_the_year_stands_alone(
    documentalist, document
) -> None:
    update_document(actor=documentalist, document=document, date=datetime.date(2016, 1, 5))
    document.refresh_from_db()
    assert document.year == 2016

    update_document(actor=documentalist, document=document, date=None, year=2014)
    document.refresh_from_db()
    assert (document.date, document.year) == (None, 2014)


def test_an_unchanged_document_writes_no_audit_entry(documentalist, document) -> None:
    update_document(actor=documentalist, document=document, title=document.title)

    assert not AuditEntry.objects.filter(action="update_document").exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": "   "}, "title", "Donnez un titre au document."),
        ({"title": "x" * 301}, "title", "Le titre ne dépasse pas 300 caractères."),
        ({"authors": "x" * 301}, "authors", "Les auteurs ne dépassent pas 300 caractères."),
        ({"document_type": "roman"}, "document_type", "Type de document inconnu."),
        ({"year": 215}, "year", "Indiquez une année entre 1800 et 2100."),
        (
            {"date": datetime.date(2015, 3, 12), "year": 2014},
            "year",
            "L'année ne correspond pas à la date.",
        ),
        ({"date": "12/03/2015"}, "date", "Indiquez une date valide."),
    ],
)
def test_invalid_details_are_refused_in_french_and_nothing_changes(
    documentalist, document, fields, field, message
) -> None:
    with pytest.raises(ValidationError) as raised:
        update_document(actor=documentalist, document=document, **fields)

    assert raised.value.message_dict == {field: [message]}
    document.refresh_from_db()
    assert document.title == "rapport-final-v3" and document.year == 2015
    assert not AuditEntry.objects.filter(action="update_document").exists()


def test_a_professional_or_an_importer_who_does_not_read_it_may_not_edit(
    organisation, document
) -> None:
    outsiders = [member(Role.PROFESSIONAL, organisation), member(Role.DOCUMENTALIST)]
    for actor in outsiders:
        with pytest.raises(PermissionDenied):
            update_document(actor=actor, document=document, title="Autre titre")

    document.refresh_from_db()
    assert document.title == "rapport-final-v3"


def test_unknown_fields_are_a_programming_error(documentalist, document) -> None:
    with pytest.raises(TypeError):
        update_document(actor=documentalist, document=document, sha256="0" * 64)
