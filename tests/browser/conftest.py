"""End-to-end tests in a real Chromium, driven by Playwright against pytest-django's live server.

Fixtures:

- ``browser``: one headless Chromium (Debian's ``/usr/bin/chromium``) for the whole package;
- ``page``: a fresh browser context (cookies, storage) and page per test, desktop-sized, whose
  relative URLs resolve against the live server (``page.goto("/")``);
- ``phone_page``: the same, phone-sized (390×844, touch, mobile);
- ``login``: ``login(page, email, password, next_path=None)`` logs in through the real form.

Every test here is marked ``browser`` (``pytest -m browser`` selects them) and skips with a
reason when Chromium or the ``playwright`` package is missing, so ``make test`` passes on a
machine without a browser; ``make test-browser`` sets MAILLAGE_REQUIRE_BROWSER=1, which turns
those skips into failures. Never run ``playwright install``: the browser is Debian's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlencode, urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright
    from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path(os.environ.get("MAILLAGE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # the tests run as root in CI, where Chromium's sandbox cannot start
    "--disable-gpu",
    # The machines have no network but the package registries: without these flags Chromium
    # keeps trying to reach Google's services in the background.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 10_000
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LOGIN_PATH = "/connexion/"


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder ``browser``."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def _allow_async_unsafe() -> Iterator[None]:
    """Let the test thread use the ORM while Playwright is started.

    Playwright's sync API runs an asyncio event loop in the test thread from ``start()`` to
    ``stop()``; Django sees that running loop and refuses ORM calls (SynchronousOnlyOperation)
    although the test code is synchronous. The check is relaxed only while the browser tests of
    this package run: the Playwright fixture below is package-scoped and stops before the rest
    of the suite, which keeps Django's check.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _unavailable(reason: str) -> None:
    """Skip, or fail under ``make test-browser`` (MAILLAGE_REQUIRE_BROWSER=1), which must run."""
    if os.environ.get("MAILLAGE_REQUIRE_BROWSER", "") not in {"", "0"}:
        pytest.fail(f"{reason} (MAILLAGE_REQUIRE_BROWSER is set)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def playwright(_allow_async_unsafe: None) -> Iterator[Playwright]:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"Chromium absent ({CHROMIUM}): apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is absent: pip install -e '.[dev]'")
    manager = sync_playwright().start()
    yield manager
    manager.stop()


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


def _new_context(browser: Browser, live_server: LiveServer, **options: object) -> BrowserContext:
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A desktop-sized page in a fresh context; ``page.goto("/")`` opens the live server."""
    context = _new_context(browser, live_server, viewport=DESKTOP)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A phone-sized page (390×844, touch) in a fresh context."""
    context = _new_context(
        browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    yield context.new_page()
    context.close()


class LoginHelper(Protocol):
    def __call__(
        self, page: Page, email: str, password: str, next_path: str | None = None
    ) -> None: ...


@pytest.fixture
def login() -> LoginHelper:
    """Return ``login(page, email, password, next_path=None)``, which logs in through the form.

    It opens ``/connexion/`` (with ``?next=`` when ``next_path`` is given), fills the fields
    ``username`` (the e-mail address) and ``password``, clicks « Se connecter » and fails the
    test, with the form's error messages, if the browser is still on the login page afterwards.
    The user must exist in the database (the live server shares the transactional test DB).
    """

    def log_in(page: Page, email: str, password: str, next_path: str | None = None) -> None:
        url = LOGIN_PATH + (f"?{urlencode({'next': next_path})}" if next_path else "")
        page.goto(url)
        form = page.locator("main form").filter(has=page.locator("input[name='password']"))
        form.locator("input[name='username']").fill(email)
        form.locator("input[name='password']").fill(password)
        with page.expect_navigation():
            form.get_by_role("button", name="Se connecter").click()
        if urlsplit(page.url).path == LOGIN_PATH:
            errors = page.locator(".fr-error-text, .fr-alert, .errorlist").all_inner_texts()
            raise AssertionError(f"login as {email} failed; the form says: {errors}")

    return log_in
