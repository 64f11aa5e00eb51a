"""The acceptance path of assisted capitalisation: a documentalist uploads a Word file holding a
« fiche action », sees the batch finish, opens the candidate beside its passage, corrects its
title and accepts it into a draft practice sheet that cites the file as its source."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from maillage.organisations.models import Role
from maillage.practices.models import Practice, Status
from maillage.referential.loading import load_referential
from tests.ingestion.builders import docx_bytes
from tests.ingestion.factories import CandidateFactory
from tests.organisations.factories import PASSWORD, OrganisationFactory, member
from tests.territories.factories import small_geography

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import LoginHelper

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Jardin partagé des Provinces"
FICHE = [
    ("h1", "Répertoire des actions collectives du Pas-de-Calais"),
    ("h2", "Fiche action : Jardin partagé"),
    ("p", "Objectifs"),
    ("p", "Rompre l'isolement des habitants d'Arras et créer du lien entre les générations."),
    ("p", "Porteurs et partenaires"),
    ("p", "Le centre social, la CAF du Pas-de-Calais et la mairie d'Arras."),
    ("p", "Description"),
    ("p", "Depuis 2012, une vingtaine d'habitants cultivent ensemble une parcelle du quartier."),
    ("p", "Résultats"),
    (
        "p",
        "Trente familles participent ; une fête de la récolte réunit le quartier chaque automne.",
    ),
]


def test_a_documentalist_imports_a_fiche_and_accepts_it_into_a_draft(
    page: Page, login: LoginHelper, tmp_path, settings
) -> None:
    settings.DATA_DIR = tmp_path
    load_referential()
    small_geography()
    organisation = OrganisationFactory(name="Conseil départemental du Pas-de-Calais")
    documentalist = member(Role.DOCUMENTALIST, organisation)
    upload = tmp_path / "repertoire.docx"
    upload.write_bytes(docx_bytes(FICHE, title="Répertoire des actions collectives"))

    # 1. The upload: read in the background, its progress followed until it is done.
    login(page, documentalist.email, PASSWORD, next_path="/documents/")
    page.get_by_label(re.compile("^Fichiers")).set_input_files(str(upload))
    page.get_by_label(re.compile("^Organisation")).select_option(label=organisation.name)
    page.get_by_role("button", name="Importer").click()
    expect(page).to_have_url(re.compile(r"/documents/lots/\d+/$"))
    expect(page.get_by_text("Import terminé")).to_be_visible()
    page.get_by_role("link", name="les examiner").click()

    # 2. The queue, then the candidate beside its passage.
    page.locator("tbody a").first.click()
    expect(page).to_have_url(re.compile(r"/documents/propositions/\d+/$"))
    expect(page.get_by_role("heading", name="Le passage source")).to_be_visible()
    expect(page.locator("#L4")).to_contain_text("Rompre l'isolement")
    provenance = page.get_by_role("link", name=re.compile(r"^L\d+"))
    provenance.first.click()
    expect(page.locator(".ingestion-marked").first).to_be_visible()

    # 3. A better title, then accept: a draft sheet citing the file.
    page.get_by_label(re.compile("^Titre")).fill(TITLE)
    page.get_by_role("button", name=re.compile("^Accepter")).click()
    expect(page).to_have_url(re.compile(r"/pratiques/\d+/modifier/$"))
    practice = Practice.objects.get()
    assert practice.title == TITLE
    assert practice.status == Status.DRAFT
    source = practice.sources.get()
    assert source.title == "Répertoire des actions collectives"
    assert source.locator.startswith("L")


def test_on_a_phone_the_passage_comes_below_the_fields(
    phone_page: Page, login: LoginHelper
) -> None:
    organisation = OrganisationFactory()
    documentalist = member(Role.DOCUMENTALIST, organisation)
    candidate = CandidateFactory(segment__document__organisation=organisation)

    login(phone_page, documentalist.email, PASSWORD, next_path=candidate.get_absolute_url())

    fields = phone_page.get_by_role("heading", name="Ce qui a été trouvé").bounding_box()
    passage = phone_page.get_by_role("heading", name="Le passage source").bounding_box()
    assert fields and passage
    assert passage["y"] > fields["y"]
    assert abs(passage["x"] - fields["x"]) < 5
