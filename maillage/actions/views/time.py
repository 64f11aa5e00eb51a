"""Pages of the time professionals give to collective actions: an action's time, the time of a
session (proposed from its facilitators), and the dashboard of time given to collective work.
Writes go through `maillage.actions.operations.time`, totals through `reports.time`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from maillage.actions import access
from maillage.actions.forms_time import DashboardFilterForm, SessionLineFormSet, TimeEntryForm
from maillage.actions.models import (
    CollectiveAction,
    Facilitator,
    Session,
    SessionStatus,
    TimeEntry,
)
from maillage.actions.operations import time as operations
from maillage.actions.reports.time import duration, time_totals
from maillage.actions.views.actions import action_context, readable_action
from maillage.organisations.access import is_national_admin, organisation_ids, require
from maillage.organisations.models import Organisation, Role, User
from maillage.organisations.types import AuthenticatedRequest
from maillage.web.operation_errors import show_operation_errors

PAGE_SIZE = 50


def _people(actor: User, action: CollectiveAction) -> list[User]:
    """Whose time `actor` may type here: herself first, then, if she facilitates the action, her
    co-facilitators with an account."""
    if not access.is_facilitator(actor, action):
        return []
    others = [
        facilitator.user
        for facilitator in Facilitator.objects.filter(action=action, user__isnull=False)
        .exclude(user_id=actor.pk)
        .select_related("user")
        .order_by("pk")
    ]
    return [actor, *others] if others else []


def _add_entry(
    request: AuthenticatedRequest, action: CollectiveAction, form: TimeEntryForm
) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    people = {person.pk: person for person in _people(request.user, action)}
    try:
        operations.add_time_entry(
            actor=request.user,
            action=action,
            date=data["date"],
            minutes=data["minutes"],
            activity=data["activity"],
            user=people.get(data.get("user")),
            phase=data["phase"],
            comment=data["comment"],
        )
    except ValidationError as error:
        show_operation_errors(form, error, {"minutes": "preset"})
        return False
    return True


def _totals(entries: QuerySet[TimeEntry], *groupings: str) -> dict[str, Any]:
    return {by: time_totals(entries, by) for by in groupings}


@login_required
def action_time(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action = readable_action(request, pk)
    context = action_context(request, action)
    can_edit = context["can_edit"]
    people = _people(request.user, action) if can_edit else []
    form = None
    if can_edit:
        form = TimeEntryForm(request.POST or None, people=people)
    if request.method == "POST":
        require(can_edit, _("Seuls les professionnels de l'action y enregistrent du temps."))
        if form is not None and _add_entry(request, action, form):
            messages.success(request, _("Le temps est enregistré."))
            return redirect("actions:time", pk=action.pk)
    entries = action.time_entries.all()
    page = Paginator(entries.select_related("user", "phase", "session"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    totals = _totals(entries, "activity", "phase", "user")
    return render(
        request,
        "actions/time.html",
        {
            **context,
            "form": form,
            "page": page,
            "rows": [(entry, duration(entry.minutes)) for entry in page],
            "total": duration(sum(row.minutes for row in totals["activity"])),
            "totals": totals,
            "sessions": action.sessions.filter(date__lte=timezone.localdate())
            .exclude(status=SessionStatus.CANCELLED)
            .order_by("-date")[:5],
        },
    )


@login_required
@require_POST
def time_entry_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(TimeEntry.objects.select_related("action"), pk=pk)
    if not access.can_view_action(request.user, entry.action):
        raise Http404(_("Aucune entrée ne porte ce numéro."))
    operations.delete_time_entry(actor=request.user, entry=entry)
    messages.success(request, _("L'entrée de temps est supprimée."))
    return redirect("actions:time", pk=entry.action_id)


@login_required
def session_time(request: AuthenticatedRequest, pk: int, session_pk: int) -> HttpResponse:
    action = readable_action(request, pk)
    session = get_object_or_404(Session, pk=session_pk, action=action)
    proposals = [
        proposal
        for proposal in operations.proposed_session_time(session)
        if operations.may_record_for(request.user, action, proposal.user)
    ]
    users = {proposal.user.pk: proposal.user for proposal in proposals}
    formset = SessionLineFormSet(
        request.POST or None,
        initial=[
            {"user": p.user.pk, "activity": p.activity, "minutes": p.minutes} for p in proposals
        ],
    )
    error_messages: list[str] = []
    if request.method == "POST" and formset.is_valid():
        lines = [{**line, "user": users.get(line["user"])} for line in formset.cleaned_data if line]
        if any(line["user"] is None for line in lines):
            error_messages.append(_("Une ligne ne correspond à aucune personne proposée."))
        else:
            try:
                operations.record_session_time(actor=request.user, session=session, entries=lines)
            except ValidationError as error:
                error_messages.extend(error.messages)
            else:
                messages.success(request, _("Le temps de la séance est enregistré."))
                return redirect("actions:time", pk=action.pk)
    # The forms follow the proposals' order, which is recomputed identically on POST.
    rows = list(zip(formset, proposals, strict=False))
    return render(
        request,
        "actions/time_session.html",
        {
            **action_context(request, action),
            "session": session,
            "formset": formset,
            "rows": rows,
            "error_messages": error_messages,
        },
    )


def _filtered(entries: QuerySet[TimeEntry], form: DashboardFilterForm) -> QuerySet[TimeEntry]:
    if form.is_valid():
        data = form.cleaned_data
        if data.get("start"):
            entries = entries.filter(date__gte=data["start"])
        if data.get("end"):
            entries = entries.filter(date__lte=data["end"])
        if data.get("organisation"):
            entries = entries.filter(organisation=data["organisation"])
    return entries


CHART_CAPTIONS = {
    "month": gettext_lazy("Temps par mois"),
    "action": gettext_lazy("Temps par action"),
    "activity": gettext_lazy("Temps par activité"),
    "user": gettext_lazy("Temps par professionnel"),
    "team": gettext_lazy("Temps par équipe ou service"),
    "organisation": gettext_lazy("Temps par organisation"),
    "territory": gettext_lazy("Temps par territoire"),
}


@login_required
def time_dashboard(request: AuthenticatedRequest) -> HttpResponse:
    """A professional sees her own time; a coordinator or a national administrator sees the time
    given to the actions she reads, per person, team, organisation, territory and month (and her
    own time with `?vue=moi`)."""
    user = request.user
    can_steer = is_national_admin(user) or bool(organisation_ids(user, {Role.COORDINATOR}))
    steering = can_steer and request.GET.get("vue") != "moi"
    if steering:
        scope = TimeEntry.objects.filter(action__in=access.visible_actions(user).values("pk"))
        organisations = Organisation.objects.filter(
            pk__in=scope.values("organisation_id")
        ).order_by("name")
        form = DashboardFilterForm(request.GET or None, organisations=organisations)
        groupings = ("month", "user", "team", "organisation", "territory")
    else:
        scope = TimeEntry.objects.filter(user_id=user.pk)
        form = DashboardFilterForm(request.GET or None)
        groupings = ("month", "action", "activity")
    entries = _filtered(scope, form)
    totals = _totals(entries, *groupings)
    return render(
        request,
        "actions/time_dashboard.html",
        {
            "form": form,
            "steering": steering,
            "can_steer": can_steer,
            "charts": [(by, CHART_CAPTIONS[by], totals[by]) for by in groupings],
            "total": duration(sum(row.minutes for row in totals["month"])),
        },
    )
