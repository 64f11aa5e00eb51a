"""The document pages: the list with the upload form, the progress of an upload, one document."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils.html import escape

from maillage.ingestion import access, forms, operations
from maillage.ingestion.models import CandidateStatus, DocumentType, ImportBatch
from maillage.organisations.models import AuditEntry, Membership, Role
from tests.ingestion.factories import CandidateFactory, CitationFactory, DocumentFactory
from tests.organisations.factories import OrganisationFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


@pytest.fixture
def organisation():
    return OrganisationFactory(name="CCAS de Lens")


@pytest.fixture
def documentalist(organisation):
    return member(Role.DOCUMENTALIST, organisation)


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_list_shows_the_documents_one_reads_with_their_counts(
    client, documentalist, organisation, django_assert_max_num_queries
):
    mine = DocumentFactory(title="Répertoire du Pas-de-Calais", organisation=organisation)
    CandidateFactory(segment__document=mine)
    CandidateFactory(segment__document=mine, status=CandidateStatus.ACCEPTED)
    CandidateFactory(segment__document=mine, status=CandidateStatus.DUPLICATE)
    DocumentFactory(title="Note interne d'un autre CCAS", organisation=OrganisationFactory())
    for _ in range(5):
        DocumentFactory(organisation=organisation)
    client.force_login(documentalist)

    with django_assert_max_num_queries(8):
        html = page(client.get("/documents/"))

    assert "Répertoire du Pas-de-Calais" in html
    assert "Note interne d'un autre CCAS" not in html
    assert f'?document={mine.pk}">2</a>' in html  # pending and probable duplicate
    assert "50 Mo au plus" in html
    assert 'name="files"' in html and "multiple" in html
    assert 'name="document_type"' in html and "Non précisé (« Autre document »)" in html


def test_people_who_do_not_import_see_no_upload_form_and_may_not_post(client, organisation):
    professional = member(Role.PROFESSIONAL, organisation)
    DocumentFactory(title="Rapport partagé", organisation=organisation)
    client.force_login(professional)

    html = page(client.get("/documents/"))
    assert "Rapport partagé" in html
    assert 'name="files"' not in html

    upload = SimpleUploadedFile("note.txt", b"Fiche action")
    response = client.post("/documents/", {"files": [upload]})
    assert response.status_code == 403
    assert "documentalistes" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    assert client.get("/documents/").status_code == 302


def test_an_upload_of_several_files_queues_one_batch_and_shows_its_progress(
    client, documentalist, organisation, django_capture_on_commit_callbacks
):
    client.force_login(documentalist)
    files = [
        SimpleUploadedFile("fiches.txt", b"Objectifs\nRompre l'isolement"),
        SimpleUploadedFile("rapport.md", b"# Rapport"),
    ]
    # The reading task is queued once the upload is stored; here it does not run.
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            "/documents/",
            {"files": files, "organisation": organisation.pk, "document_type": "repertoire"},
            follow=True,
        )

    batch = ImportBatch.objects.get()
    assert response.redirect_chain[-1][0] == f"/documents/lots/{batch.pk}/"
    assert batch.files_total == 2 and batch.organisation == organisation
    assert batch.document_type == DocumentType.REPERTOIRE
    html = page(response)
    assert 'hx-trigger="every 2s"' in html
    assert 'aria-live="polite"' in html
    assert "Actualiser" in html
    assert "fiches.txt" in html and "rapport.md" in html


def test_an_upload_without_file_says_so(client, documentalist):
    client.force_login(documentalist)
    html = page(client.post("/documents/", {}))
    assert "Choisissez au moins un fichier." in html
    assert not ImportBatch.objects.exists()


def test_a_finished_batch_stops_polling_and_shows_each_result(client, documentalist):
    document = DocumentFactory(title="Actes de la journée d'étude", imported_by=documentalist)
    batch = ImportBatch.objects.create(
        created_by=documentalist,
        files_total=2,
        files_done=2,
        finished_at="2026-01-01T10:00:00Z",
        results=[
            {"file_name": "actes.docx", "document": document.pk, "error": "", "candidates": 3},
            {
                "file_name": "scan.pdf",
                "document": None,
                "error": "Ce PDF n'a pas de texte : il faut d'abord le passer à l'OCR.",
                "candidates": 0,
            },
        ],
    )
    client.force_login(documentalist)

    html = page(client.get(f"/documents/lots/{batch.pk}/"))

    assert "hx-trigger" not in html
    assert "Import terminé" in html
    assert f'href="/documents/{document.pk}/">Actes de la journée d&#x27;étude</a>' in html
    assert "3 propositions de fiches" in html
    assert "il faut d&#x27;abord le passer à l&#x27;OCR" in html

    fragment = page(client.get(f"/documents/lots/{batch.pk}/", headers={"HX-Request": "true"}))
    assert fragment.startswith('<div id="batch-progress"')


def test_someone_else_s_batch_is_a_404(client, documentalist):
    batch = ImportBatch.objects.create(created_by=member(Role.DOCUMENTALIST), files_total=1)
    client.force_login(documentalist)
    assert client.get(f"/documents/lots/{batch.pk}/").status_code == 404


def test_a_document_shows_its_metadata_passages_candidates_and_references(
    client, documentalist, organisation
):
    candidate = CandidateFactory(
        title="Jardin de Saint-Caprais", segment__document__organisation=organisation
    )
    document = candidate.document
    CitationFactory(document=document, reference__title="Le développement social local")
    client.force_login(documentalist)

    html = page(client.get(f"/documents/{document.pk}/"))

    assert document.title in html
    assert document.sha256 in html
    assert "7 lignes" in html
    assert "Fiche action (champs titrés)" in html
    assert f'href="/documents/propositions/{candidate.pk}/">Jardin de Saint-Caprais</a>' in html
    assert "Le développement social local" in html
    assert "Corriger les informations du document" in html
    assert f'name="title" value="{document.title}"' in html
    assert '<option value="repertoire" selected>' in html


def test_a_document_one_does_not_read_is_a_404(client, documentalist):
    hidden = DocumentFactory(organisation=OrganisationFactory())
    client.force_login(documentalist)
    assert client.get(f"/documents/{hidden.pk}/").status_code == 404
    assert client.get("/documents/999999/").status_code == 404


def test_a_documentalist_corrects_the_details_of_a_document(client, documentalist, organisation):
    document = DocumentFactory(title="rapport-v3", organisation=organisation, year=2014)
    client.force_login(documentalist)

    response = client.post(
        f"/documents/{document.pk}/",
        {
            "title": "Rapport sur le développement social",
            "authors": "CSTS",
            "date": "2015-03-12",
            "year": "",
            "document_type": "report",
        },
        follow=True,
    )

    html = page(response)
    assert response.redirect_chain[-1][0] == f"/documents/{document.pk}/"
    assert "Les informations du document sont enregistrées." in html
    document.refresh_from_db()
    assert (document.title, document.authors) == ("Rapport sur le développement social", "CSTS")
    assert (document.date, document.year) == (datetime.date(2015, 3, 12), 2015)
    assert document.document_type == DocumentType.REPORT
    assert AuditEntry.objects.filter(action="update_document", actor=documentalist).exists()


def test_a_refused_correction_says_why_beside_the_field(client, documentalist, organisation):
    document = DocumentFactory(title="rapport-v3", organisation=organisation)
    client.force_login(documentalist)

    html = page(
        client.post(
            f"/documents/{document.pk}/",
            {"title": "Rapport", "date": "2015-03-12", "year": "2010", "document_type": "report"},
        )
    )

    assert "L&#x27;année ne correspond pas à la date." in html
    assert 'id="id_year"' in html and 'aria-invalid="true"' in html
    document.refresh_from_db()
    assert document.title == "rapport-v3"


def test_who_reads_a_document_without_importing_sees_no_form_and_may_not_post(client, organisation):
    document = DocumentFactory(title="Rapport partagé", organisation=organisation)
    client.force_login(member(Role.PROFESSIONAL, organisation))

    assert 'name="title"' not in page(client.get(f"/documents/{document.pk}/"))
    response = client.post(
        f"/documents/{document.pk}/", {"title": "Autre", "document_type": "report"}
    )
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.title == "Rapport partagé"


def test_a_documentalist_elsewhere_reading_as_a_member_sees_no_form(client, organisation):
    document = DocumentFactory(title="Rapport partagé", organisation=organisation)
    outsider = member(Role.DOCUMENTALIST)  # imports for another organisation
    Membership.objects.create(user=outsider, organisation=organisation, role=Role.PROFESSIONAL)
    client.force_login(outsider)

    assert 'name="title"' not in page(client.get(f"/documents/{document.pk}/"))


def test_a_documentalist_elsewhere_posting_a_correction_is_told_who_may(client, organisation):
    document = DocumentFactory(title="Rapport partagé", organisation=organisation)
    outsider = member(Role.DOCUMENTALIST)  # imports for another organisation
    Membership.objects.create(user=outsider, organisation=organisation, role=Role.PROFESSIONAL)
    client.force_login(outsider)

    response = client.post(
        f"/documents/{document.pk}/", {"title": "Autre", "document_type": "report"}
    )

    assert response.status_code == 403
    assert escape(str(access.EDIT_DOCUMENT_REFUSAL)) in response.content.decode()
    assert "de l&#x27;organisation du document" in response.content.decode()
    with pytest.raises(PermissionDenied) as refused:
        operations.update_document(actor=outsider, document=document, title="Autre")
    assert str(refused.value) == str(access.EDIT_DOCUMENT_REFUSAL)
    document.refresh_from_db()
    assert document.title == "Rapport partagé"


def test_the_upload_help_gives_the_reader_s_size_limit(monkeypatch):
    monkeypatch.setattr(forms, "MAX_FILE_MEGABYTES", 7)

    help_text = str(forms.UploadForm.base_fields["files"].help_text)

    assert "de 7 Mo au plus chacun" in help_text


def test_an_anonymous_visitor_reads_no_batch_without_asking_the_database(
    documentalist, django_assert_num_queries
):
    batch = ImportBatch.objects.create(created_by=documentalist, files_total=1)

    with django_assert_num_queries(0), pytest.raises(Http404):
        access.readable_batch(AnonymousUser(), batch.pk)


def test_correcting_a_document_one_does_not_read_is_a_404(client, documentalist):
    hidden = DocumentFactory(title="Note interne", organisation=OrganisationFactory())
    client.force_login(documentalist)

    response = client.post(f"/documents/{hidden.pk}/", {"title": "Pris", "document_type": "report"})

    assert response.status_code == 404
    hidden.refresh_from_db()
    assert hidden.title == "Note interne"
