"""Object permissions. Visibility follows organisation and territory: a member sees what her
organisation owns and what other organisations shared with it; a coordinator (« chef de file »)
also steers what is located on her organisation's territories; a national administrator sees all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models

from maillage.organisations.models import Membership, Organisation, Role

if TYPE_CHECKING:
    from maillage.organisations.models import User


def require(allowed: bool, message: str) -> None:
    """Refuse with a French message shown on the 403 page and in the API's `detail`."""
    if not allowed:
        raise PermissionDenied(message)


def is_national_admin(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_national_admin)  # type: ignore[union-attr]


def organisation_ids(user: User | AnonymousUser, roles: set[str] | None = None) -> set[int]:
    """The organisations a user is a member of, with one of `roles` if given."""
    if not user.is_authenticated:
        return set()
    memberships = Membership.objects.filter(user_id=user.pk)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return set(memberships.values_list("organisation_id", flat=True))


def organisations_acting_for(
    user: User | AnonymousUser, roles: set[str]
) -> models.QuerySet[Organisation]:
    """The organisations `user` may act for with one of `roles`, by name: every one for a
    national administrator (who carries an action or a diagnosis for any of them)."""
    organisations = Organisation.objects.order_by("name")
    if is_national_admin(user):
        return organisations
    return organisations.filter(pk__in=organisation_ids(user, roles))


def may_act_for(user: User | AnonymousUser, organisation: Organisation, roles: set[str]) -> bool:
    """Is `organisation` one of `organisations_acting_for(user, roles)`? In one query at most."""
    return is_national_admin(user) or organisation.pk in organisation_ids(user, roles)


def has_role(
    user: User | AnonymousUser, role: str, organisation: Organisation | None = None
) -> bool:
    if not user.is_authenticated:
        return False
    memberships = Membership.objects.filter(user_id=user.pk, role=role)
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    return memberships.exists()


def can_manage_organisation(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """Its coordinators and national administrators edit an organisation and its members."""
    return is_national_admin(user) or has_role(user, Role.COORDINATOR, organisation)


def can_create_organisation(user: User | AnonymousUser) -> bool:
    return is_national_admin(user) or has_role(user, Role.COORDINATOR)


def can_manage_custom_territories(user: User | AnonymousUser) -> bool:
    return is_national_admin(user) or has_role(user, Role.COORDINATOR)


def can_read_audit(user: User | AnonymousUser) -> bool:
    return is_national_admin(user)


def visible_to(queryset: models.QuerySet[Any], user: User | AnonymousUser) -> models.QuerySet[Any]:
    """Filter a QuerySet of `OrganisationOwned` objects down to what `user` may read."""
    if is_national_admin(user):
        return queryset
    own = organisation_ids(user)
    if not own:
        return queryset.none()
    return queryset.filter(
        models.Q(organisation_id__in=own) | models.Q(shared_with__in=own)
    ).distinct()


def can_view(user: User | AnonymousUser, instance: Any) -> bool:
    return visible_to(type(instance)._default_manager.filter(pk=instance.pk), user).exists()


def can_change(user: User | AnonymousUser, instance: Any) -> bool:
    """Only members of the owning organisation change an object; sharing gives read access."""
    return is_national_admin(user) or instance.organisation_id in organisation_ids(user)
