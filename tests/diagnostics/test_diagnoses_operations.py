"""Write functions of the diagnosis: who may create and change it, its steering group (which
shares it), its components, its status and its public link."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.diagnostics import access
from maillage.diagnostics.models import Component, Diagnosis, DiagnosisStatus
from maillage.diagnostics.operations import diagnoses as operations
from maillage.organisations.models import AuditEntry, Role
from tests.diagnostics.factories import DiagnosisFactory, IndicatorFactory
from tests.organisations.factories import OrganisationFactory, UserFactory, member
from tests.territories.factories import small_geography

pytestmark = pytest.mark.django_db


@pytest.fixture
def geo():
    return small_geography()


def _create(actor, organisation, territory, **fields):
    return operations.create_diagnosis(
        actor=actor,
        organisation=organisation,
        title="Diagnostic de l'Arrageois",
        territory=territory,
        **fields,
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
    assert not diagnosis.contributions_open
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
        operations.create_diagnosis(
            actor=professional,
            organisation=organisation,
            title="  ",
            territory=geo.arras,
            purpose="<script>alert(1)</script>",
            kind="nope",
            start_date=datetime.date(2025, 5, 1),
            end_date=datetime.date(2025, 4, 1),
        )
    assert set(refused.value.message_dict) == {"title", "purpose", "kind", "end_date"}
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
    assert move(DiagnosisStatus.OPEN).contributions_open
    assert not move(DiagnosisStatus.ANALYSIS).contributions_open
    assert move(DiagnosisStatus.OPEN).contributions_open  # back to contributions
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
    assert not archived.contributions_open
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
