from __future__ import annotations

import errno
import json
import logging
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.ingestion.extraction import ExtractionContext
from maillage.ingestion.found import UnreadableDocument
from maillage.ingestion.models import Document
from maillage.ingestion.operations import import_document, same_file
from maillage.ingestion.pipeline import Analysis, analyse, fingerprint, read_file
from maillage.organisations.models import Organisation

logger = logging.getLogger(__name__)


def _files(paths: list[Path]) -> list[Path]:
    """The files named, and those under the folders named (sorted, hidden ones left out)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    found
                    for found in path.rglob("*")
                    if found.is_file()
                    and not any(part.startswith(".") for part in found.relative_to(path).parts)
                )
            )
        else:
            files.append(path)
    return files


def _unreadable(error: OSError) -> str:
    """Why the system would not give the file's bytes, in French (the report names the file)."""
    if isinstance(error, PermissionError):
        return _("Le fichier ne peut pas être lu : droits d'accès insuffisants.")
    if isinstance(error, FileNotFoundError):
        return _("Le fichier n'existe plus.")
    if error.errno is None:
        return _("Le fichier n'a pas pu être lu.")
    # The error's symbolic name (EIO, ELOOP…) is what an operator searches for.
    code = errno.errorcode.get(error.errno, str(error.errno))
    return _("Le fichier n'a pas pu être lu (erreur du système %(code)s).") % {"code": code}


def _counts(candidates: int, citations: int) -> str:
    """« 2 propositions de fiches, 1 référence citée »."""
    return ", ".join(
        (
            ngettext(
                "%(count)s proposition de fiche",
                "%(count)s propositions de fiches",
                candidates,
            )
            % {"count": candidates},
            ngettext("%(count)s référence citée", "%(count)s références citées", citations)
            % {"count": citations},
        )
    )


def _as_json(path: Path, analysis: Analysis) -> dict[str, list[dict[str, Any]]]:
    read = analysis.document
    source = str(path)
    return {
        "documents": [
            {
                "path": source,
                "title": read.meta.title or path.stem,
                "authors": read.meta.authors,
                "year": read.meta.year,
                "format": read.file_format,
                "encoding": read.encoding,
                "pages": read.pages,
                "lines": len(read.lines),
                "sha256": analysis.sha256,
                "segments": len(analysis.segments),
            }
        ],
        "practices": [
            {
                "title": draft.title,
                "summary": draft.summary,
                "isic_forms": draft.isic_forms,
                "territories": list(
                    {
                        (place.level, place.code): {
                            "level": place.level,
                            "code": place.code,
                            "name": place.name,
                        }
                        for place in draft.places
                    }.values()
                ),
                "publics": draft.publics,
                "themes": draft.themes,
                "organisations": draft.organisations,
                "source": {
                    "path": source,
                    "start_line": draft.segment.start_line,
                    "end_line": draft.segment.end_line,
                },
            }
            for draft in analysis.drafts
        ],
        "references": [
            {
                "title": reference.title,
                "authors": reference.authors,
                "event": reference.event,
                "place": reference.place,
                "date": reference.date_text,
                "year": reference.year,
                "pages": reference.pages,
                "url": reference.url,
                "type": reference.document_type,
                "key": reference.key,
                "source": {
                    "path": source,
                    "start_line": reference.start_line,
                    "end_line": reference.end_line,
                },
            }
            for reference in analysis.references
        ],
    }


