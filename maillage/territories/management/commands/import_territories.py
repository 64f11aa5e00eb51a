from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from maillage.organisations.models import User
from maillage.territories.composition import MalformedFile, parse_composition
from maillage.territories.models import CustomKind
from maillage.territories.operations import import_custom_territories
from maillage.territories.reporting import report_lines


class Command(BaseCommand):
    help = _(
        "Importe des territoires personnalisés (bassins de vie…) depuis un fichier CSV de "
        "composition communale : code du territoire, nom du territoire, code commune. "
        "Les codes communes inconnus sont ignorés et listés ; un fichier mal formé n'importe rien."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("fichier CSV"))
        parser.add_argument(
            "--kind", required=True, choices=CustomKind.values, help=_("type de territoire")
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("vérifie et affiche le bilan sans rien écrire")
        )
        parser.add_argument(
            "--by",
            metavar="EMAIL",
            help=_(
                "adresse du compte au nom duquel importer (droits vérifiés, auteur du journal) ; "
                "sans elle, l'import est fait par le serveur, sans auteur"
            ),
        )

    def handle(
        self, *args: Any, file: Path, kind: str, dry_run: bool, by: str | None, **options: Any
    ) -> None:
        actor = None
        if by:
            actor = User.objects.filter(email=by.lower()).first()
            if actor is None:
                raise CommandError(_("Aucun compte avec l'adresse %(email)s.") % {"email": by})
        try:
            rows = parse_composition(file.read_bytes())
        except OSError as error:
            raise CommandError(
                _("Fichier illisible : %(file)s (%(error)s).")
                % {"file": file, "error": error.strerror}
            ) from error
        except MalformedFile as error:
            raise CommandError(
                _("Fichier mal formé, rien n'a été importé. %(error)s") % {"error": error}
            ) from error
        try:
            report = import_custom_territories(actor, rows, kind, dry_run=dry_run)
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for line in report_lines(report):
            self.stdout.write(line)
