"""The printable report of a diagnosis, laid out by WeasyPrint from a plain print template (A4,
no DSFR script): the content of its readable page as the public reads it, in plain language,
without the names of people, without the titles of actions (not public) and without any
contribution waiting for moderation.

A layout takes about a second and anyone may ask for the report of a published diagnosis, so the
bytes are cached for `CACHE_SECONDS` per change of the diagnosis (`updated_at`). Moderated
contributions and decided priorities do not change `updated_at`: they reach the report within
that time."""

from __future__ import annotations

import logging

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string

from maillage.diagnostics import access
from maillage.diagnostics.models import Diagnosis
from maillage.diagnostics.reading import diagnosis_page

# WeasyPrint reports each layout step at INFO level, which would fill the server's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

CACHE_SECONDS = 10 * 60


def pdf_html(request: HttpRequest, diagnosis: Diagnosis) -> str:
    return render_to_string(
        "diagnostics/diagnosis_pdf.html",
        {
            # A report travels beyond its reader: it shows what the public reads.
            **diagnosis_page(diagnosis, AnonymousUser()),
            "url": request.build_absolute_uri(diagnosis.get_absolute_url()),
        },
        request=request,
    )


def render_pdf(request: HttpRequest, diagnosis: Diagnosis) -> bytes:
    # Imported on the first PDF only: loading WeasyPrint takes a second that every process
    # start would otherwise pay.
    from weasyprint import HTML

    # No base_url: the template embeds its style and WeasyPrint must fetch nothing.
    return HTML(string=pdf_html(request, diagnosis)).write_pdf()


def report_pdf(request: HttpRequest, diagnosis: Diagnosis) -> bytes:
    """The report of `diagnosis`, laid out again only when it has changed or the cached one
    has expired."""
    key = ":".join(
        (
            "diagnostics:pdf",
            str(diagnosis.pk),
            diagnosis.updated_at.isoformat(),
            # Participants and the public never share an entry, whatever the report shows them.
            "participant" if access.reads_as_participant(request.user, diagnosis) else "public",
            # The report prints its own address.
            request.get_host(),
        )
    )
    return cache.get_or_set(key, lambda: render_pdf(request, diagnosis), CACHE_SECONDS)
