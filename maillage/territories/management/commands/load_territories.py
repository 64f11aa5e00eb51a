from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from maillage.territories.loading import load_territories
from maillage.territories.package import SOURCE, PackageError


class Command(BaseCommand):
    help = _(
        "Charge les régions, départements, EPCI, communes et arrondissements municipaux depuis le "
        "paquet npm @etalab/decoupage-administratif. Sans effet si les mêmes données sont déjà "
        "chargées ; sinon met à jour en place."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--departements",
            help=_("codes de départements séparés par des virgules (ex. 62,59,75) ; tous sinon"),
        )
        parser.add_argument(
            "--data-dir",
            type=Path,
            help=_("dossier des fichiers JSON (par défaut celui du paquet npm installé)"),
        )
        parser.add_argument(
            "--force", action="store_true", help=_("recharge même si rien n'a changé")
        )

    def handle(
        self,
        *args: Any,
        departements: str | None,
        data_dir: Path | None,
        force: bool,
        **options: Any,
    ) -> None:
        codes = [code.strip() for code in (departements or "").split(",") if code.strip()]
        try:
            report = load_territories(data_dir, departements=codes or None, force=force)
        except PackageError as error:
            raise CommandError(str(error)) from error
        if report.skipped:
            self.stdout.write(
                _("Territoires déjà à jour (%(source)s %(version)s) : rien à faire.")
                % {"source": SOURCE, "version": report.version}
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Territoires chargés depuis %(source)s %(version)s en %(seconds).1f s : "
                    "%(created)d créés, %(updated)d mis à jour, %(unchanged)d inchangés, "
                    "%(deleted)d supprimés, %(retired)d gardés hors vigueur car utilisés ; "
                    "%(terms)d termes de recherche écrits."
                )
                % {
                    "source": SOURCE,
                    "version": report.version,
                    "seconds": report.seconds,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "deleted": report.deleted,
                    "retired": report.retired,
                    "terms": report.search_terms,
                }
            )
        )
