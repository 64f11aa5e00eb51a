"""The list of collective actions, shared by the « Actions collectives » page and the API: the
filters a person can combine and the figures each card shows, counted in the database."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from maillage.actions.access import located_in
from maillage.actions.models import CollectiveAction, Enrolment, Session, SessionStatus
from maillage.organisations.models import Organisation
from maillage.referential.models import Term
from maillage.territories.models import Territory


@dataclass(frozen=True)
class ActionFilters:
    text: str = ""
    status: str = ""
    isic_form: Term | None = None
    organisation: Organisation | None = None
    territory: Territory | None = None


def filter_actions(
    actions: QuerySet[CollectiveAction], filters: ActionFilters
) -> QuerySet[CollectiveAction]:
    """A form keeps its sub-types; a territory keeps the actions on it or inside it."""
    if filters.text:
        actions = actions.filter(
            Q(title__icontains=filters.text) | Q(group_name__icontains=filters.text)
        )
    if filters.status:
        actions = actions.filter(status=filters.status)
    if filters.isic_form is not None:
        actions = actions.filter(isic_form=filters.isic_form)
    if filters.organisation is not None:
        actions = actions.filter(organisation=filters.organisation)
    if filters.territory is not None:
        actions = actions.filter(
            pk__in=CollectiveAction.objects.filter(located_in({filters.territory.pk})).values("pk")
        )
    return actions


def _count(queryset: QuerySet) -> Coalesce:
    counted = queryset.order_by().values("action_id").annotate(total=Count("pk")).values("total")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_figures(actions: QuerySet[CollectiveAction]) -> QuerySet[CollectiveAction]:
    """Cards' figures: `participants_count` (enrolled people), `sessions_held`; the related
    rows a card shows come in a constant number of queries."""
    return (
        actions.select_related("organisation", "isic_form", "isic_subtype", "phase")
        .prefetch_related("territories")
        .annotate(
            participants_count=_count(Enrolment.objects.filter(action=OuterRef("pk"))),
            sessions_held=_count(
                Session.objects.filter(action=OuterRef("pk"), status=SessionStatus.HELD)
            ),
        )
    )
