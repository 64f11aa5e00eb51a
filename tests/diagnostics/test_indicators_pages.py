"""The catalogue pages and the import in two steps (report, then confirmation without sending
the file again)."""

from __future__ import annotations

import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from maillage.diagnostics.models import Indicator, IndicatorImport, IndicatorValue
from maillage.organisations.models import Role
from tests.diagnostics.factories import IndicatorFactory, ratio, set_values
from tests.organisations.factories import OrganisationFactory, UserFactory, member
from tests.territories.factories import small_geography

pytestmark = pytest.mark.django_db

IMPORT = reverse("diagnostics:indicator_import")


@pytest.fixture
def geo():
    return small_geography()


@pytest.fixture
def admin(client: Client):
    user = UserFactory(is_national_admin=True)
    client.force_login(user)
    return user


def upload(client: Client, text: str | bytes, name: str = "valeurs.csv"):
    data = text.encode("cp1252") if isinstance(text, str) else text
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})


def test_catalogue_by_theme_with_filter(client: Client, django_assert_max_num_queries) -> None:
    households = IndicatorFactory(code="menages", label="Ménages", theme="familles")
    poor = IndicatorFactory(code="menages_pauvres", label="Ménages pauvres", theme="familles")
    ratio(poor, households, label="Taux de pauvreté", theme="revenus_pauvrete")
    IndicatorFactory(
        label="Allocataires fictifs", is_sample=True, organisation=OrganisationFactory()
    )
    with django_assert_max_num_queries(4):
        page = client.get(reverse("diagnostics:indicators")).content.decode()
    assert page.index('id="theme-revenus_pauvrete"') < page.index('id="theme-familles"')
    assert "Données d'exemple" in page and "National" in page
    assert "Ménages pauvres ÷ Ménages" in page
    assert "Créer un indicateur" not in page
    filtered = client.get(reverse("diagnostics:indicators"), {"theme": "familles"}).content.decode()
    assert "Taux de pauvreté" not in filtered and "Ménages pauvres" in filtered


def test_indicator_page_explains_the_ratio(client: Client, geo) -> None:
    households = IndicatorFactory(code="menages", label="Ménages")
    poor = IndicatorFactory(code="menages_pauvres", label="Ménages pauvres")
    rate = ratio(poor, households, code="taux_pauvrete", label="Taux de pauvreté")
    set_values(households, {geo.arras: 200, geo.lille: 800})
    set_values(poor, {geo.arras: 50, geo.dainville: 10})
    page = client.get(reverse("diagnostics:indicator", args=[rate.code])).content.decode()
    assert "somme des numérateurs de ses communes ÷ somme des dénominateurs" in page
    # Only Arras knows both terms: 100 × 50 / 200, not the sums over different communes (60 / 1 000)
    assert "<dd>25 %</dd>" in page
    assert "<dd>1</dd>" in page  # the communes where both terms are known
    assert "Modifier" not in page
    assert client.get(reverse("diagnostics:indicator", args=["inconnu"])).status_code == 404


def test_an_unknown_code_is_refused_in_french(client: Client, admin) -> None:
    for name in ("diagnostics:indicator", "diagnostics:indicator_edit"):
        response = client.get(reverse(name, args=["inconnu"]))
        assert response.status_code == 404
        assert "Aucun indicateur ne porte le code « inconnu »." in response.content.decode()


def test_create_and_edit_pages(client: Client, admin) -> None:
    households = IndicatorFactory(code="menages", label="Ménages")
    poor = IndicatorFactory(code="menages_pauvres", label="Ménages pauvres")
    response = client.post(
        reverse("diagnostics:indicator_create"),
        {
            "code": "taux_pauvrete",
            "label": "Taux de pauvreté",
            "theme": "revenus_pauvrete",
            "aggregation": "ratio",
            "numerator": poor.pk,
            "denominator": households.pk,
            "scale": 100,
        },
    )
    rate = Indicator.objects.get(code="taux_pauvrete")
    assert response.status_code == 302 and (rate.numerator, rate.scale) == (poor, 100)
    refused = client.post(
        reverse("diagnostics:indicator_create"),
        {"code": "nouveau", "label": "X", "theme": "age", "aggregation": "sum"},
    )
    assert "réservé" in refused.content.decode()
    form = client.get(reverse("diagnostics:indicator_edit", args=[rate.code])).content.decode()
    assert "Ménages pauvres" in form and 'name="code"' not in form
    client.post(
        reverse("diagnostics:indicator_edit", args=[rate.code]),
        {
            "label": "Part des ménages pauvres",
            "theme": "revenus_pauvrete",
            "aggregation": "ratio",
            "numerator": poor.pk,
            "denominator": households.pk,
            "scale": 100,
        },
    )
    rate.refresh_from_db()
    assert rate.label == "Part des ménages pauvres"


