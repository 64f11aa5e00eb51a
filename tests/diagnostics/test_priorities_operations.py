"""The write functions of priorities: who proposes, votes and decides; one vote per person;
only agreed priorities start an action, which keeps its priority."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.actions.models import ActionStatus, CollectiveAction
from maillage.diagnostics.models import (
    Contribution,
    ContributionStatus,
    Diagnosis,
    DiagnosisStatus,
    Priority,
    PriorityStatus,
    PriorityVote,
    SteeringMember,
)
from maillage.diagnostics.operations import priorities as operations
from maillage.organisations.models import AuditEntry, Organisation, Role, User
from tests.actions.factories import ActionFactory, facilitator
from tests.diagnostics.factories import ContributionFactory, DiagnosisFactory
from tests.organisations.factories import OrganisationFactory, member
from tests.practices.factories import term
from tests.territories.factories import small_geography

pytestmark = pytest.mark.django_db


@dataclass
class Scene:
    diagnosis: Diagnosis
    carrier: Organisation
    editor: User  # a coordinator of the carrier organisation
    partner_org: Organisation
    voter: User  # a partner-role member of a steering organisation
    named: User  # a person of the steering group, from no steering organisation
    outsider: User  # a professional elsewhere
    published: Contribution
    pending: Contribution


def priority_scene() -> Scene:
    """A diagnosis on the CU d'Arras carried by a CCAS, steered with a centre social."""
    geo = small_geography()
    carrier = OrganisationFactory(name="CCAS d'Arras")
    partner_org = OrganisationFactory(name="Centre social Léo-Lagrange")
    editor = member(Role.COORDINATOR, carrier)
    diagnosis = DiagnosisFactory(
        organisation=carrier, territory=geo.cu_arras, created_by=editor, title="ABS d'Arras"
    )
    diagnosis.shared_with.add(partner_org)
    named = member(Role.PARTNER)
    SteeringMember.objects.create(diagnosis=diagnosis, organisation=partner_org)
    SteeringMember.objects.create(diagnosis=diagnosis, user=named, role="élue")
    return Scene(
        diagnosis=diagnosis,
        carrier=carrier,
        editor=editor,
        partner_org=partner_org,
        voter=member(Role.PARTNER, partner_org),
        named=named,
        outsider=member(Role.PROFESSIONAL),
        published=ContributionFactory(diagnosis=diagnosis, status=ContributionStatus.PUBLISHED),
        pending=ContributionFactory(diagnosis=diagnosis),
    )


def agreed_priority(scene: Scene, title: str = "Garde d'enfants le mercredi") -> Priority:
    priority = operations.propose_priority(
        actor=scene.editor, diagnosis=scene.diagnosis, title=title
    )
    return operations.decide_priority(
        actor=scene.editor, priority=priority, status=PriorityStatus.AGREED, rank=1
    )


@pytest.fixture
def scene() -> Scene:
    return priority_scene()


def test_steering_members_propose_with_published_contributions(scene):
    for actor in (scene.editor, scene.voter, scene.named):
        priority = operations.propose_priority(
            actor=actor,
            diagnosis=scene.diagnosis,
            title="  Un accueil du mercredi  ",
            description="Les parents le demandent.",
            component="population",
            theme="familles",
            contributions=[scene.published],
        )
        assert priority.title == "Un accueil du mercredi"
        assert list(priority.contributions.all()) == [scene.published]
        assert priority.status == PriorityStatus.PROPOSED
    assert AuditEntry.objects.filter(action="propose_priority").count() == 3


def test_outsiders_do_not_propose(scene):
    with pytest.raises(PermissionDenied):
        operations.propose_priority(actor=scene.outsider, diagnosis=scene.diagnosis, title="X")
    assert not Priority.objects.exists()


@pytest.mark.parametrize("which", ["pending", "other_diagnosis"])
def test_only_published_contributions_of_the_diagnosis_are_linked(scene, which):
    contribution = (
        scene.pending
        if which == "pending"
        else ContributionFactory(status=ContributionStatus.PUBLISHED)
    )
    with pytest.raises(ValidationError) as error:
        operations.propose_priority(
            actor=scene.editor,
            diagnosis=scene.diagnosis,
            title="Un accueil",
            contributions=[contribution],
        )
    assert "publiées de ce diagnostic" in error.value.message_dict["contributions"][0]
    assert not Priority.objects.exists()


