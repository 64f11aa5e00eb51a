"""The acceptance path of collective actions, on a phone: a professional creates a closed group of
ten, plans eight weekly sessions, takes attendance at three of them with one tap per person,
enters her time, writes two logbook entries, reads the CAF's report (its eligible participants
beside all participants) and « capitalises » the action into a draft practice sheet."""

from __future__ import annotations

import datetime
import re
import time
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from maillage.actions.models import (
    Attendance,
    CollectiveAction,
    EligibilityTag,
    LogEntry,
    Presence,
    SessionStatus,
    TimeEntry,
)
from maillage.organisations.models import OrganisationKind, Role
from maillage.practices.models import Practice, Status
from maillage.referential.loading import load_referential
from tests.organisations.factories import PASSWORD, OrganisationFactory, member
from tests.territories.factories import small_geography

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from tests.browser.conftest import LoginHelper

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Groupe de parents du jeudi"
# Invented first names; the first three carry the CAF's « allocataire CAF » tag.
PEOPLE = ("Anouk", "Basile", "Célia", "Dorian", "Elsa", "Fanny", "Gaspard", "Hind", "Ilan", "Jade")
TAGGED = PEOPLE[:3]
# Who came to each of the three sessions taken: absent ones are tapped « Absent ».
ABSENT = ({"Dorian"}, {"Elsa", "Ilan"}, set())


def _iso(day: datetime.date) -> str:
    return day.isoformat()


def _label(scope: Page | Locator, text: str) -> Locator:
    """The label of a DSFR radio or checkbox: a person taps the label, not the hidden input."""
    return scope.locator("label").filter(has_text=re.compile(f"^{re.escape(text)}"))


def _tab(page: Page, name: str) -> None:
    """Open one section of the action from the row of sections under its title."""
    sections = page.get_by_role("navigation", name=re.compile("^Rubriques de l'action"))
    sections.get_by_role("link", name=name, exact=True).click()


