from __future__ import annotations

import factory

from maillage.organisations.models import Membership, Organisation, OrganisationKind, Role, User

PASSWORD = "un mot de passe assez long"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(PASSWORD)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"CCAS numéro {n}")
    kind = OrganisationKind.CCAS


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.PROFESSIONAL


def member(role: str = Role.PROFESSIONAL, organisation: Organisation | None = None) -> User:
    """A person holding `role` in `organisation` (a new one if not given)."""
    membership = MembershipFactory(
        role=role, **({"organisation": organisation} if organisation else {})
    )
    return membership.user
