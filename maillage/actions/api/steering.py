# No `from __future__ import annotations`: ninja reads these signatures at runtime.
"""The steering of an action in JSON — objectives, team (facilitators, partners, funders) and
phases — the twins of the « Objectifs », « Équipe » and « Phases » pages, written through the
same functions (`maillage.actions.operations.actions`) and answered with the action as
`GET /api/v1/actions/{id}` shows it."""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from maillage.actions import access, lookups
from maillage.actions.api.actions import get_action
from maillage.actions.api.schemas_actions import ActionOut
from maillage.actions.models import CollectiveAction, IndicatorKind
from maillage.actions.operations import actions as operations
from maillage.api_errors import ErrorOut
from maillage.organisations.access import require
from maillage.organisations.models import Organisation, User
from maillage.organisations.tokens import TokenAuth
from maillage.referential.models import Term

router = Router()
AUTH = [TokenAuth(), django_auth]
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class IndicatorIn(Schema):
    label: str = Field(description="Ce qui sera observé ou compté, 300 caractères au plus")
    kind: str = Field(
        IndicatorKind.QUALITATIVE,
        description="Nature : " + ", ".join(f"`{value}`" for value in IndicatorKind.values),
    )
    target: str = Field("", description="Cible, chiffrée ou non, 200 caractères au plus")


class ObjectiveIn(Schema):
    statement: str = Field(description="L'objectif, énoncé")
    agreed_by: str = Field("", description="Avec qui il a été convenu (groupe, financeur…)")
    agreed_on: datetime.date | None = Field(None, description="Date de l'accord")
    indicators: list[IndicatorIn] = Field(
        default_factory=list, description="Les indicateurs qui serviront à l'évaluer"
    )


class ObjectivesIn(Schema):
    objectives: list[ObjectiveIn] = Field(
        description="La liste entière, dans l'ordre : elle remplace la précédente"
    )


class FacilitatorIn(Schema):
    user_id: int | None = Field(
        None,
        description="Compte de la personne : un membre de l'organisation porteuse ou d'une "
        "organisation partenaire (il verra les participants)",
    )
    name: str = Field("", description="Nom, pour une personne sans compte")
    function: str = Field("", description="Fonction, par ex. « Psychologue »")
    organisation: int | None = Field(None, description="Identifiant de son organisation")


class PartnerIn(Schema):
    organisation: int = Field(description="Identifiant de l'organisation partenaire")
    role: str = Field("", description="Son rôle dans l'action, 300 caractères au plus")


class FunderIn(Schema):
    organisation: int = Field(description="Identifiant de l'organisation qui finance")
    amount: Decimal | None = Field(None, description="Montant en euros, positif ou nul")
    conditions: str = Field("", description="Conditions posées par le financeur")
    start_date: datetime.date | None = Field(None, description="Début du soutien")
    end_date: datetime.date | None = Field(None, description="Fin du soutien")


class TeamIn(Schema):
    facilitators: list[FacilitatorIn] = Field(description="Les co-animateurs")
    partners: list[PartnerIn] = Field(description="Les partenaires, qui liront l'action")
    funders: list[FunderIn] = Field(description="Les financeurs")


class PhaseIn(Schema):
    phase: str = Field(
        description="Code d'une phase du référentiel « phase », par ex. « mobilisation »"
    )
    start_date: datetime.date = Field(description="Début ; la phase précédente finit ce jour-là")
    decisions: str = Field("", description="Ce qui a été décidé à cette étape")


def readable_action(request: HttpRequest, action_id: int) -> CollectiveAction:
    """The action if the caller reads it; a 404 that says nothing of it otherwise."""
    return lookups.readable_action(
        request.auth,  # type: ignore[attr-defined]
        action_id,
        CollectiveAction.objects.select_related("organisation"),
    )


def _editable(request: HttpRequest, action_id: int) -> CollectiveAction:
    """Refused before the payload is looked at: a reader learns nothing from a 422."""
    action = readable_action(request, action_id)
    require(access.can_edit_action(request.auth, action), str(operations.EDIT_REFUSAL))  # type: ignore[attr-defined]
    return action


def _by_id(model: type[Any], ids: Iterable[int | None]) -> dict[int, Any]:
    wanted = {pk for pk in ids if pk is not None}
    return model.objects.in_bulk(wanted) if wanted else {}


