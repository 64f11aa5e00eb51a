"""Write functions of the diagnosis: who may create and change it, its steering group (which
shares it), its components, its status and its public link."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.diagnostics import access
from maillage.diagnostics.models import Component, Diagnosis, DiagnosisStatus
from maillage.diagnostics.operations import contributions as contribution_operations
from maillage.diagnostics.operations import diagnoses as operations
from maillage.organisations.models import AuditEntry, Role
from maillage.territories import operations as territory_operations
from maillage.territories.models import CustomKind, Level, Territory
from tests.diagnostics.factories import DiagnosisFactory, IndicatorFactory
from tests.organisations.factories import OrganisationFactory, UserFactory, member
from tests.territories.factories import CustomTerritoryFactory, small_geography

pytestmark = pytest.mark.django_db


@pytest.fixture
def geo():
    return small_geography()


def _create(actor, organisation, territory=None, *, communes=(), **fields):
    """A diagnosis created as its page and the API create one (`create_diagnosis_where`): on
    `territory`, or on the « Bassin de vie d'Arras » composed of `communes`."""
    if communes:
        fields = {"territory_name": "Bassin de vie d'Arras", **fields}
    return operations.create_diagnosis_where(
        actor=actor,
        organisation=organisation,
        territory=territory,
        communes=communes,
        **{"title": "Diagnostic de l'Arrageois", **fields},
    )


def _nothing_written():
    return not (
        Territory.objects.filter(level=Level.CUSTOM).exists()
        or Diagnosis.objects.exists()
        or AuditEntry.objects.exists()
    )


def test_a_professional_creates_a_diagnosis_with_five_empty_components(geo):
    professional = member(Role.PROFESSIONAL)
    organisation = professional.memberships.get().organisation
    households = IndicatorFactory()
    diagnosis = _create(
        professional,
        organisation,
        geo.cu_arras,
        purpose="Comprendre l'isolement.",
        indicators=[households],
    )
    assert diagnosis.status == DiagnosisStatus.PREPARATION
    assert not contribution_operations.is_open(diagnosis)
    assert len(diagnosis.public_token) >= 20
    assert sorted(diagnosis.sections.values_list("component", flat=True)) == sorted(
        Component.values
    )
    assert list(diagnosis.indicators.all()) == [households]
    assert AuditEntry.objects.filter(
        action="create_diagnosis", object_id=str(diagnosis.pk)
    ).exists()
    assert _create(professional, organisation, geo.arras).public_token != diagnosis.public_token


def test_only_professionals_and_coordinators_create_and_for_their_own_organisation(geo):
    partner = member(Role.PARTNER)
    with pytest.raises(PermissionDenied):
        _create(partner, partner.memberships.get().organisation, geo.arras)
    professional = member(Role.PROFESSIONAL)
    with pytest.raises(ValidationError) as refused:
        _create(professional, OrganisationFactory(), geo.arras)
    assert "organisation" in refused.value.message_dict
    assert not Diagnosis.objects.exists()


def test_bad_input_is_refused_by_field_and_nothing_is_written(geo):
    professional = member(Role.PROFESSIONAL)
    organisation = professional.memberships.get().organisation
    with pytest.raises(ValidationError) as refused:
        _create(
            professional,
            organisation,
            geo.arras,
            title="  ",
            purpose="<script>alert(1)</script>",
            kind="nope",
            start_date=datetime.date(2025, 5, 1),
            end_date=datetime.date(2025, 4, 1),
        )
    assert set(refused.value.message_dict) == {"title", "purpose", "kind", "end_date"}
    # One mistake, one message: ours, not Django's as well.
    assert refused.value.message_dict["kind"] == ["Type de diagnostic inconnu."]
    assert refused.value.message_dict["title"] == ["Donnez un titre au diagnostic."]
    assert not Diagnosis.objects.exists()


def test_the_organisation_is_refused_with_the_other_fields_at_once(geo):
    professional = member(Role.PROFESSIONAL)
    with pytest.raises(ValidationError) as refused:
        _create(professional, OrganisationFactory(), geo.arras, title="", kind="nope")
    assert refused.value.message_dict["organisation"] == [
        "Choisissez une organisation dont vous êtes professionnel ou coordinateur."
    ]
    assert set(refused.value.message_dict) == {"organisation", "title", "kind"}
    assert not Diagnosis.objects.exists()


