from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    """Collective actions: participants, sessions, attendance, partners, funders, time, logbook."""

    name = "maillage.actions"
    verbose_name = _("Actions collectives")