def test_bad_input_is_refused_by_field_with_nothing_written(scene):
    with pytest.raises(ValidationError) as error:
        operations.propose_priority(
            actor=scene.editor,
            diagnosis=scene.diagnosis,
            title=" ",
            description="<script>x</script>",
            component="ailleurs",
            theme="inconnu",
        )
    assert set(error.value.message_dict) == {"title", "description", "component", "theme"}
    assert not Priority.objects.exists()


def test_one_vote_per_person_and_a_clear_second_answer(scene):
    priority = operations.propose_priority(
        actor=scene.editor, diagnosis=scene.diagnosis, title="Accueil"
    )
    operations.vote_for_priority(actor=scene.voter, priority=priority)
    with pytest.raises(ValidationError) as error:
        operations.vote_for_priority(actor=scene.voter, priority=priority)
    assert error.value.messages == ["Vous avez déjà voté pour cette priorité."]
    operations.vote_for_priority(actor=scene.named, priority=priority)
    assert priority.votes.count() == 2

    operations.withdraw_vote(actor=scene.voter, priority=priority)
    assert list(priority.votes.values_list("user", flat=True)) == [scene.named.pk]
    with pytest.raises(ValidationError, match="pas voté"):
        operations.withdraw_vote(actor=scene.voter, priority=priority)


def test_outsiders_do_not_vote(scene):
    priority = operations.propose_priority(
        actor=scene.editor, diagnosis=scene.diagnosis, title="Accueil"
    )
    with pytest.raises(PermissionDenied):
        operations.vote_for_priority(actor=scene.outsider, priority=priority)
    assert not PriorityVote.objects.exists()


@pytest.mark.parametrize("status", [DiagnosisStatus.PUBLISHED, DiagnosisStatus.ARCHIVED])
def test_votes_close_once_the_diagnosis_is_published(scene, status):
    priority = operations.propose_priority(
        actor=scene.editor, diagnosis=scene.diagnosis, title="Accueil"
    )
    Diagnosis.objects.filter(pk=scene.diagnosis.pk).update(status=status)
    priority.diagnosis.refresh_from_db()
    with pytest.raises(ValidationError, match="ne se votent plus"):
        operations.vote_for_priority(actor=scene.voter, priority=priority)
    with pytest.raises(ValidationError, match="ne se votent plus"):
        operations.propose_priority(actor=scene.editor, diagnosis=priority.diagnosis, title="B")
    assert not PriorityVote.objects.exists()


def test_a_priority_set_aside_is_not_voted(scene):
    priority = operations.propose_priority(
        actor=scene.editor, diagnosis=scene.diagnosis, title="Accueil"
    )
    operations.decide_priority(
        actor=scene.editor, priority=priority, status=PriorityStatus.SET_ASIDE
    )
    with pytest.raises(ValidationError, match="écartée"):
        operations.vote_for_priority(actor=scene.voter, priority=priority)


def test_editors_decide_and_the_agreement_is_dated(scene):
    priority = operations.propose_priority(
        actor=scene.voter, diagnosis=scene.diagnosis, title="Accueil"
    )
    with pytest.raises(PermissionDenied):
        operations.decide_priority(
            actor=scene.voter, priority=priority, status=PriorityStatus.AGREED
        )
    operations.decide_priority(
        actor=scene.editor, priority=priority, status=PriorityStatus.AGREED, rank=2
    )
    priority.refresh_from_db()
    assert (priority.status, priority.rank, priority.decided_on) == (
        PriorityStatus.AGREED,
        2,
        datetime.date.today(),
    )
    entry = AuditEntry.objects.get(action="decide_priority")
    assert entry.before == {"status": "proposed", "rank": None}
    assert entry.after == {"status": "agreed", "rank": 2}

    operations.decide_priority(
        actor=scene.editor, priority=priority, status=PriorityStatus.PROPOSED
    )
    priority.refresh_from_db()
    assert priority.decided_on is None


def test_a_bad_decision_is_refused(scene):
    priority = operations.propose_priority(
        actor=scene.editor, diagnosis=scene.diagnosis, title="Accueil"
    )
    with pytest.raises(ValidationError) as error:
        operations.decide_priority(actor=scene.editor, priority=priority, status="maybe", rank=0)
    assert set(error.value.message_dict) == {"status", "rank"}
    priority.refresh_from_db()
    assert priority.status == PriorityStatus.PROPOSED


