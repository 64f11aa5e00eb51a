"""The demo of the shared diagnosis: sample indicators clearly labelled as such, imported through
the real import; one diagnosis written through the write functions; loading twice adds nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from maillage.actions.models import CollectiveAction
from maillage.demo.diagnostics import (
    DATA_DIR,
    load_demo_diagnosis,
    load_sample_indicators,
    read_demo_diagnosis,
    read_sample_indicators,
)
from maillage.demo.loading import load_demo
from maillage.demo.practices import DemoDataError
from maillage.diagnostics.models import (
    Contribution,
    ContributionStatus,
    Diagnosis,
    DiagnosisStatus,
    Indicator,
    IndicatorImport,
    IndicatorValue,
    PriorityStatus,
)
from maillage.organisations.models import AuditEntry, Organisation, User
from maillage.referential.loading import load_referential
from maillage.territories.models import Level, Territory
from tests.practices.test_demo_practices import _demo_geography

SAMPLE = read_sample_indicators()
DIAGNOSIS = read_demo_diagnosis()


def _csv_rows() -> list[dict[str, str]]:
    text = (DATA_DIR / SAMPLE["values_file"]).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_the_sample_is_labelled_as_such_and_plausible() -> None:
    assert SAMPLE["source"] == "Données d'exemple fictives — Maillage"
    for entry in SAMPLE["indicators"]:
        assert entry["label"].endswith("(exemple)") and entry["code"].endswith("_exemple")
    rows = _csv_rows()
    assert {row["CODGEO"][:2] for row in rows} == {"59", "62"}
    assert len(rows) > 1_500
    for row in rows:
        households = int(row["menages_exemple"])
        assert int(row["menages_pauvres_exemple"]) <= households
        assert int(row["familles_monoparentales_exemple"]) <= households


def test_the_diagnosis_file_has_what_the_demo_shows() -> None:
    contributions = DIAGNOSIS["contributions"]
    assert len([item for item in contributions if not item.get("pending")]) == 12
    assert len([item for item in contributions if item.get("pending")]) == 2
    assert set(DIAGNOSIS["sections"]) == {
        "geographie",
        "flux",
        "problematiques",
        "pratiques",
        "population",
    }
    decisions = [item.get("decision") for item in DIAGNOSIS["priorities"]]
    assert decisions.count("agreed") == 2 and len(decisions) == 3
    assert sum(1 for item in DIAGNOSIS["priorities"] if item.get("action")) == 1
    assert DIAGNOSIS["synthesis"]


@pytest.fixture
def loaded(settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.DATA_DIR = tmp_path  # where load_demo keeps the demo passwords
    monkeypatch.setattr("maillage.demo.loading.load_demo_practices", lambda **kwargs: 0)
    load_referential()
    _demo_geography()
    load_demo()


@pytest.mark.django_db
def test_the_demo_loads_sample_indicators_through_the_import(loaded: None) -> None:
    sample = Indicator.objects.filter(is_sample=True)
    assert sample.count() == len(SAMPLE["indicators"])
    assert all(indicator.source == SAMPLE["source"] for indicator in sample)
    imported = IndicatorImport.objects.get()
    assert imported.file_name == SAMPLE["values_file"]
    # Only the communes of the test geography exist: the others are reported, not written.
    communes = Territory.objects.filter(
        level=Level.COMMUNE, departement__code__in=["59", "62"]
    ).count()
    assert IndicatorValue.objects.filter(indicator__code="menages_exemple").count() == communes
    assert imported.rows_refused > 0
    arras = next(row for row in _csv_rows() if row["CODGEO"] == "62041")
    assert IndicatorValue.objects.get(
        indicator__code="menages_exemple", commune__code="62041"
    ).value == float(arras["menages_exemple"])
    ratio = Indicator.objects.get(code="part_75_ans_plus_exemple")
    assert (ratio.numerator.code, ratio.denominator.code, ratio.scale) == (
        "personnes_75_ans_plus_exemple",
        "population",
        100,
    )


@pytest.mark.django_db
def test_the_demo_diagnosis_is_written_through_the_operations(loaded: None) -> None:
    diagnosis = Diagnosis.objects.get()
    assert diagnosis.status == DiagnosisStatus.ANALYSIS
    assert str(diagnosis.end_date) == DIAGNOSIS["end_date"]
    assert diagnosis.territory.code == DIAGNOSIS["territory"][1]
    assert diagnosis.sections.exclude(text="").count() == 5
    assert diagnosis.steering_members.count() == len(DIAGNOSIS["steering"])
    assert diagnosis.shared_with.count() == 4
    assert diagnosis.synthesis
    published = diagnosis.contributions.filter(status=ContributionStatus.PUBLISHED)
    assert published.count() == 12
    pending = diagnosis.contributions.filter(status=ContributionStatus.PENDING)
    assert pending.count() == 2
    assert [item.flags for item in pending if item.flags] == [["phone"]]
    # Inhabitants' contributions carry no author.
    assert not Contribution.objects.filter(contributor_kind="inhabitant", author__isnull=False)
    priorities = diagnosis.priorities.order_by("pk")
    assert [priority.status for priority in priorities] == [
        PriorityStatus.AGREED,
        PriorityStatus.AGREED,
        PriorityStatus.PROPOSED,
    ]
    assert [priority.votes.count() for priority in priorities] == [3, 2, 1]
    action = CollectiveAction.objects.get(priority__isnull=False)
    assert action.title == "L'île aux parents" and action.priority == priorities[0]
    # Linked through the operation, by the professional who runs the action.
    linked = AuditEntry.objects.get(
        action="link_action_to_priority", object_type="actions.collectiveaction"
    )
    assert linked.actor == User.objects.get(email="professionnelle@maillage.test")
    assert AuditEntry.objects.filter(action="create_diagnosis").count() == 1


@pytest.mark.django_db
def test_loading_twice_adds_nothing(loaded: None, settings) -> None:
    counts = {
        model: model.objects.count()
        for model in (Indicator, IndicatorValue, IndicatorImport, Diagnosis, Contribution)
    }
    load_demo()
    assert {model: model.objects.count() for model in counts} == counts
    assert load_sample_indicators(User.objects.get(email="admin@maillage.test")) is None


@pytest.mark.django_db
def test_a_missing_account_stops_the_diagnosis_before_any_write(monkeypatch) -> None:
    broken = {**DIAGNOSIS, "author": "personne@ailleurs.test"}
    monkeypatch.setattr("maillage.demo.diagnostics.read_demo_diagnosis", lambda: broken)
    with pytest.raises(DemoDataError, match=r"personne@ailleurs\.test"):
        load_demo_diagnosis(organisations={"cd62": Organisation(name="CD")})
    assert not Diagnosis.objects.exists()
