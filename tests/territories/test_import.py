from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from maillage.organisations.models import AuditEntry, Role
from maillage.territories.composition import parse_composition
from maillage.territories.models import CustomKind, Level, Territory
from maillage.territories.operations import import_custom_territories
from maillage.territories.search import search_territories
from tests.organisations.factories import UserFactory, member
from tests.territories.factories import CustomTerritoryFactory, Geography

BASSINS = (
    "CODGEO;LIBGEO;BV2022;LIBBV2022;DEP;REG\n"
    "62041;Arras;62041;Arras;62;32\n"
    "62263;Dainville;62041;Arras;62;32\n"
    "99999;Inconnue;62041;Arras;62;32\n"
    "59350;Lille;59350;Lille;59;32\n"
)


def custom(code: str, kind: str = CustomKind.BASSIN_DE_VIE) -> Territory:
    return Territory.objects.get(level=Level.CUSTOM, kind=kind, code=code)


def run_import(data: str | bytes, kind: str = CustomKind.BASSIN_DE_VIE, **options: bool):
    coordinator = member(Role.COORDINATOR)
    raw = data.encode() if isinstance(data, str) else data
    return import_custom_territories(coordinator, parse_composition(raw), kind, **options)


def test_import_creates_territories_made_of_known_communes(geography: Geography) -> None:
    report = run_import(BASSINS)

    arras = custom("62041")
    assert arras.name == "Arras"
    assert set(arras.communes.all()) == {geography.arras, geography.dainville}
    assert arras.population == 42_875 + 5_683
    assert arras.departement == geography.pas_de_calais
    assert arras.region == geography.hauts_de_france
    assert list(custom("59350").communes.all()) == [geography.lille]
    assert sorted(report.created) == ["59350", "62041"]
    assert [(problem.line, problem.code) for problem in report.problems] == [(4, "99999")]
    assert search_territories("arras", levels={Level.CUSTOM}) == [arras]


def test_import_records_who_imported_what(geography: Geography) -> None:
    run_import(BASSINS)

    entry = AuditEntry.objects.get(object_id=str(custom("62041").pk))
    assert entry.action == "import_custom_territories"
    assert entry.actor.memberships.get().role == Role.COORDINATOR
    assert entry.after["communes"] == sorted([geography.arras.pk, geography.dainville.pk])


def test_reimport_updates_the_same_territories(geography: Geography) -> None:
    run_import(BASSINS)
    arras_pk = custom("62041").pk

    report = run_import(
        "CODGEO;BV2022;LIBBV2022\n62041;62041;Arras-Artois\n62753;62041;Arras-Artois\n"
        "59350;59350;Lille\n"
    )

    arras = custom("62041")
    assert arras.pk == arras_pk
    assert arras.name == "Arras-Artois"
    assert set(arras.communes.all()) == {geography.arras, geography.saint_laurent_blangy}
    assert (report.created, report.updated, report.unchanged) == ([], ["62041"], ["59350"])
    assert search_territories("arras artois", levels={Level.CUSTOM}) == [arras]
    assert AuditEntry.objects.filter(object_id=str(arras_pk)).count() == 2


def test_same_file_twice_changes_nothing(geography: Geography) -> None:
    run_import(BASSINS)

    report = run_import(BASSINS)

    assert (report.created, report.updated) == ([], [])
    assert sorted(report.unchanged) == ["59350", "62041"]
    assert AuditEntry.objects.filter(action="import_custom_territories").count() == 2


def test_dry_run_reports_without_writing(geography: Geography) -> None:
    report = run_import(BASSINS, dry_run=True)

    assert sorted(report.created) == ["59350", "62041"]
    assert not Territory.objects.filter(level=Level.CUSTOM).exists()
    assert not AuditEntry.objects.filter(action="import_custom_territories").exists()


def test_a_territory_without_any_known_commune_is_not_created(geography: Geography) -> None:
    report = run_import("code;nom;commune\nX;Nulle part;99998\n")

    assert report.without_communes == ["X"]
    assert not Territory.objects.filter(level=Level.CUSTOM).exists()


