from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from maillage.web.navigation import MenuEntry


class OrganisationsConfig(AppConfig):
    """Organisations, people, memberships and roles, object permissions, audit trail."""

    name = "maillage.organisations"
    verbose_name = _("Organisations")
    menu = (MenuEntry(_("Organisations"), "organisations:list", 30),)