def test_a_title_too_long_is_refused_on_its_field(geo):
    professional = member(Role.PROFESSIONAL)
    organisation = professional.memberships.get().organisation
    with pytest.raises(ValidationError) as refused:
        _create(professional, organisation, geo.arras, title="x" * 201)
    assert set(refused.value.message_dict) == {"title"}
    assert "200" in refused.value.message_dict["title"][0]
    assert not Diagnosis.objects.exists()


def test_update_checks_the_editor_and_refuses_unknown_fields(geo):
    diagnosis = DiagnosisFactory(territory=geo.arras)
    editor = member(Role.PROFESSIONAL, diagnosis.organisation)
    operations.update_diagnosis(actor=editor, diagnosis=diagnosis, title="Nouveau titre")
    diagnosis.refresh_from_db()
    assert diagnosis.title == "Nouveau titre"
    with pytest.raises(ValidationError):
        operations.update_diagnosis(actor=editor, diagnosis=diagnosis, status="published")
    with pytest.raises(PermissionDenied):
        operations.update_diagnosis(
            actor=member(Role.PARTNER, diagnosis.organisation), diagnosis=diagnosis, title="x"
        )


def test_steering_group_shares_the_diagnosis_with_its_organisations(geo):
    diagnosis = DiagnosisFactory(territory=geo.arras)
    editor = member(Role.PROFESSIONAL, diagnosis.organisation)
    caf, ccas = OrganisationFactory(), OrganisationFactory()
    caf_worker = member(Role.PARTNER, caf)
    operations.set_steering_group(
        actor=editor,
        diagnosis=diagnosis,
        members=[
            {"organisation": caf, "user": caf_worker, "name": "", "role": "conseillère"},
            {"organisation": ccas, "user": None, "name": "", "role": ""},
            {"organisation": None, "user": None, "name": "Mme la maire", "role": "élue"},
        ],
    )
    assert set(diagnosis.shared_with.all()) == {caf, ccas}
    assert diagnosis.steering_members.count() == 3
    assert access.can_view_diagnosis(member(Role.PARTNER, ccas), diagnosis)
    assert access.can_edit_diagnosis(caf_worker, diagnosis)

    operations.set_steering_group(
        actor=editor, diagnosis=diagnosis, members=[{"organisation": ccas}]
    )
    assert list(diagnosis.shared_with.all()) == [ccas]
    assert not access.can_view_diagnosis(caf_worker, diagnosis)
    assert AuditEntry.objects.filter(action="set_steering_group").count() == 2


def test_a_stranger_account_is_refused_from_the_steering_group(geo):
    diagnosis = DiagnosisFactory(territory=geo.arras)
    editor = member(Role.PROFESSIONAL, diagnosis.organisation)
    operations.set_steering_group(
        actor=editor, diagnosis=diagnosis, members=[{"organisation": OrganisationFactory()}]
    )
    stranger = UserFactory(first_name="Jeanne", last_name="Inconnue")
    with pytest.raises(ValidationError) as refused:
        operations.set_steering_group(
            actor=editor,
            diagnosis=diagnosis,
            members=[{"organisation": OrganisationFactory()}, {"user": stranger}],
        )
    assert "ne peut pas siéger" in refused.value.message_dict["members"][0]
    assert diagnosis.steering_members.count() == 1  # the previous group is untouched
    with pytest.raises(ValidationError):
        operations.set_steering_group(actor=editor, diagnosis=diagnosis, members=[{}])


