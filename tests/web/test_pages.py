from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from maillage.organisations.models import Role
from tests.organisations.factories import PASSWORD, UserFactory, member

pytestmark = pytest.mark.django_db


def test_home_page_is_french_and_shows_the_cycle(client: Client):
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="fr"' in content
    assert "Diagnostic partagé" in content
    assert "Se connecter" in content


def test_menu_lists_modules_that_exist(client: Client):
    content = client.get("/").content.decode()
    for label, url in (("Territoires", "/territoires/"), ("Organisations", "/organisations/")):
        assert f'href="{url}">{label}</a>' in content


def test_unknown_page_gets_french_404(client: Client, settings):
    settings.DEBUG = False
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_login_with_email_in_any_case_then_account_page(client: Client):
    user = UserFactory(email="lea@example.org", first_name="Léa")
    response = client.post(
        reverse("web:login"), {"username": " Lea@Example.org", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("web:account")
    assert "Mon compte" in response.content.decode()
    assert response.context["user"] == user


def test_wrong_password_gets_a_french_message(client: Client):
    UserFactory(email="lea@example.org")
    response = client.post(
        reverse("web:login"), {"username": "lea@example.org", "password": "faux"}
    )
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect." in response.content.decode()


def test_repeated_failures_lock_the_account_with_a_french_message(client: Client, settings):
    UserFactory(email="lea@example.org")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        email = "LEA@example.org" if attempt % 2 else "lea@example.org"
        client.post(reverse("web:login"), {"username": email, "password": "faux"})

    response = client.post(
        reverse("web:login"), {"username": "lea@example.org", "password": PASSWORD}
    )

    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_of_one_account_does_not_block_colleagues_behind_the_same_address(
    client: Client, settings
):
    UserFactory(email="lea@example.org")
    UserFactory(email="karim@example.org")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("web:login"), {"username": "lea@example.org", "password": "faux"})

    response = client.post(
        reverse("web:login"), {"username": "karim@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302


def test_account_requires_login(client: Client):
    response = client.get(reverse("web:account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_account_lists_memberships_and_saves_profile(client: Client):
    user = member(Role.PROFESSIONAL)
    client.force_login(user)
    response = client.get(reverse("web:account"))
    assert user.memberships.get().organisation.name in response.content.decode()

    response = client.post(reverse("web:account"), {"first_name": "Léa", "last_name": "Martin"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.get_full_name() == "Léa Martin"


def test_forgotten_password_sends_a_link_that_sets_a_new_password(client: Client, mailoutbox):
    user = UserFactory(email="lea@example.org")
    response = client.post(reverse("web:password_reset"), {"email": "lea@example.org"})
    assert response.status_code == 302
    [message] = mailoutbox
    link = next(line for line in message.body.splitlines() if "/mot-de-passe/" in line)
    path = link.split("testserver", 1)[1]

    response = client.get(path, follow=True)
    assert "Choisir votre mot de passe" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0],
        {
            "new_password1": "une phrase de passe solide",
            "new_password2": "une phrase de passe solide",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("une phrase de passe solide")


def test_password_change_refuses_a_short_password_in_french(client: Client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("web:password_change"),
        {"old_password": PASSWORD, "new_password1": "court", "new_password2": "court"},
    )
    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in response.content.decode()


def test_counts_follow_the_french_plural_rule(client: Client):
    response = client.get(reverse("organisations:list"))
    assert "0 organisation<" in response.content.decode().replace("\n", "<")
