"""The printable PDF of a practice sheet, laid out by WeasyPrint from a plain print template
(A4, no DSFR script): title, metadata, the sections, licence and the address of the sheet."""

from __future__ import annotations

import logging

from django.http import HttpRequest
from django.template.loader import render_to_string

from maillage.practices.display import Sheet
from maillage.practices.models import Practice

# WeasyPrint reports each layout step at INFO level, which would fill the server's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def pdf_html(request: HttpRequest, practice: Practice, sheet: Sheet, *, working: bool) -> str:
    return render_to_string(
        "practices/pdf.html",
        {
            "practice": practice,
            "sheet": sheet,
            "working": working,
            "url": request.build_absolute_uri(practice.get_absolute_url()),
        },
        request=request,
    )


def render_pdf(request: HttpRequest, practice: Practice, sheet: Sheet, *, working: bool) -> bytes:
    # Imported on the first PDF only: loading WeasyPrint (fonts, stylesheets) takes a second,
    # which every process start and every other page would otherwise pay.
    from weasyprint import HTML

    # No base_url: the template embeds its style and WeasyPrint must fetch nothing.
    return HTML(string=pdf_html(request, practice, sheet, working=working)).write_pdf()