def test_status_follows_the_life_of_a_diagnosis(geo):
    diagnosis = DiagnosisFactory(territory=geo.arras)
    editor = member(Role.COORDINATOR, diagnosis.organisation)

    def move(status):
        return operations.set_diagnosis_status(actor=editor, diagnosis=diagnosis, status=status)

    with pytest.raises(ValidationError):
        move(DiagnosisStatus.PUBLISHED)
    assert contribution_operations.is_open(move(DiagnosisStatus.OPEN))
    assert not contribution_operations.is_open(move(DiagnosisStatus.ANALYSIS))
    assert contribution_operations.is_open(move(DiagnosisStatus.OPEN))  # back to contributions
    move(DiagnosisStatus.ANALYSIS)
    with pytest.raises(ValidationError) as refused:
        move(DiagnosisStatus.PUBLISHED)
    assert "synthèse" in refused.value.message_dict["status"][0]
    diagnosis.refresh_from_db()
    assert diagnosis.status == DiagnosisStatus.ANALYSIS and diagnosis.published_at is None
    operations.write_synthesis(
        actor=editor, diagnosis=diagnosis, synthesis="Les familles manquent de garde d'enfants."
    )
    published = move(DiagnosisStatus.PUBLISHED)
    assert published.published_at is not None
    with pytest.raises(ValidationError):
        operations.write_synthesis(actor=editor, diagnosis=diagnosis, synthesis="")
    archived = move(DiagnosisStatus.ARCHIVED)
    assert not contribution_operations.is_open(archived)
    assert archived.published_at == published.published_at
    with pytest.raises(ValidationError):
        move(DiagnosisStatus.OPEN)
    with pytest.raises(PermissionDenied):
        operations.set_diagnosis_status(
            actor=UserFactory(), diagnosis=diagnosis, status=DiagnosisStatus.ARCHIVED
        )


def test_sections_are_plain_text(geo):
    diagnosis = DiagnosisFactory(territory=geo.arras)
    editor = member(Role.PROFESSIONAL, diagnosis.organisation)
    section = operations.save_section(
        actor=editor, diagnosis=diagnosis, component=Component.FLOWS, text=" On va à Arras. "
    )
    assert section.text == "On va à Arras."
    with pytest.raises(ValidationError):
        operations.save_section(
            actor=editor, diagnosis=diagnosis, component=Component.FLOWS, text="<b>gras</b>"
        )
    with pytest.raises(ValidationError):
        operations.save_section(actor=editor, diagnosis=diagnosis, component="autre", text="x")


def test_renewing_the_public_link_stops_the_old_one(geo):
    diagnosis = DiagnosisFactory(territory=geo.arras)
    old = diagnosis.public_token
    operations.renew_public_link(
        actor=member(Role.PROFESSIONAL, diagnosis.organisation), diagnosis=diagnosis
    )
    assert not Diagnosis.objects.filter(public_token=old).exists()
    assert Diagnosis.objects.get(pk=diagnosis.pk).public_token == diagnosis.public_token != old
    entry = AuditEntry.objects.get(action="renew_diagnosis_public_link")
    assert old not in str(entry.before) + str(entry.after)
    with pytest.raises(PermissionDenied):
        operations.renew_public_link(actor=UserFactory(), diagnosis=diagnosis)


def test_the_refusal_of_an_account_does_not_name_it(geo):
    diagnosis = DiagnosisFactory(territory=geo.arras)
    editor = member(Role.PROFESSIONAL, diagnosis.organisation)
    stranger = UserFactory(first_name="Jeanne", last_name="Inconnue")
    with pytest.raises(ValidationError) as refused:
        operations.set_steering_group(
            actor=editor, diagnosis=diagnosis, members=[{"name": "M. le maire"}, {"user": stranger}]
        )
    assert refused.value.message_dict["members"] == [
        "Ligne 2 : ce compte ne peut pas siéger au comité de pilotage de ce diagnostic."
    ]


def test_a_coordinator_creates_a_diagnosis_on_a_territory_composed_for_it(geo):
    coordinator = member(Role.COORDINATOR)
    organisation = coordinator.memberships.get().organisation
    diagnosis = _create(
        coordinator, organisation, communes=[geo.arras, geo.dainville], purpose="Les familles."
    )
    territory = diagnosis.territory
    assert (territory.level, territory.kind, territory.name) == (
        Level.CUSTOM,
        CustomKind.BASSIN_DE_VIE,
        "Bassin de vie d'Arras",
    )
    assert set(territory.communes.all()) == {geo.arras, geo.dainville}
    assert diagnosis.purpose == "Les familles." and diagnosis.organisation == organisation
    assert {entry.action for entry in AuditEntry.objects.all()} == {
        "create_custom_territory",
        "create_diagnosis",
    }


