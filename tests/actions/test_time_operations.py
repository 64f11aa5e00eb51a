from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.actions.models import Activity, Facilitator, TimeEntry
from maillage.actions.operations.time import (
    add_time_entry,
    delete_time_entry,
    proposed_session_time,
    record_session_time,
)
from maillage.organisations.models import AuditEntry, Membership, Role
from tests.actions.factories import SessionFactory, TimeEntryFactory, facilitator, running_action
from tests.organisations.factories import OrganisationFactory, UserFactory, member
from tests.practices.factories import term

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _add(actor, action, **fields):
    fields.setdefault("date", TODAY())
    fields.setdefault("minutes", 90)
    fields.setdefault("activity", Activity.PREPARATION)
    return add_time_entry(actor=actor, action=action, **fields)


def test_own_time_copies_organisation_and_team_and_is_audited() -> None:
    action = running_action()
    worker = facilitator(action)
    Membership.objects.filter(user=worker).update(team="MDS de Roubaix")
    phase = term("phase", "mobilisation")

    entry = _add(worker, action, phase=phase, comment="  Appels aux partenaires ")

    assert (entry.user, entry.organisation, entry.team) == (
        worker,
        action.organisation,
        "MDS de Roubaix",
    )
    assert entry.comment == "Appels aux partenaires"
    audit = AuditEntry.objects.get(action="add_time_entry", object_id=str(entry.pk))
    assert audit.actor == worker and audit.after["minutes"] == 90


def test_organisation_falls_back_to_the_facilitator_organisation_then_first_membership() -> None:
    action = running_action()
    partner = OrganisationFactory(name="Centre médico-psychologique")
    psychologist = member(Role.PROFESSIONAL, partner)
    other = OrganisationFactory()
    Membership.objects.create(user=psychologist, organisation=other, role=Role.PARTNER)
    Facilitator.objects.create(action=action, user=psychologist, organisation=partner)
    assert _add(psychologist, action).organisation == partner

    volunteer = UserFactory()
    Membership.objects.create(
        user=volunteer, organisation=other, role=Role.PARTNER, team="Bénévoles"
    )
    Facilitator.objects.create(action=action, user=volunteer)
    entry = _add(volunteer, action)
    assert (entry.organisation, entry.team) == (other, "Bénévoles")


@pytest.mark.parametrize("minutes", [0, -30])
def test_zero_or_negative_duration_is_refused(minutes: int) -> None:
    action = running_action()
    worker = facilitator(action)
    with pytest.raises(ValidationError) as refused:
        _add(worker, action, minutes=minutes)
    assert refused.value.message_dict["minutes"] == ["La durée doit être d'au moins une minute."]
    assert not TimeEntry.objects.exists()


def test_more_than_a_day_is_refused_with_a_clear_message() -> None:
    action = running_action()
    worker = facilitator(action)
    assert _add(worker, action, minutes=24 * 60).minutes == 1440
    with pytest.raises(ValidationError) as refused:
        _add(worker, action, minutes=24 * 60 + 1)
    assert "24 heures" in refused.value.message_dict["minutes"][0]


def test_future_date_and_date_before_the_action_are_refused() -> None:
    action = running_action()
    worker = facilitator(action)
    with pytest.raises(ValidationError) as refused:
        _add(worker, action, date=TODAY() + datetime.timedelta(days=1))
    assert refused.value.message_dict["date"] == ["La date ne peut pas être dans le futur."]
    with pytest.raises(ValidationError) as refused:
        _add(worker, action, date=action.start_date - datetime.timedelta(days=1))
    assert "précède le début de l'action" in refused.value.message_dict["date"][0]
    assert not TimeEntry.objects.exists()


def test_unknown_activity_wrong_phase_and_other_action_session_are_refused() -> None:
    action = running_action()
    worker = facilitator(action)
    elsewhere = SessionFactory(action=running_action())
    with pytest.raises(ValidationError) as refused:
        _add(
            worker,
            action,
            activity="sieste",
            phase=term("participation_ladder", "observateur"),
            session=elsewhere,
            comment="<b>gras</b>",
        )
    assert set(refused.value.message_dict) == {"activity", "phase", "session", "comment"}


