"""What a practice sheet accepts as attachment: PDF documents and PNG, JPEG or WebP images,
recognised by their first bytes (a renamed program is not a PDF), within a size limit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class FileType:
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("application/pdf", (".pdf",))
PNG = FileType("image/png", (".png",))
JPEG = FileType("image/jpeg", (".jpg", ".jpeg"))
WEBP = FileType("image/webp", (".webp",))


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int


def max_bytes() -> int:
    return getattr(settings, "MAILLAGE_MAX_ATTACHMENT_BYTES", DEFAULT_MAX_BYTES)


def _detect(head: bytes) -> FileType | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def _safe_name(name: str, file_type: FileType) -> str:
    """A plain file name with the extension of the detected type (no path, no odd characters)."""
    stem = get_valid_filename(PurePath(name.replace("\\", "/")).stem)[:80] or "piece-jointe"
    return f"{stem}{file_type.extensions[0]}"


def checked_upload(uploaded_file: Any) -> CheckedUpload:
    """Check an uploaded file; raise ValidationError({"file": …}) with a French message."""
    size = uploaded_file.size
    limit = max_bytes()
    if not size:
        raise ValidationError({"file": _("Le fichier est vide.")})
    if size > limit:
        raise ValidationError(
            {
                "file": _("Le fichier pèse %(size)s ; la limite est de %(limit)s.")
                % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
            }
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    file_type = _detect(head)
    extension = PurePath(uploaded_file.name or "").suffix.lower()
    if file_type is None or extension not in file_type.extensions:
        raise ValidationError(
            {
                "file": _(
                    "Seuls les documents PDF et les images PNG, JPEG ou WebP sont acceptés, "
                    "et le contenu du fichier doit correspondre à son extension."
                )
            }
        )
    return CheckedUpload(
        name=_safe_name(uploaded_file.name, file_type),
        content_type=file_type.content_type,
        size=size,
    )


def stored_file_response(file: FieldFile, content_type: str, filename: str) -> FileResponse:
    """Serve a checked upload: PDFs download, images show, and nothing else runs in the page."""
    response = FileResponse(
        file.open("rb"),
        content_type=content_type,
        as_attachment=content_type == "application/pdf",
        filename=filename,
    )
    # The type was checked on upload; the browser must not guess another one.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
