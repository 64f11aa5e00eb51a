"""API tokens: created by their owner, sent as `Authorization: Bearer <key>`."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from maillage.organisations import audit
from maillage.organisations.models import ApiToken, User


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_api_token(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Return the token and its clear key, which is never stored nor shown again."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=actor, name=name, key_hash=_digest(key), prefix=key[:8])
    audit.record(actor, "create_api_token", token, after={"name": name, "prefix": token.prefix})
    return token, key


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`. Browser sessions use ninja's `django_auth` (CSRF-checked)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=_digest(token), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user
