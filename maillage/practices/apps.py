from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from maillage.web.navigation import MenuEntry


class PracticesConfig(AppConfig):
    """Practice sheets (« pratiques inspirantes »): review workflow, search, exports."""

    name = "maillage.practices"
    verbose_name = _("Pratiques inspirantes")
    menu = (MenuEntry(_("Pratiques inspirantes"), "practices:search", 10),)
