"""Reading a file sent for import into plain lines (`ReadDocument`), whatever its format, or a
clear French reason why it cannot be read (`UnreadableDocument`).

The size is checked before anything else touches the bytes; the format is chosen from the content
(a ZIP archive and what it declares, the « %PDF » signature) together with the extension, and a
mismatch is explained rather than guessed around.
"""

from __future__ import annotations

import logging
import struct
import zlib
from pathlib import PurePath

from django.utils.translation import gettext as _

from ..found import ReadDocument, UnreadableDocument
from . import limits
from .archive import SafeArchive, damaged
from .budget import too_much_text
from .docx import read_docx
from .odt import read_odt
from .pdf import damaged_pdf, read_pdf
from .text import read_text

EXTENSIONS = {
    ".docx": "docx",
    ".odt": "odt",
    ".pdf": "pdf",
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
}
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls… before 2007
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_PDF_SIGNATURE_WINDOW = 1024  # the signature may follow a few junk bytes
_FORMAT_LABELS = {"docx": "DOCX", "odt": "ODT", "md": "Markdown"}

logger = logging.getLogger(__name__)


def read_document(data: bytes, file_name: str) -> ReadDocument:
    """The file's lines and metadata; raises `UnreadableDocument` with the reason in French."""
    if len(data) > limits.MAX_FILE_BYTES:
        raise UnreadableDocument(limits.too_large_message())
    if not data or data.isspace():
        raise UnreadableDocument(_("Le fichier est vide."))
    extension = PurePath(file_name).suffix.lower()
    declared = EXTENSIONS.get(extension)
    if declared is None:
        raise UnreadableDocument(
            _(
                "Le format de « %(name)s » n'est pas accepté. Formats acceptés : DOCX, ODT, PDF, "
                "texte (.txt) et Markdown (.md)."
            )
            % {"name": PurePath(file_name).name}
        )
    found, archive = _content_format(data, declared)
    try:
        document = _read(data, file_name, declared, found, archive)
    except (ValueError, KeyError, IndexError, struct.error, zlib.error) as error:
        # A file built to trip the readers somewhere they did not expect: its reader is at fault
        # as much as the file, so the cause is logged (not the content) and the person told why.
        logger.warning("Unexpected reading error in a %s file", declared, exc_info=error)
        if declared == "pdf":
            raise damaged_pdf() from error
        raise damaged(_FORMAT_LABELS.get(declared, _("texte"))) from error
    finally:
        if archive is not None:
            archive.close()
    if sum(len(line.text) for line in document.lines) > limits.MAX_TEXT_CHARACTERS:
        raise too_much_text()
    if not document.lines and declared in ("docx", "odt"):
        raise UnreadableDocument(_("Le document ne contient aucun texte."))
    return document


def _read(
    data: bytes,
    file_name: str,
    declared: str,
    found: str | None,
    archive: SafeArchive | None,
) -> ReadDocument:
    if found in ("xlsx", "pptx"):
        raise UnreadableDocument(
            _(
                "« %(name)s » est en réalité un classeur ou une présentation Office (%(format)s) : "
                "ce format n'est pas accepté. Formats acceptés : DOCX, ODT, PDF, texte (.txt) et "
                "Markdown (.md)."
            )
            % {"name": PurePath(file_name).name, "format": found.upper()}
        )
    if found == "ole":
        raise UnreadableDocument(
            _(
                "Ce fichier est un document Word ancien (.doc) ou un autre format Microsoft "
                "d'avant 2007 : enregistrez-le au format DOCX ou PDF, puis importez-le."
            )
        )
    if (
        found is not None
        and found != declared
        and not (found == "zip" and declared in ("docx", "odt"))
    ):
        raise _mismatch(file_name, declared, found)
    if declared in ("docx", "odt"):
        if archive is None:
            raise damaged(_FORMAT_LABELS[declared])
        return read_docx(archive) if declared == "docx" else read_odt(archive)
    if declared == "pdf":
        if found != "pdf":
            raise damaged_pdf()
        return read_pdf(data)
    return read_text(data, declared)


def _content_format(data: bytes, declared: str) -> tuple[str | None, SafeArchive | None]:
    """What the bytes are: « docx », « odt », « xlsx », « pptx », « zip » (another or a damaged
    archive), « pdf », « ole », or None when they carry no signature (text); with the archive
    opened once for its reader."""
    if data.startswith(b"%PDF-") or (
        declared == "pdf" and b"%PDF-" in data[:_PDF_SIGNATURE_WINDOW]
    ):
        return "pdf", None
    if data.startswith(_OLE_SIGNATURE):
        return "ole", None
    if not data.startswith(_ZIP_SIGNATURES):
        return None, None
    archive = SafeArchive.open(data, _FORMAT_LABELS.get(declared, "DOCX"))
    if archive is None:
        return "zip", None
    names = archive.names
    # Only a small `mimetype` part is read here, through the archive limits.
    if (
        0 < archive.size("mimetype") < 200
        and (archive.read("mimetype") or b"").strip() == _ODT_MIMETYPE
    ):
        return "odt", archive
    if "word/document.xml" in names:
        return "docx", archive
    if "xl/workbook.xml" in names:
        return "xlsx", archive
    if "ppt/presentation.xml" in names:
        return "pptx", archive
    if "[Content_Types].xml" in names:
        return "docx", archive
    return "zip", archive


_FORMAT_EXTENSIONS = {"docx": ".docx", "odt": ".odt", "pdf": ".pdf"}


def _mismatch(file_name: str, declared: str, found: str) -> UnreadableDocument:
    """The extension says one format and the content another: say both, and how to fix it."""
    names = {
        "docx": "DOCX",
        "odt": "ODT",
        "pdf": "PDF",
        "txt": _("texte"),
        "md": "Markdown",
        "zip": _("archive ZIP"),
    }
    values = {"name": PurePath(file_name).name, "declared": names[declared], "found": names[found]}
    if found in _FORMAT_EXTENSIONS:
        values["extension"] = _FORMAT_EXTENSIONS[found]
        return UnreadableDocument(
            _(
                "« %(name)s » porte l'extension d'un fichier %(declared)s, mais son contenu est "
                "celui d'un fichier %(found)s. Renommez-le avec l'extension %(extension)s, puis "
                "importez-le à nouveau."
            )
            % values
        )
    if declared in ("txt", "md"):
        return UnreadableDocument(
            _(
                "Ce fichier n'est pas un texte lisible : « %(name)s » contient une %(found)s. "
                "Importez le document d'origine (DOCX, ODT, PDF)."
            )
            % values
        )
    return UnreadableDocument(
        _(
            "« %(name)s » porte l'extension d'un fichier %(declared)s, mais son contenu est différent."
        )
        % values
    )