def test_a_code_taken_by_another_kind_is_reported_and_skipped(geography: Geography) -> None:
    CustomTerritoryFactory(code="T1", kind=CustomKind.CANTON, communes=[geography.lille])

    report = run_import("code;nom;commune\nT1;Artois;62041\n", kind=CustomKind.PAYS)

    assert "Canton" in report.problems[0].message
    assert list(custom("T1", CustomKind.CANTON).communes.all()) == [geography.lille]


def test_arrondissement_codes_stand_for_their_commune(geography: Geography) -> None:
    Territory.objects.create(
        level=Level.ARRONDISSEMENT, code="59999", name="Lille Centre", parent=geography.lille
    )

    run_import("code;nom;commune\nL;Lille et environs;59999\n")

    assert list(custom("L").communes.all()) == [geography.lille]


def test_a_professional_may_not_import(geography: Geography) -> None:
    with pytest.raises(PermissionDenied, match="coordinateurs"):
        import_custom_territories(
            member(Role.PROFESSIONAL), parse_composition(BASSINS.encode()), "bassin_de_vie"
        )
    assert not Territory.objects.filter(level=Level.CUSTOM).exists()


def test_command_prints_a_french_report(geography: Geography, tmp_path: Path) -> None:
    path = tmp_path / "bv.csv"
    path.write_text(BASSINS, encoding="cp1252")
    out = StringIO()

    call_command("import_territories", str(path), "--kind", "bassin_de_vie", stdout=out)

    assert "Territoires créés : 2" in out.getvalue()
    assert "ligne 4 : 99999 — code commune inconnu" in out.getvalue()
    assert custom("62041").communes.count() == 2


def test_command_refuses_a_malformed_file_and_writes_nothing(
    geography: Geography, tmp_path: Path
) -> None:
    path = tmp_path / "bv.csv"
    path.write_text(BASSINS + "62753;Saint-Laurent\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"Fichier mal formé, rien n'a été importé\. Ligne 6"):
        call_command("import_territories", str(path), "--kind", "bassin_de_vie")
    assert not Territory.objects.filter(level=Level.CUSTOM).exists()


def test_command_checks_the_rights_of_the_named_account(
    geography: Geography, tmp_path: Path
) -> None:
    path = tmp_path / "bv.csv"
    path.write_text(BASSINS, encoding="utf-8")
    professional = member(Role.PROFESSIONAL)

    with pytest.raises(CommandError, match="coordinateurs"):
        call_command(
            "import_territories", str(path), "--kind", "bassin_de_vie", "--by", professional.email
        )


# The page


def upload(client: Client, data: bytes, kind: str = "bassin_de_vie", **extra: str):
    return client.post(
        reverse("territories:import"),
        {"file": SimpleUploadedFile("bv.csv", data, "text/csv"), "kind": kind, **extra},
    )


@pytest.mark.django_db
def test_import_page_sends_anonymous_people_to_login(client: Client) -> None:
    response = client.get(reverse("territories:import"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


@pytest.mark.django_db
def test_import_page_refuses_a_professional_in_french(client: Client) -> None:
    client.force_login(member(Role.PROFESSIONAL))

    response = client.get(reverse("territories:import"))

    assert response.status_code == 403
    assert "Seuls les coordinateurs départementaux" in response.content.decode()


def test_coordinator_uploads_and_sees_the_report(geography: Geography, client: Client) -> None:
    client.force_login(member(Role.COORDINATOR))

    response = upload(client, BASSINS.encode("cp1252"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Territoires créés : 2" in page
    assert "<td>4</td><td>99999</td><td>code commune inconnu</td>" in page
    assert custom("62041").communes.count() == 2


def test_national_admin_may_simulate(geography: Geography, client: Client) -> None:
    client.force_login(UserFactory(is_national_admin=True))

    response = upload(client, BASSINS.encode(), dry_run="on")

    assert "Simulation : rien n'a été enregistré" in response.content.decode()
    assert not Territory.objects.filter(level=Level.CUSTOM).exists()


def test_malformed_upload_shows_the_error_and_writes_nothing(
    geography: Geography, client: Client
) -> None:
    client.force_login(member(Role.COORDINATOR))

    response = upload(client, b"\x00\x01binary")

    assert response.status_code == 200
    assert "Fichier mal formé, rien n&#x27;a été importé" in response.content.decode()
    assert not Territory.objects.filter(level=Level.CUSTOM).exists()