def test_term_choices_are_the_users_sum_indicators(client: Client) -> None:
    organisation = OrganisationFactory()
    client.force_login(member(Role.COORDINATOR, organisation))
    IndicatorFactory(label="Indicateur national")
    IndicatorFactory(label="Le nôtre", organisation=organisation)
    IndicatorFactory(label="Celui des autres", organisation=OrganisationFactory())
    page = client.get(reverse("diagnostics:indicator_create")).content.decode()
    assert "Indicateur national" in page and "Le nôtre" in page
    assert "Celui des autres" not in page


def test_pages_refuse_others(client: Client) -> None:
    indicator = IndicatorFactory()
    assert client.get(IMPORT).status_code == 302  # to the login page
    client.force_login(member(Role.PROFESSIONAL))
    assert client.get(IMPORT).status_code == 403
    assert client.get(reverse("diagnostics:indicator_create")).status_code == 403
    client.force_login(member(Role.COORDINATOR))
    assert (
        client.get(reverse("diagnostics:indicator_edit", args=[indicator.code])).status_code == 403
    )


def test_import_report_then_confirm_without_reupload(
    client: Client, admin, geo, settings, tmp_path
) -> None:
    settings.DATA_DIR = tmp_path
    households = IndicatorFactory(code="menages", label="Ménages")
    set_values(households, {geo.lille: 5})
    response = upload(
        client,
        "CODGEO;LIBGEO;menages\n62041;Arras é;20 150\n62263;Dainville;douze\n99999;Nulle part;4\n62753;SLB;1\n",
    )
    page = response.content.decode()
    assert "Rapport de validation" in page and "Lignes refusées" in page
    assert "Windows-1252" in page and "une colonne par indicateur" in page
    assert "« douze » n&#x27;est pas un nombre" in page
    assert "Aucune commune ne porte le code 99999" in page
    assert "Importer les 2 valeurs valides" in page
    assert not IndicatorImport.objects.exists()
    kept = list((tmp_path / "imports").iterdir())
    assert len(kept) == 1 and kept[0].stat().st_mode & 0o777 == 0o600
    token = response.context["token"]
    result = client.post(IMPORT, {"token": token})
    assert "Import terminé" in result.content.decode()
    values = dict(IndicatorValue.objects.values_list("commune__code", "value"))
    assert values == {"62041": 20150, "62753": 1, "59350": 5}
    assert not list((tmp_path / "imports").iterdir())
    again = client.post(IMPORT, {"token": token}, follow=True)
    assert "plus en attente" in again.content.decode()
    assert IndicatorImport.objects.count() == 1


def test_someone_elses_token_imports_nothing(
    client: Client, admin, geo, settings, tmp_path
) -> None:
    settings.DATA_DIR = tmp_path
    IndicatorFactory(code="menages")
    token = upload(client, "CODGEO;menages\n62041;1\n").context["token"]
    other = Client()
    other.force_login(UserFactory(is_national_admin=True))
    other.post(IMPORT, {"token": token})
    assert not IndicatorValue.objects.exists()


def test_uploads_older_than_a_day_are_deleted(
    client: Client, admin, geo, settings, tmp_path
) -> None:
    settings.DATA_DIR = tmp_path
    IndicatorFactory(code="menages")
    (tmp_path / "imports").mkdir()
    old = tmp_path / "imports" / "oublie.upload"
    old.write_bytes(b"CODGEO;menages")
    os.utime(old, (time.time() - 2 * 24 * 3600,) * 2)
    upload(client, "CODGEO;menages\n62041;1\n")
    assert not old.exists()
    assert len(list((tmp_path / "imports").iterdir())) == 1


def test_unreadable_file_and_nothing_valid(client: Client, admin, geo, settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    IndicatorFactory(code="menages")
    response = upload(client, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.csv")
    assert "données binaires" in response.content.decode()
    response = upload(client, "CODGEO;menages\n99999;1\n")
    assert "Aucune valeur valide" in response.content.decode()
    assert "token" not in response.context
