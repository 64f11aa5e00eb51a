# No `from __future__ import annotations`: ninja reads these signatures at runtime.
"""The reports in JSON: an action's report, a funder's report, the coordinator's dashboard —
the same figures and the same rights as their pages. Counts only, never names."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from maillage.actions.lookups import readable_action
from maillage.actions.models import CollectiveAction
from maillage.actions.reports.activity import action_report, funder_report, scope_report
from maillage.actions.reports.dashboard import area_scope, dashboard
from maillage.api_errors import ErrorOut
from maillage.organisations.models import Organisation
from maillage.organisations.tokens import TokenAuth
from maillage.territories.models import Territory

router = Router()
AUTH = [TokenAuth(), django_auth]
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class PeriodParams(Schema):
    start: datetime.date | None = Field(None, description="Début de la période (incluse)")
    end: datetime.date | None = Field(None, description="Fin de la période (incluse)")

    def bounds(self) -> tuple[datetime.date | None, datetime.date | None]:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": [_("La fin de la période doit suivre son début.")]})
        return self.start, self.end


class DashboardParams(PeriodParams):
    territory: int | None = Field(
        None, description="Identifiant d'un territoire (département, EPCI, commune) où regarder"
    )


class AreaReportParams(DashboardParams):
    organisation: int | None = Field(None, description="Identifiant de l'organisation porteuse")


class FigureOut(Schema):
    key: str = Field(description="Code (« inconnu » quand la donnée manque)")
    label: str
    value: int


class TimeTotalOut(Schema):
    key: Any = Field(description="Code du regroupement (mois : premier jour du mois)")
    label: str
    minutes: int


# The count every page shows: a headcount noted beside names counts the same people again.
ATTENDANCE_DOC = (
    "Présents aux séances tenues : pour chaque séance, les présences notées nominativement, ou "
    "le nombre compté sans les noms quand aucun nom n'a été noté (jamais les deux additionnés)"
)


class SessionFiguresOut(Schema):
    planned: int = Field(description="Séances prévues")
    held: int = Field(description="Séances tenues")
    cancelled: int = Field(description="Séances annulées")
    presences: int = Field(description="Présences notées nominativement aux séances tenues")
    headcount: int = Field(description="Présents comptés sans les noms")
    attendance: int = Field(description=ATTENDANCE_DOC)
    average_attendance: float | None = Field(description="`attendance` par séance tenue")


class ReportPartnerOut(Schema):
    organisation_id: int
    name: str
    actions: int


class ReportFunderOut(Schema):
    organisation_id: int
    name: str
    actions: int
    amount: Decimal | None = Field(description="Montant total en euros")


class ActivityReportOut(Schema):
    start: datetime.date | None
    end: datetime.date | None
    actions: int
    participants: int = Field(description="Personnes distinctes inscrites pendant la période")
    new_participants: int = Field(description="Personnes arrivées pendant la période")
    by_age_band: list[FigureOut]
    by_commune: list[FigureOut]
    sessions: SessionFiguresOut
    time_minutes: int
    time_by_activity: list[TimeTotalOut]
    partners: list[ReportPartnerOut]
    funders: list[ReportFunderOut]


class FunderActionOut(Schema):
    action_id: int
    title: str
    amount: Decimal | None
    support_start: datetime.date | None
    support_end: datetime.date | None
    eligible_participants: int = Field(description="Participants portant un critère du financeur")
    participants: int = Field(description="Tous les participants : personne n'est écarté")
    sessions_held: int
    presences: int
    headcount: int
    attendance: int = Field(description=ATTENDANCE_DOC)
    time_minutes: int


class FunderReportOut(Schema):
    funder_id: int
    funder_name: str
    start: datetime.date | None
    end: datetime.date | None
    amount: Decimal
    eligible_participants: int = Field(
        description="Participants portant un critère du financeur (une fois chacun)"
    )
    participants: int = Field(description="Tous les participants (une fois chacun)")
    sessions_held: int
    presences: int
    headcount: int
    attendance: int = Field(description=ATTENDANCE_DOC)
    time_minutes: int
    actions: list[FunderActionOut]


class DashboardOut(Schema):
    start: datetime.date | None
    end: datetime.date | None
    territory_id: int | None
    actions: int
    participants: int = Field(description="Personnes distinctes touchées pendant la période")
    sessions_held: int
    time_minutes: int
    by_form: list[FigureOut]
    territory_level: str = Field(description="Niveau des territoires de `by_territory`")
    by_territory: list[FigureOut]
    by_phase: list[FigureOut]
    by_status: list[FigureOut]
    time_by_month: list[TimeTotalOut]
    time_by_organisation: list[TimeTotalOut]


@router.get(
    "/dashboard",
    response={200: DashboardOut, **ERRORS},
    auth=AUTH,
    summary="Tableau de bord du coordinateur",
    description=(
        "Les actions de votre territoire de coordination (toutes pour un administrateur "
        "national) qui se déroulent pendant la période : par forme, territoire, phase et statut ; "
        "temps consacré par mois et par organisation ; personnes touchées ; séances tenues. "
        "Avec `territory`, le détail descend d'un niveau (département → EPCI → commune)."
    ),
)
def get_dashboard(request: HttpRequest, params: Query[DashboardParams]) -> dict[str, Any]:
    start, end = params.bounds()
    territory = (
        get_object_or_404(Territory, pk=params.territory) if params.territory is not None else None
    )
    board = dashboard(request.auth, start=start, end=end, territory=territory)
    return {**board.__dict__, "territory_id": territory.pk if territory else None}


@router.get(
    "/area-report",
    response={200: ActivityReportOut, **ERRORS},
    auth=AUTH,
    summary="Bilan d'un territoire ou d'une organisation",
    description=(
        "Les actions de votre périmètre (celui du tableau de bord) menées pendant la période, "
        "dans `territory` et portées par `organisation` si vous les donnez : personnes distinctes "
        "et nouvelles, par tranche d'âge et par commune, séances, présences, temps, partenaires."
    ),
)
def get_area_report(request: HttpRequest, params: Query[AreaReportParams]) -> ActivityReportOut:
    start, end = params.bounds()
    territory = (
        get_object_or_404(Territory, pk=params.territory) if params.territory is not None else None
    )
    organisation = (
        get_object_or_404(Organisation, pk=params.organisation)
        if params.organisation is not None
        else None
    )
    actions = area_scope(
        request.auth, start=start, end=end, territory=territory, organisation=organisation
    )
    ids = list(actions.values_list("pk", flat=True))
    return scope_report(CollectiveAction.objects.filter(pk__in=ids), start=start, end=end)


@router.get(
    "/funders/{int:organisation_id}/report",
    response={200: FunderReportOut, **ERRORS},
    auth=AUTH,
    summary="Bilan d'un financeur",
    description=(
        "Ce que le financeur soutient parmi les actions que vous lisez (toutes pour ses membres), "
        "dans sa période de soutien : par action et au total, les participants portant un de ses "
        "critères d'éligibilité et tous les participants, les séances, présences et heures."
    ),
)
def get_funder_report(
    request: HttpRequest, organisation_id: int, params: Query[PeriodParams]
) -> dict[str, Any]:
    funder = get_object_or_404(Organisation, pk=organisation_id)
    start, end = params.bounds()
    report = funder_report(user=request.auth, funder=funder, start=start, end=end)
    return {
        **report.__dict__,
        "funder_id": funder.pk,
        "funder_name": funder.name,
        "actions": report.lines,
    }


@router.get(
    "/{int:action_id}/report",
    response={200: ActivityReportOut, **ERRORS},
    auth=AUTH,
    summary="Bilan d'une action",
    description=(
        "Participants (personnes distinctes, nouvelles, par tranche d'âge et par commune), "
        "séances, présences, temps par activité, partenaires et financeurs, sur une période."
    ),
)
def get_action_report(
    request: HttpRequest, action_id: int, params: Query[PeriodParams]
) -> ActivityReportOut:
    action = readable_action(request.auth, action_id)
    start, end = params.bounds()
    return action_report(action, start=start, end=end)