class Command(BaseCommand):
    help = _(
        "Importe des documents (DOCX, ODT, PDF, texte, Markdown) : propositions de fiches de "
        "pratique et notices bibliographiques. Les dossiers sont parcourus ; un fichier illisible "
        "est signalé et les autres sont importés."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help=_("fichiers ou dossiers"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("analyse sans rien enregistrer")
        )
        parser.add_argument(
            "--format", choices=["text", "json"], default="text", help=_("format du rapport")
        )
        parser.add_argument(
            "--organisation", type=int, help=_("numéro de l'organisation pour laquelle importer")
        )

    def handle(self, *args: Any, paths: list[Path], dry_run: bool, **options: Any) -> None:
        missing = [path for path in paths if not path.exists()]
        if missing:
            raise CommandError(
                _("Introuvable : %(paths)s. Rien n'a été importé.")
                % {"paths": ", ".join(f"« {path} »" for path in missing)}
            )
        organisation = None
        if options["organisation"] is not None:
            organisation = Organisation.objects.filter(pk=options["organisation"]).first()
            if organisation is None:
                raise CommandError(_("Aucune organisation ne porte ce numéro."))
        files = _files(paths)
        context = ExtractionContext.load()
        report: dict[str, list[dict[str, Any]]] = {
            "documents": [],
            "practices": [],
            "references": [],
            "errors": [],
        }
        for path in files:
            try:
                data = read_file(path)
            except OSError as error:
                report["errors"].append({"path": str(path), "error": _unreadable(error)})
                continue
            try:
                if dry_run:
                    summary = self._analyse(path, data, organisation, context, report)
                else:
                    summary = self._import(path, data, organisation, context, report)
                if options["format"] == "text":
                    self.stdout.write(summary)
            except UnreadableDocument as error:
                report["errors"].append({"path": str(path), "error": error.message})
            except ValidationError as error:
                report["errors"].append({"path": str(path), "error": " ".join(error.messages)})
            except Exception:
                # One file must not stop the batch: its fault is logged for the operator (the
                # traceback, never the file's content) and the person told in general terms.
                logger.exception("Unexpected error while importing one file of a batch")
                report["errors"].append(
                    {
                        "path": str(path),
                        "error": _(
                            "Une erreur inattendue a empêché d'importer ce fichier. Il n'a pas "
                            "été enregistré ; les autres fichiers ont été traités."
                        ),
                    }
                )
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            for item in report["errors"]:
                self.stderr.write(f"{item['path']} : {item['error']}")
        if not files or len(report["errors"]) == len(files):
            raise CommandError(_("Aucun fichier n'a pu être lu."))

    def _analyse(
        self,
        path: Path,
        data: bytes,
        organisation: Organisation | None,
        context: ExtractionContext,
        report: dict[str, list[dict[str, Any]]],
    ) -> str:
        """Analyse one file without storing it, add it to the report and return what an import
        would do: store it, or recognise it as already imported."""
        known = same_file(fingerprint(data), organisation)
        if known is not None:
            self._known(path, known, report)
            return _(
                "%(path)s : déjà importé (document n° %(id)s), ne serait pas importé de nouveau "
                "(essai, rien n'est enregistré)."
            ) % {"path": path, "id": known.pk}
        found = _as_json(path, analyse(data, path.name, context))
        for key, items in found.items():
            report[key].extend(items)
        return _("%(path)s : serait importé (essai, rien n'est enregistré) ; %(counts)s.") % {
            "path": path,
            "counts": _counts(len(found["practices"]), len(found["references"])),
        }

    def _import(
        self,
        path: Path,
        data: bytes,
        organisation: Organisation | None,
        context: ExtractionContext,
        report: dict[str, list[dict[str, Any]]],
    ) -> str:
        """Import one file, add it to the report and return its summary line."""
        known = same_file(fingerprint(data), organisation)
        if known is not None:
            self._known(path, known, report)
            return _("%(path)s : déjà importé (document n° %(id)s).") % {
                "path": path,
                "id": known.pk,
            }
        document = import_document(
            actor=None,
            data=data,
            file_name=path.name,
            organisation=organisation,
            context=context,
        )
        candidates = document.candidates.count()
        citations = document.citations.count()
        report["documents"].append(
            {
                "path": str(path),
                "document": document.pk,
                "already_imported": False,
                "candidates": candidates,
                "citations": citations,
            }
        )
        return _("%(path)s : document n° %(id)s, %(counts)s.") % {
            "path": path,
            "id": document.pk,
            "counts": _counts(candidates, citations),
        }

    def _known(
        self, path: Path, document: Document, report: dict[str, list[dict[str, Any]]]
    ) -> None:
        """Report a file already imported for the same owner, which is neither read again nor
        stored."""
        report["documents"].append(
            {
                "path": str(path),
                "document": document.pk,
                "already_imported": True,
                "candidates": document.candidates.count(),
                "citations": document.citations.count(),
            }
        )
