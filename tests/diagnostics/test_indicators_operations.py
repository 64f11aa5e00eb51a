"""Creating and changing indicators: who may, and what a ratio may divide."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.diagnostics.models import Aggregation, Indicator
from maillage.diagnostics.operations.indicators import create_indicator, update_indicator
from maillage.organisations.models import AuditEntry, Role
from tests.diagnostics.factories import IndicatorFactory, ratio, set_values
from tests.organisations.factories import OrganisationFactory, UserFactory, member
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def errors(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


def test_a_coordinators_indicator_belongs_to_her_organisation() -> None:
    organisation = OrganisationFactory()
    coordinator = member(Role.COORDINATOR, organisation)
    indicator = create_indicator(
        actor=coordinator, code="familles_mono", label="Familles monoparentales", theme="familles"
    )
    assert indicator.organisation == organisation
    assert indicator.aggregation == Aggregation.SUM and indicator.scale == 1
    entry = AuditEntry.objects.get(action="create_indicator")
    assert entry.after["code"] == "familles_mono"
    with pytest.raises(PermissionDenied):
        create_indicator(
            actor=coordinator,
            code="autre",
            label="Autre",
            theme="familles",
            organisation=OrganisationFactory(),
        )


def test_only_coordinators_and_admins_create() -> None:
    with pytest.raises(PermissionDenied):
        create_indicator(actor=member(Role.PROFESSIONAL), code="x", label="X", theme="age")
    admin = UserFactory(is_national_admin=True)
    national = create_indicator(actor=admin, code="x", label="X", theme="age")
    assert national.organisation is None


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("nouveau", "réservé"),
        ("importer", "réservé"),
        ("Majuscules", "minuscules"),
        ("avec espace", "minuscules"),
        ("déjà", "minuscules"),
        ("population", "déjà"),
    ],
)
def test_code_rules(code: str, words: str) -> None:
    IndicatorFactory(code="population")
    admin = UserFactory(is_national_admin=True)
    messages = errors(lambda: create_indicator(actor=admin, code=code, label="L", theme="age"))
    assert words in messages["code"][0]


def test_ratio_needs_two_different_sum_indicators() -> None:
    admin = UserFactory(is_national_admin=True)
    households = IndicatorFactory(code="menages")
    poor = IndicatorFactory(code="menages_pauvres")
    rate = ratio(poor, households, code="taux")

    def make(**fields):
        return create_indicator(
            actor=admin, code="t", label="T", theme="age", aggregation="ratio", **fields
        )

    assert "numerator" in errors(lambda: make(denominator=households))
    assert (
        "lui-même un rapport"
        in errors(lambda: make(numerator=rate, denominator=households))["numerator"][0]
    )
    assert "différents" in errors(lambda: make(numerator=poor, denominator=poor))["denominator"][0]
    assert "scale" in errors(lambda: make(numerator=poor, denominator=households, scale=0))
    created = make(numerator=poor, denominator=households, scale=100)
    assert (created.numerator, created.denominator, created.scale) == (poor, households, 100)
    summed = errors(
        lambda: create_indicator(
            actor=admin, code="s", label="S", theme="age", numerator=poor, denominator=households
        )
    )
    assert "numerator" in summed


def test_ratio_terms_from_another_organisation_are_refused() -> None:
    organisation = OrganisationFactory()
    coordinator = member(Role.COORDINATOR, organisation)
    other = IndicatorFactory(code="autre", organisation=OrganisationFactory())
    national = IndicatorFactory(code="menages")
    messages = errors(
        lambda: create_indicator(
            actor=coordinator,
            code="t",
            label="T",
            theme="age",
            aggregation="ratio",
            numerator=other,
            denominator=national,
        )
    )
    assert "autre organisation" in messages["numerator"][0]


def test_markup_and_year_are_refused() -> None:
    admin = UserFactory(is_national_admin=True)
    messages = errors(
        lambda: create_indicator(
            actor=admin, code="x", label="<script>x</script>", theme="age", year=21
        )
    )
    assert set(messages) == {"label", "year"}
    assert not Indicator.objects.exists()


def test_update_permissions_and_audit() -> None:
    organisation = OrganisationFactory()
    indicator = IndicatorFactory(code="propre", organisation=organisation, label="Avant")
    with pytest.raises(PermissionDenied):
        update_indicator(actor=member(Role.COORDINATOR), indicator=indicator, label="Non")
    coordinator = member(Role.COORDINATOR, organisation)
    update_indicator(actor=coordinator, indicator=indicator, label="Après", year=2022)
    indicator.refresh_from_db()
    assert (indicator.label, indicator.year) == ("Après", 2022)
    entry = AuditEntry.objects.get(action="update_indicator")
    assert entry.before == {"label": "Avant", "year": 2021}
    national = IndicatorFactory(code="national")
    with pytest.raises(PermissionDenied):
        update_indicator(actor=coordinator, indicator=national, label="Non")
    assert "code" in errors(
        lambda: update_indicator(actor=coordinator, indicator=indicator, code="x")
    )


def test_aggregation_is_fixed_once_filled_or_used() -> None:
    admin = UserFactory(is_national_admin=True)
    households = IndicatorFactory(code="menages")
    poor = IndicatorFactory(code="menages_pauvres")
    set_values(poor, {CommuneFactory(): 3})
    other = IndicatorFactory(code="autre")
    messages = errors(
        lambda: update_indicator(
            actor=admin,
            indicator=poor,
            aggregation="ratio",
            numerator=other,
            denominator=households,
        )
    )
    assert "aggregation" in messages
    rate = ratio(other, households, code="taux")
    assert "propre calcul" in " ".join(
        errors(lambda: update_indicator(actor=admin, indicator=rate, numerator=rate))["numerator"]
    )
    update_indicator(actor=admin, indicator=rate, aggregation="sum")
    rate.refresh_from_db()
    assert (rate.aggregation, rate.numerator, rate.scale) == ("sum", None, 1)
