"""Imported documents and what is drawn from them, written straight to the database for tests of
the pages and the API (the import itself is tested through `maillage.ingestion.operations`).

    document = DocumentFactory(imported_by=documentalist, organisation=organisation)
    candidate = CandidateFactory(document=document)        # its passage is made on the document
    reference = ReferenceFactory(title="Le développement social local")
"""

from __future__ import annotations

import factory

from maillage.ingestion.models import (
    CandidatePractice,
    Citation,
    Document,
    DocumentType,
    Reference,
    Segment,
    SegmentKind,
)

FICHE_LINES = [
    "Jardin partagé du quartier Saint-Caprais",
    "Objectifs",
    "Rompre l'isolement des habitants et créer du lien entre générations.",
    "Porteurs et partenaires",
    "Le centre social, la CAF et la mairie.",
    "Description",
    "Des habitants cultivent ensemble une parcelle au pied des immeubles depuis 2012.",
]


class DocumentFactory(factory.django.DjangoModelFactory):
    """A document read without error: the seven lines of a short « fiche action »."""

    class Meta:
        model = Document

    title = factory.Sequence(lambda n: f"Répertoire des actions collectives n° {n}")
    authors = "Conseil départemental du Gers"
    year = 2015
    document_type = DocumentType.REPERTOIRE
    file_name = factory.Sequence(lambda n: f"repertoire-{n}.docx")
    file_format = "docx"
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    size = 12_345
    text = "\n".join(FICHE_LINES)
    lines = len(FICHE_LINES)


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    document = factory.SubFactory(DocumentFactory)
    kind = SegmentKind.FICHE
    start_line = 1
    end_line = len(FICHE_LINES)
    heading = "Partie 2 › Les actions collectives"
    text = "\n".join(FICHE_LINES)


class CandidateFactory(factory.django.DjangoModelFactory):
    """A pending candidate drawn from a fiche, each field with its provenance."""

    class Meta:
        model = CandidatePractice

    segment = factory.SubFactory(SegmentFactory)
    document = factory.SelfAttribute("segment.document")
    title = factory.Sequence(lambda n: f"Jardin partagé n° {n}")
    summary = "Des habitants cultivent ensemble une parcelle au pied des immeubles."
    fields = factory.LazyFunction(
        lambda: {
            "objectives": FICHE_LINES[2],
            "carriers_and_partners": FICHE_LINES[4],
            "description": FICHE_LINES[6],
        }
    )
    isic_forms = factory.LazyFunction(lambda: ["travail_social_communautaire"])
    organisations = factory.LazyFunction(lambda: [{"name": "CAF", "kind": "caf"}])
    start_year = 2012
    provenance = factory.LazyFunction(
        lambda: {
            "title": {"start_line": 1, "end_line": 1, "page": None, "why": "titre de la fiche"},
            "objectives": {
                "start_line": 3,
                "end_line": 3,
                "page": None,
                "why": "champ titré « Objectifs »",
            },
            "carriers_and_partners": {
                "start_line": 5,
                "end_line": 5,
                "page": None,
                "why": "champ titré « Porteurs et partenaires »",
            },
            "description": {
                "start_line": 7,
                "end_line": 7,
                "page": None,
                "why": "champ titré « Description »",
            },
            "start_year": {"start_line": 7, "end_line": 7, "page": None, "why": "« depuis 2012 »"},
        }
    )


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    key = factory.Sequence(lambda n: f"reference {n}")
    authors = "Conseil supérieur du travail social"
    title = factory.Sequence(lambda n: f"Guide de l'action sociale n° {n}")
    year = 2010
    date_text = "2010"
    document_type = DocumentType.REPORT


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    reference = factory.SubFactory(ReferenceFactory)
    document = factory.SubFactory(DocumentFactory)
    raw_text = factory.LazyAttribute(lambda o: f"{o.reference.authors}, {o.reference.title}")
    start_line = 2
    end_line = 2
