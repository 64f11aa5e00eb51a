# No `from __future__ import annotations`: ninja reads these signatures at runtime.
"""The time given to an action, in JSON: the same reading rights as its page, and the same
write function (and rules) as the quick form."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from maillage.actions.api.schemas_actions import OrganisationNameOut
from maillage.actions.lookups import readable_action
from maillage.actions.models import Activity, CollectiveAction, TimeEntry
from maillage.actions.operations.time import add_time_entry
from maillage.api_errors import ErrorOut
from maillage.organisations.models import User
from maillage.organisations.tokens import TokenAuth
from maillage.referential.models import Term

router = Router()
AUTH = [TokenAuth(), django_auth]
ACTIVITIES_DOC = ", ".join(f"`{value}` ({label})" for value, label in Activity.choices)


class PersonOut(Schema):
    id: int
    name: str


class TimeEntryOut(Schema):
    id: int
    date: datetime.date
    minutes: int
    activity: str
    activity_label: str
    user: PersonOut
    organisation: OrganisationNameOut
    team: str
    phase: str | None = Field(None, description="Code de la phase (référentiel « phase »)")
    session_id: int | None = None
    comment: str


class TimeEntryListOut(Schema):
    count: int
    page: int
    per_page: int
    results: list[TimeEntryOut]


class TimeEntryFilters(Schema):
    date_from: datetime.date | None = Field(None, alias="from", description="Depuis (inclus)")
    date_to: datetime.date | None = Field(None, alias="to", description="Jusqu'au (inclus)")
    user: int | None = Field(None, description="Identifiant du professionnel")
    activity: str | None = Field(None, description=f"Activité : {ACTIVITIES_DOC}")
    page: int = Field(1, ge=1)
    per_page: int = Field(50, ge=1, le=200, description="Entrées par page, 200 au plus")


class TimeEntryIn(Schema):
    date: datetime.date
    minutes: int = Field(description="Durée en minutes, de 1 à 1 440")
    activity: str = Field(description=f"Activité : {ACTIVITIES_DOC}")
    user_id: int | None = Field(
        None, description="Le temps d'un co-animateur (par défaut : le vôtre)"
    )
    phase: str | None = Field(None, description="Code de la phase (référentiel « phase »)")
    session_id: int | None = Field(None, description="La séance de l'action concernée")
    comment: str = ""


def _readable(request: HttpRequest, action_id: int) -> CollectiveAction:
    return readable_action(request.auth, action_id)  # type: ignore[attr-defined]


def _out(entry: TimeEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "date": entry.date,
        "minutes": entry.minutes,
        "activity": entry.activity,
        "activity_label": entry.get_activity_display(),
        "user": {"id": entry.user_id, "name": entry.user.display_name},
        "organisation": {"id": entry.organisation_id, "name": entry.organisation.name},
        "team": entry.team,
        "phase": entry.phase.code if entry.phase_id else None,
        "session_id": entry.session_id,
        "comment": entry.comment,
    }


@router.get(
    "/{int:action_id}/time-entries",
    response={200: TimeEntryListOut, 404: ErrorOut, 422: ErrorOut},
    auth=AUTH,
    summary="Le temps consacré à une action",
    description="Les entrées de temps des professionnels, les plus récentes d'abord, pour "
    "quiconque lit l'action. Filtres : période (`from`, `to`), professionnel (`user`), "
    "activité (`activity`).",
)
def list_time_entries(
    request: HttpRequest, action_id: int, filters: Query[TimeEntryFilters]
) -> dict[str, Any]:
    action = _readable(request, action_id)
    entries = action.time_entries.select_related("user", "organisation", "phase")
    if filters.date_from:
        entries = entries.filter(date__gte=filters.date_from)
    if filters.date_to:
        entries = entries.filter(date__lte=filters.date_to)
    if filters.user:
        entries = entries.filter(user_id=filters.user)
    if filters.activity:
        entries = entries.filter(activity=filters.activity)
    start = (filters.page - 1) * filters.per_page
    return {
        "count": entries.count(),
        "page": filters.page,
        "per_page": filters.per_page,
        "results": [_out(entry) for entry in entries[start : start + filters.per_page]],
    }


def _references(action: CollectiveAction, payload: TimeEntryIn) -> dict[str, Any]:
    """The person, phase and session named by identifiers or codes; 422 for unknown ones."""
    found: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if payload.user_id is not None:
        found["user"] = User.objects.filter(pk=payload.user_id).first()
        if found["user"] is None:
            errors["user_id"] = [_("Personne inconnue.")]
    if payload.phase:
        found["phase"] = Term.objects.in_scheme("phase").filter(code=payload.phase).first()
        if found["phase"] is None:
            errors["phase"] = [_("Phase inconnue du référentiel.")]
    if payload.session_id is not None:
        found["session"] = action.sessions.filter(pk=payload.session_id).first()
        if found["session"] is None:
            errors["session_id"] = [_("Cette action n'a pas de séance portant ce numéro.")]
    if errors:
        raise ValidationError(errors)
    return found


@router.post(
    "/{int:action_id}/time-entries",
    response={201: TimeEntryOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=AUTH,
    summary="Enregistrer du temps sur une action",
    description="Votre temps sur une action que vous pouvez modifier, ou celui d'un "
    "co-animateur ayant un compte si vous animez l'action. Durée de 1 minute à 24 heures, date "
    "ni avant le début de l'action ni dans le futur ; l'organisation et l'équipe sont reprises "
    "de l'appartenance de la personne. Une erreur répond 422 avec les messages par champ.",
)
def create_time_entry(
    request: HttpRequest, action_id: int, payload: TimeEntryIn
) -> Status[dict[str, Any]]:
    action = _readable(request, action_id)
    entry = add_time_entry(
        actor=request.auth,  # type: ignore[attr-defined]
        action=action,
        date=payload.date,
        minutes=payload.minutes,
        activity=payload.activity,
        comment=payload.comment,
        **_references(action, payload),
    )
    entry = TimeEntry.objects.select_related("user", "organisation", "phase").get(pk=entry.pk)
    return Status(201, _out(entry))
