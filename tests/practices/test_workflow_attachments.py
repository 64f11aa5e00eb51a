"""Attachments: PDF and images only, recognised by their content, within the size limit, served
only to those who may read the sheet."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.organisations.models import Role
from maillage.practices import operations
from maillage.practices.models import PracticeAttachment
from tests.organisations.factories import member
from tests.practices.factories import PracticeFactory, published_practice

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def stored_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.fixture
def practice():
    author = member(Role.PROFESSIONAL)
    return PracticeFactory(author=author, organisation=author.memberships.first().organisation)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_a_pdf_is_stored_with_its_type_size_and_a_safe_name(practice, settings):
    attachment = operations.add_attachment(
        actor=practice.author,
        practice=practice,
        uploaded_file=upload("../../Compte rendu <final>.PDF", PDF),
        title="Compte rendu",
    )
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert attachment.file.name == f"practices/{practice.pk}/Compte_rendu_final.pdf"
    assert stored_files(settings) == [attachment.file.name]


def test_an_image_is_accepted(practice):
    attachment = operations.add_attachment(
        actor=practice.author, practice=practice, uploaded_file=upload("photo.png", PNG), title=""
    )
    assert (attachment.content_type, attachment.title) == ("image/png", "photo.png")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("programme.pdf", EXE),  # a program renamed .pdf
        ("programme.exe", EXE),
        ("photo.pdf", PNG),  # an image that claims to be a PDF
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("image.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>"),
    ],
)
def test_a_wrong_type_is_refused_by_content_and_nothing_is_stored(
    practice, settings, name, content
):
    with pytest.raises(ValidationError) as refused:
        operations.add_attachment(
            actor=practice.author, practice=practice, uploaded_file=upload(name, content), title="x"
        )
    assert "Seuls les documents PDF et les images PNG, JPEG ou WebP" in refused.value.messages[0]
    assert not PracticeAttachment.objects.exists()
    assert stored_files(settings) == []


def test_an_oversized_file_is_refused(practice, settings):
    settings.MAILLAGE_MAX_ATTACHMENT_BYTES = 1000
    with pytest.raises(ValidationError) as refused:
        operations.add_attachment(
            actor=practice.author,
            practice=practice,
            uploaded_file=upload("gros.pdf", PDF + b"0" * 1000),
            title="Gros",
        )
    assert "la limite est de 1000" in refused.value.messages[0]
    assert not PracticeAttachment.objects.exists()
    assert stored_files(settings) == []


def test_only_editors_add_attachments(practice, settings):
    with pytest.raises(PermissionDenied):
        operations.add_attachment(
            actor=member(Role.PROFESSIONAL),
            practice=practice,
            uploaded_file=upload("a.pdf", PDF),
            title="a",
        )
    assert stored_files(settings) == []


def test_remove_deletes_the_record_and_the_file(
    practice, settings, django_capture_on_commit_callbacks
):
    attachment = operations.add_attachment(
        actor=practice.author, practice=practice, uploaded_file=upload("a.pdf", PDF), title="a"
    )
    with django_capture_on_commit_callbacks(execute=True):
        operations.remove_attachment(actor=practice.author, attachment=attachment)
    assert not PracticeAttachment.objects.exists()
    assert stored_files(settings) == []


def test_an_attachment_of_a_draft_is_not_served_to_others(client, practice):
    attachment = operations.add_attachment(
        actor=practice.author, practice=practice, uploaded_file=upload("a.pdf", PDF), title="a"
    )
    url = f"/pratiques/{practice.pk}/pieces-jointes/{attachment.pk}/"
    assert client.get(url).status_code == 404
    client.force_login(member(Role.PROFESSIONAL))
    assert client.get(url).status_code == 404
    client.force_login(practice.author)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_an_attachment_of_a_published_sheet_is_public(client):
    practice = published_practice()
    attachment = operations.add_attachment(
        actor=practice.author, practice=practice, uploaded_file=upload("p.png", PNG), title="p"
    )
    response = client.get(f"/pratiques/{practice.pk}/pieces-jointes/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_upload_through_the_edit_page_shows_the_refusal(client, practice):
    client.force_login(practice.author)
    response = client.post(
        f"/pratiques/{practice.pk}/pieces-jointes/",
        {"file": upload("virus.pdf", EXE), "title": "Virus"},
        follow=True,
    )
    assert "Seuls les documents PDF" in response.content.decode()
    assert not PracticeAttachment.objects.exists()
    response = client.post(
        f"/pratiques/{practice.pk}/pieces-jointes/",
        {"file": upload("cr.pdf", PDF), "title": "Compte rendu"},
        follow=True,
    )
    assert "La pièce jointe est ajoutée." in response.content.decode()
    assert PracticeAttachment.objects.get().title == "Compte rendu"
