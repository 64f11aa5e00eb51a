from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from maillage.web.navigation import MenuEntry


class IngestionConfig(AppConfig):
    """Assisted capitalisation: documents read into candidate practice sheets and library records."""

    name = "maillage.ingestion"
    verbose_name = _("Capitalisation assistée")
    menu = (MenuEntry(_("Documents"), "ingestion:documents", 15),)
