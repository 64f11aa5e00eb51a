"""Report pages: an action's report, a funder's report, the coordinator's dashboard, each with
its CSV, XLSX and PDF exports (`?format=csv|xlsx|pdf`) and a period filter."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.actions import access
from maillage.actions.lookups import readable_action
from maillage.actions.models import CollectiveAction
from maillage.actions.reports.activity import action_report as build_action_report
from maillage.actions.reports.activity import funder_report as build_funder_report
from maillage.actions.reports.activity import scope_report
from maillage.actions.reports.dashboard import area_actions, area_scope
from maillage.actions.reports.dashboard import dashboard as build_dashboard
from maillage.actions.reports.exports import (
    FORMATS,
    action_tables,
    dashboard_tables,
    export_response,
    funder_tables,
)
from maillage.organisations.models import Organisation
from maillage.territories.forms import TerritoryChoiceField
from maillage.territories.models import Level
from maillage.web.forms import DateInput


class PeriodForm(forms.Form):
    debut = forms.DateField(
        label=gettext_lazy("Du"),
        required=False,
        widget=DateInput(),
    )
    fin = forms.DateField(
        label=gettext_lazy("Au"),
        required=False,
        widget=DateInput(),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("debut"), cleaned.get("fin")
        if start and end and end < start:
            self.add_error("fin", _("La fin de la période doit suivre son début."))
        return cleaned

    def period(self) -> tuple[datetime.date | None, datetime.date | None]:
        if not self.is_valid():
            return None, None
        return self.cleaned_data["debut"], self.cleaned_data["fin"]


class DashboardForm(PeriodForm):
    territoire = TerritoryChoiceField(
        label=gettext_lazy("Territoire"),
        required=False,
        levels={Level.DEPARTEMENT, Level.EPCI, Level.COMMUNE},
        help_text=gettext_lazy(
            "Un département, une EPCI ou une commune, pour y regarder de plus près."
        ),
    )


def _export_or_page(
    request: HttpRequest, tables: list, filename: str, context: dict[str, Any], template: str
) -> HttpResponse:
    extension = request.GET.get("format", "")
    if extension:
        return export_response(request, extension, tables, filename=filename, context=context)
    return render(request, template, {**context, "tables": tables, "formats": FORMATS})


def _query_without_format(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("format", None)
    return query.urlencode()


@login_required
def action_report(request: HttpRequest, pk: int) -> HttpResponse:
    action = readable_action(request.user, pk)
    form = PeriodForm(request.GET)
    start, end = form.period()
    report = build_action_report(action, start=start, end=end)
    context = {
        "action": action,
        "report": report,
        "start": start,
        "end": end,
        "form": form,
        "query": _query_without_format(request),
        "title": _("Bilan de l'action « %(title)s »") % {"title": action.title},
        "show_participants": access.can_see_participants(request.user, action),
    }
    return _export_or_page(
        request, action_tables(report), f"bilan-action-{action.pk}", context, "actions/report.html"
    )


@login_required
def funder_report(request: HttpRequest, organisation_pk: int) -> HttpResponse:
    chosen = request.GET.get("financeur", "")
    if chosen.isdigit() and int(chosen) != organisation_pk:
        return redirect("actions:funder_report", int(chosen))
    funder = get_object_or_404(Organisation, pk=organisation_pk)
    form = PeriodForm(request.GET)
    start, end = form.period()
    # Refused there, with its French message, for a funder `request.user` may not see.
    report = build_funder_report(user=request.user, funder=funder, start=start, end=end)
    context = {
        "funder": funder,
        "report": report,
        "start": start,
        "end": end,
        "form": form,
        "funders": access.visible_funders(request.user).order_by("name"),
        "query": _query_without_format(request),
        "title": _("Bilan pour %(funder)s") % {"funder": funder.name},
    }
    return _export_or_page(
        request,
        funder_tables(report),
        f"bilan-financeur-{funder.pk}",
        context,
        "actions/report_funder.html",
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    data = request.GET if request.GET.keys() - {"format"} else None
    form = DashboardForm(
        data or {"debut": today.replace(month=1, day=1), "fin": today.replace(month=12, day=31)}
    )
    start, end = form.period()
    territory = form.cleaned_data.get("territoire") if form.is_valid() else None
    board = build_dashboard(request.user, start=start, end=end, territory=territory)
    period = {"debut": start.isoformat() if start else "", "fin": end.isoformat() if end else ""}
    # Each territory of the chart opens the same dashboard one level down (communes are the end).
    drill_down = [
        {"label": figure.label, "query": urlencode({**period, "territoire": figure.key})}
        for figure in board.by_territory
        if territory is None or territory.level != Level.COMMUNE
    ]
    context = {
        "board": board,
        "drill_down": drill_down,
        "start": start,
        "end": end,
        "form": form,
        "query": _query_without_format(request),
        "title": _("Tableau de bord des actions collectives"),
        "funders": access.visible_funders(request.user).order_by("name"),
    }
    return _export_or_page(
        request,
        dashboard_tables(board),
        "tableau-de-bord-actions",
        context,
        "actions/dashboard.html",
    )


class AreaReportForm(DashboardForm):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation porteuse"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("Toutes"),
    )

    def __init__(self, *args: Any, carriers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = carriers


def _this_year() -> dict[str, datetime.date]:
    today = timezone.localdate()
    return {"debut": today.replace(month=1, day=1), "fin": today.replace(month=12, day=31)}


@login_required
def area_report(request: HttpRequest) -> HttpResponse:
    """The report of the actions of a territory or an organisation within the user's area:
    people reached (distinct, new, by age band and commune), sessions, time, partners."""
    area = area_actions(request.user)
    carriers = Organisation.objects.filter(pk__in=area.values("organisation_id")).order_by("name")
    data = request.GET if request.GET.keys() - {"format"} else None
    form = AreaReportForm(data or _this_year(), carriers=carriers)
    start, end = form.period()
    chosen = form.cleaned_data if form.is_valid() else {}
    actions = area_scope(
        request.user,
        start=start,
        end=end,
        territory=chosen.get("territoire"),
        organisation=chosen.get("organisation"),
    )
    ids = list(actions.values_list("pk", flat=True))
    report = scope_report(CollectiveAction.objects.filter(pk__in=ids), start=start, end=end)
    context = {
        "report": report,
        "actions_count": len(ids),
        "start": start,
        "end": end,
        "form": form,
        "query": _query_without_format(request),
        "title": _("Bilan d'un territoire ou d'une organisation"),
    }
    return _export_or_page(
        request, action_tables(report), "bilan-territoire", context, "actions/report_area.html"
    )
