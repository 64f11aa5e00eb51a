from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import get_user_model

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import LoginHelper

PASSWORD = "correct horse battery staple"


@pytest.fixture
def user() -> object:
    return get_user_model().objects.create_user(
        "camille.martin@example.org", PASSWORD, first_name="Camille", last_name="Martin"
    )


def test_login_helper_logs_in_through_the_form(
    page: Page, login: LoginHelper, user: object
) -> None:
    login(page, "camille.martin@example.org", PASSWORD, next_path="/")

    assert page.url.endswith("/")
    header = page.locator("header.fr-header")
    assert header.get_by_role("button", name="Se déconnecter").is_visible()


def test_login_helper_reports_a_refused_login(page: Page, login: LoginHelper, user: object) -> None:
    with pytest.raises(AssertionError, match=r"login as camille\.martin@example\.org failed"):
        login(page, "camille.martin@example.org", "not the password")
