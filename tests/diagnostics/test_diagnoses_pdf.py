"""The PDF report of a diagnosis: its running footer and the cache that spares WeasyPrint a
layout per reader."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from weasyprint import HTML

from maillage.diagnostics.models import DiagnosisStatus
from maillage.diagnostics.operations import diagnoses as operations
from maillage.diagnostics.reports.diagnosis_pdf import pdf_html
from maillage.organisations.models import Role
from tests.diagnostics.factories import DiagnosisFactory
from tests.organisations.factories import member
from tests.territories.factories import small_geography

pytestmark = pytest.mark.django_db

RENDERER = "maillage.diagnostics.reports.diagnosis_pdf.render_pdf"


@pytest.fixture
def diagnosis():
    cache.clear()
    geo = small_geography()
    return DiagnosisFactory(
        territory=geo.cu_arras,
        title='Vivre dans l\'Arrageois : "ensemble" \\ demain',
        synthesis="Garder les enfants.",
        status=DiagnosisStatus.PUBLISHED,
    )


def _texts(box) -> str:
    return getattr(box, "text", "") + "".join(
        _texts(child) for child in getattr(box, "children", [])
    )


def test_the_footer_prints_the_title_as_written(diagnosis):
    request = RequestFactory().get("/")
    request.user = member(Role.PROFESSIONAL, diagnosis.organisation)
    page = HTML(string=pdf_html(request, diagnosis)).render().pages[0]
    footer = next(
        box for box in page._page_box.children if getattr(box, "at_keyword", "") == "@bottom-center"
    )
    assert _texts(footer).startswith(f"{diagnosis.title} — 1 / ")


def test_a_second_reader_gets_the_cached_report(client, diagnosis):
    url = reverse("diagnostics:pdf", args=[diagnosis.pk])
    with mock.patch(RENDERER, return_value=b"%PDF-1") as renderer:
        first, second = client.get(url), client.get(url)
    assert renderer.call_count == 1
    assert first.content == second.content == b"%PDF-1"
    assert second["Content-Type"] == "application/pdf"


def test_a_change_of_the_diagnosis_renders_the_report_again(client, diagnosis):
    url = reverse("diagnostics:pdf", args=[diagnosis.pk])
    editor = member(Role.PROFESSIONAL, diagnosis.organisation)
    with mock.patch(RENDERER, side_effect=[b"%PDF-1", b"%PDF-2", b"%PDF-3"]) as renderer:
        assert client.get(url).content == b"%PDF-1"
        operations.write_synthesis(actor=editor, diagnosis=diagnosis, synthesis="Autre bilan.")
        assert client.get(url).content == b"%PDF-2"
        operations.save_section(
            actor=editor, diagnosis=diagnosis, component="flux", text="Navettes vers Arras."
        )
        assert client.get(url).content == b"%PDF-3"
    assert renderer.call_count == 3


def test_participants_and_the_public_do_not_share_a_cached_report(client, diagnosis):
    url = reverse("diagnostics:pdf", args=[diagnosis.pk])
    with mock.patch(RENDERER, side_effect=[b"%PDF-public", b"%PDF-participant"]) as renderer:
        assert client.get(url).content == b"%PDF-public"
        client.force_login(member(Role.PARTNER, diagnosis.organisation))
        assert client.get(url).content == b"%PDF-participant"
        assert client.get(url).content == b"%PDF-participant"
    assert renderer.call_count == 2
