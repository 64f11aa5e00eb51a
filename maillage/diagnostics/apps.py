from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from maillage.web.navigation import MenuEntry


class DiagnosticsConfig(AppConfig):
    """Shared territorial diagnosis: indicators, territorial profiles, participatory diagnoses."""

    name = "maillage.diagnostics"
    verbose_name = _("Diagnostics de territoire")
    menu = (MenuEntry(_("Diagnostics"), "diagnostics:list", 4),)
