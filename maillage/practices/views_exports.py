"""The open data download page, the files it links to, and the Table Schema of the CSV."""

from __future__ import annotations

from tempfile import SpooledTemporaryFile

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils.translation import gettext as _

from maillage.practices.exports import (
    FORMATS,
    SEPARATOR,
    TABLE_SCHEMA_PATH,
    UnknownFormatError,
    export_format,
    public_practices,
    published_sheets,
    table_schema,
)
from maillage.practices.models import Licence

DOWNLOAD_FILE_NAME = "pratiques-inspirantes-maillage"
# An XLSX file is built before it is sent; up to this size it stays in memory.
XLSX_MEMORY_LIMIT = 8 * 1024 * 1024


def downloads(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "practices/export.html",
        {
            "formats": FORMATS.values(),
            "count": public_practices().count(),
            "schema": table_schema(),
            "separator": SEPARATOR.strip(),
            "licences": Licence.choices,
        },
    )


def download(request: HttpRequest, extension: str) -> HttpResponse | StreamingHttpResponse:
    try:
        chosen = export_format(extension)
    except UnknownFormatError:
        raise Http404(_("Format d'export inconnu : %(format)s.") % {"format": extension}) from None
    filename = f"{DOWNLOAD_FILE_NAME}.{chosen.name}"
    if chosen.chunks is not None:
        response = StreamingHttpResponse(
            chosen.chunks(published_sheets()), content_type=chosen.content_type
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    target = SpooledTemporaryFile(max_size=XLSX_MEMORY_LIMIT)  # noqa: SIM115 — FileResponse closes it
    chosen.write(published_sheets(), target)  # type: ignore[misc]
    target.seek(0)
    return FileResponse(
        target, as_attachment=True, filename=filename, content_type=chosen.content_type
    )


def schema(request: HttpRequest) -> FileResponse:
    return FileResponse(
        TABLE_SCHEMA_PATH.open("rb"), content_type="application/json; charset=utf-8"
    )
