"""Uploads read in the background: the bad inputs of the issue in one batch, each with its error,
the good files imported, nothing stored before changed; the saved files private and deleted; the
same task through the database queue and its worker."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.core.management import call_command
from django.test import override_settings

from maillage.ingestion import operations
from maillage.ingestion.extraction import ExtractionContext
from maillage.ingestion.models import (
    CandidatePractice,
    Document,
    DocumentType,
    ImportBatch,
    Reference,
)
from maillage.ingestion.operations import enqueue_import, upload_directory
from maillage.organisations.models import Role
from tests.ingestion.builders import (
    docx_bytes,
    image_only_pdf_bytes,
    zip_bomb_docx_bytes,
)
from tests.ingestion.factories import CandidateFactory, ReferenceFactory
from tests.organisations.factories import member
from tests.territories.factories import small_geography

GOOD_TEXT = "Les actions collectives\n\nExemple : à Arras, des parents se réunissent.\n".encode()


@pytest.fixture(autouse=True)
def _private_data_dir(settings, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


def _huge_upload(megabytes: int) -> TemporaryUploadedFile:
    upload = TemporaryUploadedFile("gros.txt", "text/plain", megabytes << 20, "utf-8")
    upload.truncate(megabytes << 20)  # sparse: no 200 MB in memory
    upload.seek(0)
    return upload


@pytest.mark.django_db
def test_the_bad_inputs_of_a_batch_each_get_their_error_and_the_good_files_are_imported(
    django_capture_on_commit_callbacks,
) -> None:
    documentalist = member(Role.DOCUMENTALIST)
    kept_candidate = CandidateFactory(title="Une proposition déjà là")
    kept_reference = ReferenceFactory()
    stored_before = (Document.objects.count(), CandidatePractice.objects.count())
    files = [
        SimpleUploadedFile("vide.txt", b""),
        SimpleUploadedFile("abime.docx", b"PK\x03\x04 pas un vrai document"),
        SimpleUploadedFile("../../etc/bombe.docx", zip_bomb_docx_bytes()),
        _huge_upload(200),
        SimpleUploadedFile("scan.pdf", image_only_pdf_bytes()),
        SimpleUploadedFile("binaire.txt", bytes(range(256)) * 64),
        SimpleUploadedFile("actions.txt", GOOD_TEXT),
        SimpleUploadedFile(
            "repertoire.docx",
            docx_bytes([("h1", "Répertoire"), ("p", "Exemple : un jardin partagé à Lille.")]),
        ),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        batch = enqueue_import(actor=documentalist, organisation=None, files=files)

    batch.refresh_from_db()
    assert (batch.files_total, batch.files_done) == (8, 8)
    assert batch.finished_at is not None
    errors = {result["file_name"]: result["error"] for result in batch.results}
    assert errors["bombe.docx"]  # the folders a sender put in the name are dropped
    assert all(errors[name] for name in ("vide.txt", "abime.docx", "gros.txt", "scan.pdf"))
    assert errors["binaire.txt"]
    assert "vide" in errors["vide.txt"] and "50 Mo" in errors["gros.txt"]
    assert len(set(errors.values()) - {""}) == 6  # each its own reason
    imported = [r for r in batch.results if r["document"]]
    assert [r["file_name"] for r in imported] == ["actions.txt", "repertoire.docx"]
    assert Document.objects.count() == stored_before[0] + 2
    for result in imported:
        document = Document.objects.get(pk=result["document"])
        assert document.imported_by == documentalist
        assert result["candidates"] == document.candidates.count()
    kept_candidate.refresh_from_db()
    assert kept_candidate.title == "Une proposition déjà là"
    assert Reference.objects.get(pk=kept_reference.pk).title == kept_reference.title
    assert not upload_directory(batch.pk).exists()


@pytest.mark.django_db
def test_saved_uploads_are_private_and_named_by_position(monkeypatch, tmp_path: Path) -> None:
    documentalist = member(Role.DOCUMENTALIST)
    # Queue nothing: look at the files as the worker will find them.
    monkeypatch.setattr(operations.transaction, "on_commit", lambda callback: None)

    batch = enqueue_import(
        actor=documentalist,
        organisation=None,
        files=[SimpleUploadedFile("../secret.txt", b"un"), SimpleUploadedFile("b.txt", b"deux")],
    )

    directory = upload_directory(batch.pk)
    assert directory.parent == tmp_path / "ingestion"
    assert sorted(p.name for p in directory.iterdir()) == ["0", "1"]
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE((directory / "0").stat().st_mode) == 0o600
    assert (directory / "1").read_bytes() == b"deux"
    assert [r["file_name"] for r in batch.results] == ["secret.txt", "b.txt"]


@pytest.mark.django_db
def test_the_type_chosen_for_a_batch_is_given_to_each_of_its_documents(
    django_capture_on_commit_callbacks,
) -> None:
    documentalist = member(Role.DOCUMENTALIST)
    files = [
        SimpleUploadedFile("actions.txt", GOOD_TEXT),
        SimpleUploadedFile("autres.txt", b"Un autre compte rendu d'action."),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        batch = enqueue_import(
            actor=documentalist,
            organisation=None,
            files=files,
            document_type=DocumentType.ACTIVITY_REPORT,
        )

    batch.refresh_from_db()
    assert batch.document_type == DocumentType.ACTIVITY_REPORT
    documents = Document.objects.filter(pk__in=[r["document"] for r in batch.results])
    assert [d.document_type for d in documents] == [DocumentType.ACTIVITY_REPORT] * 2


@pytest.mark.django_db
def test_a_batch_without_a_type_imports_other_documents_and_an_unknown_type_is_refused(
    django_capture_on_commit_callbacks,
) -> None:
    documentalist = member(Role.DOCUMENTALIST)
    with pytest.raises(ValidationError) as raised:
        enqueue_import(
            actor=documentalist,
            organisation=None,
            files=[SimpleUploadedFile("a.txt", GOOD_TEXT)],
            document_type="roman",
        )
    assert raised.value.message_dict == {"document_type": ["Type de document inconnu."]}
    assert not ImportBatch.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        batch = enqueue_import(
            actor=documentalist, organisation=None, files=[SimpleUploadedFile("a.txt", GOOD_TEXT)]
        )

    batch.refresh_from_db()
    assert batch.document_type == ""
    assert Document.objects.get().document_type == DocumentType.OTHER


@pytest.mark.django_db
def test_a_batch_sees_the_territories_loaded_after_the_worker_started(
    django_capture_on_commit_callbacks,
) -> None:
    ExtractionContext.load(refresh=True)  # the worker started on an empty database
    places = small_geography()

    with django_capture_on_commit_callbacks(execute=True):
        batch = enqueue_import(
            actor=member(Role.DOCUMENTALIST),
            organisation=None,
            files=[SimpleUploadedFile("actions.txt", GOOD_TEXT)],
        )

    batch.refresh_from_db()
    candidate = CandidatePractice.objects.get(document=batch.results[0]["document"])
    assert places.arras in candidate.territories.all()


@pytest.mark.django_db
def test_a_professional_may_not_upload() -> None:
    with pytest.raises(PermissionDenied):
        enqueue_import(
            actor=member(Role.PROFESSIONAL),
            organisation=None,
            files=[SimpleUploadedFile("a.txt", GOOD_TEXT)],
        )
    assert ImportBatch.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_and_its_worker_run_the_batch() -> None:
    documentalist = member(Role.DOCUMENTALIST)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        batch = enqueue_import(
            actor=documentalist,
            organisation=None,
            files=[SimpleUploadedFile("actions.txt", GOOD_TEXT), SimpleUploadedFile("v.txt", b"")],
        )
        batch.refresh_from_db()
        assert batch.files_done == 0  # queued, not run

        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    batch.refresh_from_db()
    assert batch.files_done == 2 and batch.finished_at is not None
    assert batch.results[0]["document"] and batch.results[1]["error"]
