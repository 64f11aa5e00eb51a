"""The report of a territory or an organisation: the people reached by the actions of an area,
counted once, with the same figures as an action's report and never a name."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from maillage.actions.models import Enrolment
from maillage.organisations.models import Role
from tests.actions.factories import ActionFactory, ParticipantFactory, enrol
from tests.organisations.factories import OrganisationFactory, member
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def area():
    """Two organisations of one département; a person takes part in actions of both."""
    commune = CommuneFactory()
    ccas, centre = OrganisationFactory(name="CCAS d'Arras"), OrganisationFactory(name="Centre")
    for organisation in (ccas, centre):
        organisation.territories.add(commune.departement)
    first = ActionFactory(organisation=ccas, territories=[commune])
    second = ActionFactory(organisation=centre, territories=[commune])
    shared = enrol(first, ParticipantFactory(pseudonym="Zélie", age_band="25-39"))
    enrol(second, shared)
    enrol(second, ParticipantFactory(pseudonym="Bérénice", age_band="65-79", commune=commune))
    coordinator = member(Role.COORDINATOR, OrganisationFactory(name="Département"))
    coordinator.memberships.get().organisation.territories.add(commune.departement)
    return {"ccas": ccas, "coordinator": coordinator}


def test_a_coordinator_reads_her_area_with_each_person_counted_once(client, area):
    client.force_login(area["coordinator"])
    response = client.get(reverse("actions:area_report"), {"debut": "2026-01-01"})
    assert response.status_code == 200
    assert response.context["report"].participants == 2
    assert response.context["actions_count"] == 2
    bands = {figure.label: figure.value for figure in response.context["report"].by_age_band}
    assert bands == {"25 à 39 ans": 1, "65 à 79 ans": 1}
    html = response.content.decode()
    assert "Zélie" not in html and "Bérénice" not in html


def test_the_organisation_filter_keeps_its_actions_only(client, area):
    client.force_login(area["coordinator"])
    response = client.get(
        reverse("actions:area_report"), {"debut": "2026-01-01", "organisation": area["ccas"].pk}
    )
    assert response.context["actions_count"] == 1
    assert response.context["report"].participants == 1


def test_someone_without_actions_gets_an_empty_report_not_others_figures(client, area):
    client.force_login(member(Role.PROFESSIONAL))
    response = client.get(reverse("actions:area_report"))
    assert response.status_code == 200
    assert response.context["report"].participants == 0
    assert Enrolment.objects.count() == 3


def test_the_area_report_exports_to_csv(client, area):
    client.force_login(area["coordinator"])
    response = client.get(reverse("actions:area_report"), {"debut": "2026-01-01", "format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig")), delimiter=";"))
    assert any("25 à 39 ans" in row for row in rows)


def test_the_api_twin_gives_the_same_figures(client, area):
    client.force_login(area["coordinator"])
    url = reverse("api:get_area_report")
    body = client.get(url, {"start": "2026-01-01"}).json()
    assert body["participants"] == 2
    body = client.get(url, {"start": "2026-01-01", "organisation": area["ccas"].pk}).json()
    assert body["participants"] == 1
    assert "Zélie" not in str(body)
