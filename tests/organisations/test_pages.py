from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from maillage.organisations import operations
from maillage.organisations.models import AuditEntry, Membership, Organisation, Role
from tests.organisations.factories import OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def test_directory_lists_organisations_in_constant_queries(
    client: Client, django_assert_max_num_queries
):
    for _index in range(15):
        OrganisationFactory()
    with django_assert_max_num_queries(4):
        response = client.get(reverse("organisations:list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 15


def test_directory_filters_by_name_and_kind(client: Client):
    OrganisationFactory(name="CAF du Nord", kind="caf")
    OrganisationFactory(name="CCAS de Lens", kind="ccas")
    response = client.get(reverse("organisations:list"), {"q": "nord", "kind": "caf"})
    names = [organisation.name for organisation in response.context["page"]]
    assert names == ["CAF du Nord"]


def test_members_are_hidden_from_outsiders(client: Client):
    organisation = OrganisationFactory()
    colleague = member(Role.PROFESSIONAL, organisation)
    url = reverse("organisations:detail", args=[organisation.pk])

    client.force_login(member(Role.PROFESSIONAL))
    assert colleague.email not in client.get(url).content.decode()

    client.force_login(member(Role.PROFESSIONAL, organisation))
    assert colleague.email in client.get(url).content.decode()


def test_outsider_gets_french_403_on_edit(client: Client):
    organisation = OrganisationFactory()
    client.force_login(member(Role.COORDINATOR))
    response = client.get(reverse("organisations:update", args=[organisation.pk]))
    assert response.status_code == 403
    assert "Seuls les coordinateurs de cette organisation" in response.content.decode()


def test_coordinator_edits_organisation_with_audit(client: Client):
    organisation = OrganisationFactory(name="CCAS de Lens")
    client.force_login(member(Role.COORDINATOR, organisation))
    response = client.post(
        reverse("organisations:update", args=[organisation.pk]),
        {"name": "CCAS de Lens", "kind": "ccas", "siret": "123", "description": "", "website": ""},
    )
    assert response.status_code == 200
    assert "Un SIRET compte 14 chiffres." in response.content.decode()
    assert not AuditEntry.objects.exists()

    response = client.post(
        reverse("organisations:update", args=[organisation.pk]),
        {
            "name": "CCAS de Lens",
            "kind": "ccas",
            "siret": "21620498000012",
            "description": "",
            "website": "",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="update_organisation")
    assert entry.after == {"siret": "21620498000012"}


def test_coordinator_invites_a_new_member_by_email(client: Client):
    organisation = OrganisationFactory(name="CCAS de Lens")
    client.force_login(member(Role.COORDINATOR, organisation))

    response = client.post(
        reverse("organisations:member_add", args=[organisation.pk]),
        {
            "email": "nouvelle@example.org",
            "role": Role.PROFESSIONAL,
            "first_name": "",
            "last_name": "",
        },
        follow=True,
    )

    assert "invitation" in response.content.decode()
    assert Membership.objects.filter(
        user__email="nouvelle@example.org", role=Role.PROFESSIONAL
    ).exists()
    assert len(mail.outbox) == 1
    assert "CCAS de Lens" in mail.outbox[0].subject
    assert "/mot-de-passe/" in mail.outbox[0].body


def test_invalid_member_form_changes_nothing(client: Client):
    organisation = OrganisationFactory()
    client.force_login(member(Role.COORDINATOR, organisation))
    response = client.post(
        reverse("organisations:member_add", args=[organisation.pk]),
        {"email": "pas-une-adresse", "role": "roi"},
        follow=True,
    )
    content = response.content.decode()
    assert "Saisissez une adresse de courriel valide." in content
    assert "roi n’en fait pas partie" in content
    assert Membership.objects.filter(organisation=organisation).count() == 1


def test_audit_log_is_for_national_admins(client: Client):
    client.force_login(member(Role.COORDINATOR))
    assert client.get(reverse("organisations:audit")).status_code == 403

    admin = UserFactory(is_national_admin=True)
    client.force_login(admin)
    organisation = Organisation.objects.create(name="X", kind="ccas")
    operations.update_organisation(actor=admin, organisation=organisation, name="Y")
    response = client.get(reverse("organisations:audit"))
    assert response.status_code == 200
    assert "update_organisation" in response.content.decode()
