from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from maillage.diagnostics.indicator_files import read_indicator_table
from maillage.diagnostics.operations.indicators import ImportReport, import_indicator_values


class Command(BaseCommand):
    help = _(
        "Importe des valeurs d'indicateurs par commune depuis des fichiers CSV ou XLSX (une "
        "colonne par indicateur, ou une ligne par valeur). Les lignes en erreur sont listées et "
        "ne sont pas importées."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help=_("fichiers CSV ou XLSX"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("vérifie sans rien enregistrer")
        )
        parser.add_argument(
            "--format", choices=["text", "json"], default="text", help=_("format du rapport")
        )

    def handle(self, *args: Any, paths: list[Path], dry_run: bool, **options: Any) -> None:
        reports: list[dict[str, Any]] = []
        read = 0
        for path in paths:
            try:
                table = read_indicator_table(path.read_bytes(), path.name)
            except OSError as error:
                reports.append({"file_name": str(path), "error": str(error.strerror)})
                continue
            except ValidationError as error:
                reports.append({"file_name": str(path), "error": " ".join(error.messages)})
                continue
            read += 1
            report = import_indicator_values(
                actor=None, table=table, file_name=path.name, dry_run=dry_run
            )
            reports.append(report.as_dict())
            if options["format"] == "text":
                self._print(report)
        if options["format"] == "json":
            self.stdout.write(json.dumps(reports, ensure_ascii=False, indent=2))
        else:
            for item in reports:
                if "error" in item:
                    self.stderr.write(f"{item['file_name']} : {item['error']}")
        if not read:
            raise CommandError(_("Aucun fichier n'a pu être lu."))

    def _print(self, report: ImportReport) -> None:
        self.stdout.write(
            _(
                "%(file)s — %(format)s %(encoding)s, présentation « %(layout)s » : %(rows)s "
                "lignes lues, %(refused)s refusées, %(empty)s valeurs absentes (s, nd ou vide)."
            )
            % {
                "file": report.file_name,
                "format": report.file_format,
                "encoding": report.encoding,
                "layout": report.layout,
                "rows": report.rows_read,
                "refused": len(report.refused_lines),
                "empty": report.empty_values,
            }
        )
        for problem in report.problems:
            self.stdout.write(
                _("  ligne %(line)s, colonne « %(column)s » : %(message)s")
                % {"line": problem.line, "column": problem.column, "message": problem.message}
            )
        if report.dry_run:
            self.stdout.write(
                _("Vérification seule : %(count)s valeurs seraient écrites (%(codes)s).")
                % {"count": report.values_to_write, "codes": ", ".join(report.indicators)}
            )
        else:
            self.stdout.write(
                _("%(count)s valeurs écrites (%(codes)s).")
                % {"count": report.values_written, "codes": ", ".join(report.indicators)}
            )
