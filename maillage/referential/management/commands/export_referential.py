from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.referential.export import UnknownFormatError, export_referential


class Command(BaseCommand):
    # argparse formats the description with regular expressions, which reject lazy strings.
    help = (
        "Exporte le référentiel en JSON, en CSV ou en SKOS (Turtle), sur la sortie standard ou "
        "dans un fichier."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        # No argparse `choices`: its error message would be in English.
        parser.add_argument(
            "--format",
            dest="export_format",
            metavar="FORMAT",
            default="json",
            help=gettext_lazy("json, csv ou skos (par défaut json)."),
        )
        parser.add_argument(
            "--output", type=Path, help=gettext_lazy("Fichier à écrire (sinon la sortie standard).")
        )

    def handle(self, *args: Any, export_format: str, output: Path | None, **options: Any) -> None:
        try:
            content = export_referential(export_format.strip().lower())
        except UnknownFormatError as error:
            raise CommandError(str(error)) from error
        if output is None:
            self.stdout.write(content, ending="")
            return
        try:
            output.write_text(content, encoding="utf-8")
        except OSError as error:
            raise CommandError(
                _("Impossible d'écrire %(path)s : %(error)s.")
                % {"path": output, "error": error.strerror}
            ) from error
        self.stdout.write(
            self.style.SUCCESS(_("Référentiel exporté dans %(path)s.") % {"path": output})
        )