def _team_rows(payload: TeamIn) -> dict[str, list[Any]]:
    """The organisations and accounts named by identifier; every unknown one refused by name."""
    organisations = _by_id(
        Organisation,
        [row.organisation for row in (*payload.facilitators, *payload.partners, *payload.funders)],
    )
    users = _by_id(User, [row.user_id for row in payload.facilitators])
    errors: dict[str, list[str]] = {}

    def organisation(field: str, pk: int | None) -> Organisation | None:
        if pk is not None and pk not in organisations:
            errors.setdefault(field, []).append(_("Organisation inconnue : %s.") % pk)
        return organisations.get(pk) if pk is not None else None

    facilitators = []
    for row in payload.facilitators:
        if row.user_id is not None and row.user_id not in users:
            errors.setdefault("facilitators", []).append(_("Compte inconnu : %s.") % row.user_id)
        facilitators.append(
            {
                "user": users.get(row.user_id) if row.user_id is not None else None,
                "name": row.name,
                "function": row.function,
                "organisation": organisation("facilitators", row.organisation),
            }
        )
    partners = [(organisation("partners", row.organisation), row.role) for row in payload.partners]
    funders = [
        {**row.dict(), "organisation": organisation("funders", row.organisation)}
        for row in payload.funders
    ]
    if errors:
        raise ValidationError(errors)
    return {"facilitators": facilitators, "partners": partners, "funders": funders}


@router.put(
    "/{int:action_id}/objectives",
    response={200: ActionOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Remplacer les objectifs d'une action",
    description="La liste entière des objectifs, chacun avec ses indicateurs (qualitatifs ou "
    "quantitatifs, avec leur cible) et qui l'a validé ; elle remplace la précédente (une liste "
    "vide efface tout). Réservé aux co-animateurs et aux professionnels de l'organisation "
    "porteuse ; un partenaire qui lit l'action reçoit 403. Une donnée invalide répond 422 et "
    "rien n'est enregistré. Répond l'action entière.",
)
def put_objectives(request: HttpRequest, action_id: int, payload: ObjectivesIn) -> dict[str, Any]:
    action = readable_action(request, action_id)
    operations.set_objectives(
        actor=request.auth,  # type: ignore[attr-defined]
        action=action,
        objectives=[objective.dict() for objective in payload.objectives],
    )
    return get_action(request, action_id)


@router.put(
    "/{int:action_id}/team",
    response={200: ActionOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Remplacer l'équipe, les partenaires et les financeurs",
    description="Les trois listes entières : co-animateurs (un compte `user_id` ou un nom), "
    "partenaires avec leur rôle (ils liront l'action), financeurs avec montant, conditions et "
    "période de soutien. Organisations et comptes sont désignés par leurs identifiants. Tout ou "
    "rien : si une liste est refusée (organisation inconnue, montant négatif, co-animateur "
    "extérieur aux organisations de l'action…), la réponse est 422 et aucune n'est modifiée. "
    "Réservé à ceux qui modifient l'action (403 sinon). Répond l'action entière.",
)
def put_team(request: HttpRequest, action_id: int, payload: TeamIn) -> dict[str, Any]:
    action = _editable(request, action_id)
    rows = _team_rows(payload)
    actor: User = request.auth  # type: ignore[attr-defined]
    # Partners first: facilitators with an account may come from a partner organisation.
    with transaction.atomic():
        operations.set_partners(actor=actor, action=action, partners=rows["partners"])
        operations.set_facilitators(actor=actor, action=action, facilitators=rows["facilitators"])
        operations.set_funders(actor=actor, action=action, funders=rows["funders"])
    return get_action(request, action_id)


@router.post(
    "/{int:action_id}/phases",
    response={201: ActionOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Ouvrir la phase suivante d'une action",
    description="La phase est désignée par son code dans le référentiel « phase » "
    "(/api/v1/referential/schemes). La phase précédente se termine le jour où celle-ci "
    "commence, qui ne peut pas la précéder. `decisions` garde ce qui a été décidé à cette "
    "étape. Réservé à ceux qui modifient l'action (403 sinon). Répond l'action entière.",
)
def post_phase(request: HttpRequest, action_id: int, payload: PhaseIn) -> Status[dict[str, Any]]:
    action = _editable(request, action_id)
    phase = (
        Term.objects.in_scheme("phase").select_related("scheme").filter(code=payload.phase).first()
    )
    if phase is None:
        raise ValidationError(
            {"phase": [_("Phase inconnue du référentiel : « %s ».") % payload.phase]}
        )
    operations.record_phase(
        actor=request.auth,  # type: ignore[attr-defined]
        action=action,
        phase=phase,
        start_date=payload.start_date,
        decisions=payload.decisions,
    )
    return Status(201, get_action(request, action_id))
