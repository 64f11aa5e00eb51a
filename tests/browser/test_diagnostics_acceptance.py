"""The acceptance path of the shared territorial diagnosis: a coordinator creates a diagnosis on a
territory she composes from twelve communes, imports a file of indicator values with two bad
rows (reported, not imported), reads the territory's profile beside its département and France,
and shares the public link; an inhabitant contributes from a phone without an account; the
coordinator moderates, sets two priorities, exports the PDF report and starts a collective action
from a priority, which keeps the link back to the diagnosis."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from maillage.actions.models import ActionStatus, CollectiveAction
from maillage.diagnostics.models import (
    ContributionStatus,
    Diagnosis,
    IndicatorValue,
    PriorityStatus,
)
from maillage.organisations.models import OrganisationKind, Role
from maillage.referential.loading import load_referential
from maillage.territories.models import Level
from tests.diagnostics.factories import IndicatorFactory, ratio, set_values
from tests.organisations.factories import PASSWORD, OrganisationFactory, member
from tests.territories.factories import CommuneFactory, small_geography

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import LoginHelper

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Diagnostic partagé de l'Arrageois"
# Twelve real communes of the CU d'Arras (COG codes); the first three come with small_geography.
MORE_COMMUNES = {
    "62004": "Achicourt",
    "62099": "Beaurains",
    "62764": "Saint-Nicolas",
    "62744": "Sainte-Catherine",
    "62037": "Anzin-Saint-Aubin",
    "62013": "Agny",
    "62817": "Tilloy-lès-Mofflaines",
    "62810": "Thélus",
    "62323": "Fampoux",
}
NEED = "Il manque un accueil pour les enfants le mercredi matin, près de la gare."
PRIORITIES = ("Un accueil des enfants le mercredi", "Des permanences dans les villages")


def _values_file(codes: list[str]) -> bytes:
    """Households and poor households for the twelve communes (one poor household in eight),
    then two bad rows: a commune code that does not exist and a value that is not a number."""
    lines = ["CODGEO;LIBGEO;menages;menages_pauvres"]
    for number, code in enumerate(codes, start=1):
        lines.append(f"{code};commune {number};{1000 * number};{125 * number}")
    lines.append("62999;commune inconnue;800;100")
    lines.append("59350;Lille;beaucoup;3000")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _tab(page: Page, name: str) -> None:
    tabs = page.get_by_role("navigation", name=re.compile("^Rubriques du diagnostic"))
    tabs.get_by_role("link", name=name, exact=True).click()


def test_a_coordinator_runs_a_shared_diagnosis_from_the_figures_to_an_action(
    page: Page, phone_page: Page, login: LoginHelper
) -> None:
    load_referential()
    geo = small_geography()
    communes = [geo.arras, geo.dainville, geo.saint_laurent_blangy]
    for code, name in MORE_COMMUNES.items():
        communes.append(
            CommuneFactory(
                code=code,
                name=name,
                population=3_000,
                departement=geo.pas_de_calais,
                region=geo.hauts_de_france,
                epci=geo.cu_arras,
            )
        )
    ccas = OrganisationFactory(name="CCAS d'Arras", kind=OrganisationKind.CCAS)
    coordinator = member(Role.COORDINATOR, ccas)
    households = IndicatorFactory(
        code="menages", label="Ménages", unit="ménages", organisation=ccas
    )
    poor = IndicatorFactory(
        code="menages_pauvres", label="Ménages pauvres", unit="ménages", organisation=ccas
    )
    ratio(poor, households, code="taux_pauvrete", label="Taux de pauvreté des ménages")
    # Elsewhere in France (Lille, in the Nord), a poorer commune: France differs from here.
    set_values(households, {geo.lille: 10_000})
    set_values(poor, {geo.lille: 3_000})

    # 1. The diagnosis, on a bassin de vie composed of twelve communes.
    login(page, coordinator.email, PASSWORD, next_path="/diagnostics/nouveau/")
    page.get_by_label(re.compile(r"^Organisation porteuse")).select_option(label=ccas.name)
    page.get_by_label(re.compile(r"^Titre")).fill(TITLE)
    page.get_by_label(re.compile(r"^Pourquoi ce diagnostic")).fill(
        "Comprendre ce qui manque aux familles, avec elles."
    )
    page.get_by_label(re.compile(r"^Nom du territoire à composer")).fill("Bassin de l'Arrageois")
    picker = page.get_by_role("combobox", name=re.compile("^Communes du territoire"))
    for commune in communes:
        picker.press_sequentially(commune.code, delay=20)
        page.get_by_role("option").filter(has_text=commune.code).first.click()
    page.get_by_role("button", name="Créer le diagnostic").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    diagnosis = Diagnosis.objects.get(title=TITLE)
    assert diagnosis.territory.level == Level.CUSTOM
    assert set(diagnosis.territory.communes.all()) == set(communes)

    # 2. A file of values with two bad rows: reported, not imported.
    page.goto("/diagnostics/indicateurs/importer/")
    page.get_by_label(re.compile(r"^Fichier CSV ou XLSX")).set_input_files(
        files=[
            {
                "name": "menages.csv",
                "mimeType": "text/csv",
                "buffer": _values_file([commune.code for commune in communes]),
            }
        ]
    )
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapport de validation")
    expect(page.locator("main")).to_contain_text("2 refusées")
    assert IndicatorValue.objects.filter(commune__in=communes).count() == 0  # nothing yet
    page.get_by_role("button", name="Importer les 24 valeurs valides").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import terminé")
    assert IndicatorValue.objects.filter(commune__in=communes).count() == 24
    assert IndicatorValue.objects.filter(commune=geo.lille, value=3_000).count() == 1  # untouched

    # 3. The profile: 12.5 % here and in the Pas-de-Calais (these communes only), 14.5 % in
    # France, where Lille counts: (9 750 + 3 000) / (78 000 + 10 000).
    page.goto(diagnosis.get_absolute_url())
    page.get_by_role("link", name="Tous les chiffres du territoire").click()
    row = page.get_by_role("row").filter(has_text="Taux de pauvreté des ménages")
    expect(row).to_contain_text("12,5")
    expect(row).to_contain_text("14,5")
    expect(page.locator("main")).to_contain_text("Pas-de-Calais")

    # 4. The public link.
    page.goto(diagnosis.get_absolute_url())
    _tab(page, "Partager")
    page.get_by_role("button", name="Ouvrir les contributions").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("Contributions ouvertes")
    _tab(page, "Partager")
    public_url = page.get_by_label("Lien public").input_value()

    # 5. An inhabitant, on her phone, without an account.
    phone_page.goto(public_url)
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("Donnez votre avis")
    phone_page.get_by_text("Un besoin", exact=True).click()
    phone_page.get_by_label(re.compile(r"^Votre message")).fill(NEED)
    phone_page.get_by_text("Habitant ou habitante", exact=True).click()
    phone_page.get_by_role("button", name="Envoyer").click()
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("Merci")
    contribution = diagnosis.contributions.get()
    assert (contribution.text, contribution.author) == (NEED, None)
    assert contribution.status == ContributionStatus.PENDING

    # 6. Moderation.
    page.goto(diagnosis.get_absolute_url())
    _tab(page, "Contributions")
    page.get_by_role("button", name="Publier").first.click()
    expect(page.locator("main")).to_contain_text("Modérée par")
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PUBLISHED

    # 7. Two priorities, the first founded on the contribution; both agreed and ranked.
    _tab(page, "Priorités")
    for title in PRIORITIES:
        page.get_by_label(re.compile(r"^Intitulé de la priorité")).fill(title)
        if title == PRIORITIES[0]:
            page.get_by_text(NEED).click()
        page.get_by_role("button", name="Proposer la priorité").click()
        expect(page.locator(".fr-alert--success")).to_contain_text("La priorité est proposée")
    page.get_by_role("button", name=f"Je vote — {PRIORITIES[0]}").click()
    expect(page.locator("main")).to_contain_text("1 vote — dont le vôtre")
    for rank, title in enumerate(PRIORITIES, start=1):
        decision = page.get_by_role("group", name=f"Décision sur « {title} »")
        decision.get_by_label(re.compile(r"^Décision")).select_option(label="Retenue")
        decision.get_by_label(re.compile(r"^Rang")).fill(str(rank))
        decision.get_by_role("button", name="Enregistrer la décision").click()
        expect(page.locator(".fr-alert--success")).to_contain_text("retenue")
    priorities = list(diagnosis.priorities.order_by("rank"))
    assert [(p.title, p.status) for p in priorities] == [
        (title, PriorityStatus.AGREED) for title in PRIORITIES
    ]
    assert list(priorities[0].contributions.all()) == [contribution]

    # 8. The PDF report.
    page.goto(diagnosis.get_absolute_url())
    pdf_url = page.get_by_role("link", name="Rapport à imprimer (PDF)").get_attribute("href")
    response = page.request.get(pdf_url)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    # 9. An action from the first priority; its page links back to the diagnosis.
    page.goto(diagnosis.get_absolute_url())
    _tab(page, "Priorités")
    page.get_by_role("link", name=f"Lancer une action pour « {PRIORITIES[0]} »").click()
    page.get_by_label(re.compile(r"^Forme d'intervention collective")).select_option(
        label="Travail social de groupe"
    )
    expect(page.get_by_label(re.compile(r"^Titre de l'action"))).to_have_value(PRIORITIES[0])
    page.get_by_role("button", name="Créer l'action").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(PRIORITIES[0])
    action = CollectiveAction.objects.get()
    assert action.priority == priorities[0]
    assert action.status == ActionStatus.PREPARATION
    assert list(action.territories.all()) == [diagnosis.territory]
    expect(page.locator("main")).to_contain_text("Issue du diagnostic")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
