from __future__ import annotations

from django.http import HttpRequest

from maillage.organisations.models import User


class AuthenticatedRequest(HttpRequest):
    """A request behind `login_required`, for type checkers."""

    user: User