def test_an_agreed_priority_starts_an_action_that_keeps_it(scene):
    priority = agreed_priority(scene)
    professional = member(Role.PROFESSIONAL, scene.carrier)
    action = operations.start_action_from_priority(
        actor=professional,
        priority=priority,
        organisation=scene.carrier,
        isic_form=term("isic_form", "travail_social_de_groupe"),
    )
    action.refresh_from_db()
    assert action.priority == priority
    assert action.title == priority.title
    assert action.status == ActionStatus.PREPARATION
    assert action.start_date == datetime.date.today()
    assert list(action.territories.all()) == [scene.diagnosis.territory]
    assert AuditEntry.objects.filter(
        action="start_action_from_priority", object_type="diagnostics.priority"
    ).exists()
    assert AuditEntry.objects.filter(
        action="start_action_from_priority", object_type="actions.collectiveaction"
    ).exists()


def test_a_proposed_priority_does_not_start_an_action(scene):
    priority = operations.propose_priority(
        actor=scene.editor, diagnosis=scene.diagnosis, title="Accueil"
    )
    with pytest.raises(ValidationError, match="retenue"):
        operations.start_action_from_priority(
            actor=scene.editor,
            priority=priority,
            organisation=scene.carrier,
            isic_form=term("isic_form", "travail_social_de_groupe"),
        )
    assert not priority.actions.exists()


def test_the_action_is_carried_by_one_of_the_actors_organisations(scene):
    priority = agreed_priority(scene)
    with pytest.raises(ValidationError) as error:
        operations.start_action_from_priority(
            actor=scene.editor,
            priority=priority,
            organisation=scene.partner_org,
            isic_form=term("isic_form", "travail_social_de_groupe"),
        )
    assert "organisation" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        operations.start_action_from_priority(
            actor=scene.voter,  # a partner-role member creates no action
            priority=priority,
            organisation=scene.partner_org,
            isic_form=term("isic_form", "travail_social_de_groupe"),
        )
    assert not priority.actions.exists()


def test_a_running_action_is_linked_to_the_agreed_priority_it_answers(scene):
    priority = agreed_priority(scene)
    action = ActionFactory(organisation=scene.partner_org)
    worker = facilitator(action, scene.voter)  # of a steering organisation: reads the diagnosis

    operations.link_action_to_priority(actor=worker, priority=priority, action=action)

    action.refresh_from_db()
    assert action.priority == priority
    entry = AuditEntry.objects.get(
        action="link_action_to_priority", object_type="actions.collectiveaction"
    )
    assert (entry.actor, entry.before, entry.after) == (
        worker,
        {"priority": None},
        {"priority": priority.pk},
    )
    assert AuditEntry.objects.filter(
        action="link_action_to_priority", object_type="diagnostics.priority", actor=worker
    ).exists()


def test_an_action_moved_to_another_priority_leaves_a_trace_on_the_one_it_left(scene):
    first, second = agreed_priority(scene), agreed_priority(scene, "Accueil")
    action = ActionFactory(organisation=scene.partner_org)
    worker = facilitator(action, scene.voter)
    operations.link_action_to_priority(actor=worker, priority=first, action=action)

    operations.link_action_to_priority(actor=worker, priority=second, action=action)

    trail = AuditEntry.objects.filter(
        action="link_action_to_priority", object_type="diagnostics.priority", object_id=first.pk
    ).order_by("pk")
    assert [(entry.before, entry.after) for entry in trail] == [
        (None, {"action": action.pk}),
        ({"action": action.pk}, {"action": None}),
    ]
    assert list(first.actions.all()) == [] and list(second.actions.all()) == [action]


def test_only_the_actions_team_links_it_and_only_to_an_agreed_priority(scene):
    action = ActionFactory(organisation=scene.partner_org)
    with pytest.raises(PermissionDenied):
        # She decides on the diagnosis's priorities, not on another organisation's action.
        operations.link_action_to_priority(
            actor=scene.editor, priority=agreed_priority(scene), action=action
        )
    elsewhere = ActionFactory()
    with pytest.raises(PermissionDenied):
        # He runs his action but does not read the diagnosis.
        operations.link_action_to_priority(
            actor=facilitator(elsewhere),
            priority=agreed_priority(scene, "Accueil"),
            action=elsewhere,
        )
    proposed = operations.propose_priority(
        actor=scene.editor, diagnosis=scene.diagnosis, title="Transport"
    )
    with pytest.raises(ValidationError, match="retenue"):
        operations.link_action_to_priority(
            actor=facilitator(action, scene.voter), priority=proposed, action=action
        )
    assert not CollectiveAction.objects.filter(priority__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="link_action_to_priority").exists()
