from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo organisations, accounts and content for the embedded mode (`maillage load_demo`)."""

    name = "maillage.demo"
    verbose_name = _("Démonstration")
