"""Pages of the priorities of a diagnosis: the list with votes, the proposal form and the
decisions of the steering group, and « lancer une action » from an agreed priority.

Reads go through `maillage.diagnostics.access` and QuerySets, writes through
`maillage.diagnostics.operations.priorities`. The vote answers htmx with the priority's vote
block only; without JavaScript every form posts and comes back to the list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.actions import access as actions_access
from maillage.actions.operations.actions import CREATE_REFUSAL
from maillage.diagnostics import access
from maillage.diagnostics.forms_priorities import DecisionForm, PriorityForm, StartActionForm
from maillage.diagnostics.listings import priorities_with_figures
from maillage.diagnostics.lookups import readable_priority
from maillage.diagnostics.models import (
    Contribution,
    ContributionStatus,
    Diagnosis,
    Priority,
    PriorityStatus,
)
from maillage.diagnostics.operations import priorities as operations
from maillage.organisations.access import organisations_acting_for
from maillage.organisations.models import User
from maillage.organisations.types import AuthenticatedRequest
from maillage.web.operation_errors import flash_operation_errors, show_operation_errors


def published_contributions(diagnosis: Diagnosis) -> QuerySet[Contribution]:
    return Contribution.objects.filter(
        diagnosis_id=diagnosis.pk, status=ContributionStatus.PUBLISHED
    ).order_by("kind", "created_at")


def _rights(user: User | AnonymousUser, diagnosis: Diagnosis) -> dict[str, bool]:
    votes_open = diagnosis.status not in operations.CLOSED_FOR_VOTES
    return {
        "can_vote": votes_open and access.can_vote(user, diagnosis),
        "can_decide": access.can_edit_diagnosis(user, diagnosis),
        "can_start": user.is_authenticated and actions_access.can_create_action(user),
        "votes_open": votes_open,
    }


def priority_list(request: HttpRequest, pk: int) -> HttpResponse:
    diagnosis = access.readable_diagnosis(
        request.user, pk, Diagnosis.objects.select_related("territory", "organisation")
    )
    rights = _rights(request.user, diagnosis)
    form = None
    if rights["can_vote"]:
        form = PriorityForm(
            request.POST if request.method == "POST" else None,
            contributions=published_contributions(diagnosis),
        )
    elif request.method == "POST":
        raise PermissionDenied(str(operations.VOTE_REFUSAL))
    if form is not None and form.is_bound and form.is_valid():
        try:
            operations.propose_priority(
                actor=request.user, diagnosis=diagnosis, **form.cleaned_data
            )
        except ValidationError as error:
            show_operation_errors(form, error)
        else:
            messages.success(request, _("La priorité est proposée au comité de pilotage."))
            return redirect("diagnostics:priorities", diagnosis.pk)
    priorities = list(priorities_with_figures(request.user, diagnosis))
    if rights["can_decide"]:
        for priority in priorities:
            priority.decision_form = DecisionForm.for_priority(priority)
    return render(
        request,
        "diagnostics/priority_list.html",
        {
            "diagnosis": diagnosis,
            "priorities": priorities,
            "form": form,
            "agreed": PriorityStatus.AGREED,
            "set_aside": PriorityStatus.SET_ASIDE,
            **rights,
        },
    )


def _vote_block(request: HttpRequest, priority: Priority, error: str = "") -> HttpResponse:
    priority = priorities_with_figures(request.user, priority.diagnosis).get(pk=priority.pk)
    return HttpResponse(
        render_to_string(
            "diagnostics/priority_votes.html",
            {"priority": priority, "can_vote": True, "error": error},
            request=request,
        )
    )


@login_required
@require_POST
def priority_vote(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """`choice` is « pour » (vote) or « retirer » (withdraw one's vote)."""
    priority = readable_priority(request.user, pk)
    if not access.can_vote(request.user, priority.diagnosis):
        raise PermissionDenied(str(operations.VOTE_REFUSAL))
    withdraw = request.POST.get("choice") == "retirer"
    try:
        if withdraw:
            operations.withdraw_vote(actor=request.user, priority=priority)
        else:
            operations.vote_for_priority(actor=request.user, priority=priority)
    except ValidationError as error:
        if request.headers.get("HX-Request") == "true":
            # In 200: htmx 2 swaps no 4xx answer, and the block must say why nothing changed.
            return _vote_block(request, priority, " ".join(error.messages))
        flash_operation_errors(request, error)
        return redirect("diagnostics:priorities", priority.diagnosis_id)
    if request.headers.get("HX-Request") == "true":
        return _vote_block(request, priority)
    messages.success(
        request, _("Votre vote est retiré.") if withdraw else _("Votre vote est enregistré.")
    )
    return redirect("diagnostics:priorities", priority.diagnosis_id)


@login_required
@require_POST
def priority_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    priority = readable_priority(request.user, pk)
    if not access.can_edit_diagnosis(request.user, priority.diagnosis):
        raise PermissionDenied(str(operations.DECIDE_REFUSAL))
    form = DecisionForm(request.POST, prefix=f"decision-{priority.pk}")
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("diagnostics:priorities", priority.diagnosis_id)
    try:
        operations.decide_priority(actor=request.user, priority=priority, **form.cleaned_data)
    except ValidationError as error:
        flash_operation_errors(request, error)
    else:
        messages.success(
            request,
            _("« %(title)s » : %(status)s.")
            % {"title": priority.title, "status": priority.get_status_display().lower()},
        )
    return redirect("diagnostics:priorities", priority.diagnosis_id)


@login_required
def priority_start_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    priority = readable_priority(request.user, pk)
    if not actions_access.can_create_action(request.user):
        raise PermissionDenied(str(CREATE_REFUSAL))
    if priority.status != PriorityStatus.AGREED:
        messages.error(request, str(operations.AGREED_ONLY))
        return redirect("diagnostics:priorities", priority.diagnosis_id)
    form = StartActionForm(
        request.POST if request.method == "POST" else None,
        priority=priority,
        organisations=organisations_acting_for(request.user, actions_access.EDITOR_ROLES),
    )
    if form.is_bound and form.is_valid():
        try:
            action = operations.start_action_from_priority(
                actor=request.user, priority=priority, **form.cleaned_data
            )
        except ValidationError as error:
            show_operation_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "L'action est créée en préparation, liée à la priorité. Complétez ses "
                    "objectifs, son équipe et ses partenaires."
                ),
            )
            return redirect(action)
    context: dict[str, Any] = {
        "diagnosis": priority.diagnosis,
        "priority": priority,
        "form": form,
    }
    return render(request, "diagnostics/priority_start_action.html", context)