def test_a_composed_territory_and_its_diagnosis_stand_or_fall_together(geo):
    coordinator = member(Role.COORDINATOR)
    organisation = coordinator.memberships.get().organisation
    with pytest.raises(ValidationError) as refused:
        _create(coordinator, organisation, communes=[geo.arras])
    # Named as the caller names them, not as the territories app does.
    assert "communes" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _create(
            coordinator,
            organisation,
            title="BV",
            territory_name="<b>BV</b>",
            territory_kind="galaxie",
            communes=[geo.arras, geo.dainville],
        )
    assert set(refused.value.message_dict) == {"territory_name", "territory_kind"}
    with pytest.raises(ValidationError) as refused:
        # The territory is valid, the diagnosis is not: neither is written.
        _create(coordinator, OrganisationFactory(), communes=[geo.arras, geo.dainville])
    assert "organisation" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        # Professionals create diagnoses but do not compose territories.
        _create(
            member(Role.PROFESSIONAL, organisation),
            organisation,
            communes=[geo.arras, geo.dainville],
        )
    assert _nothing_written()


def test_a_territory_chosen_and_composed_at_once_is_refused_on_territory(geo):
    coordinator = member(Role.COORDINATOR)
    organisation = coordinator.memberships.get().organisation
    with pytest.raises(ValidationError) as refused:
        _create(coordinator, organisation, geo.cu_arras, communes=[geo.arras, geo.dainville])
    assert refused.value.message_dict == {
        "territory": ["Choisissez un territoire existant ou composez-en un, pas les deux."]
    }
    with pytest.raises(ValidationError) as refused:
        # A name alone is a composition too; and the other refusals come with it.
        _create(coordinator, organisation, geo.cu_arras, territory_name="BV", title="")
    assert set(refused.value.message_dict) == {"territory", "title"}
    assert _nothing_written()


def test_permission_comes_before_the_choice_of_territory(geo):
    partner = member(Role.PARTNER)
    with pytest.raises(PermissionDenied):
        _create(
            partner,
            partner.memberships.get().organisation,
            geo.cu_arras,
            communes=[geo.arras, geo.dainville],
        )
    assert _nothing_written()


def test_a_composed_diagnosis_reports_its_own_and_its_territory_s_refusals_at_once(geo):
    coordinator = member(Role.COORDINATOR)
    organisation = coordinator.memberships.get().organisation

    with pytest.raises(ValidationError) as refused:
        _create(coordinator, organisation, communes=[geo.arras], title="", kind="inconnu")

    assert set(refused.value.message_dict) == {"title", "kind", "communes"}
    with pytest.raises(ValidationError) as refused:
        # A refusal of Django's own (a length) is found with the others, before any write.
        _create(coordinator, organisation, communes=[geo.arras], title="x" * 201)

    assert set(refused.value.message_dict) == {"title", "communes"}
    assert _nothing_written()


def test_two_compositions_at_once_take_two_codes(geo, monkeypatch):
    """The code another composition takes between the choice of the code and the insert: the
    insert fails on the unique (level, code) and the next free code is taken."""
    coordinator = member(Role.COORDINATOR)
    organisation = coordinator.memberships.get().organisation
    next_code = territory_operations._next_composed_code
    raced: list[str] = []

    def taken_meanwhile() -> str:
        code = next_code()
        if not raced:
            raced.append(code)
            CustomTerritoryFactory(code=code, kind=CustomKind.BASSIN_DE_VIE)
        return code

    monkeypatch.setattr(territory_operations, "_next_composed_code", taken_meanwhile)
    diagnosis = _create(coordinator, organisation, communes=[geo.arras, geo.dainville])
    assert raced == ["D-1"] and diagnosis.territory.code == "D-2"
    assert set(diagnosis.territory.communes.all()) == {geo.arras, geo.dainville}
