"""The demo collective actions: loaded by `maillage load_demo` (and so by `make run`) through the
actions' write functions, with sessions, attendance, time and a logbook; loading twice adds
nothing; participants carry first names only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maillage.actions import access
from maillage.actions.models import (
    Attendance,
    CollectiveAction,
    EligibilityTag,
    LogEntry,
    LogKind,
    Participant,
    SessionStatus,
    TimeEntry,
)
from maillage.actions.reports.stability import group_stability
from maillage.demo.actions import load_demo_actions, read_actions
from maillage.demo.loading import load_demo
from maillage.demo.practices import DemoDataError
from maillage.organisations.models import AuditEntry, Organisation, User
from maillage.referential.loading import load_referential
from tests.organisations.factories import OrganisationFactory, UserFactory
from tests.practices.test_demo_practices import _demo_geography

ACTIONS = read_actions()
LOADED = (CollectiveAction, Participant, Attendance, TimeEntry, LogEntry, EligibilityTag)


@pytest.fixture
def loaded(
    settings: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DATA_DIR = tmp_path  # where load_demo keeps the demo passwords
    # The practice sheets have their own tests; leaving them out halves the load.
    monkeypatch.setattr("maillage.demo.loading.load_demo_practices", lambda **kwargs: 0)
    load_referential()
    _demo_geography()
    load_demo()


def test_the_data_file_holds_realistic_groups_with_first_names_only() -> None:
    assert 3 <= len(ACTIONS) <= 4
    titles = " ".join(spec["title"] for spec in ACTIONS)
    assert "Saint-Caprais" in titles and "Parcours Confiance" in titles and "Fives" in titles
    for spec in ACTIONS:
        assert 8 <= len(spec["participants"]) <= 12
        for person in spec["participants"]:
            # One word (a hyphenated first name at most), never a surname.
            assert " " not in person["pseudonym"]
            assert len(person["attendance"]) == spec["held"]
        assert any(
            row["kind"] == LogKind.PROPOSAL and row.get("outcome") for row in spec["logbook"]
        )


@pytest.mark.django_db
def test_the_demo_loads_actions_with_sessions_attendance_time_and_logbook_once(
    loaded: None,
) -> None:
    assert CollectiveAction.objects.count() == len(ACTIONS)
    for spec in ACTIONS:
        action = CollectiveAction.objects.get(title=spec["title"])
        assert action.sessions.filter(status=SessionStatus.HELD).count() == spec["held"]
        assert action.sessions.count() == spec["series"]["count"]
        assert action.enrolments.count() == len(spec["participants"])
        marks = sum(len(p["attendance"].replace("-", "")) for p in spec["participants"])
        assert Attendance.objects.filter(session__action=action).count() == marks
        assert TimeEntry.objects.filter(action=action, session__isnull=False).exists()
        assert TimeEntry.objects.filter(action=action, session__isnull=True).count() == len(
            spec["time"]
        )
        assert LogEntry.objects.filter(action=action).count() == len(spec["logbook"])
        assert action.objectives.exists() and action.funders.exists()
        assert group_stability(action).sessions_held == spec["held"]
    # Changes went through the write functions: they left an audit trail.
    assert AuditEntry.objects.filter(action="create_action").count() == len(ACTIONS)

    counts = [model.objects.count() for model in LOADED]
    load_demo()
    assert [model.objects.count() for model in LOADED] == counts


@pytest.mark.django_db
def test_demo_logins_see_their_groups_and_funders_count_their_eligible_participants(
    loaded: None,
) -> None:
    for email in ("professionnelle@maillage.test", "msa@maillage.test", "atd@maillage.test"):
        user = User.objects.get(email=email)
        runs = CollectiveAction.objects.filter(facilitators__user=user)
        assert runs.exists()
        assert all(access.can_see_participants(user, action) for action in runs)
    coordinator = User.objects.get(email="coordinatrice@maillage.test")
    jardin = CollectiveAction.objects.get(title__contains="Saint-Caprais")
    assert access.can_view_action(coordinator, jardin)
    assert not access.can_see_participants(coordinator, jardin)

    # Funders' eligibility tags are carried by some participants, never required of all.
    caf = Organisation.objects.get(name="CAF du Pas-de-Calais")
    tag = EligibilityTag.objects.get(organisation=caf, label="allocataire CAF")
    funded = Participant.objects.filter(enrolments__action__funders__organisation=caf).distinct()
    assert 0 < tag.participants.count() < funded.count()
    labels = set(EligibilityTag.objects.values_list("label", flat=True))
    assert {"allocataire CAF", "bénéficiaire du RSA", "ressortissant MSA"} <= labels


@pytest.mark.django_db
def test_an_unknown_code_stops_the_load_before_anything_is_written(tmp_path: Path) -> None:
    load_referential()
    broken = [{**ACTIONS[0], "isic_form": "n_existe_pas", "territories": [["commune", "00000"]]}]
    path = tmp_path / "actions.json"
    path.write_text(json.dumps({"actions": broken}), encoding="utf-8")
    admin = UserFactory(is_national_admin=True)
    organisations = {"cd62": OrganisationFactory()}

    with pytest.raises(DemoDataError) as refused:
        load_demo_actions(admin=admin, organisations=organisations, path=path)

    message = str(refused.value)
    assert "isic_form/n_existe_pas" in message and "commune 00000" in message
    assert "Le Jardin de Saint-Caprais" in message
    assert not CollectiveAction.objects.exists()
