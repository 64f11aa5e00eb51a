"""The diagnoses API: list, detail, create, patch, steering group, components and status; the
same permissions as the pages."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse

from maillage.diagnostics.models import Diagnosis, DiagnosisStatus, SteeringMember
from maillage.organisations.models import Role
from maillage.organisations.tokens import create_api_token
from maillage.territories.models import Level, Territory
from tests.diagnostics.factories import ContributionFactory, DiagnosisFactory, IndicatorFactory
from tests.organisations.factories import OrganisationFactory, member
from tests.territories.factories import CommuneFactory, small_geography

pytestmark = pytest.mark.django_db

URL = "/api/v1/diagnostics"


@pytest.fixture
def geo():
    return small_geography()


def _bearer(user) -> dict[str, str]:
    _token, key = create_api_token(actor=user, name="logiciel du service")
    return {"Authorization": f"Bearer {key}"}


def _send(client, method, url, user, payload):
    return getattr(client, method)(
        url, json.dumps(payload), content_type="application/json", headers=_bearer(user)
    )


def test_list_shows_own_and_published_with_few_queries(client, geo, django_assert_max_num_queries):
    professional = member(Role.PROFESSIONAL)
    organisation = professional.memberships.get().organisation
    for _ in range(6):
        ContributionFactory(
            diagnosis=DiagnosisFactory(organisation=organisation, territory=geo.arras)
        )
    DiagnosisFactory(territory=geo.lille, status=DiagnosisStatus.PUBLISHED, title="Lille publiée")
    DiagnosisFactory(territory=geo.lille, title="Secret")
    headers = _bearer(professional)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("api:list_diagnoses"), headers=headers)
    body = response.json()
    assert body["total"] == 7
    titles = {item["title"] for item in body["items"]}
    assert "Lille publiée" in titles and "Secret" not in titles
    assert {item["contributions_received"] for item in body["items"]} >= {1}
    assert client.get(reverse("api:list_diagnoses")).status_code == 401


def test_create_then_read_with_few_queries(client, geo, django_assert_max_num_queries):
    coordinator = member(Role.COORDINATOR)
    organisation = coordinator.memberships.get().organisation
    IndicatorFactory(code="menages")
    response = _send(
        client,
        "post",
        URL,
        coordinator,
        {
            "organisation": organisation.pk,
            "title": "ABS d'Arras",
            "kind": "abs",
            "territory": {"level": "commune", "code": "62041"},
            "indicators": ["menages"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["territory"]["name"] == "Arras" and body["indicators"] == ["menages"]
    assert len(body["sections"]) == 5 and body["status"] == "preparation"
    diagnosis = Diagnosis.objects.get(pk=body["id"])
    SteeringMember.objects.bulk_create(
        SteeringMember(diagnosis=diagnosis, organisation=OrganisationFactory(), user=coordinator)
        for _ in range(5)
    )
    headers = _bearer(coordinator)
    with django_assert_max_num_queries(18):
        assert client.get(f"{URL}/{body['id']}", headers=headers).status_code == 200


def test_bad_input_gives_french_messages_and_writes_nothing(client, geo):
    coordinator = member(Role.COORDINATOR)
    response = _send(
        client,
        "post",
        URL,
        coordinator,
        {
            "organisation": coordinator.memberships.get().organisation.pk,
            "title": "",
            "territory": {"level": "commune", "code": "99999"},
            "indicators": ["inconnu"],
        },
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "Territoire inconnu" in errors["territory"][0]
    assert "Indicateur inconnu" in errors["indicators"][0]
    assert not Diagnosis.objects.exists()


def test_a_coordinator_creates_a_diagnosis_on_a_territory_composed_of_communes(client, geo):
    coordinator = member(Role.COORDINATOR)
    payload = {
        "organisation": coordinator.memberships.get().organisation.pk,
        "title": "Diagnostic du bassin de vie d'Arras",
        "territory_name": "Bassin de vie d'Arras",
        "communes": ["62041", "62263", "99999"],
    }
    refused = _send(client, "post", URL, coordinator, payload)
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"communes": ["Commune inconnue : 99999."]}
    both = _send(
        client,
        "post",
        URL,
        coordinator,
        {**payload, "communes": ["62041"], "territory": {"level": "commune", "code": "62041"}},
    )
    assert both.status_code == 422 and "pas les deux" in both.json()["errors"]["territory"][0]
    too_few = _send(client, "post", URL, coordinator, {**payload, "communes": ["62041"]})
    assert too_few.status_code == 422
    assert "au moins deux communes" in too_few.json()["errors"]["communes"][0]
    professional = member(Role.PROFESSIONAL, coordinator.memberships.get().organisation)
    forbidden = _send(
        client, "post", URL, professional, {**payload, "communes": ["62041", "62263"]}
    )
    assert forbidden.status_code == 403
    assert not Territory.objects.filter(level=Level.CUSTOM).exists()
    assert not Diagnosis.objects.exists()

    created = _send(client, "post", URL, coordinator, {**payload, "communes": ["62041", "62263"]})

    assert created.status_code == 201, created.content
    territory = created.json()["territory"]
    assert (territory["level"], territory["name"]) == ("custom", "Bassin de vie d'Arras")
    diagnosis = Diagnosis.objects.get()
    assert set(diagnosis.territory.communes.values_list("code", flat=True)) == {"62041", "62263"}


def test_readers_get_403_strangers_404(client, geo):
    diagnosis = DiagnosisFactory(territory=geo.arras)
    caf = OrganisationFactory()
    diagnosis.shared_with.add(caf)
    reader = member(Role.PARTNER, caf)
    response = _send(client, "patch", f"{URL}/{diagnosis.pk}", reader, {"title": "Pris"})
    assert response.status_code == 403
    assert "comité de pilotage" in response.json()["detail"]
    stranger = member(Role.PROFESSIONAL)
    hidden = client.get(f"{URL}/{diagnosis.pk}", headers=_bearer(stranger))
    missing = client.get(f"{URL}/{diagnosis.pk + 50}", headers=_bearer(stranger))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() or "numéro" in hidden.json()["detail"]


def test_editor_patches_sets_steering_sections_and_status(client, geo):
    diagnosis = DiagnosisFactory(territory=geo.arras)
    editor = member(Role.PROFESSIONAL, diagnosis.organisation)
    url = f"{URL}/{diagnosis.pk}"
    assert _send(client, "patch", url, editor, {"title": "Nouveau"}).json()["title"] == "Nouveau"
    caf = OrganisationFactory(name="CAF")
    response = _send(
        client,
        "put",
        f"{url}/steering",
        editor,
        [{"organisation": caf.pk, "role": "financeur"}, {"name": "M. le maire", "role": "élu"}],
    )
    assert response.status_code == 200, response.content
    assert [row["role"] for row in response.json()["steering_group"]] == ["financeur", "élu"]
    assert list(Diagnosis.objects.get(pk=diagnosis.pk).shared_with.all()) == [caf]
    assert (
        _send(client, "put", f"{url}/steering", editor, [{"organisation": 99999}]).status_code
        == 422
    )
    response = _send(client, "put", f"{url}/sections/flux", editor, {"text": "Navettes."})
    assert {row["component"]: row["text"] for row in response.json()["sections"]}[
        "flux"
    ] == "Navettes."
    assert _send(client, "put", f"{url}/sections/autre", editor, {"text": "x"}).status_code == 422
    assert _send(client, "post", f"{url}/status", editor, {"status": "open"}).json()[
        "contributions_open"
    ]
    response = _send(client, "post", f"{url}/status", editor, {"status": "published"})
    assert response.status_code == 422 and "status" in response.json()["errors"]


def test_names_of_the_steering_group_only_for_participants(client, geo):
    diagnosis = DiagnosisFactory(territory=geo.arras, status=DiagnosisStatus.PUBLISHED)
    SteeringMember.objects.create(diagnosis=diagnosis, name="Mme Martine Dupont", role="élue")
    outsider = member(Role.PROFESSIONAL)
    body = client.get(f"{URL}/{diagnosis.pk}", headers=_bearer(outsider)).json()
    assert body["steering_group"] == [
        {"organisation": None, "user_id": None, "name": "", "role": "élue"}
    ]
    insider = member(Role.PROFESSIONAL, diagnosis.organisation)
    body = client.get(f"{URL}/{diagnosis.pk}", headers=_bearer(insider)).json()
    assert body["steering_group"][0]["name"] == "Mme Martine Dupont"


def test_steering_accounts_cannot_be_enumerated(client, geo):
    diagnosis = DiagnosisFactory(territory=geo.arras)
    editor = member(Role.PROFESSIONAL, diagnosis.organisation)
    stranger = member(Role.PROFESSIONAL)
    stranger.first_name, stranger.last_name = "Jeanne", "Inconnue"
    stranger.save()
    url = f"{URL}/{diagnosis.pk}/steering"
    existing = _send(client, "put", url, editor, [{"user": stranger.pk}])
    missing = _send(client, "put", url, editor, [{"user": stranger.pk + 1000}])
    assert existing.status_code == missing.status_code == 422
    assert existing.json() == missing.json()
    assert "Inconnue" not in existing.content.decode()
    assert existing.json()["errors"]["members"] == [
        "Ligne 1 : ce compte ne peut pas siéger au comité de pilotage de ce diagnostic."
    ]
    # The account of a listed organisation is accepted.
    response = _send(
        client,
        "put",
        url,
        editor,
        [{"organisation": stranger.memberships.get().organisation_id, "user": stranger.pk}],
    )
    assert response.status_code == 200, response.content
    # A reader who may not change the group learns nothing about accounts either.
    reader = member(Role.PARTNER, diagnosis.organisation)
    assert _send(client, "put", url, reader, [{"user": stranger.pk + 1000}]).status_code == 403


def test_who_may_not_create_gets_403_whatever_the_payload(client, geo):
    partner = member(Role.PARTNER)
    payload = {
        "organisation": partner.memberships.get().organisation.pk,
        "title": "Diagnostic",
        "territory": {"level": "epci", "code": "200033579"},
        "territory_name": "Bassin de vie d'Arras",
        "communes": ["62041", "62263"],
    }
    both = _send(client, "post", URL, partner, payload)
    unknown = _send(client, "post", URL, partner, {**payload, "communes": ["99999"]})
    assert both.status_code == unknown.status_code == 403
    assert "créent des diagnostics" in both.json()["detail"]
    assert not Diagnosis.objects.exists()


def test_commune_codes_that_lost_their_zero_are_read_as_the_originals(client, geo):
    CommuneFactory(code="01053", name="Bourg-en-Bresse")
    CommuneFactory(code="01004", name="Ambérieu-en-Bugey")
    coordinator = member(Role.COORDINATOR)
    created = _send(
        client,
        "post",
        URL,
        coordinator,
        {
            "organisation": coordinator.memberships.get().organisation.pk,
            "title": "Diagnostic de l'Ain",
            "territory_name": "Bassin de l'Ain",
            "communes": ["1053", " 01004 "],
        },
    )
    assert created.status_code == 201, created.content
    communes = Diagnosis.objects.get().territory.communes
    assert set(communes.values_list("code", flat=True)) == {"01053", "01004"}


def test_contributions_are_not_open_once_their_end_date_is_past(client, geo):
    diagnosis = DiagnosisFactory(
        territory=geo.arras, status=DiagnosisStatus.OPEN, end_date=datetime.date(2020, 1, 31)
    )
    editor = member(Role.PROFESSIONAL, diagnosis.organisation)
    body = client.get(f"{URL}/{diagnosis.pk}", headers=_bearer(editor)).json()
    assert body["status"] == "open" and body["contributions_open"] is False
    Diagnosis.objects.filter(pk=diagnosis.pk).update(end_date=None)
    assert client.get(f"{URL}/{diagnosis.pk}", headers=_bearer(editor)).json()["contributions_open"]
