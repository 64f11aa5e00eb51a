from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from maillage.web.navigation import MenuEntry


class ActionsConfig(AppConfig):
    """Collective actions: participants, sessions, attendance, partners, funders, time, logbook."""

    name = "maillage.actions"
    verbose_name = _("Actions collectives")
    menu = (MenuEntry(_("Actions collectives"), "actions:list", 5),)
