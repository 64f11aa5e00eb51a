"""The territory picker in a real Chromium: suggestions, keyboard, choosing, removing, posting.

Marked ``browser``; skipped without Chromium or Playwright (failed instead when
MAILLAGE_REQUIRE_BROWSER is set, as under ``make test-browser``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.test import Client

from tests.organisations.factories import UserFactory
from tests.territories.factories import small_geography

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("MAILLAGE_CHROMIUM", "/usr/bin/chromium"))


def _unavailable(reason: str) -> None:
    if os.environ.get("MAILLAGE_REQUIRE_BROWSER", "") not in {"", "0"}:
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"Chromium absent ({CHROMIUM})")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is absent")
    # Playwright runs an event loop in this thread, which makes Django refuse the ORM in the
    # (synchronous) test code: relaxed for this module only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    browser = manager.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    yield browser
    browser.close()
    manager.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(chromium: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = chromium.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_keyboard_chooses_a_suggestion_and_opens_its_page(page: Page) -> None:
    small_geography()
    page.goto("/territoires/")
    box = page.get_by_role("combobox", name="Territoire")

    box.press_sequentially("arra", delay=20)

    options = page.get_by_role("option")
    options.first.wait_for()
    assert options.all_inner_texts()[0] == "Arras — Commune · 62041 · Pas-de-Calais"
    assert box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")
    box.press("ArrowDown")
    box.press("ArrowUp")
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    assert options.first.get_attribute("aria-selected") == "true"
    with page.expect_navigation():
        box.press("Enter")
    assert page.url.endswith("/territoires/commune/62041/")


def test_escape_closes_the_suggestions(page: Page) -> None:
    small_geography()
    page.goto("/territoires/")
    box = page.get_by_role("combobox", name="Territoire")
    box.press_sequentially("lil", delay=20)
    page.get_by_role("option").first.wait_for()

    box.press("Escape")

    assert box.get_attribute("aria-expanded") == "false"
    assert page.get_by_role("option").count() == 0


def test_chosen_territories_are_posted_by_another_app_s_form(
    page: Page, live_server: LiveServer
) -> None:
    geography = small_geography()
    user = UserFactory()
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto("/compte/")
    box = page.get_by_role("combobox")
    for typed, label in (
        ("arra", "Arras — Commune"),
        ("nord", "Nord — Département"),
        ("lil", "Lille"),
    ):
        box.fill("")
        box.press_sequentially(typed, delay=20)
        page.get_by_role("option").filter(has_text=label).first.click()

    page.get_by_role("button", name="Retirer Nord (59)").click()
    assert page.locator("[data-picker-chosen] li").all_inner_texts() == [
        "Arras (62041)",
        "Lille (59350)",
    ]
    with page.expect_navigation():
        page.locator("form:has([data-territory-picker])").get_by_role(
            "button", name="Enregistrer"
        ).click()

    assert set(user.territories.all()) == {geography.arras, geography.lille}
