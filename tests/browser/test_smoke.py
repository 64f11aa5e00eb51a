from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page, Response


def test_home_page_renders_with_dsfr(page: Page, tmp_path: Path) -> None:
    static_responses: dict[str, int] = {}

    def record(response: Response) -> None:
        if "/static/" in response.url:
            static_responses[response.url.rsplit("/static/", 1)[1]] = response.status

    page.on("response", record)
    response = page.goto("/")
    assert response is not None
    assert response.status == 200
    page.wait_for_load_state("load")

    assert page.locator("html").get_attribute("lang") == "fr"
    header = page.locator("header.fr-header")
    assert header.get_by_text("Maillage", exact=True).is_visible()

    # The DSFR style sheet and script, and htmx, came from node_modules through the live server.
    assert static_responses.get("dsfr/dsfr.min.css") == 200, static_responses
    assert static_responses.get("htmx/htmx.min.js") == 200, static_responses
    assert static_responses.get("web/maillage.css") == 200, static_responses
    # DSFR's CSS applies: the page is set in Marianne and the service title is bold.
    title_weight = page.locator(".fr-header__service-title").evaluate(
        "element => getComputedStyle(element).fontWeight"
    )
    assert int(title_weight) >= 700
    assert "Marianne" in page.evaluate("getComputedStyle(document.body).fontFamily")
    assert page.evaluate("typeof window.htmx") == "object"

    screenshot = tmp_path / "home.png"
    page.screenshot(path=screenshot, full_page=True)
    assert screenshot.stat().st_size > 1000


def test_phone_layout_folds_the_menu(phone_page: Page) -> None:
    phone_page.goto("/")

    assert phone_page.viewport_size == {"width": 390, "height": 844}
    # DSFR hides the navigation behind the « Menu » button on small screens.
    assert phone_page.locator("#button-menu").is_visible()
    assert not phone_page.locator("#navigation").is_visible()
    # The page fits the screen: no horizontal scrolling.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
