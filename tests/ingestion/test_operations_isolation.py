"""One organisation's imports stay its own: the same file imported by another gets its own
document, a candidate is compared only with its owner's, only the documentalists and
coordinators of the document's organisation (or its importer, or a national administrator) review
it, a library record and its citations are shown only to those who read a citing document; and
the upload limits, the cleanup of a failed upload and a reference key created meanwhile."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.ingestion import operations
from maillage.ingestion.models import CandidatePractice, CandidateStatus, Document, Reference
from maillage.organisations.models import Membership, Role
from tests.ingestion.factories import CandidateFactory, CitationFactory, DocumentFactory
from tests.ingestion.stub_analysis import NO_CONTEXT, draft, reference, stub_analysis, text
from tests.organisations.factories import member

pytestmark = pytest.mark.django_db

DATA = text(
    "Titre",
    "Exemple : le jardin partagé de Saint-Caprais des familles",
    "Des habitants cultivent.",
    "Bibliographie",
    "Note interne : entretien avec Mme Dupont, allocataire RSA, 2014.",
)
GARDEN = "Jardin partagé de Saint-Caprais des familles"
PRIVATE_NOTE = "Note interne : entretien avec Mme Dupont, allocataire RSA"


@pytest.fixture(autouse=True)
def _private_data_dir(settings, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


def _documentalist():
    user = member(Role.DOCUMENTALIST)
    return user, user.memberships.get().organisation


def _import(user, organisation, data=DATA, **values) -> Document:
    return operations.import_document(
        actor=user,
        data=data,
        file_name="note.txt",
        organisation=organisation,
        context=NO_CONTEXT,
        **values,
    )


def test_the_same_file_is_one_document_per_organisation(monkeypatch) -> None:
    stub_analysis(monkeypatch, drafts=[draft(GARDEN, 2, 3)])
    a, org_a = _documentalist()
    b, org_b = _documentalist()
    mine = _import(a, org_a, title="Note confidentielle A")

    assert _import(a, org_a).pk == mine.pk  # recognised within the organisation
    theirs = _import(b, org_b)

    assert theirs.pk != mine.pk and theirs.title != "Note confidentielle A"
    assert theirs.organisation == org_b and theirs.candidates.count() == 1


def test_someone_elses_private_import_is_neither_returned_nor_doubled(monkeypatch) -> None:
    stub_analysis(monkeypatch)
    a, _org = _documentalist()
    b, _org = _documentalist()
    _import(a, None)

    with pytest.raises(ValidationError, match="votre organisation"):
        _import(b, None)
    assert Document.objects.count() == 1


def test_a_batch_page_shows_no_title_of_a_document_the_viewer_cannot_read(client) -> None:
    a, _org = _documentalist()
    hidden = DocumentFactory(title="Note confidentielle A")
    batch = operations.ImportBatch.objects.create(
        created_by=a,
        files_total=1,
        files_done=1,
        results=[{"file_name": "x.txt", "document": hidden.pk, "error": "", "candidates": 1}],
    )
    client.force_login(a)

    page = client.get(f"/documents/lots/{batch.pk}/").content.decode()

    assert "Note confidentielle A" not in page and hidden.get_absolute_url() not in page


def test_a_documentalist_elsewhere_does_not_review_an_organisation_where_they_are_a_member() -> (
    None
):
    _a, org_a = _documentalist()
    candidate = CandidateFactory(segment__document__organisation=org_a)
    outsider = member(Role.DOCUMENTALIST)
    Membership.objects.create(user=outsider, organisation=org_a, role=Role.PROFESSIONAL)

    with pytest.raises(PermissionDenied):
        operations.reject_candidate(actor=outsider, candidate=candidate, note="non")
    with pytest.raises(PermissionDenied):
        operations.update_candidate(actor=outsider, candidate=candidate, title="Autre")
    with pytest.raises(PermissionDenied):
        operations.update_document(actor=outsider, document=candidate.document, title="Autre")
    assert CandidatePractice.objects.get(pk=candidate.pk).status == CandidateStatus.PENDING
    assert Document.objects.get(pk=candidate.document_id).title != "Autre"


def test_the_organisations_coordinator_and_the_importer_review() -> None:
    coordinator = member(Role.COORDINATOR)
    organisation = coordinator.memberships.get().organisation
    importer = member(Role.DOCUMENTALIST)
    own = CandidateFactory(segment__document__organisation=organisation)
    imported = CandidateFactory(segment__document__imported_by=importer)

    operations.reject_candidate(actor=coordinator, candidate=own, note="hors sujet")
    operations.update_candidate(actor=importer, candidate=imported, title="Jardin corrigé")

    assert CandidatePractice.objects.get(pk=own.pk).status == CandidateStatus.REJECTED
    assert CandidatePractice.objects.get(pk=imported.pk).title == "Jardin corrigé"


def test_a_candidate_is_not_flagged_as_duplicate_of_another_organisations(
    monkeypatch, client
) -> None:
    stub_analysis(monkeypatch, drafts=[draft(GARDEN, 2, 3)])
    a, org_a = _documentalist()
    b, org_b = _documentalist()
    _import(a, org_a)
    again = _import(a, org_a, data=DATA + b"\nsuite").candidates.get()
    theirs = _import(b, org_b, data=DATA + b"\nautre").candidates.get()

    assert again.status == CandidateStatus.DUPLICATE  # within A, still found
    assert theirs.status == CandidateStatus.PENDING and theirs.similar_candidate is None


def test_a_similar_candidate_the_viewer_cannot_read_is_not_shown(client) -> None:
    b, org_b = _documentalist()
    hidden = CandidateFactory(title="Jardin secret de A")
    theirs = CandidateFactory(segment__document__organisation=org_b, similar_candidate=hidden)
    client.force_login(b)

    page = client.get(theirs.get_absolute_url()).content.decode()

    assert "Jardin secret de A" not in page and hidden.get_absolute_url() not in page


def test_a_citation_of_a_private_document_is_shown_only_to_its_readers(monkeypatch, client) -> None:
    stub_analysis(monkeypatch, references=[reference(PRIVATE_NOTE, 5)])
    a, org_a = _documentalist()
    _import(a, org_a)
    record = Reference.objects.get()
    public = CitationFactory(document__organisation=None).reference

    assert client.get(record.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/ingestion/references/{record.pk}").status_code == 401
    assert PRIVATE_NOTE not in client.get("/documents/bibliotheque/").content.decode()
    assert client.get(public.get_absolute_url()).status_code == 404  # nobody reads it
    client.force_login(_documentalist()[0])
    assert client.get(f"/api/v1/ingestion/references/{record.pk}").status_code == 404
    listed = client.get("/api/v1/ingestion/references").json()
    assert [item["id"] for item in listed["items"]] == []

    client.force_login(a)
    assert "Mme Dupont" in client.get(record.get_absolute_url()).content.decode()
    detail = client.get(f"/api/v1/ingestion/references/{record.pk}").json()
    assert [c["raw_text"] for c in detail["cited_in"]] == [f", {PRIVATE_NOTE}"]


def test_an_empty_or_too_large_upload_is_never_saved_and_the_others_are_read(
    monkeypatch, django_capture_on_commit_callbacks
) -> None:
    stub_analysis(monkeypatch)
    monkeypatch.setattr(operations, "MAX_FILE_BYTES", 20)
    a, _org = _documentalist()
    saved: list[str] = []
    original = operations._save
    monkeypatch.setattr(
        operations,
        "_save",
        lambda upload, path: (saved.append(upload.name), original(upload, path)),
    )
    files = [
        SimpleUploadedFile("vide.txt", b""),
        SimpleUploadedFile("gros.txt", b"x" * 21),
        SimpleUploadedFile("bon.txt", b"Exemple : un jardin."),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        batch = operations.enqueue_import(actor=a, organisation=None, files=files)

    batch.refresh_from_db()
    assert saved == ["bon.txt"]
    errors = [result["error"] for result in batch.results]
    assert "vide" in errors[0] and "Mo" in errors[1] and errors[2] == ""
    assert batch.results[2]["document"] is not None and batch.files_done == 3


def test_a_failed_upload_leaves_no_file_behind(monkeypatch) -> None:
    a, _org = _documentalist()

    def fail(*args, **kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr(operations.audit, "record", fail)
    with pytest.raises(OSError):
        operations.enqueue_import(
            actor=a, organisation=None, files=[SimpleUploadedFile("a.txt", b"texte")]
        )

    root = operations.upload_directory(1).parent
    assert not root.exists() or not any(root.iterdir())


def test_a_reference_key_created_meanwhile_by_another_import_is_reused(monkeypatch) -> None:
    stub_analysis(monkeypatch, references=[reference("Guide du travail collectif", 5)])
    a, org_a = _documentalist()
    values = operations._reference_values

    def racing(found):
        # Another worker stores the same record between our lookup and our insert.
        key = found.key or operations.reference_key(found.authors, found.title or found.raw_text)
        Reference.objects.get_or_create(key=key[:300], defaults={"title": found.title})
        return values(found)

    monkeypatch.setattr(operations, "_reference_values", racing)
    document = _import(a, org_a)

    assert Reference.objects.count() == 1
    assert document.citations.get().reference == Reference.objects.get()
