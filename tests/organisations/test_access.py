from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from maillage.organisations import access
from maillage.organisations.models import Role
from tests.organisations.factories import OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def test_coordinator_manages_only_her_organisation():
    own = OrganisationFactory()
    other = OrganisationFactory()
    coordinator = member(Role.COORDINATOR, own)

    assert access.can_manage_organisation(coordinator, own)
    assert not access.can_manage_organisation(coordinator, other)


def test_professional_does_not_manage_her_organisation():
    organisation = OrganisationFactory()
    assert not access.can_manage_organisation(member(Role.PROFESSIONAL, organisation), organisation)


def test_national_admin_manages_everything_and_reads_audit():
    admin = UserFactory(is_national_admin=True)
    assert access.can_manage_organisation(admin, OrganisationFactory())
    assert access.can_read_audit(admin)
    assert not access.can_read_audit(member(Role.COORDINATOR))


def test_anonymous_has_no_rights():
    anonymous = AnonymousUser()
    assert access.organisation_ids(anonymous) == set()
    assert not access.can_create_organisation(anonymous)
    assert not access.can_manage_custom_territories(anonymous)


def test_objects_are_visible_to_owner_and_to_organisations_they_are_shared_with():
    from tests.testapp.models import Dossier

    ccas_a = OrganisationFactory(name="CCAS A")
    ccas_b = OrganisationFactory(name="CCAS B")
    centre = OrganisationFactory(name="Centre social")
    own = Dossier.objects.create(organisation=ccas_a, title="Groupe A")
    shared = Dossier.objects.create(organisation=ccas_b, title="Groupe B partagé")
    shared.shared_with.add(ccas_a, centre)
    private = Dossier.objects.create(organisation=ccas_b, title="Groupe B")
    professional_a = member(Role.PROFESSIONAL, ccas_a)

    visible = access.visible_to(Dossier.objects.all(), professional_a)

    assert list(visible.order_by("title")) == [own, shared]
    assert access.can_view(professional_a, shared)
    assert not access.can_view(professional_a, private)
    assert access.can_change(professional_a, own)
    assert not access.can_change(professional_a, shared), "sharing gives read access only"
    assert list(access.visible_to(Dossier.objects.all(), AnonymousUser())) == []
    admin = UserFactory(is_national_admin=True)
    assert access.visible_to(Dossier.objects.all(), admin).count() == 3


def test_may_act_for_agrees_with_organisations_acting_for(django_assert_max_num_queries):
    own, other = OrganisationFactory(), OrganisationFactory()
    professional = member(Role.PROFESSIONAL, own)
    partner = member(Role.PARTNER, own)
    admin = UserFactory(is_national_admin=True)
    roles = {Role.PROFESSIONAL, Role.COORDINATOR}
    for user in (professional, partner, admin, AnonymousUser()):
        acting_for = set(access.organisations_acting_for(user, roles))
        for organisation in (own, other):
            with django_assert_max_num_queries(1):
                allowed = access.may_act_for(user, organisation, roles)
            assert allowed == (organisation in acting_for)
    assert access.may_act_for(professional, own, roles)
    assert not access.may_act_for(professional, other, roles)
    assert not access.may_act_for(partner, own, roles)
    assert access.may_act_for(admin, other, roles)
