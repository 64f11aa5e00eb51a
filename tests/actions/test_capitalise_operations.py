"""« Capitaliser » : the draft practice sheet written from an action — pre-filled from what the
action records, without any participant's name, once per action, by its professionals only."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.actions.models import (
    ActionPhase,
    ActionStatus,
    Activity,
    Attendance,
    CollectiveAction,
    Funder,
    LogEntry,
    LogKind,
    Objective,
    ObjectiveIndicator,
    Partner,
    Presence,
    SessionSeries,
    SessionStatus,
    TimeEntry,
)
from maillage.actions.operations.capitalise import capitalise_action
from maillage.organisations.models import AuditEntry, OrganisationKind, Role
from maillage.practices.models import Practice, Status
from maillage.practices.snapshot import TEXT_FIELDS
from tests.actions.factories import (
    ActionFactory,
    ParticipantFactory,
    SessionFactory,
    enrol,
    facilitator,
)
from tests.organisations.factories import OrganisationFactory, member
from tests.practices.factories import term

pytestmark = pytest.mark.django_db

NAMES = ("Zéphyrine", "Anatole", "Maëlys")


@pytest.fixture
def action() -> CollectiveAction:
    """A closed parents' group with everything the sheet draws on."""
    action = ActionFactory(
        title="Groupe de parents du mercredi",
        group_name="Les Papotes",
        description="Des parents se retrouvent chaque mercredi pour parler éducation.",
        isic_subtype=term("isic_form", "groupe_de_socialisation"),
        expected_participants=10,
        status=ActionStatus.ACTIVE,
        planned_withdrawal=datetime.date(2026, 11, 30),
    )
    action.publics.set([term("public", "familles_et_parents")])
    action.themes.set([term("theme", "parentalite")])
    worker = facilitator(action)
    action.facilitators.create(
        name="Psychologue du CMP", function="Psychologue", organisation=action.organisation
    )
    objective = Objective.objects.create(
        action=action,
        statement="Rompre l'isolement des parents",
        agreed_by="le groupe et la CAF",
        agreed_on=datetime.date(2026, 1, 12),
    )
    ObjectiveIndicator.objects.create(
        objective=objective, label="Présence moyenne", kind="quantitative", target="8 parents"
    )
    partner = OrganisationFactory(name="Centre social des Tilleuls")
    Partner.objects.create(action=action, organisation=partner, role="prête la salle")
    caf = OrganisationFactory(name="CAF de l'Essai", kind=OrganisationKind.CAF)
    Funder.objects.create(
        action=action, organisation=caf, amount=Decimal("3500"), conditions="parents allocataires"
    )
    ActionPhase.objects.create(
        action=action,
        phase=term("phase", "mobilisation"),
        start_date=datetime.date(2026, 1, 5),
        decisions="Le groupe choisit le mercredi soir.",
        recorded_by=worker,
    )
    ladder = term("participation_ladder", "co_animateur")
    people = [enrol(action, ParticipantFactory(pseudonym=name)) for name in NAMES]
    action.enrolments.filter(participant=people[0]).update(ladder_step=ladder)
    series = SessionSeries.objects.create(
        action=action,
        frequency="weekly",
        first_date=datetime.date(2026, 1, 7),
        count=3,
        duration_minutes=120,
        created_by=worker,
    )
    for week in range(3):
        session = SessionFactory(
            action=action,
            series=series,
            date=datetime.date(2026, 1, 7) + datetime.timedelta(weeks=week),
            status=SessionStatus.HELD if week < 2 else SessionStatus.PLANNED,
        )
        if week < 2:
            for person in people:
                Attendance.objects.create(
                    session=session, participant=person, status=Presence.PRESENT
                )
    for minutes, activity in ((120, Activity.FACILITATION), (60, Activity.PREPARATION)):
        TimeEntry.objects.create(
            action=action,
            user=worker,
            organisation=action.organisation,
            date=datetime.date(2026, 1, 7),
            minutes=minutes,
            activity=activity,
        )
    for kind, text, highlight, outcome in (
        (LogKind.PITFALL, "La salle était fermée pendant les vacances.", False, ""),
        (LogKind.RESOURCE, "La médiathèque nous prête ses jeux.", True, ""),
        (LogKind.PROPOSAL, "Zéphyrine propose une sortie au parc.", False, "Sortie faite en mai."),
    ):
        LogEntry.objects.create(
            action=action,
            date=datetime.date(2026, 2, 4),
            kind=kind,
            text=text,
            outcome=outcome,
            highlight=highlight,
            author=worker,
        )
    return action


def _worker(action: CollectiveAction):
    return action.facilitators.get(user__isnull=False).user


