# No `from __future__ import annotations`: ninja reads these signatures at runtime.
"""Sessions and attendance in JSON, with the same rules as the pages: an action's sessions are
read by whoever reads the action, changed by its professionals; attendance (with pseudonyms) is
read and taken by its facilitators only."""

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, PatchDict, Router, Schema, Status
from ninja.security import django_auth

from maillage.actions import access
from maillage.actions.attendance_sheet import attendance_counts, attendance_rows
from maillage.actions.lookups import readable_action
from maillage.actions.models import (
    Attendance,
    CollectiveAction,
    Enrolment,
    Facilitator,
    Participant,
    Presence,
    Session,
)
from maillage.actions.operations import sessions as operations
from maillage.actions.redaction import reader_redactor
from maillage.api_errors import ErrorOut
from maillage.organisations.access import require
from maillage.organisations.models import User
from maillage.organisations.tokens import TokenAuth

router = Router()
AUTH = [TokenAuth(), django_auth]
READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {**READ_ERRORS, 422: ErrorOut}


class SessionOut(Schema):
    id: int
    date: datetime.date
    start_time: datetime.time | None
    duration_minutes: int
    place: str
    theme: str
    status: str = Field(description="`planned` (prévue), `held` (tenue) ou `cancelled` (annulée)")
    headcount: int | None = Field(description="Présents comptés sans les noms")
    note: str
    series_id: int | None
    facilitators: list[int] = Field(description="Identifiants des co-animateurs de l'action")
    present: int = Field(description="Personnes notées présentes")


class SessionIn(Schema):
    date: datetime.date
    duration_minutes: int = Field(description="En minutes, au moins 1")
    start_time: datetime.time | None = None
    place: str = ""
    theme: str = ""
    facilitators: list[int] = Field(default_factory=list)


class SeriesIn(Schema):
    frequency: str = Field(
        description="`weekly` (chaque semaine), `fortnightly` (toutes les deux semaines) ou "
        "`monthly` (le même jour de la semaine au même rang chaque mois)"
    )
    first_date: datetime.date
    count: int = Field(description="Entre 1 et 60")
    duration_minutes: int
    start_time: datetime.time | None = None
    place: str = ""
    theme: str = ""


class SessionPatchIn(Schema):
    date: datetime.date
    start_time: datetime.time | None = None
    duration_minutes: int
    place: str
    theme: str
    facilitators: list[int]
    status: str
    headcount: int | None = None
    note: str


class AttendanceRowOut(Schema):
    participant_id: int
    pseudonym: str
    status: str = Field(description="`present`, `excused`, `absent` ou `unknown`")
    version: int | None = Field(description="À renvoyer comme `expected_version` ; null sans ligne")
    recorded_by: str | None
    recorded_at: datetime.datetime | None


class AttendanceOut(Schema):
    session_id: int
    enrolled: int
    present: int
    unknown: int
    rows: list[AttendanceRowOut]


class AttendanceIn(Schema):
    participant_id: int
    status: str
    expected_version: int | None = Field(
        None, description="La version lue ; null si la personne n'avait pas encore de ligne"
    )


class AttendanceResultOut(AttendanceRowOut):
    conflict: bool
    previous_status: str | None


class AttendancePutOut(Schema):
    detail: str
    results: list[AttendanceResultOut]


def _action(request: HttpRequest, action_id: int) -> CollectiveAction:
    return readable_action(request.auth, action_id)  # type: ignore[attr-defined]


def _sessions(action: CollectiveAction) -> models.QuerySet[Session]:
    return (
        Session.objects.filter(action_id=action.pk)
        .annotate(
            present=models.Count(
                "attendances", filter=models.Q(attendances__status=Presence.PRESENT)
            )
        )
        .prefetch_related(models.Prefetch("facilitators", queryset=Facilitator.objects.only("pk")))
        .order_by("date", "start_time", "pk")
    )


def _session(action: CollectiveAction, session_id: int) -> Session:
    session = get_object_or_404(_sessions(action), pk=session_id)
    session.action = action
    return session


