"""Write functions of the organisations domain: each checks the permission, validates, writes
inside one transaction and records the audit trail."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from maillage.organisations import audit
from maillage.organisations.access import require
from maillage.organisations.models import User

PROFILE_FIELDS = ("first_name", "last_name", "territories")


@transaction.atomic
def update_profile(*, actor: User, user: User, **changes: Any) -> User:
    require(actor.pk == user.pk or actor.is_national_admin, "Vous ne pouvez modifier que votre propre profil.")
    before = audit.snapshot(user, PROFILE_FIELDS)
    for name, value in changes.items():
        if name == "territories":
            user.territories.set(value)
        else:
            setattr(user, name, value)
    user.full_clean()
    user.save()
    audit.record(actor, "update_profile", user, before=before, after=audit.snapshot(user, PROFILE_FIELDS))
    return user
