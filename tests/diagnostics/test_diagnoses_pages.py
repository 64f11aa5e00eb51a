"""The diagnosis pages: the list, creation (with a territory composed from communes), the
readable page (public once published), its edit pages and the PDF report."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from maillage.diagnostics.models import (
    Component,
    ContributionStatus,
    Diagnosis,
    DiagnosisStatus,
    PriorityStatus,
    SteeringMember,
)
from maillage.diagnostics.reports.diagnosis_pdf import pdf_html
from maillage.organisations.models import Role
from maillage.territories.models import Level, Territory
from tests.actions.factories import ActionFactory
from tests.diagnostics.factories import (
    ContributionFactory,
    DiagnosisFactory,
    IndicatorFactory,
    set_values,
)
from tests.organisations.factories import OrganisationFactory, member
from tests.territories.factories import small_geography

pytestmark = pytest.mark.django_db

PENDING = "J'habite au 3 rue des Lilas, appelez-moi au 06 12 34 56 78."
PUBLISHED = "Il manque une crèche ouverte le samedi."


@pytest.fixture
def geo():
    return small_geography()


@pytest.fixture
def diagnosis(geo):
    diagnosis = DiagnosisFactory(
        territory=geo.cu_arras, title="Vivre ensemble à Arras", synthesis="Garder les enfants."
    )
    ContributionFactory(diagnosis=diagnosis, text=PENDING, component=Component.POPULATION)
    ContributionFactory(
        diagnosis=diagnosis,
        text=PUBLISHED,
        component=Component.POPULATION,
        status=ContributionStatus.PUBLISHED,
        place="Quartier des Blancs-Monts",
    )
    return diagnosis


def _publish(diagnosis):
    Diagnosis.objects.filter(pk=diagnosis.pk).update(status=DiagnosisStatus.PUBLISHED)


def test_anonymous_reads_only_a_published_diagnosis(client, diagnosis):
    url = reverse("diagnostics:detail", args=[diagnosis.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("diagnostics:pdf", args=[diagnosis.pk])).status_code == 404
    assert diagnosis.title not in client.get(reverse("diagnostics:list")).content.decode()
    _publish(diagnosis)
    html = client.get(url).content.decode()
    assert PUBLISHED in html and "Quartier des Blancs-Monts" in html
    assert "06 12 34 56 78" not in html
    assert reverse("diagnostics:edit", args=[diagnosis.pk]) not in html
    assert diagnosis.title in client.get(reverse("diagnostics:list")).content.decode()
    assert client.get(reverse("diagnostics:steering", args=[diagnosis.pk])).status_code == 200
    assert client.post(reverse("diagnostics:steering", args=[diagnosis.pk])).status_code == 403


def test_a_partner_of_the_steering_group_reads_but_does_not_change(client, diagnosis):
    caf = OrganisationFactory(name="CAF du Pas-de-Calais")
    SteeringMember.objects.create(diagnosis=diagnosis, organisation=caf, role="financeur")
    diagnosis.shared_with.add(caf)
    partner = member(Role.PARTNER, caf)
    client.force_login(partner)
    response = client.get(reverse("diagnostics:detail", args=[diagnosis.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "CAF du Pas-de-Calais" in html and PUBLISHED in html
    assert PENDING not in html
    assert reverse("diagnostics:section", args=[diagnosis.pk, "flux"]) not in html
    assert client.get(reverse("diagnostics:edit", args=[diagnosis.pk])).status_code == 403
    response = client.post(reverse("diagnostics:status", args=[diagnosis.pk]), {"status": "open"})
    assert response.status_code == 403
    assert "comité de pilotage" in response.content.decode()


def test_a_stranger_gets_the_same_404_as_for_a_missing_diagnosis(client, diagnosis):
    client.force_login(member(Role.PROFESSIONAL))
    missing = client.get(reverse("diagnostics:detail", args=[diagnosis.pk + 100]))
    hidden = client.get(reverse("diagnostics:detail", args=[diagnosis.pk]))
    assert missing.status_code == hidden.status_code == 404


def test_the_page_shows_figures_priorities_and_edit_links_to_editors(client, geo, diagnosis):
    households = IndicatorFactory(label="Ménages", unit="ménages")
    set_values(households, {geo.arras: 20_000, geo.dainville: 2_500})
    diagnosis.indicators.add(households)
    diagnosis.priorities.create(
        title="Une crèche le samedi", status=PriorityStatus.AGREED, created_by=diagnosis.created_by
    )
    diagnosis.priorities.create(
        title="Idée écartée", status=PriorityStatus.SET_ASIDE, created_by=diagnosis.created_by
    )
    client.force_login(member(Role.PROFESSIONAL, diagnosis.organisation))
    html = client.get(reverse("diagnostics:detail", args=[diagnosis.pk])).content.decode()
    assert "Ménages" in html and "22\xa0500" in html
    assert "Une crèche le samedi" in html and "Idée écartée" not in html
    assert reverse("diagnostics:section", args=[diagnosis.pk, "flux"]) in html
    assert 'aria-current="page"' in html
    assert "Passer à « Contributions ouvertes »" in html


def test_list_queries_do_not_grow_with_diagnoses(client, geo, django_assert_max_num_queries):
    coordinator = member(Role.COORDINATOR)
    organisation = coordinator.memberships.get().organisation
    for _ in range(8):
        ContributionFactory(
            diagnosis=DiagnosisFactory(organisation=organisation, territory=geo.arras)
        )
    DiagnosisFactory(territory=geo.lille, status=DiagnosisStatus.PUBLISHED)
    client.force_login(coordinator)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("diagnostics:list"))
    assert response.context["page"].paginator.count == 9


def test_a_professional_creates_a_diagnosis_from_the_form(client, geo):
    professional = member(Role.PROFESSIONAL)
    organisation = professional.memberships.get().organisation
    client.force_login(professional)
    response = client.get(reverse("diagnostics:create"))
    assert "Composer un territoire" not in response.content.decode()  # coordinators only
    response = client.post(
        reverse("diagnostics:create"),
        {
            "organisation": organisation.pk,
            "title": "ABS 2026",
            "kind": "abs",
            "territory": geo.arras.pk,
        },
    )
    diagnosis = Diagnosis.objects.get()
    assert response.status_code == 302 and response["Location"] == diagnosis.get_absolute_url()
    assert diagnosis.territory == geo.arras and diagnosis.kind == "abs"


def test_a_coordinator_composes_a_territory_from_communes(client, geo):
    coordinator = member(Role.COORDINATOR)
    organisation = coordinator.memberships.get().organisation
    client.force_login(coordinator)
    data = {
        "organisation": organisation.pk,
        "title": "Bassin de vie d'Arras",
        "kind": "shared",
        "new_territory_name": "Bassin de vie d'Arras",
        "new_territory_kind": "bassin_de_vie",
        "communes": [geo.arras.pk],
    }
    response = client.post(reverse("diagnostics:create"), data)
    assert response.status_code == 200
    assert "au moins deux communes" in response.content.decode()
    assert not Territory.objects.filter(level=Level.CUSTOM).exists()
    data["communes"] = [geo.arras.pk, geo.dainville.pk, geo.saint_laurent_blangy.pk]
    response = client.post(reverse("diagnostics:create"), data)
    diagnosis = Diagnosis.objects.get()
    assert diagnosis.territory.level == Level.CUSTOM
    assert diagnosis.territory.communes.count() == 3


def test_a_territory_chosen_and_composed_at_once_is_refused_beside_the_territory(client, geo):
    coordinator = member(Role.COORDINATOR)
    client.force_login(coordinator)
    response = client.post(
        reverse("diagnostics:create"),
        {
            "organisation": coordinator.memberships.get().organisation.pk,
            "title": "Bassin de vie d'Arras",
            "kind": "shared",
            "territory": geo.cu_arras.pk,
            "new_territory_name": "Bassin de vie d'Arras",
            "new_territory_kind": "bassin_de_vie",
            "communes": [geo.arras.pk, geo.dainville.pk],
        },
    )
    assert response.status_code == 200
    message = "Choisissez un territoire existant ou composez-en un, pas les deux."
    assert response.context["form"].errors["territory"] == [message]
    assert message in response.content.decode()
    assert not Territory.objects.filter(level=Level.CUSTOM).exists()
    assert not Diagnosis.objects.exists()


def test_steering_page_saves_the_group(client, diagnosis):
    editor = member(Role.PROFESSIONAL, diagnosis.organisation)
    colleague = member(Role.PROFESSIONAL, diagnosis.organisation)
    client.force_login(editor)
    url = reverse("diagnostics:steering", args=[diagnosis.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "members-TOTAL_FORMS": "2",
            "members-INITIAL_FORMS": "0",
            "members-0-organisation": diagnosis.organisation.pk,
            "members-0-user": colleague.pk,
            "members-0-role": "référente",
            "members-1-name": "M. le maire",
        },
    )
    assert response.status_code == 302
    assert diagnosis.steering_members.count() == 2


def test_section_synthesis_and_status_pages(client, diagnosis):
    client.force_login(member(Role.PROFESSIONAL, diagnosis.organisation))
    url = reverse("diagnostics:section", args=[diagnosis.pk, Component.FLOWS])
    assert "Où les gens vont travailler" in client.get(url).content.decode()
    client.post(url, {"text": "On travaille à Arras."})
    assert diagnosis.sections.get(component=Component.FLOWS).text == "On travaille à Arras."
    response = client.post(url, {"text": "<script>x</script>"})
    assert "balises HTML" in response.content.decode()
    assert (
        client.get(reverse("diagnostics:section", args=[diagnosis.pk, "autre"])).status_code == 404
    )
    client.post(reverse("diagnostics:synthesis", args=[diagnosis.pk]), {"synthesis": "Bilan."})
    diagnosis.refresh_from_db()
    assert diagnosis.synthesis == "Bilan."
    status_url = reverse("diagnostics:status", args=[diagnosis.pk])
    response = client.post(status_url, {"status": "published"}, follow=True)
    assert "ne peut pas passer" in response.content.decode()
    client.post(status_url, {"status": "open"})
    diagnosis.refresh_from_db()
    assert diagnosis.status == DiagnosisStatus.OPEN


def test_pdf_report_has_no_pending_contribution_and_no_names(client, diagnosis):
    SteeringMember.objects.create(diagnosis=diagnosis, name="Mme Martine Dupont", role="élue")
    _publish(diagnosis)
    response = client.get(reverse("diagnostics:pdf", args=[diagnosis.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    request = RequestFactory().get("/")
    request.user = member(Role.PROFESSIONAL, diagnosis.organisation)
    source = pdf_html(request, diagnosis)
    assert PUBLISHED in source and "Garder les enfants." in source and "élue" in source
    assert "06 12 34 56 78" not in source and "Martine Dupont" not in source


def test_steering_page_refuses_an_account_outside_the_group(client, diagnosis):
    editor = member(Role.PROFESSIONAL, diagnosis.organisation)
    outsider_organisation = OrganisationFactory()
    outsider = member(Role.PROFESSIONAL, outsider_organisation)
    SteeringMember.objects.create(diagnosis=diagnosis, organisation=outsider_organisation)
    client.force_login(editor)
    response = client.post(
        reverse("diagnostics:steering", args=[diagnosis.pk]),
        {
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "1",
            "members-0-organisation": "",
            "members-0-user": outsider.pk,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Rien n'a été enregistré" in html
    assert diagnosis.steering_members.get().organisation == outsider_organisation


def test_edit_page_changes_the_description(client, geo, diagnosis):
    client.force_login(member(Role.COORDINATOR, diagnosis.organisation))
    url = reverse("diagnostics:edit", args=[diagnosis.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Vivre à Dainville",
            "kind": "shared",
            "territory": geo.dainville.pk,
            "start_date": "2026-01-05",
            "end_date": "2026-01-01",
        },
    )
    assert "ne peut pas précéder" in response.content.decode()
    response = client.post(
        url, {"title": "Vivre à Dainville", "kind": "shared", "territory": geo.dainville.pk}
    )
    assert response.status_code == 302
    diagnosis.refresh_from_db()
    assert diagnosis.title == "Vivre à Dainville" and diagnosis.territory == geo.dainville


def test_detail_queries_do_not_grow_with_contributions_and_priorities(
    client, geo, diagnosis, django_assert_max_num_queries
):
    indicators = [IndicatorFactory() for _ in range(4)]
    for indicator in indicators:
        set_values(indicator, {geo.arras: 10, geo.dainville: 5})
    diagnosis.indicators.add(*indicators)
    for component in Component.values:
        ContributionFactory.create_batch(
            3, diagnosis=diagnosis, component=component, status=ContributionStatus.PUBLISHED
        )
    for rank in range(5):
        priority = diagnosis.priorities.create(
            title=f"Priorité {rank}",
            status=PriorityStatus.AGREED,
            rank=rank,
            created_by=diagnosis.created_by,
        )
        ActionFactory.create_batch(2, organisation=diagnosis.organisation, priority=priority)
    client.force_login(member(Role.PROFESSIONAL, diagnosis.organisation))
    with django_assert_max_num_queries(30):
        response = client.get(reverse("diagnostics:detail", args=[diagnosis.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("Priorité ") == 5


def test_the_public_steering_page_hides_the_names_of_people(client, diagnosis):
    caf = OrganisationFactory(name="CAF du Pas-de-Calais")
    colleague = member(Role.PROFESSIONAL, diagnosis.organisation)
    colleague.first_name, colleague.last_name = "Josiane", "Lemaire"
    colleague.save()
    SteeringMember.objects.create(diagnosis=diagnosis, organisation=caf, role="financeur")
    SteeringMember.objects.create(
        diagnosis=diagnosis, organisation=diagnosis.organisation, user=colleague, role="référente"
    )
    SteeringMember.objects.create(diagnosis=diagnosis, name="Mme Martine Dupont", role="élue")
    _publish(diagnosis)
    url = reverse("diagnostics:steering", args=[diagnosis.pk])
    html = client.get(url).content.decode()
    assert "CAF du Pas-de-Calais" in html and "financeur" in html and "élue" in html
    assert "Lemaire" not in html and "Martine Dupont" not in html
    assert "Personne</th>" not in html
    client.force_login(member(Role.PARTNER, diagnosis.organisation))
    html = client.get(url).content.decode()
    assert "Josiane Lemaire" in html and "Martine Dupont" in html


@pytest.fixture
def launched(diagnosis):
    """An agreed priority with one action of the carrier and two of an outside organisation."""
    priority = diagnosis.priorities.create(
        title="Une crèche le samedi", status=PriorityStatus.AGREED, created_by=diagnosis.created_by
    )
    ActionFactory(organisation=diagnosis.organisation, priority=priority, title="Crèche ouverte")
    ActionFactory(priority=priority, title="Accueil confidentiel")
    ActionFactory(priority=priority, title="Groupe de parole")
    _publish(diagnosis)
    return priority


def test_only_readable_actions_are_named_the_others_counted(client, diagnosis, launched):
    url = reverse("diagnostics:detail", args=[diagnosis.pk])
    html = client.get(url).content.decode()
    assert "Une crèche le samedi" in html
    for title in ("Crèche ouverte", "Accueil confidentiel", "Groupe de parole"):
        assert title not in html
    assert "3 actions non publiques" in html
    client.force_login(member(Role.PROFESSIONAL, diagnosis.organisation))
    html = client.get(url).content.decode()
    readable = launched.actions.get(title="Crèche ouverte")
    assert "Crèche ouverte" in html and reverse("actions:detail", args=[readable.pk]) in html
    assert "Accueil confidentiel" not in html and "Groupe de parole" not in html
    assert "et 2 autres actions non publiques" in html


def test_the_pdf_counts_actions_without_naming_them(diagnosis, launched):
    request = RequestFactory().get("/")
    request.user = member(Role.PROFESSIONAL, diagnosis.organisation)
    source = pdf_html(request, diagnosis)
    assert "Une crèche le samedi" in source and "3 actions non publiques" in source
    assert "Crèche ouverte" not in source and "Accueil confidentiel" not in source
