from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from maillage.web.navigation import MenuEntry


class TerritoriesConfig(AppConfig):
    """Régions, départements, EPCI, communes (COG) and custom territories made of communes."""

    name = "maillage.territories"
    verbose_name = _("Territoires")
    menu = (MenuEntry(_("Territoires"), "territories:search", 20),)
