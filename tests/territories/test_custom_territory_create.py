"""A custom territory composed by hand from communes (for a diagnosis on a bassin de vie that no
file describes): who may, what it is made of, what is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.organisations.models import AuditEntry, Role
from maillage.territories.models import CustomKind, Level, SearchTerm, Territory
from maillage.territories.operations import create_custom_territory
from tests.organisations.factories import UserFactory, member
from tests.territories.factories import CustomTerritoryFactory, small_geography

pytestmark = pytest.mark.django_db


@pytest.fixture
def geo():
    return small_geography()


def test_a_coordinator_composes_a_bassin_de_vie(geo):
    coordinator = member(Role.COORDINATOR)
    territory = create_custom_territory(
        actor=coordinator,
        name=" Bassin de vie d'Arras ",
        kind=CustomKind.BASSIN_DE_VIE,
        communes=[geo.arras, geo.dainville, geo.saint_laurent_blangy, geo.lille],
    )
    assert territory.level == Level.CUSTOM and territory.code == "D-1"
    assert territory.name == "Bassin de vie d'Arras"
    assert set(Territory.objects.communes_of(territory)) == {
        geo.arras,
        geo.dainville,
        geo.saint_laurent_blangy,
        geo.lille,
    }
    assert territory.population == 42_875 + 5_683 + 6_500 + 236_710
    assert territory.departement == geo.nord  # where most of its people live
    assert SearchTerm.objects.filter(territory=territory).exists()  # the picker offers it
    entry = AuditEntry.objects.get(action="create_custom_territory")
    assert sorted(entry.after["communes"]) == sorted(
        commune.pk for commune in (geo.arras, geo.dainville, geo.saint_laurent_blangy, geo.lille)
    )


def test_codes_never_collide(geo):
    CustomTerritoryFactory(code="D-2", kind=CustomKind.CANTON)
    coordinator = member(Role.COORDINATOR)
    codes = {
        create_custom_territory(
            actor=coordinator,
            name=f"Quartiers {n}",
            kind=CustomKind.QUARTIER_PRIORITAIRE,
            communes=[geo.arras, geo.dainville],
        ).code
        for n in range(3)
    }
    assert len(codes) == 3 and "D-2" not in codes


def test_only_coordinators_and_national_admins_compose(geo):
    with pytest.raises(PermissionDenied):
        create_custom_territory(
            actor=member(Role.PROFESSIONAL),
            name="BV",
            kind=CustomKind.BASSIN_DE_VIE,
            communes=[geo.arras, geo.dainville],
        )
    admin = UserFactory(is_national_admin=True)
    assert create_custom_territory(
        actor=admin, name="BV", kind=CustomKind.BASSIN_DE_VIE, communes=[geo.arras, geo.dainville]
    ).pk


def test_bad_input_is_refused_and_nothing_is_written(geo):
    coordinator = member(Role.COORDINATOR)
    with pytest.raises(ValidationError) as refused:
        create_custom_territory(
            actor=coordinator,
            name="<b>BV</b>",
            kind="galaxie",
            communes=[geo.arras, geo.pas_de_calais],  # a département is not a commune
        )
    assert set(refused.value.message_dict) == {"name", "kind", "communes"}
    assert "au moins deux communes" in refused.value.message_dict["communes"][0]
    assert not Territory.objects.filter(level=Level.CUSTOM).exists()