def _session_out(session: Session, redact: Callable[[str], str]) -> dict[str, Any]:
    return {
        **{
            name: getattr(session, name)
            for name in SessionOut.model_fields
            if name != "facilitators"
        },
        "note": redact(session.note),
        "facilitators": [facilitator.pk for facilitator in session.facilitators.all()],
    }


def _facilitators(action: CollectiveAction, ids: list[int]) -> list[Facilitator]:
    found = list(Facilitator.objects.filter(pk__in=ids, action_id=action.pk))
    if len(found) != len(set(ids)):
        raise ValidationError(
            {
                "facilitators": _(
                    "Les animateurs d'une séance doivent être des co-animateurs de l'action."
                )
            }
        )
    return found


@router.get(
    "/{int:action_id}/sessions",
    response={200: list[SessionOut], **READ_ERRORS},
    auth=AUTH,
    summary="Les séances d'une action",
    description="Prévues, tenues et annulées, par date, avec le nombre de personnes notées "
    "présentes. Pour qui lit l'action.",
)
def list_sessions(request: HttpRequest, action_id: int) -> list[dict[str, Any]]:
    action = _action(request, action_id)
    redact = reader_redactor(request.auth, action)
    return [_session_out(session, redact) for session in _sessions(action)]


@router.post(
    "/{int:action_id}/sessions",
    response={201: SessionOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Prévoir une séance",
    description="Par les professionnels de l'action. Une date hors de la période de l'action ou "
    "une durée inférieure à une minute répondent 422 avec le message par champ.",
)
def create_session(request: HttpRequest, action_id: int, payload: SessionIn) -> Status[Any]:
    action = _action(request, action_id)
    data = payload.dict()
    data["facilitators"] = _facilitators(action, data["facilitators"])
    session = operations.plan_session(actor=request.auth, action=action, **data)  # type: ignore[attr-defined]
    return Status(
        201, _session_out(_session(action, session.pk), reader_redactor(request.auth, action))
    )


@router.post(
    "/{int:action_id}/sessions/series",
    response={201: list[SessionOut], **WRITE_ERRORS},
    auth=AUTH,
    summary="Prévoir une série de séances",
    description="« Tous les mercredis à 18 h, 8 séances ». Refusée en entier (422, dates "
    "listées) si une date tombe hors de la période de l'action.",
)
def create_series(request: HttpRequest, action_id: int, payload: SeriesIn) -> Status[Any]:
    action = _action(request, action_id)
    series = operations.plan_series(actor=request.auth, action=action, **payload.dict())  # type: ignore[attr-defined]
    redact = reader_redactor(request.auth, action)
    return Status(
        201, [_session_out(session, redact) for session in _sessions(action).filter(series=series)]
    )


@router.get(
    "/{int:action_id}/sessions/{int:session_id}",
    response={200: SessionOut, **READ_ERRORS},
    auth=AUTH,
    summary="Une séance",
)
def get_session(request: HttpRequest, action_id: int, session_id: int) -> dict[str, Any]:
    action = _action(request, action_id)
    return _session_out(_session(action, session_id), reader_redactor(request.auth, action))


@router.patch(
    "/{int:action_id}/sessions/{int:session_id}",
    response={200: SessionOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Modifier une séance ou en faire le compte rendu",
    description="Ne change que les champs envoyés : date, heure, lieu, thème, durée, "
    "animateurs, statut (`held` tenue, `cancelled` annulée), nombre de présents sans les noms, "
    "note de séance.",
)
def update_session(
    request: HttpRequest, action_id: int, session_id: int, payload: PatchDict[SessionPatchIn]
) -> dict[str, Any]:
    action = _action(request, action_id)
    session = _session(action, session_id)
    data = dict(payload)
    if "facilitators" in data:
        data["facilitators"] = _facilitators(action, data["facilitators"])
    operations.update_session(actor=request.auth, session=session, **data)  # type: ignore[attr-defined]
    return _session_out(_session(action, session_id), reader_redactor(request.auth, action))


def _attendance_session(request: HttpRequest, action_id: int, session_id: int) -> Session:
    session = _session(_action(request, action_id), session_id)
    require(
        access.can_take_attendance(request.auth, session),  # type: ignore[attr-defined]
        _("Seuls les animateurs de l'action notent et lisent les présences."),
    )
    return session


def _row(participant: Participant, attendance: Attendance | None) -> dict[str, Any]:
    recorder = attendance.recorded_by if attendance else None
    return {
        "participant_id": participant.pk,
        "pseudonym": participant.pseudonym,
        "status": attendance.status if attendance else Presence.UNKNOWN,
        "version": attendance.version if attendance else None,
        "recorded_by": recorder.display_name if recorder else None,
        "recorded_at": attendance.recorded_at if attendance else None,
    }


@router.get(
    "/{int:action_id}/sessions/{int:session_id}/attendance",
    response={200: AttendanceOut, **READ_ERRORS},
    auth=AUTH,
    summary="Les présences d'une séance",
    description="Une ligne par personne inscrite à la date de la séance (identifiant et "
    "pseudonyme seulement), avec sa présence et la version à renvoyer pour la modifier. "
    "Réservé aux animateurs de l'action.",
)
def get_attendance(request: HttpRequest, action_id: int, session_id: int) -> dict[str, Any]:
    session = _attendance_session(request, action_id, session_id)
    counts = attendance_counts(session)
    return {
        "session_id": session.pk,
        "enrolled": counts.enrolled,
        "present": counts.present,
        "unknown": counts.unknown,
        "rows": [_row(row.participant, row.attendance) for row in attendance_rows(session)],
    }


@router.put(
    "/{int:action_id}/sessions/{int:session_id}/attendance",
    response={200: AttendancePutOut, 409: AttendancePutOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Noter des présences",
    description="Une liste de `{participant_id, status, expected_version}`, appliquée ligne par "
    "ligne. Une ligne modifiée par quelqu'un d'autre depuis la version lue n'est pas écrite : "
    "la réponse est alors 409, avec `conflict` vrai et la ligne actuelle (qui l'a notée, "
    "quand). Une personne non inscrite ou un statut inconnu répondent 422 sans rien écrire.",
)
def put_attendance(
    request: HttpRequest, action_id: int, session_id: int, payload: list[AttendanceIn]
) -> Status[Any]:
    session = _attendance_session(request, action_id, session_id)
    actor: User = request.auth  # type: ignore[attr-defined]
    participants = _enrolled_participants(session, payload)
    results = []
    for item in payload:
        change = operations.mark_attendance(
            actor=actor,
            session=session,
            participant=participants[item.participant_id],
            status=item.status,
            expected_version=item.expected_version,
        )
        results.append(
            {
                **_row(change.attendance.participant, change.attendance),
                "conflict": change.conflict,
                "previous_status": change.previous_status,
            }
        )
    if any(result["conflict"] for result in results):
        detail = _(
            "Certaines présences avaient été modifiées entre-temps par quelqu'un d'autre : elles "
            "n'ont pas été enregistrées. Les lignes en conflit montrent la valeur actuelle."
        )
        return Status(409, {"detail": detail, "results": results})
    return Status(200, {"detail": _("Présences enregistrées."), "results": results})


def _enrolled_participants(session: Session, payload: list[AttendanceIn]) -> dict[int, Participant]:
    """Check every line before writing any: statuses known, people enrolled on that date."""
    errors: dict[str, list[str]] = {}
    if any(item.status not in Presence.values for item in payload):
        errors["status"] = [
            _("La présence doit être « present », « excused », « absent » ou « unknown ».")
        ]
    ids = {item.participant_id for item in payload}
    enrolled = Enrolment.objects.filter(
        models.Q(left_on__isnull=True) | models.Q(left_on__gte=session.date),
        action_id=session.action_id,
        participant_id__in=ids,
    ).values_list("participant_id", flat=True)
    missing = ids - set(enrolled)
    if missing:
        errors["participant_id"] = [
            _(
                "Ces identifiants ne sont pas des personnes inscrites à l'action à la date de la "
                "séance : %(ids)s."
            )
            % {"ids": ", ".join(map(str, sorted(missing)))}
        ]
    if errors:
        raise ValidationError(errors)
    return Participant.objects.only("pk", "pseudonym").in_bulk(ids)
