"""Write functions for an action's logbook and documents, by those who may change the action.

Texts are plain: markup is refused, as on practice sheets, so that what is read back (and later
drawn into the practice sheet) is what was typed. For a participants' proposal, `outcome`
(« suite donnée ») records what came of it and what was answered to the group.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.actions import access
from maillage.actions.models import ActionDocument, CollectiveAction, LogEntry, LogKind
from maillage.organisations import audit
from maillage.organisations.access import require
from maillage.organisations.models import User
from maillage.practices.attachments import checked_upload
from maillage.web.plain_text import clean_text, markup_errors

ENTRY_FIELDS = ("date", "kind", "text", "outcome", "highlight")
DOCUMENT_AUDIT = ("action", "log_entry", "title", "content_type", "size")


def _require_editor(actor: User, action: CollectiveAction) -> None:
    require(
        access.can_edit_action(actor, action),
        _("Seuls les animateurs et les professionnels de l'action tiennent son journal de bord."),
    )


def _checked_entry(entry: LogEntry) -> LogEntry:
    entry.text = clean_text(entry.text)
    entry.outcome = clean_text(entry.outcome)
    errors = markup_errors({"text": entry.text, "outcome": entry.outcome}, ("text", "outcome"))
    if entry.kind not in LogKind.values:
        errors["kind"] = [_("Choisissez une nature d'entrée de la liste.")]
    if isinstance(entry.date, datetime.date) and entry.date > timezone.localdate():
        errors["date"] = [_("Le journal de bord relate ce qui a eu lieu : la date est future.")]
    if not entry.text:
        errors["text"] = [_("Écrivez le contenu de l'entrée.")]
    if errors:
        raise ValidationError(errors)
    entry.full_clean()
    return entry


@transaction.atomic
def add_log_entry(
    *,
    actor: User,
    action: CollectiveAction,
    date: datetime.date,
    kind: str,
    text: str,
    outcome: str = "",
    highlight: bool = False,
) -> LogEntry:
    _require_editor(actor, action)
    entry = _checked_entry(
        LogEntry(
            action=action,
            date=date,
            kind=kind,
            text=text,
            outcome=outcome,
            highlight=highlight,
            author=actor,
        )
    )
    entry.save()
    audit.record(actor, "add_log_entry", entry, after=audit.snapshot(entry, ENTRY_FIELDS))
    return entry


@transaction.atomic
def update_log_entry(*, actor: User, entry: LogEntry, **fields: Any) -> LogEntry:
    """Change `date`, `kind`, `text`, `outcome` or `highlight` of an entry."""
    _require_editor(actor, entry.action)
    unknown = set(fields) - set(ENTRY_FIELDS)
    if unknown:
        raise ValidationError(
            {name: [_("Ce champ ne se modifie pas ici.")] for name in sorted(unknown)}
        )
    before = audit.snapshot(entry, ENTRY_FIELDS)
    for name, value in fields.items():
        setattr(entry, name, value)
    try:
        _checked_entry(entry)
    except ValidationError:
        entry.refresh_from_db()
        raise
    entry.save()
    audit.record(
        actor, "update_log_entry", entry, before=before, after=audit.snapshot(entry, ENTRY_FIELDS)
    )
    return entry


@transaction.atomic
def add_document(
    *,
    actor: User,
    action: CollectiveAction,
    uploaded_file: Any,
    title: str,
    log_entry: LogEntry | None = None,
) -> ActionDocument:
    _require_editor(actor, action)
    title = clean_text(title) or clean_text(getattr(uploaded_file, "name", ""))
    errors = markup_errors({"title": title}, ("title",))
    if log_entry is not None and log_entry.action_id != action.pk:
        errors["log_entry"] = [_("Cette entrée appartient au journal d'une autre action.")]
    if errors:
        raise ValidationError(errors)
    upload = checked_upload(uploaded_file)
    document = ActionDocument(
        action=action,
        log_entry=log_entry,
        title=title[:200],
        content_type=upload.content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    document.full_clean(exclude=["file"])
    document.file.save(upload.name, uploaded_file, save=False)
    document.save()
    audit.record(
        actor, "add_action_document", document, after=audit.snapshot(document, DOCUMENT_AUDIT)
    )
    return document


@transaction.atomic
def remove_document(*, actor: User, document: ActionDocument) -> None:
    _require_editor(actor, document.action)
    audit.record(
        actor,
        "remove_action_document",
        document,
        before=audit.snapshot(document, DOCUMENT_AUDIT),
    )
    stored_file = document.file
    document.delete()
    transaction.on_commit(lambda: stored_file.delete(save=False))
