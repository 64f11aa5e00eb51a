from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from maillage.web.navigation import MenuEntry


class ReferentialConfig(AppConfig):
    """The controlled vocabularies of collective social work (the « référentiel »)."""

    name = "maillage.referential"
    verbose_name = _("Référentiel")
    menu = (MenuEntry(_("Référentiel"), "referential:index", 40),)
