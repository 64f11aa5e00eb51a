"""Pages of the collective action itself: the list, the description, objectives, team and phases.
Reads go through `maillage.actions.access` and QuerySets, writes through
`maillage.actions.operations.actions`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from maillage.actions import access, lookups
from maillage.actions.forms_actions import (
    ActionFilterForm,
    ActionForm,
    FacilitatorFormSet,
    FunderFormSet,
    ObjectiveForm,
    ObjectiveFormSet,
    PartnerFormSet,
    PhaseForm,
)
from maillage.actions.listing import filter_actions, with_figures
from maillage.actions.models import CollectiveAction
from maillage.actions.operations import actions as operations
from maillage.organisations.access import (
    organisations_acting_for,
)
from maillage.organisations.models import Membership, Organisation, User
from maillage.organisations.types import AuthenticatedRequest
from maillage.web.operation_errors import show_operation_errors

LIST_SIZE = 20


def readable_action(request: HttpRequest, pk: int) -> CollectiveAction:
    """The action if `request.user` may read it; a 404 otherwise, which says nothing of it."""
    return lookups.readable_action(
        request.user,
        pk,
        CollectiveAction.objects.select_related(
            "organisation", "isic_form", "isic_subtype", "phase", "practice"
        ),
    )


def _edit_refused() -> PermissionDenied:
    return PermissionDenied(str(operations.EDIT_REFUSAL))


def editable_action(request: HttpRequest, pk: int) -> CollectiveAction:
    """The action if `request.user` may change it; 403 (in French) if she only reads it."""
    action = readable_action(request, pk)
    if not access.can_edit_action(request.user, action):
        raise _edit_refused()
    return action


def _readable_for_page(request: HttpRequest, pk: int) -> tuple[CollectiveAction, dict[str, Any]]:
    """A page that readers see and editors change: its action and context; a POST from a reader
    is refused."""
    action = readable_action(request, pk)
    context = action_context(request, action)
    if request.method == "POST" and not context["can_edit"]:
        raise _edit_refused()
    return action, context


def action_context(request: HttpRequest, action: CollectiveAction) -> dict[str, Any]:
    """What every page of an action needs for its title and `_action_nav.html`."""
    return {
        "action": action,
        "can_edit": access.can_edit_action(request.user, action),
        "show_participants": access.can_see_participants(request.user, action),
    }


@login_required
def action_list(request: AuthenticatedRequest) -> HttpResponse:
    visible = access.visible_actions(request.user)
    filters = ActionFilterForm(
        request.GET or None,
        organisations=Organisation.objects.filter(
            pk__in=visible.values("organisation_id")
        ).order_by("name"),
    )
    actions = visible
    if filters.is_bound:
        actions = (
            filter_actions(visible, filters.chosen()) if filters.is_valid() else visible.none()
        )
    page = Paginator(with_figures(actions), LIST_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "actions/action_list.html",
        {
            "page": page,
            "filters": filters,
            "can_create": access.can_create_action(request.user),
        },
    )


@login_required
def create(request: AuthenticatedRequest) -> HttpResponse:
    if not access.can_create_action(request.user):
        raise PermissionDenied(str(operations.CREATE_REFUSAL))
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations_acting_for(request.user, access.EDITOR_ROLES),
    )
    if form.is_bound and form.is_valid():
        try:
            action = operations.create_action(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                **form.operation_fields(),
            )
        except ValidationError as error:
            show_operation_errors(form, error)
        else:
            messages.success(
                request,
                _("L'action est créée. Ajoutez ses objectifs, son équipe et ses partenaires."),
            )
            return redirect(action)
    return render(request, "actions/action_form.html", {"form": form, "action": None})


@login_required
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action = readable_action(request, pk)
    context = action_context(request, action)
    return render(
        request,
        "actions/action_detail.html",
        {
            **context,
            "territories": action.territories.all(),
            "publics": action.publics.all(),
            "themes": action.themes.all(),
            "objectives": action.objectives.prefetch_related("indicators"),
            "facilitators": action.facilitators.select_related("user", "organisation").order_by(
                "pk"
            ),
            "partners": action.partners.select_related("organisation").order_by(
                "organisation__name"
            ),
            "funders": action.funders.select_related("organisation").order_by("organisation__name"),
            "phases": action.phases.select_related("phase", "recorded_by"),
            "can_capitalise": context["can_edit"] and not action.practice_id,
        },
    )


@login_required
def edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action = editable_action(request, pk)
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        initial=ActionForm.initial_for(action),
    )
    if form.is_bound and form.is_valid():
        try:
            operations.update_action(actor=request.user, action=action, **form.operation_fields())
        except ValidationError as error:
            show_operation_errors(form, error)
        else:
            messages.success(request, _("L'action est enregistrée."))
            return redirect(action)
    return render(request, "actions/action_form.html", {"form": form, "action": action})


@login_required
def objectives(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action, context = _readable_for_page(request, pk)
    rows = action.objectives.prefetch_related("indicators")
    formset = None
    refusals: list[str] = []
    if context["can_edit"]:
        formset = ObjectiveFormSet(
            request.POST if request.method == "POST" else None,
            prefix="objectives",
            initial=[ObjectiveForm.initial_for(objective) for objective in rows],
        )
        if formset.is_bound and formset.is_valid():
            try:
                operations.set_objectives(
                    actor=request.user, action=action, objectives=formset.rows()
                )
            except ValidationError as error:
                refusals = error.messages
            else:
                messages.success(request, _("Les objectifs sont enregistrés."))
                return redirect("actions:objectives", pk=action.pk)
    return render(
        request,
        "actions/action_objectives.html",
        {**context, "objectives": rows, "formset": formset, "refusals": refusals},
    )


def _team_users(action: CollectiveAction) -> Any:
    """Accounts that may facilitate: members of the carrier and of the partner organisations,
    and the current facilitators (so the form shows them even if they have left)."""
    organisations = Q(organisation_id=action.organisation_id) | Q(
        organisation__in=action.partners.values("organisation_id")
    )
    return User.objects.filter(
        Q(pk__in=Membership.objects.filter(organisations).values("user_id"))
        | Q(pk__in=action.facilitators.values("user_id")),
        is_active=True,
    ).order_by("last_name", "first_name", "email")


@login_required
def team(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action, context = _readable_for_page(request, pk)
    facilitators = action.facilitators.select_related("user", "organisation").order_by("pk")
    partners = action.partners.select_related("organisation").order_by("organisation__name")
    funders = action.funders.select_related("organisation").order_by("organisation__name")
    formsets: dict[str, Any] = {}
    refusals: list[str] = []
    if context["can_edit"]:
        data = request.POST if request.method == "POST" else None
        formsets = {
            "facilitators": FacilitatorFormSet(
                data,
                prefix="facilitators",
                form_kwargs={"users": _team_users(action)},
                initial=[
                    {
                        "user": row.user,
                        "name": row.name,
                        "function": row.function,
                        "organisation": row.organisation,
                    }
                    for row in facilitators
                ],
            ),
            "partners": PartnerFormSet(
                data,
                prefix="partners",
                initial=[{"organisation": row.organisation, "role": row.role} for row in partners],
            ),
            "funders": FunderFormSet(
                data,
                prefix="funders",
                initial=[
                    {
                        "organisation": row.organisation,
                        "amount": row.amount,
                        "conditions": row.conditions,
                        "start_date": row.start_date,
                        "end_date": row.end_date,
                    }
                    for row in funders
                ],
            ),
        }
        if data is not None and all(formset.is_valid() for formset in formsets.values()):
            refusals = _save_team(request.user, action, formsets)
            if not refusals:
                messages.success(
                    request, _("L'équipe, les partenaires et les financeurs sont enregistrés.")
                )
                return redirect("actions:team", pk=action.pk)
    return render(
        request,
        "actions/action_team.html",
        {
            **context,
            "facilitators": facilitators,
            "partners": partners,
            "funders": funders,
            "formsets": formsets,
            "refusals": refusals,
        },
    )


def _save_team(actor: User, action: CollectiveAction, formsets: dict[str, Any]) -> list[str]:
    """All three lists or none: partners first, since facilitators may come from them. Returns
    the refusals to show, if any."""
    try:
        with transaction.atomic():
            operations.set_partners(
                actor=actor,
                action=action,
                partners=[
                    (row["organisation"], row["role"]) for row in formsets["partners"].rows()
                ],
            )
            operations.set_facilitators(
                actor=actor, action=action, facilitators=formsets["facilitators"].rows()
            )
            operations.set_funders(actor=actor, action=action, funders=formsets["funders"].rows())
    except ValidationError as error:
        return error.messages
    return []


@login_required
def phases(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action, context = _readable_for_page(request, pk)
    form = None
    if context["can_edit"]:
        form = PhaseForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                operations.record_phase(actor=request.user, action=action, **form.cleaned_data)
            except ValidationError as error:
                show_operation_errors(form, error)
            else:
                messages.success(request, _("La phase est enregistrée."))
                return redirect("actions:phases", pk=action.pk)
    return render(
        request,
        "actions/action_phases.html",
        {
            **context,
            "phases": action.phases.select_related("phase", "recorded_by"),
            "form": form,
        },
    )
