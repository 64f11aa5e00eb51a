"""The practice repository in Chromium: a documentalist writes, reviews and publishes a sheet; a
professional finds it without typing the accent, narrows by form of intervention, opens it and
downloads its PDF. And the search page on a phone."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from maillage.organisations.models import Role
from maillage.practices import operations
from maillage.referential.loading import load_referential
from tests.organisations.factories import PASSWORD, member
from tests.practices.factories import published_practice, term

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import LoginHelper

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Atelier parentalité et jeux de société"
# The label of the `isic_form` term for group work (« travail social avec les groupes »).
GROUP_WORK = "Travail social de groupe"


def test_documentalist_publishes_and_professional_finds_filters_and_downloads(
    page: Page, login: LoginHelper
) -> None:
    load_referential()
    documentalist = member(Role.DOCUMENTALIST)
    professional = member(Role.PROFESSIONAL)

    # The documentalist writes the sheet and submits it.
    login(page, documentalist.email, PASSWORD, next_path="/pratiques/nouvelle/")
    page.get_by_label(re.compile(r"^Titre\W*$")).fill(TITLE)
    page.get_by_label(re.compile("^Résumé")).fill(
        "Des parents et leurs enfants jouent ensemble chaque semaine au centre social."
    )
    page.get_by_label("Description de la démarche").fill(
        "Un groupe de parents animé par une conseillère en économie sociale et familiale."
    )
    # DSFR draws its own checkbox: a person clicks the label.
    page.locator("label").filter(has_text=re.compile("^Groupe de socialisation$")).click()
    page.get_by_role("button", name="Soumettre à relecture").click()
    expect(page.get_by_text("La fiche est soumise à relecture.")).to_be_visible()
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()

    # She reviews it and publishes it.
    page.goto("/pratiques/relecture/")
    card = page.locator(".practice-review").filter(has_text=TITLE)
    card.get_by_role("button", name=re.compile("^Publier")).click()
    expect(page.get_by_text(f"La fiche « {TITLE} » est publiée.")).to_be_visible()

    # A professional finds it by typing « parentalite », without the accent.
    page.context.clear_cookies()
    login(page, professional.email, PASSWORD, next_path="/pratiques/")
    box = page.get_by_role("combobox", name="Rechercher une pratique")
    box.press_sequentially("parentalite", delay=20)
    expect(page.get_by_role("option", name=TITLE)).to_be_visible()
    box.press("Enter")
    expect(page.locator("#search-count")).to_have_text("1 pratique trouvée")
    results = page.locator("#search-results")
    expect(results.get_by_role("link", name=TITLE)).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=parentalite"))

    # The facet of the broader form of intervention keeps it (it is tagged with a sub-type).
    results.locator("label").filter(has_text=re.compile(f"^{GROUP_WORK} ")).click()
    expect(page).to_have_url(re.compile(r"isic_form=travail_social_de_groupe"))
    expect(
        results.get_by_role("link", name=re.compile(f"Retirer le filtre.*{GROUP_WORK}"))
    ).to_be_visible()
    expect(results.get_by_role("link", name=TITLE)).to_be_visible()
    expect(page.locator("#search-count")).to_have_text("1 pratique trouvée")

    # The sheet, then its PDF.
    results.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("link", name="Groupe de socialisation")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger en PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_returned_sheet_goes_back_to_its_author_with_the_comment(
    page: Page, login: LoginHelper
) -> None:
    load_referential()
    author = member(Role.PROFESSIONAL)
    documentalist = member(Role.DOCUMENTALIST)
    practice = operations.create_practice(
        actor=author,
        title="Cafés des parents",
        summary="Un café mensuel entre parents.",
        isic_forms=[term("isic_form", "groupe_de_parole")],
    )
    operations.submit_practice(actor=author, practice=practice)

    login(page, documentalist.email, PASSWORD, next_path="/pratiques/relecture/")
    card = page.locator(".practice-review").filter(has_text="Cafés des parents")
    card.get_by_label("Ce qu'il faut reprendre").fill("Ajoutez le nombre de participants.")
    card.get_by_role("button", name=re.compile("^Renvoyer")).click()
    expect(page.get_by_text("est renvoyée à l'auteur")).to_be_visible()

    page.context.clear_cookies()
    login(page, author.email, PASSWORD)
    page.get_by_role("link", name=re.compile("^Notifications")).click()
    page.get_by_role("link", name=re.compile("Ajoutez le nombre de participants")).click()
    expect(page.get_by_text("Renvoyée par la relecture")).to_be_visible()
    page.get_by_label("Nombre de participants").fill("12")
    page.get_by_role("button", name="Soumettre à relecture").click()
    expect(page.get_by_text("La fiche est soumise à relecture.")).to_be_visible()


def test_search_on_a_phone(phone_page: Page) -> None:
    published_practice(
        title="Une communauté autour de bébé",
        themes=[term("theme", "parentalite")],
        isic_forms=[term("isic_form", "travail_social_communautaire")],
    )
    published_practice(title="Jardin partagé de Saint-Caprais")
    phone_page.goto("/pratiques/")
    panel = phone_page.locator("details.practice-facets")
    facet = panel.locator("details.practice-facet").filter(has_text="Thème")
    # On a phone the filters start folded, so the results come first.
    expect(panel).not_to_have_attribute("open", "")
    expect(
        phone_page.get_by_role("link", name="Jardin partagé de Saint-Caprais")
    ).to_be_in_viewport()
    expect(phone_page.locator("#search-count")).to_have_text("2 pratiques trouvées")
    panel.locator("summary").first.click()
    expect(facet).not_to_have_attribute("open", "")
    facet.locator("summary").click()
    facet.locator("label").filter(has_text=re.compile("^Parentalité et vie familiale")).click()
    expect(phone_page.locator("#search-count")).to_have_text("1 pratique trouvée")
    expect(phone_page.get_by_role("link", name="Une communauté autour de bébé")).to_be_visible()
    expect(phone_page).to_have_url(re.compile(r"theme=parentalite"))
    # The panel stays open after the update, with the chosen section unfolded.
    expect(panel).to_have_attribute("open", "")
    expect(facet).to_have_attribute("open", "")
    # Nothing of the page's content overflows the phone's width.
    overflowing = phone_page.evaluate(
        """Array.from(document.querySelectorAll("main *"))
            .filter(element => element.getBoundingClientRect().right > window.innerWidth + 1)
            .map(element => element.tagName + "." + element.className)"""
    )
    assert overflowing == []
