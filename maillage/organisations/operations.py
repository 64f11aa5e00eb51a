"""Write functions of the organisations domain. Each one checks the permission, validates before
writing, writes inside one transaction and records the audit trail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.organisations import audit
from maillage.organisations.access import (
    can_create_organisation,
    can_manage_organisation,
    is_national_admin,
    require,
)
from maillage.organisations.models import Membership, Organisation, Role, User
from maillage.territories.models import Territory

PROFILE_FIELDS = ("first_name", "last_name", "territories")
ORGANISATION_FIELDS = ("name", "kind", "siret", "description", "website", "territories")


def _apply(instance: Any, changes: dict[str, Any]) -> dict[str, Iterable[Any]]:
    """Set plain fields now; return many-to-many values, which need a saved instance."""
    many: dict[str, Iterable[Any]] = {}
    for name, value in changes.items():
        if instance._meta.get_field(name).many_to_many:
            many[name] = value
        else:
            setattr(instance, name, value)
    return many


@transaction.atomic
def update_profile(*, actor: User, user: User, **changes: Any) -> User:
    require(
        actor.pk == user.pk or is_national_admin(actor),
        _("Vous ne pouvez modifier que votre propre profil."),
    )
    before = audit.snapshot(user, PROFILE_FIELDS)
    many = _apply(user, changes)
    user.full_clean(exclude=["password"])
    user.save()
    for name, values in many.items():
        getattr(user, name).set(values)
    audit.record(
        actor, "update_profile", user, before=before, after=audit.snapshot(user, PROFILE_FIELDS)
    )
    return user


@transaction.atomic
def create_organisation(
    *, actor: User, territories: Iterable[Territory] = (), **fields: Any
) -> Organisation:
    """The creator becomes the organisation's first coordinator unless she is a national admin."""
    require(
        can_create_organisation(actor),
        _("Seuls les coordinateurs et les administrateurs nationaux créent des organisations."),
    )
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    organisation.territories.set(territories)
    audit.record(
        actor,
        "create_organisation",
        organisation,
        after=audit.snapshot(organisation, ORGANISATION_FIELDS),
    )
    if not is_national_admin(actor):
        _add_membership(actor, organisation, actor, Role.COORDINATOR)
    return organisation


@transaction.atomic
def update_organisation(*, actor: User, organisation: Organisation, **changes: Any) -> Organisation:
    require(
        can_manage_organisation(actor, organisation),
        _("Seuls les coordinateurs de cette organisation peuvent la modifier."),
    )
    before = audit.snapshot(organisation, ORGANISATION_FIELDS)
    many = _apply(organisation, changes)
    organisation.full_clean()
    organisation.save()
    for name, values in many.items():
        getattr(organisation, name).set(values)
    audit.record(
        actor,
        "update_organisation",
        organisation,
        before=before,
        after=audit.snapshot(organisation, ORGANISATION_FIELDS),
    )
    return organisation


@dataclass(frozen=True)
class Invitation:
    membership: Membership
    user_created: bool


def _add_membership(
    actor: User, organisation: Organisation, user: User, role: str, team: str = ""
) -> Membership:
    if Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
        raise ValidationError({"role": _("Cette personne a déjà ce rôle dans cette organisation.")})
    membership = Membership(user=user, organisation=organisation, role=role, team=team)
    membership.full_clean(exclude=["user", "organisation"])
    membership.save()
    audit.record(
        actor,
        "add_membership",
        membership,
        after={"user": user.pk, "organisation": organisation.pk, "role": role, "team": team},
    )
    return membership


@transaction.atomic
def add_member(
    *,
    actor: User,
    organisation: Organisation,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    team: str = "",
) -> Invitation:
    """Give a role to a person, creating her account (without a password) if she has none.

    A new account gets an unusable password: the person sets hers through the link of the
    invitation e-mail, so no password ever travels or is chosen by someone else.
    """
    require(
        can_manage_organisation(actor, organisation),
        _("Seuls les coordinateurs de cette organisation gèrent ses membres."),
    )
    if role not in Role.values:
        raise ValidationError({"role": _("Rôle inconnu : %(role)s.") % {"role": role}})
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = User(email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        audit.record(actor, "create_user", user, after=audit.snapshot(user, ("email",)))
    membership = _add_membership(actor, organisation, user, role, " ".join(team.split()))
    return Invitation(membership=membership, user_created=created)


@transaction.atomic
def remove_member(*, actor: User, membership: Membership) -> None:
    organisation = membership.organisation
    require(
        can_manage_organisation(actor, organisation),
        _("Seuls les coordinateurs de cette organisation gèrent ses membres."),
    )
    if (
        membership.role == Role.COORDINATOR
        and not organisation.memberships.filter(role=Role.COORDINATOR)
        .exclude(pk=membership.pk)
        .exists()
        and not is_national_admin(actor)
    ):
        raise ValidationError(
            _("Une organisation garde au moins un coordinateur : nommez-en un autre d'abord.")
        )
    audit.record(
        actor,
        "remove_membership",
        membership,
        before={
            "user": membership.user_id,
            "organisation": organisation.pk,
            "role": membership.role,
        },
    )
    membership.delete()
