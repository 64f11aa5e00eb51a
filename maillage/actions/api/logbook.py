# No `from __future__ import annotations`: ninja reads these signatures at runtime.
"""An action's logbook in JSON, the twin of its « Journal de bord » page: read by whoever reads
the action, written by its editors through `maillage.actions.operations.logbook` (same rules:
plain text, no future date)."""

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, PatchDict, Query, Router, Schema, Status
from ninja.security import django_auth

from maillage.actions.api.steering import readable_action
from maillage.actions.models import ActionDocument, LogEntry, LogKind
from maillage.actions.operations.logbook import add_log_entry, update_log_entry
from maillage.actions.redaction import reader_redactor
from maillage.api_errors import ErrorOut
from maillage.organisations.tokens import TokenAuth

router = Router()
AUTH = [TokenAuth(), django_auth]
KINDS_DOC = ", ".join(f"`{value}` ({label})" for value, label in LogKind.choices)


class AuthorOut(Schema):
    id: int
    name: str


class DocumentRefOut(Schema):
    id: int
    title: str
    url: str = Field(description="Téléchargement, pour qui lit l'action")


class LogEntryOut(Schema):
    id: int
    date: datetime.date
    kind: str = Field(description=f"Nature : {KINDS_DOC}")
    kind_label: str
    text: str
    outcome: str = Field(description="Suite donnée (pour une proposition des participants)")
    highlight: bool = Field(description="À retenir pour la capitalisation")
    author: AuthorOut
    created_at: datetime.datetime
    documents: list[DocumentRefOut] = Field(description="Documents joints à l'entrée")


class LogEntryListOut(Schema):
    count: int
    page: int
    per_page: int
    results: list[LogEntryOut]


class LogEntryFilters(Schema):
    kind: str = Field("", description=f"Nature : {KINDS_DOC}")
    highlight: bool | None = Field(None, description="Seulement les entrées à retenir (ou non)")
    page: int = Field(1, ge=1)
    per_page: int = Field(50, ge=1, le=200, description="Entrées par page, 200 au plus")


class LogEntryIn(Schema):
    date: datetime.date = Field(description="Le jour où cela a eu lieu ; pas dans le futur")
    kind: str = Field(description=f"Nature : {KINDS_DOC}")
    text: str = Field(description="Texte simple, sans balises")
    outcome: str = Field("", description="Suite donnée, texte simple")
    highlight: bool = Field(False, description="À retenir pour la capitalisation")


def _out(entry: LogEntry, redact: Callable[[str], str]) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "date": entry.date,
        "kind": entry.kind,
        "kind_label": entry.get_kind_display(),
        "text": redact(entry.text),
        "outcome": redact(entry.outcome),
        "highlight": entry.highlight,
        "author": {"id": entry.author_id, "name": entry.author.display_name},
        "created_at": entry.created_at,
        "documents": [
            {
                "id": document.pk,
                "title": document.title,
                "url": reverse("actions:document", args=[document.pk]),
            }
            for document in entry.documents.all()
        ],
    }


def _entries() -> Any:
    return LogEntry.objects.select_related("author").prefetch_related(
        Prefetch("documents", queryset=ActionDocument.objects.order_by("title"))
    )


def _read_back(request: HttpRequest, entry: LogEntry) -> dict[str, Any]:
    return _out(_entries().get(pk=entry.pk), reader_redactor(request.auth, entry.action))


@router.get(
    "/{int:action_id}/logbook",
    response={200: LogEntryListOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=AUTH,
    summary="Le journal de bord d'une action",
    description="Les entrées (décisions, événements, écueils, ressources, propositions des "
    "participants et leur suite…), les plus récentes d'abord, avec leurs documents, pour "
    "quiconque lit l'action. Filtres : nature (`kind`), entrées à retenir (`highlight`).",
)
def list_log_entries(
    request: HttpRequest, action_id: int, filters: Query[LogEntryFilters]
) -> dict[str, Any]:
    action = readable_action(request, action_id)
    entries = _entries().filter(action=action)
    if filters.kind:
        if filters.kind not in LogKind.values:
            raise ValidationError(
                {
                    "kind": [
                        _("Nature inconnue : « %(kind)s » (attendu : %(kinds)s).")
                        % {"kind": filters.kind, "kinds": ", ".join(LogKind.values)}
                    ]
                }
            )
        entries = entries.filter(kind=filters.kind)
    if filters.highlight is not None:
        entries = entries.filter(highlight=filters.highlight)
    start = (filters.page - 1) * filters.per_page
    redact = reader_redactor(request.auth, action)
    return {
        "count": entries.count(),
        "page": filters.page,
        "per_page": filters.per_page,
        "results": [_out(entry, redact) for entry in entries[start : start + filters.per_page]],
    }


@router.post(
    "/{int:action_id}/logbook",
    response={201: LogEntryOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=AUTH,
    summary="Écrire dans le journal de bord",
    description="Réservé aux co-animateurs et aux professionnels de l'organisation porteuse "
    "(403 pour un partenaire qui lit l'action). Texte simple : une balise HTML est refusée "
    "(422), comme une date future ; rien n'est alors enregistré.",
)
def create_log_entry(
    request: HttpRequest, action_id: int, payload: LogEntryIn
) -> Status[dict[str, Any]]:
    entry = add_log_entry(
        actor=request.auth,  # type: ignore[attr-defined]
        action=readable_action(request, action_id),
        **payload.dict(),
    )
    return Status(201, _read_back(request, entry))


@router.patch(
    "/{int:action_id}/logbook/{int:entry_id}",
    response={200: LogEntryOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=AUTH,
    summary="Modifier une entrée du journal de bord",
    description="Ne change que les champs envoyés : la suite donnée à une proposition "
    "(`outcome`), « à retenir » (`highlight`), le texte, la nature ou la date. Mêmes règles et "
    "mêmes droits que l'écriture.",
)
def patch_log_entry(
    request: HttpRequest, action_id: int, entry_id: int, payload: PatchDict[LogEntryIn]
) -> dict[str, Any]:
    action = readable_action(request, action_id)
    entry = action.log_entries.select_related("action").filter(pk=entry_id).first()
    if entry is None:
        raise Http404(_("Cette action n'a pas d'entrée de journal n° %(id)s.") % {"id": entry_id})
    update_log_entry(actor=request.auth, entry=entry, **payload)  # type: ignore[attr-defined]
    return _read_back(request, entry)
