from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.referential.loading import DATA_FILE, ReferentialDataError, Tally, load_referential


class Command(BaseCommand):
    # argparse formats the description with regular expressions, which reject lazy strings.
    help = (
        "Charge ou met à jour le référentiel (vocabulaires et définitions) depuis son fichier de "
        "données. Peut être relancée sans risque : rien n'est supprimé ni réécrit inutilement."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=DATA_FILE,
            help=gettext_lazy("Fichier JSON à charger (par défaut, celui livré avec Maillage)."),
        )

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            report = load_referential(file)
        except ReferentialDataError as error:
            raise CommandError(
                _("Référentiel non chargé, rien n'a été modifié :\n%(errors)s")
                % {"errors": "\n".join(f"- {message}" for message in error.errors)}
            ) from error
        self.stdout.write(self._line(_("Vocabulaires"), report.schemes))
        self.stdout.write(self._line(_("Termes"), report.terms))
        if report.schemes.written + report.terms.written == 0:
            self.stdout.write(self.style.SUCCESS(_("Le référentiel était déjà à jour.")))
        else:
            self.stdout.write(self.style.SUCCESS(_("Référentiel chargé.")))

    def _line(self, label: str, tally: Tally) -> str:
        return _(
            "%(label)s — créés : %(created)d, modifiés : %(updated)d, inchangés : %(unchanged)d, "
            "retirés de l'usage : %(deactivated)d."
        ) % {
            "label": label,
            "created": tally.created,
            "updated": tally.updated,
            "unchanged": tally.unchanged,
            "deactivated": tally.deactivated,
        }
