from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The interface shell: layout, home, account, error pages, navigation."""

    name = "maillage.web"
    verbose_name = _("Interface")
