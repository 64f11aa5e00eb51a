"""The rules about the people who take part: minimal data, no duplicates, consent, the ladder,
eligibility tags that are never a condition, merging without loss, export and erasure."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from maillage.actions.models import (
    Attendance,
    EligibilityTag,
    Enrolment,
    Funder,
    LogEntry,
    Participant,
    Presence,
    Referral,
)
from maillage.actions.operations import participants as operations
from maillage.actions.operations.sessions import mark_attendance
from maillage.organisations.models import AuditEntry, Role
from tests.actions.factories import (
    ActionFactory,
    ParticipantFactory,
    SessionFactory,
    enrol,
    facilitator,
)
from tests.organisations.factories import OrganisationFactory, member
from tests.practices.factories import term
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

ALLOWED_FIELDS = {
    "id",
    "pseudonym",
    "age_band",
    "commune",
    "contact",
    "contact_consent_at",
    "contact_consent_by",
    "eligibility_tags",
    "organisations",
    "erased_at",
    "created_by",
    "created_at",
    "updated_at",
}


@pytest.fixture
def action():
    return ActionFactory()


@pytest.fixture
def worker(action):
    return facilitator(action)


def create(worker, action, pseudonym="Amina", **fields):
    return operations.create_participant(actor=worker, action=action, pseudonym=pseudonym, **fields)


def audit_entries(participant):
    return AuditEntry.objects.filter(
        object_type="actions.participant", object_id=str(participant.pk)
    )


def test_the_participant_model_holds_no_field_beyond_the_minimal_list():
    names = {field.name for field in Participant._meta.get_fields() if not field.auto_created}
    assert names | {"id"} == ALLOWED_FIELDS


# --- Matching ------------------------------------------------------------------------------


def test_matching_ignores_accents_case_and_spaces(action, worker):
    amelie = enrol(action, ParticipantFactory(pseudonym="Amélie", age_band="25-39"))
    found = operations.find_duplicates(actor=worker, pseudonym="  AMELIE ", age_band="25-39")
    assert found == [amelie]


def test_a_different_age_band_does_not_match(action, worker):
    enrol(action, ParticipantFactory(pseudonym="Amélie", age_band="25-39"))
    assert operations.find_duplicates(actor=worker, pseudonym="amelie", age_band="65-79") == []


def test_a_missing_commune_or_age_band_matches(action, worker):
    commune = CommuneFactory()
    no_commune = enrol(action, ParticipantFactory(pseudonym="Karim", commune=None, age_band=""))
    found = operations.find_duplicates(
        actor=worker, pseudonym="karim", age_band="40-54", commune=commune
    )
    assert found == [no_commune]


def test_a_different_commune_does_not_match(action, worker):
    enrol(action, ParticipantFactory(pseudonym="Karim", commune=CommuneFactory()))
    assert (
        operations.find_duplicates(actor=worker, pseudonym="Karim", commune=CommuneFactory()) == []
    )


def test_matching_stays_inside_the_actors_organisations_and_skips_erased_people(action, worker):
    elsewhere = ActionFactory()
    enrol(elsewhere, ParticipantFactory(pseudonym="Lucie"))
    erased = enrol(action, ParticipantFactory(pseudonym="Lucie"))
    erased.erased_at = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    erased.save()
    assert operations.find_duplicates(actor=worker, pseudonym="Lucie") == []


def test_candidates_are_minimal(action, worker):
    commune = CommuneFactory()
    enrol(action, ParticipantFactory(pseudonym="Nadia", commune=commune))
    [candidate] = operations.find_duplicates(actor=worker, pseudonym="nadia")
    assert "contact" in candidate.get_deferred_fields()
    assert candidate.commune.name == commune.name


# --- Creating, duplicates, consent ---------------------------------------------------------


def test_create_enrols_and_audits(action, worker):
    step = term("participation_ladder", "observateur")
    person = create(worker, action, age_band="40-54", referral=Referral.SELF, ladder_step=step)
    enrolment = Enrolment.objects.get(participant=person, action=action)
    assert enrolment.ladder_step == step
    assert enrolment.referral == Referral.SELF
    assert list(person.organisations.all()) == [action.organisation]
    assert audit_entries(person).filter(action="create_participant").exists()
    assert AuditEntry.objects.filter(
        action="enrol_participant", object_id=str(enrolment.pk)
    ).exists()


def test_a_duplicate_is_refused_naming_the_match(action, worker):
    enrol(action, ParticipantFactory(pseudonym="Éloïse", age_band="25-39"))
    with pytest.raises(ValidationError) as refused:
        create(worker, action, pseudonym="eloise", age_band="25-39")
    assert operations.is_duplicate_refusal(refused.value)
    assert "Une personne correspondante existe déjà : Éloïse" in refused.value.messages[0]
    assert Participant.objects.count() == 1


def test_a_confirmed_other_person_is_created(action, worker):
    enrol(action, ParticipantFactory(pseudonym="Éloïse"))
    create(worker, action, pseudonym="Eloise", allow_duplicate=True)
    assert Participant.objects.filter(pseudonym="Eloise").exists()


def test_the_existing_person_can_be_enrolled_instead(action, worker):
    other_action = ActionFactory(organisation=action.organisation)
    facilitator(other_action, worker)
    existing = enrol(other_action, ParticipantFactory(pseudonym="Sami"))
    enrolment = operations.enrol_participant(
        actor=worker, action=action, participant=existing, pseudonym="sami", age_band="25-39"
    )
    assert enrolment.joined_on == datetime.date.today()
    assert set(existing.enrolments.values_list("action_id", flat=True)) == {
        action.pk,
        other_action.pk,
    }


def test_a_second_enrolment_in_the_same_action_is_refused(action, worker):
    person = enrol(action, ParticipantFactory(pseudonym="Nadia"))
    with pytest.raises(ValidationError) as refused:
        operations.enrol_participant(
            actor=worker, action=action, participant=person, pseudonym="Nadia"
        )
    assert refused.value.message_dict["participant"] == [
        "Cette personne est déjà inscrite à cette action."
    ]


def test_arrival_after_the_end_of_the_action_is_refused_but_before_its_start_allowed(
    action, worker
):
    with pytest.raises(ValidationError) as refused:
        create(worker, action, joined_on=datetime.date(2027, 1, 10))
    assert "joined_on" in refused.value.message_dict
    person = create(worker, action, pseudonym="Inès", joined_on=datetime.date(2025, 12, 1))
    assert person.enrolments.get().joined_on == datetime.date(2025, 12, 1)


def test_a_contact_without_consent_is_refused(action, worker):
    with pytest.raises(ValidationError) as refused:
        create(worker, action, contact="06 12 34 56 78")
    assert "accord de la personne" in refused.value.message_dict["contact"][0]
    assert not Participant.objects.exists()


def test_consent_is_recorded_with_the_contact(action, worker):
    person = create(worker, action, contact="06 12 34 56 78", contact_consent=True)
    assert person.contact_consent_at is not None
    assert person.contact_consent_by == worker


def test_the_database_refuses_a_contact_without_consent():
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(pseudonym="Zoé", contact="zoe@example.org")


def test_withdrawing_consent_needs_the_contact_removed(action, worker):
    person = create(worker, action, contact="06 12 34 56 78", contact_consent=True)
    with pytest.raises(ValidationError):
        operations.update_participant(actor=worker, participant=person, contact_consent=False)
    operations.update_participant(
        actor=worker, participant=person, contact="", contact_consent=False
    )
    person.refresh_from_db()
    assert person.contact == "" and person.contact_consent_at is None
    assert audit_entries(person).filter(action="update_participant").exists()


def test_a_ladder_step_outside_the_ladder_is_refused(action, worker):
    with pytest.raises(ValidationError) as refused:
        create(worker, action, ladder_step=term("phase", "mobilisation"))
    assert "ladder_step" in refused.value.message_dict


def test_only_the_actions_professionals_create_participants(action):
    coordinator = member(Role.COORDINATOR, action.organisation)
    with pytest.raises(PermissionDenied):
        create(coordinator, action)


# --- Eligibility tags ----------------------------------------------------------------------


def caf_funding(action):
    caf = OrganisationFactory(name="CAF de la Gironde")
    Funder.objects.create(action=action, organisation=caf)
    return caf


def test_tags_are_created_by_the_funders_members_and_the_carriers_coordinators(action):
    caf = caf_funding(action)
    tag = operations.create_eligibility_tag(
        actor=member(Role.PROFESSIONAL, caf), organisation=caf, label="Allocataire CAF"
    )
    coordinator = member(Role.COORDINATOR, action.organisation)
    operations.create_eligibility_tag(actor=coordinator, organisation=caf, label="Quotient bas")
    assert tag.organisation == caf
    with pytest.raises(ValidationError):
        operations.create_eligibility_tag(
            actor=coordinator, organisation=caf, label="allocataire caf"
        )


def test_a_professional_or_a_non_funder_cannot_create_tags(action, worker):
    caf = caf_funding(action)
    with pytest.raises(PermissionDenied):
        operations.create_eligibility_tag(actor=worker, organisation=caf, label="Allocataire")
    not_funding = OrganisationFactory()
    with pytest.raises(PermissionDenied):
        operations.create_eligibility_tag(
            actor=member(Role.COORDINATOR, not_funding), organisation=not_funding, label="RSA"
        )


def test_tags_are_optional_and_never_checked_at_enrolment(action, worker):
    caf = caf_funding(action)
    tag = EligibilityTag.objects.create(organisation=caf, label="Allocataire CAF")
    tagged = create(worker, action, pseudonym="Awa", eligibility_tags=[tag])
    untagged = create(worker, action, pseudonym="Binta")
    assert list(tagged.eligibility_tags.all()) == [tag]
    assert untagged.enrolments.filter(action=action).exists()


def test_a_tag_of_an_unrelated_funder_is_refused(action, worker):
    tag = EligibilityTag.objects.create(organisation=OrganisationFactory(), label="Autre")
    with pytest.raises(ValidationError) as refused:
        create(worker, action, eligibility_tags=[tag])
    assert "eligibility_tags" in refused.value.message_dict


# --- Enrolment changes ---------------------------------------------------------------------


def test_update_enrolment_moves_her_up_the_ladder_and_audits(action, worker):
    person = create(worker, action)
    enrolment = person.enrolments.get()
    step = term("participation_ladder", "co_animateur")
    operations.update_enrolment(actor=worker, enrolment=enrolment, ladder_step=step)
    enrolment.refresh_from_db()
    assert enrolment.ladder_step == step
    entry = AuditEntry.objects.get(action="update_enrolment", object_id=str(enrolment.pk))
    assert entry.after == {"ladder_step": step.pk}


def test_leaving_before_arriving_is_refused(action, worker):
    enrolment = create(worker, action).enrolments.get()
    with pytest.raises(ValidationError) as refused:
        operations.update_enrolment(
            actor=worker, enrolment=enrolment, left_on=enrolment.joined_on - datetime.timedelta(1)
        )
    assert "left_on" in refused.value.message_dict


# --- Merging -------------------------------------------------------------------------------


@pytest.fixture
def pair(action, worker):
    keep = enrol(
        action, ParticipantFactory(pseudonym="Amélie", age_band="25-39", created_by=worker)
    )
    duplicate = ParticipantFactory(pseudonym="amelie", age_band="", commune=CommuneFactory())
    return keep, duplicate


def test_merge_moves_everything_and_fills_empty_fields(action, worker, pair):
    keep, duplicate = pair
    other = ActionFactory(organisation=action.organisation)
    facilitator(other, worker)
    enrol(other, duplicate, referral=Referral.PARTNER)
    enrol(action, duplicate, ladder_step=term("participation_ladder", "participant"))
    shared = SessionFactory(action=action)
    Attendance.objects.create(session=shared, participant=keep, status=Presence.PRESENT)
    Attendance.objects.create(session=shared, participant=duplicate, status=Presence.PRESENT)
    Attendance.objects.create(
        session=SessionFactory(action=other), participant=duplicate, status=Presence.ABSENT
    )
    caf = caf_funding(action)
    tag = EligibilityTag.objects.create(organisation=caf, label="Allocataire CAF")
    duplicate.eligibility_tags.add(tag)
    commune = duplicate.commune
    duplicate_pk = duplicate.pk

    operations.merge_participants(actor=worker, keep=keep, duplicate=duplicate)

    keep.refresh_from_db()
    assert not Participant.objects.filter(pk=duplicate_pk).exists()
    assert keep.commune == commune and keep.age_band == "25-39"
    assert set(keep.enrolments.values_list("action_id", flat=True)) == {action.pk, other.pk}
    assert keep.enrolments.get(action=action).ladder_step.code == "participant"
    assert keep.attendances.count() == 2
    assert list(keep.eligibility_tags.all()) == [tag]
    assert set(keep.organisations.all()) == {action.organisation}
    assert audit_entries(keep).filter(action="merge_participants").exists()
    assert AuditEntry.objects.filter(
        action="merge_participants", object_id=str(duplicate_pk)
    ).exists()


def state(keep, duplicate):
    snapshot = (
        Participant.objects.filter(pk__in=[keep.pk, duplicate.pk]).count(),
        Enrolment.objects.filter(participant=duplicate).count(),
        Attendance.objects.filter(participant=duplicate).count(),
    )
    return snapshot


def refused_merge(worker, keep, duplicate):
    before = state(keep, duplicate)
    with pytest.raises(ValidationError) as refused:
        operations.merge_participants(actor=worker, keep=keep, duplicate=duplicate)
    assert state(keep, duplicate) == before
    assert not AuditEntry.objects.filter(action="merge_participants").exists()
    return refused.value.messages


def test_merge_is_refused_when_fields_differ_and_lists_every_conflict(action, worker):
    keep = enrol(action, ParticipantFactory(pseudonym="Amélie", age_band="25-39"))
    duplicate = enrol(
        ActionFactory(organisation=action.organisation),
        ParticipantFactory(pseudonym="Amandine", age_band="40-54", created_by=worker),
    )
    messages = refused_merge(worker, keep, duplicate)
    assert any("Amélie" in message and "Amandine" in message for message in messages)
    assert any("tranche d'âge" in message for message in messages)


def test_merge_is_refused_when_the_same_action_has_different_ladder_steps(action, worker, pair):
    keep, duplicate = pair
    Enrolment.objects.filter(participant=keep).update(
        ladder_step=term("participation_ladder", "observateur")
    )
    enrol(action, duplicate, ladder_step=term("participation_ladder", "co_animateur"))
    messages = refused_merge(worker, keep, duplicate)
    assert any("parcours de participation" in message for message in messages)


def test_merge_is_refused_when_the_same_session_has_different_statuses(action, worker, pair):
    keep, duplicate = pair
    enrol(action, duplicate)
    session = SessionFactory(action=action)
    Attendance.objects.create(session=session, participant=keep, status=Presence.PRESENT)
    Attendance.objects.create(session=session, participant=duplicate, status=Presence.ABSENT)
    messages = refused_merge(worker, keep, duplicate)
    assert any("séance du 05/01/2026" in message for message in messages)
    assert Attendance.objects.get(participant=duplicate).status == Presence.ABSENT


def test_merge_needs_both_records_visible(action, worker, pair):
    keep, _ = pair
    stranger = enrol(ActionFactory(), ParticipantFactory(pseudonym="Amélie"))
    with pytest.raises(PermissionDenied):
        operations.merge_participants(actor=worker, keep=keep, duplicate=stranger)


# --- Right of access and erasure -----------------------------------------------------------


@pytest.fixture
def person(action, worker):
    caf = caf_funding(action)
    tag = EligibilityTag.objects.create(organisation=caf, label="Allocataire CAF")
    person = create(
        worker,
        action,
        pseudonym="Yasmina",
        age_band="55-64",
        contact="yasmina@example.org",
        contact_consent=True,
        eligibility_tags=[tag],
    )
    operations.update_participant(actor=worker, participant=person, pseudonym="Yasmina B.")
    Attendance.objects.create(
        session=SessionFactory(action=action, date=datetime.date(2026, 2, 4)),
        participant=person,
        status=Presence.PRESENT,
    )
    return person


def test_export_holds_everything_stored_about_her(action, worker, person):
    data = operations.export_participant(actor=worker, participant=person)
    assert data["pseudonym"] == "Yasmina B."
    assert data["contact"] == "yasmina@example.org"
    assert data["eligibility_tags"] == [{"label": "Allocataire CAF", "funder": "CAF de la Gironde"}]
    assert data["enrolments"][0]["action"] == action.title
    assert data["attendance"] == [
        {"action": action.title, "date": "2026-02-04", "status": "Présent"}
    ]
    operations_seen = [entry["operation"] for entry in data["audit"]]
    assert operations_seen[:3] == ["create_participant", "enrol_participant", "update_participant"]
    assert audit_entries(person).filter(action="export_participant").exists()


def test_erasure_pseudonymises_keeps_attendance_and_scrubs_the_audit(action, worker, person):
    operations.erase_participant(actor=worker, participant=person)
    person.refresh_from_db()
    assert person.pseudonym == f"Personne effacée n° {person.pk}"
    assert person.contact == "" and person.contact_consent_at is None
    assert not person.eligibility_tags.exists()
    assert person.erased_at is not None
    assert person.age_band == "55-64"
    assert person.attendances.count() == 1
    assert person.enrolments.filter(action=action).exists()
    stored = " ".join(
        str(values) for values in AuditEntry.objects.values_list("object_repr", "before", "after")
    )
    assert "Yasmina" not in stored
    assert "yasmina@example.org" not in stored
    erasure = audit_entries(person).get(action="erase_participant")
    assert set(erasure.after) == {"erased_at"}


def test_erasure_reaches_the_history_of_merged_records(action, worker, pair):
    keep, duplicate = pair
    operations.update_participant(actor=worker, participant=keep, pseudonym="Amélie")
    enrol(action, duplicate)
    operations.update_participant(actor=worker, participant=duplicate, pseudonym="AMELIE")
    session = SessionFactory(action=action)
    for participant in (keep, duplicate):
        mark_attendance(
            actor=worker, session=session, participant=participant, status=Presence.PRESENT
        )
    operations.merge_participants(actor=worker, keep=keep, duplicate=duplicate)
    assert keep.attendances.count() == 1
    operations.erase_participant(actor=worker, participant=keep)
    stored = " ".join(
        str(values).lower()
        for values in AuditEntry.objects.values_list("object_repr", "before", "after")
    )
    assert "amelie" not in stored and "amélie" not in stored


def test_only_her_professionals_export_or_erase(action, person):
    other_worker = facilitator(ActionFactory(organisation=action.organisation))
    with pytest.raises(PermissionDenied):
        operations.export_participant(actor=other_worker, participant=person)
    with pytest.raises(PermissionDenied):
        operations.erase_participant(actor=other_worker, participant=person)
    person.refresh_from_db()
    assert person.pseudonym == "Yasmina B."


def test_only_professionals_running_an_action_may_look_for_matches(action):
    enrol(action, ParticipantFactory(pseudonym="Nadia"))
    coordinator = member(Role.COORDINATOR, action.organisation)
    with pytest.raises(PermissionDenied):
        operations.find_duplicates(actor=coordinator, pseudonym="Nadia")


def test_a_new_contact_needs_consent_again(action, worker):
    person = create(worker, action, contact="06 12 34 56 78", contact_consent=True)
    with pytest.raises(ValidationError):
        operations.update_participant(actor=worker, participant=person, contact="07 00 00 00 00")
    operations.update_participant(
        actor=worker, participant=person, contact="07 00 00 00 00", contact_consent=True
    )
    person.refresh_from_db()
    assert person.contact == "07 00 00 00 00"


def test_someone_unknown_to_the_actors_organisations_cannot_be_enrolled(action, worker):
    stranger = enrol(ActionFactory(), ParticipantFactory())
    with pytest.raises(PermissionDenied):
        operations.enrol_participant(actor=worker, action=action, participant=stranger)
    assert not stranger.enrolments.filter(action=action).exists()


def test_enrolling_someone_needs_the_identity_she_matches(action, worker):
    other_action = ActionFactory(organisation=action.organisation)
    commune = CommuneFactory()
    sami = enrol(other_action, ParticipantFactory(pseudonym="Sami", commune=commune))
    for identity in (
        {},
        {"pseudonym": "Nadia"},
        {"pseudonym": "Sami", "age_band": "65-79"},
        {"pseudonym": "Sami", "commune": CommuneFactory()},
    ):
        with pytest.raises(PermissionDenied) as refused:
            operations.enrol_participant(actor=worker, action=action, participant=sami, **identity)
        assert str(refused.value) == "Cette personne n'est pas connue de vos organisations."
    assert not sami.enrolments.filter(action=action).exists()
    assert not AuditEntry.objects.filter(action="enrol_participant", actor=worker).exists()
    operations.enrol_participant(
        actor=worker, action=action, participant=sami, pseudonym=" SAMI ", commune=commune
    )
    assert sami.enrolments.filter(action=action).exists()


def test_an_erased_person_cannot_be_enrolled_even_with_her_former_identity(action, worker):
    person = create(worker, action, pseudonym="Lina")
    operations.erase_participant(actor=worker, participant=person)
    other_action = ActionFactory(organisation=action.organisation)
    facilitator(other_action, worker)
    with pytest.raises(PermissionDenied):
        operations.enrol_participant(
            actor=worker, action=other_action, participant=person, pseudonym="Lina"
        )


def test_an_erased_person_is_neither_changed_nor_merged(action, worker):
    erased = create(worker, action, pseudonym="Lina")
    operations.erase_participant(actor=worker, participant=erased)
    other = create(worker, action, pseudonym="Lina")
    with pytest.raises(ValidationError):
        operations.update_participant(actor=worker, participant=erased, age_band="18-24")
    with pytest.raises(ValidationError):
        operations.merge_participants(actor=worker, keep=other, duplicate=erased)


def test_merge_is_refused_when_the_same_action_has_different_referrals(action, worker, pair):
    keep, duplicate = pair
    Enrolment.objects.filter(participant=keep).update(referral=Referral.SELF)
    enrol(action, duplicate, referral=Referral.PARTNER)
    messages = refused_merge(worker, keep, duplicate)
    assert any("arrivée dans l'action" in message for message in messages)


def test_erasure_removes_her_name_from_the_logbook_and_session_notes(action, worker, person):
    other_group = ActionFactory(organisation=action.organisation)
    LogEntry.objects.create(
        action=action,
        date=action.start_date,
        kind="proposal",
        text="Yasmina propose une sortie au parc avec Karim.",
        outcome="YASMINA l'organise.",
        author=worker,
    )
    elsewhere = LogEntry.objects.create(
        action=other_group,
        date=action.start_date,
        kind="event",
        text="Yasmina B. invitée.",
        author=worker,
    )
    session = SessionFactory(action=action, note="Yasmina est arrivée en retard.")
    operations.erase_participant(actor=worker, participant=person)
    entry = LogEntry.objects.get(action=action)
    assert entry.text == "[prénom retiré] propose une sortie au parc avec Karim."
    assert entry.outcome == "[prénom retiré] l'organise."
    session.refresh_from_db()
    assert "Yasmina" not in session.note
    # Another group's logbook is not hers: it is left as it was.
    elsewhere.refresh_from_db()
    assert elsewhere.text == "Yasmina B. invitée."


def test_erasure_removes_her_name_from_the_audit_trail_of_texts(action, worker, person):
    from maillage.actions.operations.logbook import add_log_entry, update_log_entry
    from maillage.actions.operations.sessions import update_session

    person.pseudonym = "Yasmina B."
    person.save()
    entry = add_log_entry(
        actor=worker,
        action=action,
        date=action.start_date,
        kind="proposal",
        text="Une longue introduction qui remplit presque tout le début, puis Yasmina B. propose.",
    )
    update_log_entry(actor=worker, entry=entry, outcome="Yasmina l'organise à Sainte-Marie.")
    # Its audit entry is named by the first 80 characters, which cut her name: « … Yasm ».
    cut = add_log_entry(
        actor=worker,
        action=action,
        date=action.start_date,
        kind="event",
        text=f"{'Une sortie au parc, un goûter partagé, des jeux pour les enfants,':<76}Yasmina.",
    )
    session = SessionFactory(action=action)
    update_session(actor=worker, session=session, note="Yasmina est venue avec sa sœur.")
    untouched = SessionFactory(action=action, note="Rien à signaler.")

    operations.erase_participant(actor=worker, participant=person)

    texts = AuditEntry.objects.values_list("object_repr", "before", "after")
    assert not [row for row in texts if "yasm" in str(row).lower()]
    entry.refresh_from_db()
    assert entry.outcome == "[prénom retiré] l'organise à Sainte-Marie."
    redactions = AuditEntry.objects.filter(action="redact_after_erasure")
    assert {(row.object_type, row.object_id, tuple(row.after["fields"])) for row in redactions} == {
        ("actions.logentry", str(entry.pk), ("text", "outcome")),
        ("actions.logentry", str(cut.pk), ("text",)),
        ("actions.session", str(session.pk), ("note",)),
    }
    assert not redactions.filter(object_id=str(untouched.pk), object_type="actions.session")
