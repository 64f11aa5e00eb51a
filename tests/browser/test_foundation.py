"""The foundation's acceptance path: a professional logs in, picks « Arras » in the territory
picker by typing « arra », and reads the référentiel."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from maillage.organisations.models import Role
from maillage.referential.loading import load_referential
from tests.organisations.factories import PASSWORD, member
from tests.territories.factories import small_geography

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import LoginHelper

pytestmark = pytest.mark.django_db(transaction=True)


def test_professional_picks_arras_and_reads_the_referential(page: Page, login: LoginHelper):
    geography = small_geography()
    load_referential()
    professional = member(Role.PROFESSIONAL)

    login(page, professional.email, PASSWORD, next_path="/compte/")
    picker = page.get_by_role("combobox", name="Territoires d'intervention")
    picker.press_sequentially("arra", delay=30)
    option = page.get_by_role("option").filter(has_text="Arras").first
    option.click()
    page.get_by_role("button", name="Enregistrer").click()

    assert page.get_by_text("Votre profil est enregistré.").is_visible()
    assert list(professional.territories.all()) == [geography.arras]
    assert page.get_by_role("button", name="Retirer Arras (62041)").is_visible()

    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Référentiel"
    ).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Référentiel")
    page.get_by_role("link", name="Formes d'intervention collective").first.click()
    page.get_by_role("link", name="Travail social de groupe").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Travail social de groupe"
    assert "groupe" in page.locator("main").inner_text()