def test_someone_elses_time_needs_the_actor_to_facilitate_and_the_other_to_cofacilitate() -> None:
    action = running_action()
    worker = facilitator(action)
    colleague = facilitator(action)
    coordinator = member(Role.COORDINATOR, action.organisation)

    entry = _add(worker, action, user=colleague)
    assert entry.user == colleague

    with pytest.raises(PermissionDenied):
        _add(coordinator, action, user=colleague)  # may edit the action, but does not facilitate
    with pytest.raises(PermissionDenied):
        _add(worker, action, user=member(Role.PROFESSIONAL, action.organisation))
    with pytest.raises(PermissionDenied):
        _add(member(Role.PROFESSIONAL), action)  # another organisation's professional
    assert _add(coordinator, action).user == coordinator
    assert TimeEntry.objects.count() == 2


def test_proposals_are_the_session_facilitators_less_what_is_recorded() -> None:
    action = running_action()
    worker = facilitator(action)
    colleague = facilitator(action)
    facilitator(action)  # runs the action but not this session
    session = SessionFactory(action=action, date=TODAY(), duration_minutes=150)
    session.facilitators.set(Facilitator.objects.filter(user__in=[worker, colleague]))
    Facilitator.objects.create(action=action, name="Bénévole sans compte")

    proposals = proposed_session_time(session)
    assert [(p.user, p.minutes, p.activity) for p in proposals] == [
        (worker, 150, Activity.FACILITATION),
        (worker, 0, Activity.PREPARATION),
        (colleague, 150, Activity.FACILITATION),
        (colleague, 0, Activity.PREPARATION),
    ]

    _add(worker, action, session=session, minutes=150, activity=Activity.FACILITATION)
    _add(colleague, action, session=session, minutes=60, activity=Activity.FACILITATION)
    _add(colleague, action, session=session, minutes=30, activity=Activity.PREPARATION)
    assert [(p.user, p.minutes, p.activity) for p in proposed_session_time(session)] == [
        (worker, 0, Activity.PREPARATION),
        (colleague, 90, Activity.FACILITATION),
    ]


def test_proposals_fall_back_to_the_action_facilitators() -> None:
    action = running_action()
    worker = facilitator(action)
    session = SessionFactory(action=action, date=TODAY())
    assert {p.user for p in proposed_session_time(session)} == {worker}


def test_record_session_time_writes_confirmed_lines_and_refuses_a_second_submission() -> None:
    action = running_action(phase=term("phase", "mise_en_oeuvre"))
    worker = facilitator(action)
    colleague = facilitator(action)
    session = SessionFactory(action=action, date=TODAY() - datetime.timedelta(days=2))
    lines = [
        {"user": p.user, "minutes": p.minutes or 20, "activity": p.activity}
        for p in proposed_session_time(session)
    ]
    lines[-1]["minutes"] = 0  # the colleague did not prepare: left out

    entries = record_session_time(actor=worker, session=session, entries=lines)

    assert len(entries) == 3
    assert {e.date for e in entries} == {session.date}
    assert {e.phase.code for e in entries} == {"mise_en_oeuvre"}
    assert TimeEntry.objects.filter(user=colleague, session=session).count() == 1
    with pytest.raises(ValidationError) as refused:
        record_session_time(actor=worker, session=session, entries=lines)
    assert "déjà enregistré" in refused.value.messages[0]
    assert TimeEntry.objects.count() == 3


def test_record_session_time_is_all_or_nothing() -> None:
    action = running_action()
    worker = facilitator(action)
    session = SessionFactory(action=action, date=TODAY())
    lines = [
        {"user": worker, "minutes": 120, "activity": Activity.FACILITATION},
        {"user": worker, "minutes": -5, "activity": Activity.PREPARATION},
    ]
    with pytest.raises(ValidationError) as refused:
        record_session_time(actor=worker, session=session, entries=lines)
    assert refused.value.messages == ["Ligne 2 : La durée doit être d'au moins une minute."]
    assert not TimeEntry.objects.exists()


def test_delete_by_its_person_or_an_editor_only() -> None:
    action = running_action()
    worker = facilitator(action)
    entry = TimeEntryFactory(action=action, user=worker)
    with pytest.raises(PermissionDenied):
        delete_time_entry(actor=member(Role.PROFESSIONAL), entry=entry)
    delete_time_entry(actor=worker, entry=entry)
    assert not TimeEntry.objects.exists()
    assert AuditEntry.objects.filter(action="delete_time_entry").count() == 1

    other = TimeEntryFactory(action=action, user=worker)
    delete_time_entry(actor=member(Role.COORDINATOR, action.organisation), entry=other)
    assert not TimeEntry.objects.exists()