def test_a_professional_runs_a_group_from_her_phone_and_capitalises_it(
    phone_page: Page, login: LoginHelper
) -> None:
    page = phone_page
    load_referential()
    geography = small_geography()
    centre = OrganisationFactory(
        name="Centre social des Hauts", kind=OrganisationKind.CENTRE_SOCIAL
    )
    caf = OrganisationFactory(name="CAF de démonstration", kind=OrganisationKind.CAF)
    EligibilityTag.objects.create(organisation=caf, label="allocataire CAF")
    professional = member(Role.PROFESSIONAL, centre)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=28)
    first_session = today - datetime.timedelta(days=21)

    # 1. The action: a closed group of ten.
    login(page, professional.email, PASSWORD, next_path="/actions/nouvelle/")
    page.get_by_label(re.compile(r"^Titre")).fill(TITLE)
    page.get_by_label(re.compile(r"^Forme d'intervention collective")).select_option(
        label="Travail social de groupe"
    )
    picker = page.get_by_role("combobox", name=re.compile("^Territoires"))
    picker.press_sequentially("arra", delay=30)
    page.get_by_role("option").filter(has_text="Arras").first.click()
    page.get_by_label(re.compile(r"^Type de groupe")).select_option(label="Groupe fermé")
    page.get_by_label(re.compile(r"^Nombre de participants attendus")).fill("10")
    page.get_by_label(re.compile(r"^Début")).fill(_iso(start))
    page.get_by_role("button", name="Créer l'action").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    action = CollectiveAction.objects.get(title=TITLE)
    assert action.organisation == centre and action.group_kind == "closed"
    assert action.expected_participants == 10
    assert list(action.territories.all()) == [geography.arras]

    # The CAF funds it (team page).
    page.get_by_role("link", name="Modifier l'équipe, les partenaires et les financeurs").click()
    funders = page.get_by_role("group", name="Financeurs, ligne 1")
    funders.get_by_label(re.compile("^Organisation")).select_option(label=caf.name)
    funders.get_by_label(re.compile(r"^Montant")).fill("2500")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("financeurs sont enregistrés")
    assert action.funders.get().organisation == caf

    # 2. Ten participants, entered one after the other; three are « allocataire CAF ».
    _tab(page, "Participants")
    page.get_by_role("link", name="Ajouter une personne").click()
    for name in PEOPLE:
        page.get_by_label(re.compile(r"^Prénom ou pseudonyme")).fill(name)
        page.get_by_label(re.compile(r"^Arrivée le")).fill(_iso(start))
        if name in TAGGED:
            _label(page, "allocataire CAF").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Ajouter et en saisir une autre").click()
        expect(page.locator(".fr-alert--success")).to_contain_text("La personne est ajoutée")
    assert action.enrolments.count() == 10
    assert caf.eligibility_tags.get().participants.count() == len(TAGGED)

    # 3. Eight weekly sessions, as one series.
    _tab(page, "Séances")
    page.get_by_role("link", name="Prévoir une série").click()
    page.get_by_label(re.compile(r"^Fréquence")).select_option(label="Chaque semaine")
    page.get_by_label(re.compile(r"^Première séance")).fill(_iso(first_session))
    page.get_by_label(re.compile(r"^Nombre de séances")).fill("8")
    page.get_by_label(re.compile(r"^Durée")).fill("120")
    page.get_by_label(re.compile(r"^Lieu")).fill("Salle des familles")
    page.get_by_role("button", name="Prévoir les séances").click()
    sessions = list(action.sessions.order_by("date"))
    assert len(sessions) == 8
    assert [s.date for s in sessions] == [
        first_session + datetime.timedelta(weeks=week) for week in range(8)
    ]

    # 4. Attendance at the first three sessions: one tap per person, well under a minute each.
    for session, absent in zip(sessions[:3], ABSENT, strict=True):
        page.goto(f"/actions/{action.pk}/seances/{session.pk}/presences/")
        started = time.monotonic()
        for name in PEOPLE:
            row = page.get_by_role("group", name=re.compile(f"^{name}"))
            _label(row, "Absent" if name in absent else "Présent").click()
            expect(page.locator("#attendance-announce")).to_contain_text(name)
        expect(page.locator("#attendance-count")).to_contain_text(
            f"{10 - len(absent)} présents sur 10"
        )
        assert time.monotonic() - started < 60
    for session, absent in zip(sessions[:3], ABSENT, strict=True):
        marks = Attendance.objects.filter(session=session)
        assert marks.filter(status=Presence.PRESENT).count() == 10 - len(absent)
        assert marks.filter(status=Presence.ABSENT).count() == len(absent)
        session.refresh_from_db()
        assert session.status == SessionStatus.HELD

    # 5. Time: two hours of preparation.
    _tab(page, "Temps")
    page.get_by_label(re.compile(r"^Date")).fill(_iso(first_session))
    _label(page, "2 h").click()
    _label(page, "Préparation").click()
    page.get_by_role("button", name="Enregistrer ce temps").click()
    expect(page.get_by_text(re.compile("Au total"))).to_contain_text("2 h")
    assert TimeEntry.objects.filter(action=action, user=professional).get().minutes == 120

    # 6. Two logbook entries, the second a proposal of the group with what came of it.
    _tab(page, "Journal de bord")
    for kind, text, outcome in (
        ("Écueil", "La salle est trop petite quand les enfants viennent.", ""),
        (
            "Proposition des participants",
            "Anouk propose un goûter partagé à la dernière séance.",
            "Accepté : chacun apporte quelque chose.",
        ),
    ):
        page.get_by_label(re.compile(r"^Date")).first.fill(_iso(today))
        page.get_by_label(re.compile(r"^Nature")).select_option(label=kind)
        page.get_by_label(re.compile(r"^Ce qui s'est passé")).fill(text)
        if outcome:
            page.get_by_label(re.compile(r"^Suite donnée")).first.fill(outcome)
            _label(page, "À retenir pour la capitalisation").first.click()
        page.get_by_role("button", name="Ajouter au journal").click()
        expect(page.get_by_text(text)).to_be_visible()
    assert LogEntry.objects.filter(action=action).count() == 2

    # 7. The CAF's report: its eligible participants beside all participants.
    _tab(page, "Bilan")
    page.get_by_role("link", name=f"Bilan pour {caf.name}").click()
    eligible = page.locator(".fr-callout").filter(has_text="critères d'éligibilité")
    everyone = page.locator(".fr-callout").filter(has_text="participants en tout")
    expect(eligible.locator(".fr-callout__title")).to_have_text(str(len(TAGGED)))
    expect(everyone.locator(".fr-callout__title")).to_have_text("10")
    for name in PEOPLE:
        expect(page.locator("main")).not_to_contain_text(name)

    # 8. « Capitaliser »: a draft practice sheet, pre-filled, without any participant's name.
    page.go_back()
    _tab(page, "Présentation")
    page.get_by_role("button", name="Capitaliser").click()
    expect(page.get_by_text(re.compile("brouillon de la fiche", re.IGNORECASE))).to_be_visible()
    practice = Practice.objects.get()
    assert practice.status == Status.DRAFT and practice.title == TITLE
    assert page.url.endswith(f"/pratiques/{practice.pk}/modifier/")
    expect(page.locator("input[name='title']").first).to_have_value(TITLE)
    assert practice.participants_count == 10
    assert "3 séances tenues sur 8 prévues" in practice.description
    assert "salle est trop petite" in practice.pitfalls
    assert "goûter partagé" in practice.voices and "Anouk" not in practice.voices
    action.refresh_from_db()
    assert action.practice == practice
