"""How django-axes names the account of a login attempt, for rate limiting."""

from __future__ import annotations

from django.http import HttpRequest


def attempted_email(request: HttpRequest, credentials: dict[str, str] | None = None) -> str:
    """The login form's `username` field holds the e-mail; case must not dodge the limit."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return value.strip().lower()
