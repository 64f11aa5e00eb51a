from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.organisations import operations
from maillage.organisations.models import (
    AuditEntry,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
)
from tests.organisations.factories import OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def test_coordinator_creates_organisation_and_becomes_its_coordinator():
    coordinator = member(Role.COORDINATOR)

    organisation = operations.create_organisation(
        actor=coordinator, name="Centre social des Provinces", kind=OrganisationKind.CENTRE_SOCIAL
    )

    assert Membership.objects.filter(
        user=coordinator, organisation=organisation, role=Role.COORDINATOR
    ).exists()
    entry = AuditEntry.objects.get(action="create_organisation")
    assert entry.actor == coordinator
    assert entry.object_id == str(organisation.pk)
    assert entry.after["name"] == "Centre social des Provinces"


def test_professional_cannot_create_organisation_and_nothing_is_written():
    professional = member(Role.PROFESSIONAL)
    count = Organisation.objects.count()

    with pytest.raises(PermissionDenied, match="coordinateurs"):
        operations.create_organisation(actor=professional, name="X", kind=OrganisationKind.CCAS)

    assert Organisation.objects.count() == count
    assert not AuditEntry.objects.exists()


def test_invalid_organisation_is_refused_before_writing():
    admin = UserFactory(is_national_admin=True)
    with pytest.raises(ValidationError) as error:
        operations.create_organisation(actor=admin, name="", kind="inconnu")
    assert {"name", "kind"} <= set(error.value.message_dict)
    assert not Organisation.objects.exists()
    assert not AuditEntry.objects.exists()


def test_update_records_only_changed_fields_before_and_after():
    organisation = OrganisationFactory(name="CCAS de Liévin")
    coordinator = member(Role.COORDINATOR, organisation)

    operations.update_organisation(
        actor=coordinator, organisation=organisation, name="CCAS de Liévin", siret="21620510000014"
    )

    entry = AuditEntry.objects.get(action="update_organisation")
    assert entry.before == {"siret": ""}
    assert entry.after == {"siret": "21620510000014"}


def test_coordinator_of_another_organisation_cannot_update():
    organisation = OrganisationFactory(name="CCAS A")
    outsider = member(Role.COORDINATOR)

    with pytest.raises(PermissionDenied):
        operations.update_organisation(actor=outsider, organisation=organisation, name="Piraté")

    organisation.refresh_from_db()
    assert organisation.name == "CCAS A"


def test_add_member_creates_account_without_usable_password():
    organisation = OrganisationFactory()
    coordinator = member(Role.COORDINATOR, organisation)

    invitation = operations.add_member(
        actor=coordinator,
        organisation=organisation,
        email="Nouvelle@Example.org",
        role=Role.PROFESSIONAL,
    )

    assert invitation.user_created
    user = invitation.membership.user
    assert user.email == "nouvelle@example.org"
    assert not user.has_usable_password()
    assert AuditEntry.objects.filter(action="add_membership").count() == 1


def test_a_member_s_team_is_kept_for_the_time_dashboards():
    organisation = OrganisationFactory()
    coordinator = member(Role.COORDINATOR, organisation)

    invitation = operations.add_member(
        actor=coordinator,
        organisation=organisation,
        email="as@example.org",
        role=Role.PROFESSIONAL,
        team="  MDS   de Roubaix ",
    )

    assert invitation.membership.team == "MDS de Roubaix"
    entry = AuditEntry.objects.get(action="add_membership")
    assert entry.after["team"] == "MDS de Roubaix"


def test_add_member_twice_with_same_role_is_refused():
    organisation = OrganisationFactory()
    coordinator = member(Role.COORDINATOR, organisation)
    professional = member(Role.PROFESSIONAL, organisation)

    with pytest.raises(ValidationError, match="déjà ce rôle"):
        operations.add_member(
            actor=coordinator,
            organisation=organisation,
            email=professional.email,
            role=Role.PROFESSIONAL,
        )


def test_last_coordinator_cannot_be_removed():
    organisation = OrganisationFactory()
    coordinator = member(Role.COORDINATOR, organisation)
    membership = Membership.objects.get(user=coordinator)

    with pytest.raises(ValidationError, match="au moins un coordinateur"):
        operations.remove_member(actor=coordinator, membership=membership)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_profile_of_someone_else_cannot_be_changed():
    someone = UserFactory(first_name="Alice")
    other = UserFactory()
    with pytest.raises(PermissionDenied):
        operations.update_profile(actor=other, user=someone, first_name="Bob")
    someone.refresh_from_db()
    assert someone.first_name == "Alice"


def test_silenced_notifications_write_nothing_and_send_nothing(
    mailoutbox, django_capture_on_commit_callbacks
):
    from maillage.organisations.models import Notification
    from maillage.organisations.notifications import notify, silenced

    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True), silenced():
        notify([person], "Une fiche attend votre relecture.", "/pratiques/relecture/")
    assert not Notification.objects.exists()
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        notify([person], "Une fiche attend votre relecture.", "/pratiques/relecture/")
    assert Notification.objects.get().recipient == person
    assert mailoutbox[0].to == [person.email]
