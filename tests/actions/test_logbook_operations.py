"""The logbook: dated entries by those who run the action, plain text only, proposals with what
came of them, documents checked like practice attachments; every change audited."""

from __future__ import annotations

import datetime
import os

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from maillage.actions.models import ActionDocument, LogEntry, LogKind
from maillage.actions.operations.logbook import (
    add_document,
    add_log_entry,
    remove_document,
    update_log_entry,
)
from maillage.organisations.models import AuditEntry, Role
from tests.actions.factories import facilitator, running_action
from tests.organisations.factories import OrganisationFactory, member

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _entry(actor, action, **fields) -> LogEntry:
    fields.setdefault("date", timezone.localdate())
    fields.setdefault("kind", LogKind.DECISION)
    fields.setdefault("text", "Le groupe choisit de se réunir le mercredi soir.")
    return add_log_entry(actor=actor, action=action, **fields)


def test_a_proposal_and_its_outcome_are_recorded_and_audited() -> None:
    action = running_action()
    worker = facilitator(action)
    proposal = _entry(
        worker, action, kind=LogKind.PROPOSAL, text="Les parents proposent une sortie au parc."
    )
    assert (proposal.author, proposal.outcome, proposal.highlight) == (worker, "", False)

    update_log_entry(
        actor=worker,
        entry=proposal,
        outcome="Sortie organisée le 12 mai avec le centre social.",
        highlight=True,
    )

    proposal.refresh_from_db()
    assert proposal.outcome.startswith("Sortie organisée") and proposal.highlight
    change = AuditEntry.objects.get(action="update_log_entry")
    assert change.before == {"outcome": "", "highlight": False}
    assert change.after["highlight"] is True
    assert AuditEntry.objects.filter(action="add_log_entry").count() == 1


def test_markup_empty_text_unknown_kind_and_future_date_are_refused() -> None:
    action = running_action()
    worker = facilitator(action)
    with pytest.raises(ValidationError) as refused:
        _entry(
            worker,
            action,
            kind="rumeur",
            text="<script>alert(1)</script>",
            outcome="<b>ok</b>",
            date=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert set(refused.value.message_dict) == {"kind", "text", "outcome", "date"}
    assert "balises HTML" in refused.value.message_dict["text"][0]
    with pytest.raises(ValidationError) as refused:
        _entry(worker, action, text="   ")
    assert "text" in refused.value.message_dict
    assert not LogEntry.objects.exists()


def test_a_refused_update_leaves_the_entry_as_it_was() -> None:
    action = running_action()
    worker = facilitator(action)
    entry = _entry(worker, action)
    with pytest.raises(ValidationError):
        update_log_entry(actor=worker, entry=entry, text="<img src=x>")
    with pytest.raises(ValidationError):
        update_log_entry(actor=worker, entry=entry, author=member())
    entry.refresh_from_db()
    assert entry.text.startswith("Le groupe choisit")
    assert not AuditEntry.objects.filter(action="update_log_entry").exists()


def test_only_those_who_change_the_action_write_its_logbook() -> None:
    action = running_action()
    worker = facilitator(action)
    entry = _entry(worker, action)
    partner = OrganisationFactory()
    action.shared_with.add(partner)
    for outsider in (member(Role.PROFESSIONAL, partner), member(Role.PROFESSIONAL)):
        with pytest.raises(PermissionDenied):
            _entry(outsider, action)
        with pytest.raises(PermissionDenied):
            update_log_entry(actor=outsider, entry=entry, highlight=True)
    coordinator = member(Role.COORDINATOR, action.organisation)
    assert _entry(coordinator, action).author == coordinator


def test_a_pdf_is_attached_and_removed(django_capture_on_commit_callbacks) -> None:
    action = running_action()
    worker = facilitator(action)
    entry = _entry(worker, action)
    document = add_document(
        actor=worker,
        action=action,
        uploaded_file=_upload("compte rendu.pdf", PDF),
        title="Compte rendu du comité",
        log_entry=entry,
    )
    assert (document.content_type, document.size, document.log_entry) == (
        "application/pdf",
        len(PDF),
        entry,
    )
    path = document.file.path
    assert document.file.name.startswith(f"actions/{action.pk}/")
    with pytest.raises(PermissionDenied):
        remove_document(actor=member(Role.PROFESSIONAL), document=document)
    assert os.path.exists(path)
    with django_capture_on_commit_callbacks(execute=True):
        remove_document(actor=worker, document=document)
    assert not ActionDocument.objects.exists()
    assert not os.path.exists(path)
    audited = AuditEntry.objects.filter(
        action__in=["add_action_document", "remove_action_document"]
    )
    assert audited.count() == 2


def test_wrong_type_and_oversized_files_are_refused(settings) -> None:
    action = running_action()
    worker = facilitator(action)
    with pytest.raises(ValidationError) as refused:
        add_document(actor=worker, action=action, uploaded_file=_upload("devis.pdf", EXE), title="")
    assert "PDF" in refused.value.message_dict["file"][0]
    settings.MAILLAGE_MAX_ATTACHMENT_BYTES = 10
    with pytest.raises(ValidationError) as refused:
        add_document(actor=worker, action=action, uploaded_file=_upload("cr.pdf", PDF), title="")
    assert "la limite est de" in refused.value.message_dict["file"][0]
    other = _entry(worker, running_action(organisation=action.organisation))
    with pytest.raises(ValidationError) as refused:
        add_document(
            actor=worker,
            action=action,
            uploaded_file=_upload("cr.pdf", PDF),
            title="<i>x</i>",
            log_entry=other,
        )
    assert set(refused.value.message_dict) == {"title", "log_entry"}
    assert not ActionDocument.objects.exists()
