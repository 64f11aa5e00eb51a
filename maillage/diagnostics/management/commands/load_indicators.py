from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from maillage.diagnostics.catalogue import load_catalogue


class Command(BaseCommand):
    help = _(
        "Charge le catalogue national d'indicateurs et la population municipale de chaque "
        "commune (depuis les territoires). Sans risque à relancer : met à jour en place."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_catalogue()
        self.stdout.write(
            _(
                "Catalogue d'indicateurs : %(created)s créé(s), %(updated)s mis à jour, "
                "%(unchanged)s inchangé(s) ; population municipale : %(values)s communes."
            )
            % {
                "created": len(report.created),
                "updated": len(report.updated),
                "unchanged": len(report.unchanged),
                "values": report.population_values,
            }
        )
