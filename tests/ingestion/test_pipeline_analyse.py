"""One file through every stage in memory: a sheet per practice passage, references apart, the
file's hash, no database write; an unreadable file raises its French reason."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.ingestion.extraction import ExtractionContext
from maillage.ingestion.found import UnreadableDocument
from maillage.ingestion.pipeline import analyse
from tests.ingestion.builders import docx_bytes

pytestmark = pytest.mark.django_db

FICHE = docx_bytes(
    [
        ("h1", "Le travail social communautaire"),
        ("h2", "Jardin partagé de Saint-Caprais"),
        ("p", "Objectifs"),
        ("p", "Rompre l'isolement des habitants et créer du lien entre générations."),
        ("p", "Porteurs et partenaires"),
        ("p", "Le centre social, la CAF et la mairie."),
        ("p", "Description"),
        ("p", "Des habitants cultivent ensemble une parcelle au pied des immeubles depuis 2012."),
        ("p", "Résultats"),
        ("p", "Une trentaine de familles participent."),
        ("h1", "Bibliographie"),
        ("li", "Conseil supérieur du travail social, Le développement social local, 2010."),
    ],
    title="Répertoire",
)


def test_a_document_gives_candidate_sheets_and_references_without_writing() -> None:
    context = ExtractionContext.load()

    with CaptureQueriesContext(connection) as queries:
        analysis = analyse(FICHE, "repertoire.docx", context)

    assert not [q for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert analysis.sha256 == hashlib.sha256(FICHE).hexdigest()
    assert analysis.document.file_format == "docx"
    assert analysis.drafts, "the « fiche action » gives a candidate sheet"
    assert all(draft.segment.kind != "reference" for draft in analysis.drafts)
    assert {draft.segment for draft in analysis.drafts} <= set(analysis.segments)
    assert any("développement social local" in r.title for r in analysis.references)


def test_an_unreadable_file_raises_its_french_reason() -> None:
    with pytest.raises(UnreadableDocument) as raised:
        analyse(b"", "vide.txt", ExtractionContext.load())

    assert raised.value.message == "Le fichier est vide."
