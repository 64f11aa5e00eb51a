from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.practices.exports import UnknownFormatError, export_format, published_sheets


class Command(BaseCommand):
    # argparse formats the description with regular expressions, which reject lazy strings.
    help = (
        "Exporte les pratiques inspirantes publiées en CSV, en JSON ou en XLSX, sur la sortie "
        "standard (CSV, JSON) ou dans un fichier."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        # No argparse `choices`: its error message would be in English.
        parser.add_argument(
            "--format",
            dest="format_name",
            metavar="FORMAT",
            default="csv",
            help=gettext_lazy("csv, json ou xlsx (par défaut csv)."),
        )
        parser.add_argument(
            "--output",
            type=Path,
            help=gettext_lazy("Fichier à écrire (sinon la sortie standard ; obligatoire en xlsx)."),
        )

    def handle(self, *args: Any, format_name: str, output: Path | None, **options: Any) -> None:
        try:
            chosen = export_format(format_name.strip().lower())
        except UnknownFormatError as error:
            raise CommandError(str(error)) from error
        if chosen.chunks is None and output is None:
            raise CommandError(
                _("Le format %(format)s s'écrit dans un fichier : ajoutez --output FICHIER.")
                % {"format": chosen.name}
            )
        if output is None:
            for chunk in chosen.chunks(published_sheets()):  # type: ignore[misc]
                self.stdout.write(chunk, ending="")
            return
        try:
            if chosen.chunks is not None:
                with output.open("w", encoding="utf-8", newline="") as target:
                    target.writelines(chosen.chunks(published_sheets()))
            else:
                with output.open("wb") as binary_target:
                    chosen.write(published_sheets(), binary_target)  # type: ignore[misc]
        except OSError as error:
            raise CommandError(
                _("Impossible d'écrire %(path)s : %(error)s.")
                % {"path": output, "error": error.strerror}
            ) from error
        self.stdout.write(
            self.style.SUCCESS(_("Pratiques exportées dans %(path)s.") % {"path": output})
        )
