"""The indicators API: catalogue, values per commune of a territory, writes and import."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from maillage.diagnostics.models import Indicator, IndicatorValue
from maillage.organisations.models import Role
from maillage.organisations.tokens import create_api_token
from tests.diagnostics.factories import IndicatorFactory, ratio, set_values
from tests.organisations.factories import OrganisationFactory, UserFactory, member
from tests.territories.factories import small_geography

pytestmark = pytest.mark.django_db

URL = "/api/v1/diagnostics/indicators"


def bearer(user) -> dict[str, str]:
    _token, key = create_api_token(actor=user, name="tableur du service")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def geo():
    return small_geography()


@pytest.fixture
def poverty(geo):
    households = IndicatorFactory(code="menages", label="Ménages")
    poor = IndicatorFactory(code="menages_pauvres", label="Ménages pauvres")
    rate = ratio(poor, households, code="taux_pauvrete")
    set_values(households, {geo.arras: 200, geo.dainville: 100, geo.lille: 800})
    set_values(poor, {geo.arras: 50, geo.lille: 200})
    return households, poor, rate


def test_catalogue_is_open_with_constant_queries(
    client: Client, poverty, django_assert_max_num_queries
) -> None:
    for n in range(5):
        IndicatorFactory(code=f"autre_{n}")
    with django_assert_max_num_queries(2):
        body = client.get(URL).json()
    assert len(body) == 8
    rate = next(item for item in body if item["code"] == "taux_pauvrete")
    assert (rate["numerator"], rate["denominator"], rate["scale"]) == (
        "menages_pauvres",
        "menages",
        100,
    )
    households = client.get(f"{URL}/menages").json()
    assert (households["national_total"], households["national_count"]) == (1100, 3)
    # The ratio's France terms: Arras and Lille know both (Dainville has no poor households).
    assert (rate["national_total"], rate["national_denominator"], rate["national_count"]) == (
        250,
        1000,
        2,
    )
    assert client.get(f"{URL}/inconnu").status_code == 404


def test_values_of_the_communes_of_a_territory(
    client: Client, geo, poverty, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(4):
        body = client.get(f"{URL}/menages/values", {"level": "epci", "code": "200033579"}).json()
    assert body["total"] == 2
    assert [(item["commune"], item["value"]) for item in body["items"]] == [
        ("62041", 200),
        ("62263", 100),
    ]
    body = client.get(f"{URL}/taux_pauvrete/values", {"per_page": 1, "page": 2}).json()
    assert body["total"] == 2  # Arras and Lille know both terms; Dainville does not
    assert body["items"] == [
        {"commune": "62041", "name": "Arras", "value": 25.0, "numerator": 50, "denominator": 200}
    ]
    unknown = client.get(f"{URL}/menages/values", {"level": "epci", "code": "000"})
    assert unknown.status_code == 404


def test_an_unknown_code_is_refused_in_french(client: Client, geo) -> None:
    admin = UserFactory(is_national_admin=True)
    answers = [
        client.get(f"{URL}/inconnu"),
        client.get(f"{URL}/inconnu/values"),
        client.patch(
            f"{URL}/inconnu",
            json.dumps({"label": "Ménages"}),
            content_type="application/json",
            headers=bearer(admin),
        ),
    ]
    for answer in answers:
        assert answer.status_code == 404
        assert answer.json() == {"detail": "Aucun indicateur ne porte le code « inconnu »."}


def test_create_and_patch_with_permissions(client: Client, poverty) -> None:
    organisation = OrganisationFactory()
    coordinator = member(Role.COORDINATOR, organisation)
    payload = {
        "code": "taux_mono",
        "label": "Part des familles monoparentales",
        "theme": "familles",
        "aggregation": "ratio",
        "numerator": "menages_pauvres",
        "denominator": "menages",
        "scale": 100,
    }
    assert client.post(URL, json.dumps(payload), content_type="application/json").status_code == 401
    response = client.post(
        URL, json.dumps(payload), content_type="application/json", headers=bearer(coordinator)
    )
    assert response.status_code == 201, response.json()
    assert Indicator.objects.get(code="taux_mono").organisation == organisation
    bad = client.post(
        URL,
        json.dumps({**payload, "code": "x", "numerator": "taux_pauvrete"}),
        content_type="application/json",
        headers=bearer(coordinator),
    )
    assert bad.status_code == 422 and "numerator" in bad.json()["errors"]
    patched = client.patch(
        f"{URL}/taux_mono",
        json.dumps({"label": "Familles monoparentales (%)"}),
        content_type="application/json",
        headers=bearer(coordinator),
    )
    assert patched.json().get("label") == "Familles monoparentales (%)", patched.json()
    national = client.patch(
        f"{URL}/menages",
        json.dumps({"label": "Non"}),
        content_type="application/json",
        headers=bearer(coordinator),
    )
    assert national.status_code == 403 and "nationaux" in national.json()["detail"]


def test_import_dry_run_then_for_real(client: Client, geo, poverty) -> None:
    households = poverty[0]
    admin = UserFactory(is_national_admin=True)
    data = b"CODGEO;menages;taux_pauvrete\n62041;300;12\n62263;abc;1\n"

    def send(dry_run: bool):
        return client.post(
            f"{URL}/import",
            {"file": SimpleUploadedFile("f.csv", data), "dry_run": dry_run},
            headers=bearer(admin),
        )

    response = send(True)
    assert response.status_code == 200, response.content[:3000]
    body = response.json()
    assert (body["values_to_write"], body["values_written"], body["dry_run"]) == (1, 0, True)
    assert {problem["code"] for problem in body["problems"]} == {"not_a_number", "ratio_indicator"}
    assert IndicatorValue.objects.get(indicator=households, commune=geo.arras).value == 200
    body = send(False).json()
    assert body["values_written"] == 1 and body["import_id"]
    assert IndicatorValue.objects.get(indicator=households, commune=geo.arras).value == 300


def test_import_refusals(client: Client, geo, poverty) -> None:
    admin = UserFactory(is_national_admin=True)
    nothing = client.post(
        f"{URL}/import",
        {"file": SimpleUploadedFile("f.csv", b"CODGEO;menages\n99999;1\n")},
        headers=bearer(admin),
    )
    assert nothing.status_code == 422
    assert nothing.json()["report"]["problems"][0]["code"] == "unknown_commune"
    binary = client.post(
        f"{URL}/import",
        {"file": SimpleUploadedFile("f.csv", b"\x89PNG\r\n\x1a\n\x00\x00")},
        headers=bearer(admin),
    )
    assert binary.status_code == 422 and "binaires" in binary.json()["errors"]["file"][0]
    professional = client.post(
        f"{URL}/import",
        {"file": SimpleUploadedFile("f.csv", b"CODGEO;menages\n62041;1\n")},
        headers=bearer(member(Role.PROFESSIONAL)),
    )
    assert professional.status_code == 403
