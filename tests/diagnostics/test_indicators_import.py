"""Importing values per commune: what is refused is reported and not written, the rest is written
at once, replacing stored values, and the national totals follow."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from maillage.diagnostics.catalogue import load_catalogue
from maillage.diagnostics.indicator_files import read_indicator_table
from maillage.diagnostics.models import Indicator, IndicatorImport, IndicatorValue
from maillage.diagnostics.operations import indicators as operations
from maillage.diagnostics.operations.indicators import import_indicator_values
from maillage.organisations.models import AuditEntry, Role
from maillage.territories.models import Level, Territory
from tests.diagnostics.factories import IndicatorFactory, ratio, set_values
from tests.organisations.factories import OrganisationFactory, UserFactory, member
from tests.territories.factories import CommuneFactory, TerritoryFactory, small_geography

pytestmark = pytest.mark.django_db


def run(text: str, *, actor=None, dry_run: bool = False, name: str = "valeurs.csv"):
    table = read_indicator_table(text.encode(), name)
    return import_indicator_values(actor=actor, table=table, file_name=name, dry_run=dry_run)


def stored(indicator: Indicator) -> dict[str, float]:
    return dict(
        IndicatorValue.objects.filter(indicator=indicator).values_list("commune__code", "value")
    )


@pytest.fixture
def geo():
    return small_geography()


@pytest.fixture
def households() -> Indicator:
    return IndicatorFactory(code="menages", label="Ménages")


def test_wide_file_writes_values_and_national_totals(geo, households) -> None:
    poor = IndicatorFactory(code="menages_pauvres")
    report = run(
        "CODGEO;LIBGEO;menages;menages_pauvres\n"
        "62041;Arras;20 150;3 000\n"
        "62263;Dainville;2 450;s\n"
        "59350;Lille;110000;25000\n"
    )
    assert (report.values_to_write, report.values_written, report.empty_values) == (5, 5, 1)
    assert report.problems == [] and report.indicators == ["menages", "menages_pauvres"]
    assert stored(households) == {"62041": 20150, "62263": 2450, "59350": 110000}
    households.refresh_from_db()
    assert (households.national_total, households.national_count) == (132600, 3)
    poor.refresh_from_db()
    assert (poor.national_total, poor.national_count) == (28000, 2)
    record = IndicatorImport.objects.get()
    assert (record.values_written, record.rows_refused, record.layout) == (5, 0, "large")
    assert set(record.indicators.values_list("code", flat=True)) == {"menages", "menages_pauvres"}
    assert record.report["values_written"] == 5
    entries = AuditEntry.objects.filter(action="import_indicator_values")
    assert entries.count() == 1


def test_long_file_replaces_existing_values_and_keeps_others(geo, households) -> None:
    set_values(households, {geo.arras: 1, geo.lille: 7})
    report = run("code_insee;indicateur;valeur\n62041;menages;10\n62263;MENAGES;5\n")
    assert report.values_written == 2 and report.layout == "long"
    assert stored(households) == {"62041": 10, "62263": 5, "59350": 7}
    households.refresh_from_db()
    assert (households.national_total, households.national_count) == (22, 3)


def test_bad_lines_are_reported_and_not_written(geo, households) -> None:
    TerritoryFactory(level=Level.ARRONDISSEMENT, code="75101", name="Paris 1er")
    report = run(
        "CODGEO;menages\n"
        "62041;100\n"  # 2 good
        "99999;5\n"  # 3 unknown commune
        "62263;douze\n"  # 4 not a number
        "62753;30\n"  # 5 duplicate with line 6
        "62753;31\n"  # 6
        "62294;8\n"  # 7 merged into Enquin-lez-Guinegatte
        "75101;4\n"  # 8 arrondissement
        ";4\n"  # 9 no code
        "ABC;4\n"  # 10 not a code
    )
    assert report.refused_lines == [3, 4, 5, 6, 7, 8, 9, 10]
    codes = {(problem.line, problem.code) for problem in report.problems}
    assert codes == {
        (3, "unknown_commune"),
        (4, "not_a_number"),
        (6, "duplicate"),
        (7, "merged_commune"),
        (8, "arrondissement"),
        (9, "missing_commune"),
        (10, "unknown_commune"),
    }
    messages = {problem.line: problem.message for problem in report.problems}
    assert "a fusionné dans Enquin-lez-Guinegatte (62295)" in messages[7]
    assert "commune nouvelle" in messages[7]
    assert "« douze » n'est pas un nombre" in messages[4]
    assert "ligne 5" in messages[6]
    assert "sur la commune" in messages[8]
    assert report.values_written == 1
    assert stored(households) == {"62041": 100}


def test_merged_commune_without_the_package(geo, households, settings, tmp_path) -> None:
    settings.NODE_MODULES_DIR = tmp_path
    operations.former_communes.cache_clear()
    try:
        CommuneFactory(code="62294", name="Enguinegatte", is_current=False)
        report = run("CODGEO;menages\n62294;8\n")
        assert [problem.code for problem in report.problems] == ["merged_commune"]
        assert "n'existe plus" in report.problems[0].message
    finally:
        operations.former_communes.cache_clear()


def test_unknown_and_ratio_columns_are_skipped_once(geo, households) -> None:
    poor = IndicatorFactory(code="menages_pauvres", label="Ménages pauvres")
    ratio(poor, households, code="taux_pauvrete", label="Taux de pauvreté")
    report = run("CODGEO;menages;taux_pauvrete;inconnu\n62041;10;12;1\n62263;20;13;2\n")
    problems = [(p.line, p.column, p.code) for p in report.problems]
    assert problems == [
        (1, "inconnu", "unknown_indicator"),
        (1, "taux_pauvrete", "ratio_indicator"),
    ]
    assert "créez-le d'abord dans le catalogue" in report.problems[0].message
    assert "menages_pauvres" in report.problems[1].message
    assert report.refused_lines == []
    assert stored(households) == {"62041": 10, "62263": 20}
    assert not IndicatorValue.objects.exclude(indicator=households).exists()


def test_long_file_unknown_indicator_refuses_its_lines(geo, households) -> None:
    report = run("COM;variable;valeur\n62041;menages;1\n62041;chomeurs;2\n62263;chomeurs;3\n")
    assert [(p.line, p.column, p.code) for p in report.problems] == [
        (3, "variable", "unknown_indicator"),
        (4, "variable", "unknown_indicator"),
    ]
    assert report.values_written == 1 and stored(households) == {"62041": 1}


def test_permissions_per_indicator(geo, households) -> None:
    organisation = OrganisationFactory()
    own = IndicatorFactory(code="propre", organisation=organisation)
    coordinator = member(Role.COORDINATOR, organisation)
    report = run("CODGEO;menages;propre\n62041;10;1\n", actor=coordinator)
    assert [(p.column, p.code) for p in report.problems] == [("menages", "forbidden_indicator")]
    assert stored(own) == {"62041": 1} and stored(households) == {}
    professional = member(Role.PROFESSIONAL, organisation)
    report = run("CODGEO;propre\n62041;2\n", actor=professional)
    assert report.values_written == 0 and stored(own) == {"62041": 1}
    admin = UserFactory(is_national_admin=True)
    assert run("CODGEO;menages;propre\n62041;3;4\n", actor=admin).values_written == 2


def test_dry_run_writes_nothing(geo, households) -> None:
    report = run("CODGEO;menages\n62041;10\n", dry_run=True)
    assert (report.values_to_write, report.values_written, report.dry_run) == (1, 0, True)
    assert not IndicatorValue.objects.exists()
    assert not IndicatorImport.objects.exists()
    assert not AuditEntry.objects.filter(action="import_indicator_values").exists()


def test_a_failed_import_leaves_stored_values_unchanged(geo, households, monkeypatch) -> None:
    set_values(households, {geo.arras: 1})

    def broken(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(operations, "_update_totals", broken)
    with pytest.raises(RuntimeError):
        run("CODGEO;menages\n62041;10\n62263;5\n")
    assert stored(households) == {"62041": 1}
    households.refresh_from_db()
    assert (households.national_total, households.national_count) == (1, 1)
    assert not IndicatorImport.objects.exists()


def test_sync_population_from_current_communes(geo) -> None:
    population = IndicatorFactory(code="population")
    CommuneFactory(code="62294", population=300, is_current=False)
    assert operations.sync_population() == 5
    assert stored(population)["62041"] == 42_875
    population.refresh_from_db()
    assert population.national_count == 5
    assert population.national_total == sum(
        Territory.objects.filter(level=Level.COMMUNE, is_current=True).values_list(
            "population", flat=True
        )
    )


def test_load_indicators_is_idempotent(geo) -> None:
    out = StringIO()
    call_command("load_indicators", stdout=out)
    assert "1 créé(s)" in out.getvalue()
    population = Indicator.objects.get(code="population")
    assert population.label == "Population municipale" and population.organisation is None
    assert population.national_count == 5
    out = StringIO()
    call_command("load_indicators", stdout=out)
    assert "0 créé(s), 0 mis à jour, 1 inchangé(s)" in out.getvalue()


def test_a_catalogue_load_keeps_the_national_totals_of_its_ratios(
    geo, households, tmp_path: Path
) -> None:
    poor = IndicatorFactory(code="menages_pauvres")
    people = IndicatorFactory(code="habitants")
    set_values(households, {geo.arras: 20_000, geo.dainville: 2_000, geo.lille: 100_000})
    set_values(poor, {geo.arras: 3_000, geo.lille: 20_000})
    set_values(people, {geo.arras: 40_000, geo.dainville: 5_000})
    entry = {
        "code": "taux_pauvrete",
        "label": "Taux de pauvreté des ménages",
        "theme": "revenus_pauvrete",
        "unit": "%",
        "source": "INSEE",
        "aggregation": "ratio",
        "numerator": "menages_pauvres",
        "denominator": "menages",
        "scale": 100,
    }
    # The catalogue names a ratio's terms by the codes it describes.
    sums = [
        {"code": indicator.code, "label": indicator.label, "theme": "revenus_pauvrete"}
        for indicator in (households, poor, people)
    ]
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps([*sums, entry]), encoding="utf-8")

    assert load_catalogue(path).created == ["taux_pauvrete"]
    rate = Indicator.objects.get(code="taux_pauvrete")
    # Dainville has no poor households: it is out of both sums.
    assert (rate.national_total, rate.national_denominator, rate.national_count) == (
        23_000,
        120_000,
        2,
    )

    path.write_text(json.dumps([*sums, {**entry, "denominator": "habitants"}]), encoding="utf-8")
    assert load_catalogue(path).updated == ["taux_pauvrete"]
    rate.refresh_from_db()
    assert (rate.national_total, rate.national_denominator, rate.national_count) == (
        3_000,
        40_000,
        1,
    )


def test_cli_json_report_and_exit_code(geo, households, tmp_path: Path) -> None:
    good = tmp_path / "menages.csv"
    good.write_text("CODGEO;menages\n62041;10\n99999;1\n", encoding="cp1252")
    out = StringIO()
    call_command("import_indicators", str(good), "--dry-run", "--format", "json", stdout=out)
    [report] = json.loads(out.getvalue())
    assert report["values_to_write"] == 1 and report["dry_run"] is True
    assert report["problems"][0]["code"] == "unknown_commune"
    assert not IndicatorValue.objects.exists()
    call_command("import_indicators", str(good), stdout=StringIO())
    assert stored(households) == {"62041": 10}
    image = tmp_path / "photo.csv"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(CommandError):
        call_command("import_indicators", str(image), stdout=StringIO(), stderr=StringIO())


def test_server_import_needs_no_actor_but_pages_do(geo, households) -> None:
    with pytest.raises(PermissionDenied):
        operations.create_indicator(
            actor=member(Role.PROFESSIONAL), code="x", label="X", theme="demographie"
        )
