"""Indicators and diagnoses for tests, written straight to the database (the operations are
tested on their own; these set the scene).

    from tests.diagnostics.factories import DiagnosisFactory, IndicatorFactory, ratio, set_values

    households = IndicatorFactory(code="menages")                   # a sum indicator
    poor = IndicatorFactory(code="menages_pauvres")
    rate = ratio(poor, households, code="taux_pauvrete", scale=100)  # a percentage
    set_values(poor, {geo.arras: 3_000, geo.dainville: 200})         # per commune
    diagnosis = DiagnosisFactory(territory=geo.cu_arras)            # carrier organisation made up

Shared by everyone writing tests for the diagnostics app: add to it, do not change what is here.
`set_values` and `ratio` keep the national totals as the write functions do.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

import factory
from django.db.models import Count, Q, Sum

from maillage.diagnostics.models import (
    Aggregation,
    Contribution,
    ContributionKind,
    ContributorKind,
    Diagnosis,
    DiagnosisStatus,
    Indicator,
    IndicatorValue,
    Theme,
)
from maillage.diagnostics.operations.indicators import refresh_ratio_totals
from maillage.territories.models import Territory
from tests.organisations.factories import OrganisationFactory, UserFactory


class IndicatorFactory(factory.django.DjangoModelFactory):
    """A national sum indicator (no organisation), counted in people."""

    class Meta:
        model = Indicator

    code = factory.Sequence(lambda n: f"indicateur_{n}")
    label = factory.Sequence(lambda n: f"Indicateur n° {n}")
    theme = Theme.DEMOGRAPHY
    unit = "personnes"
    source = "INSEE, recensement"
    year = 2021
    aggregation = Aggregation.SUM


def ratio(
    numerator: Indicator, denominator: Indicator, *, scale: int = 100, **fields: object
) -> Indicator:
    """A ratio indicator `scale × Σ numerator / Σ denominator` (a percentage by default)."""
    fields.setdefault("unit", "%")
    indicator = IndicatorFactory(
        aggregation=Aggregation.RATIO,
        numerator=numerator,
        denominator=denominator,
        scale=scale,
        **fields,
    )
    refresh_ratio_totals([indicator])
    return indicator


def set_values(indicator: Indicator, values: Mapping[Territory, float]) -> None:
    """Write `indicator`'s value in each commune (replacing any), then its national total."""
    IndicatorValue.objects.filter(indicator=indicator, commune__in=list(values)).delete()
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=indicator, commune=commune, value=value)
        for commune, value in values.items()
    )
    totals = IndicatorValue.objects.filter(indicator=indicator).aggregate(
        total=Sum("value"), count=Count("id")
    )
    Indicator.objects.filter(pk=indicator.pk).update(
        national_total=totals["total"], national_count=totals["count"]
    )
    indicator.refresh_from_db()
    refresh_ratio_totals(
        Indicator.objects.filter(Q(numerator=indicator) | Q(denominator=indicator))
    )


class DiagnosisFactory(factory.django.DjangoModelFactory):
    """A shared diagnosis in preparation, carried by a made-up organisation."""

    class Meta:
        model = Diagnosis
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Diagnostic partagé n° {n}")
    territory = factory.SubFactory("tests.territories.factories.CommuneFactory")
    public_token = factory.LazyFunction(lambda: secrets.token_urlsafe(16))
    created_by = factory.SubFactory(UserFactory)


class ContributionFactory(factory.django.DjangoModelFactory):
    """An inhabitant's need, waiting for moderation."""

    class Meta:
        model = Contribution

    diagnosis = factory.SubFactory(DiagnosisFactory)
    kind = ContributionKind.NEED
    contributor_kind = ContributorKind.INHABITANT
    text = "Il manque un endroit pour faire garder les enfants le mercredi."


def open_diagnosis(**fields: object) -> Diagnosis:
    """A diagnosis whose contributions are open (status « open », public link working)."""
    return DiagnosisFactory(status=DiagnosisStatus.OPEN, **fields)