def test_the_draft_is_pre_filled_from_the_action(action: CollectiveAction) -> None:
    practice = capitalise_action(actor=_worker(action), action=action)

    assert practice.status == Status.DRAFT
    assert practice.title == "Groupe de parents du mercredi (Les Papotes)"
    assert practice.summary == action.description
    assert "Rompre l'isolement des parents" in practice.objectives
    assert "le groupe et la CAF le 12/01/2026" in practice.objectives
    assert "Présence moyenne (quantitatif, cible : 8 parents)" in practice.objectives
    assert "Centre social des Tilleuls — prête la salle" in practice.carriers_and_partners
    assert "CAF de l'Essai : 3" in practice.carriers_and_partners
    assert "Groupe fermé" in practice.description
    assert "10 participants attendus, 3 inscrits" in practice.description
    assert "2 séances tenues sur 3 prévues" in practice.description
    assert "chaque semaine" in practice.description
    assert "Le groupe choisit le mercredi soir." in practice.description
    assert "30/11/2026" in practice.description
    assert "3 h" in practice.means and "animation 2 h" in practice.means
    assert "Psychologue" in practice.means
    assert "3,0 présents en moyenne sur 2 séances tenues" in practice.results
    assert "3 des 3 membres" in practice.results
    assert "co-animateur : 1" in practice.results
    pitfalls = practice.pitfalls.splitlines()
    assert "médiathèque" in pitfalls[0] and "salle était fermée" in pitfalls[1]
    assert "sortie au parc" in practice.voices and "Sortie faite en mai." in practice.voices
    assert {t.code for t in practice.isic_forms.all()} == {
        "travail_social_de_groupe",
        "groupe_de_socialisation",
    }
    assert [t.code for t in practice.publics.all()] == ["familles_et_parents"]
    assert [t.code for t in practice.themes.all()] == ["parentalite"]
    assert list(practice.territories.all()) == list(action.territories.all())
    assert {(link.organisation.name, link.role) for link in practice.organisation_links.all()} == {
        (action.organisation.name, "carrier"),
        ("Centre social des Tilleuls", "partner"),
        ("CAF de l'Essai", "funder"),
    }
    assert practice.start_date == action.start_date and practice.end_date == action.end_date
    assert practice.ongoing is True
    assert practice.participants_count == 3
    assert practice.organisation == action.organisation


def test_the_action_points_to_its_sheet_and_the_step_is_audited(
    action: CollectiveAction,
) -> None:
    worker = _worker(action)
    practice = capitalise_action(actor=worker, action=action)

    action.refresh_from_db()
    assert action.practice == practice
    entry = AuditEntry.objects.get(action="capitalise_action")
    assert entry.actor == worker and entry.after == {"practice": practice.pk}


def test_no_participant_name_anywhere_in_the_sheet(action: CollectiveAction) -> None:
    practice = capitalise_action(actor=_worker(action), action=action)

    practice.refresh_from_db()
    texts = [getattr(practice, name) for name in TEXT_FIELDS]
    stored = json.dumps([*texts, *practice.revisions.values_list("content", flat=True)])
    for name in NAMES:
        assert name.lower() not in stored.lower()
    assert "[prénom retiré] propose une sortie au parc" in practice.voices


def test_a_generated_summary_when_the_action_has_no_description(
    action: CollectiveAction,
) -> None:
    action.description = ""
    action.group_name = ""
    action.save()

    practice = capitalise_action(actor=_worker(action), action=action)

    assert practice.title == "Groupe de parents du mercredi"
    assert practice.summary.startswith("Action « Travail social de groupe » portée par")
    assert "3 participants, 2 séances tenues." in practice.summary


def test_a_second_capitalisation_is_refused_while_the_sheet_exists(
    action: CollectiveAction,
) -> None:
    worker = _worker(action)
    first = capitalise_action(actor=worker, action=action)

    with pytest.raises(ValidationError) as refused:
        capitalise_action(actor=worker, action=action)
    assert "Groupe de parents du mercredi (Les Papotes)" in refused.value.messages[0]
    assert "déjà" in refused.value.messages[0]
    assert Practice.objects.count() == 1

    first.delete()
    action.refresh_from_db()
    assert capitalise_action(actor=worker, action=action).pk != first.pk


@pytest.mark.parametrize("role", [Role.PARTNER, Role.DOCUMENTALIST])
def test_only_the_action_s_professionals_capitalise(action: CollectiveAction, role: str) -> None:
    outsider = member(role, action.organisation)

    with pytest.raises(PermissionDenied, match="professionnels de l'action"):
        capitalise_action(actor=outsider, action=action)
    assert not Practice.objects.exists()
    action.refresh_from_db()
    assert action.practice is None


def test_a_facilitator_from_another_organisation_writes_an_unattached_sheet(
    action: CollectiveAction,
) -> None:
    guest = facilitator(action, member(Role.PROFESSIONAL))

    practice = capitalise_action(actor=guest, action=action)

    assert practice.author == guest and practice.organisation is None
    assert practice.organisation_links.get(role="carrier").organisation == action.organisation


def test_a_long_presentation_is_cut_to_the_summary_s_length_after_names_are_removed(
    action: CollectiveAction,
) -> None:
    action.description = "Anatole anime le groupe. " + "Le groupe jardine. " * 80
    action.save()

    practice = capitalise_action(actor=_worker(action), action=action)

    assert practice.summary.startswith("[prénom retiré] anime le groupe.")
    assert len(practice.summary) == 1200 and practice.summary.endswith("…")
