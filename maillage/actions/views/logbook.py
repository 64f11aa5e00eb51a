"""Pages of an action's logbook and documents. Writes go through
`maillage.actions.operations.logbook`; documents are downloaded through a permission check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.actions import access
from maillage.actions.forms_logbook import DocumentForm, LogEntryForm, OutcomeForm
from maillage.actions.models import ActionDocument, LogEntry, LogKind
from maillage.actions.operations import logbook as operations
from maillage.actions.redaction import group_redactor
from maillage.actions.views.actions import action_context, readable_action
from maillage.organisations.access import require
from maillage.organisations.types import AuthenticatedRequest
from maillage.practices.attachments import stored_file_response
from maillage.web.operation_errors import flash_operation_errors, show_operation_errors


def _refused() -> str:
    return _("Seuls les animateurs et les professionnels de l'action tiennent son journal de bord.")


@login_required
def logbook(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action = readable_action(request, pk)
    context = action_context(request, action)
    can_edit = context["can_edit"]
    form = LogEntryForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        require(can_edit, _refused())
        if form is not None and form.is_valid():
            try:
                operations.add_log_entry(actor=request.user, action=action, **form.cleaned_data)
            except ValidationError as error:
                show_operation_errors(form, error)
            else:
                messages.success(request, _("L'entrée est ajoutée au journal de bord."))
                return redirect("actions:logbook", pk=action.pk)
    kind = request.GET.get("nature", "")
    entries = action.log_entries.select_related("author").prefetch_related(
        Prefetch("documents", queryset=ActionDocument.objects.order_by("title"))
    )
    if kind in LogKind.values:
        entries = entries.filter(kind=kind)
    elif request.GET.get("nature") == "a-retenir":
        entries = entries.filter(highlight=True)
    redact = None if access.can_see_participants(request.user, action) else group_redactor(action)
    return render(
        request,
        "actions/logbook.html",
        {
            **context,
            "form": form,
            "document_form": DocumentForm() if can_edit else None,
            "entries": [_shown(entry, can_edit, redact) for entry in entries],
            "documents": action.documents.select_related("log_entry").order_by("-uploaded_at"),
            "kinds": LogKind.choices,
            "kind": kind,
        },
    )


def _shown(
    entry: LogEntry, can_edit: bool, redact: Callable[[str], str] | None
) -> tuple[LogEntry, OutcomeForm | None]:
    """The entry as this reader may see it, with the form recording what came of a proposal.

    A reader who does not see participants (partner, coordinator) reads the texts without their
    names; an editor among them may give an outcome to a proposal that has none, but not rewrite
    one she cannot read whole."""
    if redact is not None:
        has_outcome = bool(entry.outcome)
        entry.text, entry.outcome = redact(entry.text), redact(entry.outcome)
        if has_outcome:
            return entry, None
    if not can_edit:
        return entry, None
    return entry, OutcomeForm(initial={"outcome": entry.outcome}, prefix=f"e{entry.pk}")


def _editable_entry(request: HttpRequest, pk: int) -> LogEntry:
    entry = get_object_or_404(LogEntry.objects.select_related("action"), pk=pk)
    if not access.can_view_action(request.user, entry.action):
        raise Http404(_("Aucune entrée ne porte ce numéro."))
    return entry


def _back_to(entry: LogEntry) -> HttpResponse:
    return redirect(f"{reverse('actions:logbook', args=[entry.action_id])}#entree-{entry.pk}")


@login_required
@require_POST
def log_entry_outcome(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record what came of a participants' proposal (« suite donnée »)."""
    entry = _editable_entry(request, pk)
    form = OutcomeForm(request.POST, prefix=f"e{entry.pk}")
    if form.is_valid():
        try:
            operations.update_log_entry(
                actor=request.user, entry=entry, outcome=form.cleaned_data["outcome"]
            )
        except ValidationError as error:
            flash_operation_errors(request, error)
        else:
            messages.success(request, _("La suite donnée est enregistrée."))
    return _back_to(entry)


@login_required
@require_POST
def log_entry_highlight(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Mark or unmark an entry « à retenir » for the practice sheet."""
    entry = _editable_entry(request, pk)
    operations.update_log_entry(actor=request.user, entry=entry, highlight=not entry.highlight)
    return _back_to(entry)


@login_required
@require_POST
def document_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action = readable_action(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            operations.add_document(
                actor=request.user,
                action=action,
                uploaded_file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            flash_operation_errors(request, error)
        else:
            messages.success(request, _("Le document est ajouté."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("actions:logbook", pk=action.pk)


def _readable_document(request: HttpRequest, pk: int) -> ActionDocument:
    document = get_object_or_404(ActionDocument.objects.select_related("action"), pk=pk)
    if not access.can_view_action(request.user, document.action):
        raise Http404(_("Aucun document ne porte ce numéro."))
    return document


@login_required
@require_POST
def document_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    document = _readable_document(request, pk)
    operations.remove_document(actor=request.user, document=document)
    messages.success(request, _("Le document est retiré."))
    return redirect("actions:logbook", pk=document.action_id)


@login_required
def document(request: HttpRequest, pk: int) -> FileResponse:
    """The file, to those who read the action; never served from a public media address."""
    stored = _readable_document(request, pk)
    extension = PurePath(stored.file.name).suffix
    return stored_file_response(
        stored.file, stored.content_type, f"{slugify(stored.title) or 'document'}{extension}"
    )
