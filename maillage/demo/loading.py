"""Load the demo organisations and accounts, idempotently, through the domain's write functions.

Passwords are drawn at random on the first load and kept in the data folder (mode 600), so a demo
instance never ships a password that is public in the repository.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from maillage.demo.actions import load_demo_actions
from maillage.demo.content import ACCOUNTS, ORGANISATIONS
from maillage.demo.diagnostics import load_demo_diagnostics
from maillage.demo.practices import load_demo_practices
from maillage.organisations import operations
from maillage.organisations.models import Membership, Organisation, Role, User
from maillage.organisations.notifications import silenced
from maillage.territories.models import Territory


@dataclass(frozen=True)
class LoadedAccount:
    email: str
    password: str
    role_label: str


def _passwords_file() -> Path:
    return Path(settings.DATA_DIR) / "demo_accounts.json"


def _passwords() -> dict[str, str]:
    path = _passwords_file()
    stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    missing = [account.email for account in ACCOUNTS if account.email not in stored]
    if missing:
        stored.update({email: secrets.token_urlsafe(9) for email in missing})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stored, indent=2))
        path.chmod(0o600)
    return stored


def _admin(password: str) -> User:
    spec = ACCOUNTS[0]
    admin = User.objects.filter(email=spec.email).first()
    if admin is None:
        admin = User.objects.create_user(
            spec.email,
            password,
            first_name=spec.first_name,
            last_name=spec.last_name,
            is_national_admin=True,
        )
    return admin


@transaction.atomic
def load_demo() -> list[LoadedAccount]:
    passwords = _passwords()
    admin = _admin(passwords[ACCOUNTS[0].email])
    organisations: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        organisation = Organisation.objects.filter(name=spec.name, kind=spec.kind).first()
        if organisation is None:
            territories = [
                Territory.objects.get(level=level, code=code) for level, code in spec.territories
            ]
            organisation = operations.create_organisation(
                actor=admin,
                name=spec.name,
                kind=spec.kind,
                description=spec.description,
                territories=territories,
            )
        organisations[spec.key] = organisation
    loaded = [LoadedAccount(admin.email, passwords[admin.email], "administrateur national")]
    for spec in ACCOUNTS[1:]:
        organisation = organisations[spec.organisation]  # type: ignore[index]
        if not Membership.objects.filter(
            user__email=spec.email, organisation=organisation, role=spec.role
        ).exists():
            operations.add_member(
                actor=admin,
                organisation=organisation,
                email=spec.email,
                role=spec.role,  # type: ignore[arg-type]
                first_name=spec.first_name,
                last_name=spec.last_name,
            )
        user = User.objects.get(email=spec.email)
        password = passwords[spec.email]
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        membership = Membership.objects.get(user=user, organisation=organisation, role=spec.role)
        loaded.append(
            LoadedAccount(
                spec.email, password, f"{membership.get_role_display()} — {organisation.name}"
            )
        )
    documentalist = next(spec.email for spec in ACCOUNTS if spec.role == Role.DOCUMENTALIST)
    with silenced():
        load_demo_practices(author=admin, reviewer=User.objects.get(email=documentalist))
        load_demo_actions(admin=admin, organisations=organisations)
        load_demo_diagnostics(admin=admin, organisations=organisations)
    return loaded
