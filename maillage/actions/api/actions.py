# No `from __future__ import annotations`: ninja reads these signatures at runtime.
"""Collective actions in JSON (`/api/v1/actions`): the list the « Actions collectives » page
shows, one action with its objectives, team, partners, funders and phases, and writes through
`maillage.actions.operations.actions`. Same permissions as the pages; token or session auth."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, PatchDict, Query, Router, Schema, Status
from ninja.security import django_auth

from maillage.actions import access
from maillage.actions.api.schemas_actions import (
    STATUS_DOC,
    ActionCreateIn,
    ActionIn,
    ActionListOut,
    ActionOut,
)
from maillage.actions.listing import ActionFilters, filter_actions, with_figures
from maillage.actions.models import (
    ActionStatus,
    CollectiveAction,
    Facilitator,
    Objective,
)
from maillage.actions.operations import actions as operations
from maillage.api_errors import ErrorOut
from maillage.organisations.models import Organisation, User
from maillage.organisations.tokens import TokenAuth
from maillage.referential.models import Term
from maillage.territories.models import Territory

router = Router(tags=["Actions collectives"])
AUTH = [TokenAuth(), django_auth]
READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {**READ_ERRORS, 403: ErrorOut}
TERM_FIELDS = {
    "isic_form": "isic_form",
    "isic_subtype": "isic_form",
    "publics": "public",
    "themes": "theme",
}


class ActionListParams(Schema):
    q: str = Field("", description="Mots du titre ou du nom du groupe")
    status: ActionStatus | None = Field(None, description=STATUS_DOC)
    isic_form: str = Field(
        "", description="Code d'une forme d'intervention (vocabulaire isic_form)"
    )
    organisation: int | None = Field(None, description="Identifiant de l'organisation porteuse")
    territory: str = Field(
        "",
        description="Territoire « niveau:code », par ex. « departement:59 » : les actions qui s'y "
        "trouvent ou dans un territoire qu'il contient",
    )
    page: int = Field(1, ge=1)
    per_page: int = Field(20, ge=1, le=100, description="Actions par page, 100 au plus")


def _term(term: Term | None) -> dict[str, str] | None:
    return {"code": term.code, "label": term.label} if term else None


def _organisation(organisation: Organisation | None) -> dict[str, Any] | None:
    if organisation is None:
        return None
    return {"id": organisation.pk, "name": organisation.name, "kind": organisation.kind}


def _summary(action: CollectiveAction) -> dict[str, Any]:
    return {
        "id": action.pk,
        "title": action.title,
        "group_name": action.group_name,
        "status": action.status,
        "status_label": action.get_status_display(),
        "isic_form": _term(action.isic_form),
        "isic_subtype": _term(action.isic_subtype),
        "phase": _term(action.phase),
        "organisation": _organisation(action.organisation),
        "territories": [
            {"level": place.level, "code": place.code, "name": place.name}
            for place in action.territories.all()
        ],
        "start_date": action.start_date,
        "end_date": action.end_date,
        "participants_count": action.participants_count,
        "sessions_held": action.sessions_held,
        "url": reverse("actions:detail", args=[action.pk]),
    }


def _detail(action: CollectiveAction) -> dict[str, Any]:
    return {
        **_summary(action),
        "description": action.description,
        "publics": [_term(term) for term in action.publics.all()],
        "themes": [_term(term) for term in action.themes.all()],
        "group_kind": action.group_kind,
        "expected_participants": action.expected_participants,
        "planned_withdrawal": action.planned_withdrawal,
        "practice_id": action.practice_id,
        "objectives": [
            {
                "statement": objective.statement,
                "agreed_by": objective.agreed_by,
                "agreed_on": objective.agreed_on,
                "indicators": [
                    {"label": item.label, "kind": item.kind, "target": item.target}
                    for item in objective.indicators.all()
                ],
            }
            for objective in action.objectives.all()
        ],
        "facilitators": [
            {
                "user_id": person.user_id,
                "name": person.user.display_name if person.user else person.name,
                "function": person.function,
                "organisation": _organisation(person.organisation),
            }
            for person in action.facilitators.all()
        ],
        "partners": [
            {"organisation": _organisation(partner.organisation), "role": partner.role}
            for partner in action.partners.all()
        ],
        "funders": [
            {
                "organisation": _organisation(funder.organisation),
                "amount": funder.amount,
                "conditions": funder.conditions,
                "start_date": funder.start_date,
                "end_date": funder.end_date,
            }
            for funder in action.funders.all()
        ],
        "phases": [
            {
                "phase": _term(step.phase),
                "start_date": step.start_date,
                "end_date": step.end_date,
                "decisions": step.decisions,
            }
            for step in action.phases.all()
        ],
    }


def _with_everything(actions: QuerySet[CollectiveAction]) -> QuerySet[CollectiveAction]:
    return with_figures(actions).prefetch_related(
        "publics",
        "themes",
        Prefetch("objectives", Objective.objects.prefetch_related("indicators")),
        Prefetch(
            "facilitators",
            Facilitator.objects.select_related("user", "organisation").order_by("pk"),
        ),
        "partners__organisation",
        "funders__organisation",
        "phases__phase",
    )


def _readable(request: HttpRequest, action_id: int) -> CollectiveAction:
    action = (
        _with_everything(access.visible_actions(request.auth))  # type: ignore[attr-defined]
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise Http404(_("Action inconnue : %(id)s.") % {"id": action_id})
    return action


def _filters(params: ActionListParams) -> ActionFilters:
    errors: dict[str, list[str]] = {}
    isic_form = None
    if params.isic_form:
        isic_form = Term.objects.filter(
            scheme__code="isic_form", code=params.isic_form, broader__isnull=True
        ).first()
        if isic_form is None:
            errors["isic_form"] = [_("Forme d'intervention inconnue : %s.") % params.isic_form]
    territory = None
    if params.territory:
        level, _sep, code = params.territory.partition(":")
        found, _unknown = Territory.objects.from_codes([(level, code)])
        territory = found[0] if found else None
        if territory is None:
            errors["territory"] = [
                _("Territoire inconnu : « %s » (attendu : niveau:code).") % params.territory
            ]
    organisation = None
    if params.organisation is not None:
        organisation = Organisation.objects.filter(pk=params.organisation).first()
        if organisation is None:
            errors["organisation"] = [_("Organisation inconnue : %s.") % params.organisation]
    if errors:
        raise ValidationError(errors)
    return ActionFilters(
        text=params.q.strip(),
        status=params.status or "",
        isic_form=isic_form,
        organisation=organisation,
        territory=territory,
    )


@router.get(
    "",
    response={200: ActionListOut, 401: ErrorOut, 422: ErrorOut},
    auth=AUTH,
    summary="Lister les actions collectives",
    description="Les actions que vous voyez : celles de vos organisations, celles que des "
    "partenaires partagent avec elles, celles que vous animez et, pour un coordinateur, celles "
    "de son territoire. Filtres combinables ; les plus récentes d'abord.",
)
def list_actions(request: HttpRequest, params: Query[ActionListParams]) -> dict[str, Any]:
    actions = filter_actions(
        access.visible_actions(request.auth),  # type: ignore[attr-defined]
        _filters(params),
    )
    start = (params.page - 1) * params.per_page
    return {
        "total": actions.count(),
        "page": params.page,
        "per_page": params.per_page,
        "items": [
            _summary(action) for action in with_figures(actions)[start : start + params.per_page]
        ],
    }


@router.get(
    "/{int:action_id}",
    response={200: ActionOut, **READ_ERRORS},
    auth=AUTH,
    url_name="action",
    summary="Une action collective",
    description="L'action avec ses objectifs et indicateurs, ses co-animateurs, partenaires, "
    "financeurs (montants et conditions) et ses phases. Une action que vous ne voyez pas "
    "répond 404. Les participants n'y figurent pas.",
)
def get_action(request: HttpRequest, action_id: int) -> dict[str, Any]:
    return _detail(_readable(request, action_id))


def _resolve(data: dict[str, Any]) -> dict[str, Any]:
    """Codes and identifiers of the payload turned into objects; every unknown one refused."""
    fields = dict(data)
    errors: dict[str, list[str]] = {}
    for name, scheme in TERM_FIELDS.items():
        if name not in fields or fields[name] is None:
            continue
        codes = fields[name] if isinstance(fields[name], list) else [fields[name]]
        terms = {
            term.code: term
            for term in Term.objects.select_related("scheme").filter(
                scheme__code=scheme, code__in=codes
            )
        }
        unknown = [code for code in codes if code not in terms]
        if unknown:
            errors[name] = [
                _("Code inconnu dans le vocabulaire « %(scheme)s » : %(codes)s.")
                % {"scheme": scheme, "codes": ", ".join(unknown)}
            ]
        elif isinstance(fields[name], list):
            fields[name] = [terms[code] for code in codes]
        else:
            fields[name] = terms[fields[name]]
    if "territories" in fields:
        pairs = [(str(place["level"]), place["code"]) for place in fields["territories"]]
        fields["territories"], unknown_places = Territory.objects.from_codes(pairs)
        if unknown_places:
            errors["territories"] = [
                _("Territoire inconnu : %(level)s %(code)s.") % {"level": level, "code": code}
                for level, code in unknown_places
            ]
    if "organisation" in fields:
        organisation = Organisation.objects.filter(pk=fields["organisation"]).first()
        if organisation is None:
            errors["organisation"] = [_("Organisation inconnue : %s.") % fields["organisation"]]
        fields["organisation"] = organisation
    if errors:
        raise ValidationError(errors)
    return fields


@router.post(
    "",
    response={201: ActionOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Créer une action collective",
    description="Réservé aux professionnels et coordinateurs, pour une organisation dont ils "
    "sont membres ; l'auteur devient co-animateur. Les termes sont désignés par leurs codes "
    "(/api/v1/referential/schemes), les territoires par niveau et code. Une donnée invalide "
    "répond 422 avec les messages par champ, et rien n'est enregistré.",
)
def create_action(request: HttpRequest, payload: ActionCreateIn) -> Status[dict[str, Any]]:
    actor: User = request.auth  # type: ignore[attr-defined]
    action = operations.create_action(actor=actor, **_resolve(payload.dict()))
    return Status(201, _detail(_readable(request, action.pk)))


@router.patch(
    "/{int:action_id}",
    response={200: ActionOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Modifier une action collective",
    description="Ne change que les champs envoyés (l'organisation porteuse ne change pas). "
    "Réservé aux co-animateurs et aux professionnels de l'organisation porteuse : un partenaire "
    "qui lit l'action reçoit 403. Passer le statut à `handed_over` ouvre la phase « Retrait et "
    "passage de relais » si elle ne l'est pas déjà.",
)
def update_action(
    request: HttpRequest, action_id: int, payload: PatchDict[ActionIn]
) -> dict[str, Any]:
    action = _readable(request, action_id)
    operations.update_action(
        actor=request.auth,  # type: ignore[attr-defined]
        action=action,
        **_resolve(dict(payload)),
    )
    return _detail(_readable(request, action_id))
