# No `from __future__ import annotations`: ninja reads these signatures at runtime.
"""The priorities of a diagnosis in JSON: the list with votes, proposing, voting, the steering
group's decision, and starting a collective action from an agreed priority. Same permissions as
the pages (`maillage.diagnostics.operations.priorities`); token or session auth."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from maillage.actions.models import CollectiveAction
from maillage.api_errors import ErrorOut
from maillage.diagnostics import access
from maillage.diagnostics.listings import priorities_with_figures
from maillage.diagnostics.lookups import readable_priority
from maillage.diagnostics.models import Contribution, Diagnosis, Priority, PriorityStatus
from maillage.diagnostics.operations import priorities as operations
from maillage.organisations.models import Organisation, User
from maillage.organisations.tokens import TokenAuth
from maillage.referential.models import Term

router = Router(tags=["diagnostics"])
AUTH = [TokenAuth(), django_auth]
READ_ERRORS = {401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {**READ_ERRORS, 403: ErrorOut, 422: ErrorOut}
STATUS_DOC = "Statut : " + ", ".join(
    f"`{value}` ({label})" for value, label in PriorityStatus.choices
)


class PriorityActionRefOut(Schema):
    id: int
    title: str
    status: str = Field(description="Statut de l'action (voir /api/v1/actions)")
    url: str = Field(description="Page de l'action")


class PriorityOut(Schema):
    id: int
    diagnosis_id: int
    title: str
    description: str
    component: str = Field(description="Composante du territoire pertinent, ou vide")
    theme: str = Field(description="Thème, ou vide")
    status: str = Field(description=STATUS_DOC)
    status_label: str
    rank: int | None = Field(description="Rang donné par le comité de pilotage (1 en premier)")
    decided_on: date | None = Field(description="Date à laquelle la priorité a été retenue")
    votes: int = Field(description="Nombre de votes")
    voted: bool = Field(description="Vous avez voté pour elle")
    contributions: list[int] = Field(description="Contributions publiées qui la fondent")
    actions: list[PriorityActionRefOut] = Field(
        description="Actions lancées depuis la priorité, parmi celles que vous voyez"
    )
    url: str = Field(description="Page des priorités du diagnostic")


class PriorityIn(Schema):
    title: str = Field(max_length=200)
    description: str = ""
    component: str = Field("", description="Code d'une composante, ou vide")
    theme: str = Field("", description="Code d'un thème, ou vide")
    contributions: list[int] = Field(
        default_factory=list, description="Identifiants de contributions publiées du diagnostic"
    )


class PriorityDecisionIn(Schema):
    status: PriorityStatus = Field(description=STATUS_DOC)
    rank: int | None = Field(None, description="Rang, de 1 à 999 ; vide pour aucun")


class PriorityActionIn(Schema):
    organisation: int = Field(description="Organisation porteuse : l'une des vôtres")
    isic_form: str = Field(description="Code d'une forme d'intervention (vocabulaire isic_form)")
    title: str = Field("", max_length=200, description="Vide : l'intitulé de la priorité")
    start_date: date | None = Field(None, description="Vide : aujourd'hui")


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _out(priority: Priority) -> dict[str, Any]:
    return {
        "id": priority.pk,
        "diagnosis_id": priority.diagnosis_id,
        "title": priority.title,
        "description": priority.description,
        "component": priority.component,
        "theme": priority.theme,
        "status": priority.status,
        "status_label": priority.get_status_display(),
        "rank": priority.rank,
        "decided_on": priority.decided_on,
        "votes": priority.vote_count,  # type: ignore[attr-defined]
        "voted": priority.voted,  # type: ignore[attr-defined]
        "contributions": [item.pk for item in priority.contributions.all()],
        "actions": [_action(action) for action in priority.readable_actions],  # type: ignore[attr-defined]
        "url": reverse("diagnostics:priorities", args=[priority.diagnosis_id]),
    }


def _action(action: CollectiveAction) -> dict[str, Any]:
    return {
        "id": action.pk,
        "title": action.title,
        "status": action.status,
        "url": reverse("actions:detail", args=[action.pk]),
    }


def _fresh(request: HttpRequest, priority: Priority) -> dict[str, Any]:
    return _out(priorities_with_figures(_actor(request), priority.diagnosis).get(pk=priority.pk))


def _diagnosis(request: HttpRequest, diagnosis_id: int) -> Diagnosis:
    return access.readable_diagnosis(_actor(request), diagnosis_id)


@router.get(
    "/{int:diagnosis_id}/priorities",
    response={200: list[PriorityOut], **READ_ERRORS},
    auth=AUTH,
    summary="Les priorités d'un diagnostic",
    description="Par rang puis par date de proposition, avec le nombre de votes, les "
    "contributions publiées liées et les actions lancées que vous voyez. Un diagnostic que vous "
    "ne lisez pas répond 404.",
)
def list_priorities(request: HttpRequest, diagnosis_id: int) -> list[dict[str, Any]]:
    diagnosis = _diagnosis(request, diagnosis_id)
    return [_out(priority) for priority in priorities_with_figures(_actor(request), diagnosis)]


@router.post(
    "/{int:diagnosis_id}/priorities",
    response={201: PriorityOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Proposer une priorité",
    description="Réservé aux membres du comité de pilotage et de ses organisations, et à ceux "
    "qui animent le diagnostic, tant qu'il n'est ni publié ni archivé. Les contributions liées "
    "sont des contributions publiées du même diagnostic.",
)
def propose_priority(
    request: HttpRequest, diagnosis_id: int, payload: PriorityIn
) -> Status[dict[str, Any]]:
    diagnosis = _diagnosis(request, diagnosis_id)
    data = payload.dict()
    wanted = set(data.pop("contributions"))
    found = list(Contribution.objects.filter(pk__in=wanted))
    unknown = sorted(wanted - {item.pk for item in found})
    if unknown:
        raise ValidationError(
            {"contributions": [_("Contribution inconnue : %s.") % ", ".join(map(str, unknown))]}
        )
    priority = operations.propose_priority(
        actor=_actor(request), diagnosis=diagnosis, contributions=found, **data
    )
    return Status(201, _fresh(request, priority))


@router.post(
    "/priorities/{int:priority_id}/vote",
    response={201: PriorityOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Voter pour une priorité",
    description="Un vote par personne et par priorité : un second vote répond 422. Votes clos "
    "une fois le diagnostic publié ou archivé, et pour une priorité écartée.",
)
def vote(request: HttpRequest, priority_id: int) -> Status[dict[str, Any]]:
    priority = readable_priority(_actor(request), priority_id)
    operations.vote_for_priority(actor=_actor(request), priority=priority)
    return Status(201, _fresh(request, priority))


@router.delete(
    "/priorities/{int:priority_id}/vote",
    response={200: PriorityOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Retirer son vote",
)
def withdraw_vote(request: HttpRequest, priority_id: int) -> dict[str, Any]:
    priority = readable_priority(_actor(request), priority_id)
    operations.withdraw_vote(actor=_actor(request), priority=priority)
    return _fresh(request, priority)


@router.patch(
    "/priorities/{int:priority_id}",
    response={200: PriorityOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Retenir, écarter ou classer une priorité",
    description="Réservé à ceux qui animent le diagnostic. Retenir une priorité la date.",
)
def decide_priority(
    request: HttpRequest, priority_id: int, payload: PriorityDecisionIn
) -> dict[str, Any]:
    priority = readable_priority(_actor(request), priority_id)
    operations.decide_priority(
        actor=_actor(request), priority=priority, status=payload.status, rank=payload.rank
    )
    return _fresh(request, priority)


@router.post(
    "/priorities/{int:priority_id}/action",
    response={201: PriorityActionRefOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Lancer une action depuis une priorité retenue",
    description="Crée une action collective en préparation sur le territoire du diagnostic, "
    "portée par l'une de vos organisations, liée à la priorité. Une priorité qui n'est pas "
    "retenue répond 422.",
)
def start_action(
    request: HttpRequest, priority_id: int, payload: PriorityActionIn
) -> Status[dict[str, Any]]:
    priority = readable_priority(_actor(request), priority_id)
    errors: dict[str, list[str]] = {}
    organisation = Organisation.objects.filter(pk=payload.organisation).first()
    if organisation is None:
        errors["organisation"] = [_("Organisation inconnue : %s.") % payload.organisation]
    isic_form = (
        Term.objects.select_related("scheme")
        .filter(scheme__code="isic_form", code=payload.isic_form, broader__isnull=True)
        .first()
    )
    if isic_form is None:
        errors["isic_form"] = [_("Forme d'intervention inconnue : %s.") % payload.isic_form]
    if errors:
        raise ValidationError(errors)
    action = operations.start_action_from_priority(
        actor=_actor(request),
        priority=priority,
        organisation=organisation,
        isic_form=isic_form,
        title=payload.title,
        start_date=payload.start_date,
    )
    return Status(201, _action(action))
