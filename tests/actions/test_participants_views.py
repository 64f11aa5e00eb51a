"""The participants' pages: only the action's professionals see names; adding someone proposes
the existing person first; merge, export and erasure from the participant's page."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.actions.models import (
    Attendance,
    EligibilityTag,
    Enrolment,
    Funder,
    Participant,
    Partner,
    Presence,
)
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

REFUSAL = "Seuls les professionnels qui animent cette action voient les noms"


@pytest.fixture
def action():
    return ActionFactory()


@pytest.fixture
def worker(action):
    return facilitator(action)


@pytest.fixture
def logged(client, worker):
    client.force_login(worker)
    return client


def url(name, *args):
    return reverse(f"actions:{name}", args=args)


# --- Who sees names ------------------------------------------------------------------------


def test_the_actions_professional_sees_the_list(logged, action):
    person = enrol(action, ParticipantFactory(pseudonym="Fatou", commune=CommuneFactory()))
    Attendance.objects.create(
        session=SessionFactory(action=action), participant=person, status=Presence.PRESENT
    )
    Attendance.objects.create(
        session=SessionFactory(action=action), participant=person, status=Presence.ABSENT
    )
    response = logged.get(url("participants", action.pk))
    assert response.status_code == 200
    row = response.content.decode()
    assert "Fatou" in row and person.commune.name in row
    assert response.context["enrolments"][0].sessions_attended == 1


@pytest.mark.parametrize("who", ["coordinator", "partner", "other_professional"])
def test_others_are_refused_with_an_explanation(client, action, who):
    enrol(action, ParticipantFactory(pseudonym="Fatou"))
    if who == "coordinator":
        user = member(Role.COORDINATOR, action.organisation)
    elif who == "partner":
        partner = OrganisationFactory()
        Partner.objects.create(action=action, organisation=partner)
        action.shared_with.add(partner)
        user = member(Role.PROFESSIONAL, partner)
    else:
        user = facilitator(ActionFactory(organisation=action.organisation))
    client.force_login(user)
    for name in ("participants", "participant_add"):
        response = client.get(url(name, action.pk))
        assert response.status_code == 403
        assert REFUSAL in response.content.decode()
        assert "Fatou" not in response.content.decode()


def test_a_professional_of_another_action_cannot_open_her_page(client, action):
    person = enrol(action, ParticipantFactory(pseudonym="Fatou"))
    client.force_login(facilitator(ActionFactory(organisation=action.organisation)))
    for name in ("participant", "participant_merge", "participant_erase"):
        assert client.get(url(name, person.pk)).status_code == 403
    assert client.post(url("participant_export", person.pk)).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, action):
    response = client.get(url("participants", action.pk))
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")


def test_the_list_takes_a_constant_number_of_queries(logged, action, django_assert_max_num_queries):
    caf = OrganisationFactory()
    Funder.objects.create(action=action, organisation=caf)
    tag = EligibilityTag.objects.create(organisation=caf, label="Allocataire CAF")
    session = SessionFactory(action=action)
    step = term("participation_ladder", "participant")

    def add_people(count):
        for _ in range(count):
            person = enrol(action, ParticipantFactory(commune=CommuneFactory()), ladder_step=step)
            person.eligibility_tags.add(tag)
            Attendance.objects.create(session=session, participant=person, status=Presence.PRESENT)

    add_people(2)
    with CaptureQueriesContext(connection) as few:
        logged.get(url("participants", action.pk))
    add_people(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = logged.get(url("participants", action.pk))
    assert len(few.captured_queries) <= 12
    assert len(response.context["enrolments"]) == 12
    assert "Allocataire CAF" in response.content.decode()


# --- Adding someone ------------------------------------------------------------------------


def add(client, action, **data):
    return client.post(url("participant_add", action.pk), {"pseudonym": "Amina", **data})


def test_adding_a_person(logged, action):
    commune = CommuneFactory()
    response = add(logged, action, age_band="25-39", commune=commune.pk, referral="self")
    assert response.status_code == 302
    person = Participant.objects.get(pseudonym="Amina")
    assert person.commune == commune
    assert Enrolment.objects.get(participant=person).referral == "self"


def test_a_contact_without_consent_is_refused_on_the_form(logged, action):
    response = add(logged, action, contact="06 12 34 56 78")
    assert response.status_code == 200
    assert "laissez le contact vide" in response.content.decode()
    assert not Participant.objects.exists()


def test_a_possible_duplicate_proposes_both_choices(logged, action):
    enrol(action, ParticipantFactory(pseudonym="Amïna", age_band=""))
    response = add(logged, action, age_band="25-39")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Inscrire cette personne" in page and "C'est une autre personne" in page
    assert [match.pseudonym for match in response.context["matches"]] == ["Amïna"]
    assert Participant.objects.count() == 1


def test_choosing_another_person_creates_her(logged, action):
    enrol(action, ParticipantFactory(pseudonym="Amina"))
    response = add(logged, action, allow_duplicate="1")
    assert response.status_code == 302
    assert Participant.objects.filter(pseudonym="Amina").count() == 2


def test_choosing_the_existing_person_enrols_her(logged, action, worker):
    other = ActionFactory(organisation=action.organisation)
    existing = enrol(other, ParticipantFactory(pseudonym="Amina"))
    response = add(logged, action, existing=existing.pk)
    assert response.status_code == 302
    assert existing.enrolments.filter(action=action).exists()
    assert Participant.objects.count() == 1


def test_the_duplicate_warning_sends_back_the_typed_identity_with_the_choice(logged, action):
    other = ActionFactory(organisation=action.organisation)
    existing = enrol(other, ParticipantFactory(pseudonym="Amina", age_band=""))
    commune = CommuneFactory()
    warning = add(logged, action, age_band="40-54", commune=commune.pk)
    page = warning.content.decode()
    assert f'name="existing" value="{existing.pk}"' in page
    assert 'name="pseudonym" value="Amina"' in page and 'value="40-54" selected' in page
    response = add(logged, action, age_band="40-54", commune=commune.pk, existing=existing.pk)
    assert response.status_code == 302
    assert existing.enrolments.filter(action=action).exists()


def test_an_identifier_that_does_not_match_the_typed_identity_reveals_nothing(logged, action):
    other = ActionFactory(organisation=action.organisation)
    hidden = enrol(other, ParticipantFactory(pseudonym="Bérénice", contact=""))
    answers = [add(logged, action, existing=pk) for pk in (hidden.pk, hidden.pk + 1000)]
    assert [answer.status_code for answer in answers] == [403, 403]
    pages = [re.sub(r'csrfmiddlewaretoken" value="\w+"', "", a.content.decode()) for a in answers]
    assert pages[0] == pages[1]
    assert "Cette personne n&#x27;est pas connue de vos organisations." in pages[0]
    assert "Bérénice" not in pages[0]
    assert not hidden.enrolments.filter(action=action).exists()
    assert not Participant.objects.filter(pseudonym="Amina").exists()
    assert logged.get(url("participant", hidden.pk)).status_code == 403


def test_a_non_numeric_choice_is_a_form_error(logged, action):
    enrol(action, ParticipantFactory(pseudonym="Zoé"))
    response = add(logged, action, existing="1 OR 1=1")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Le choix de la personne à inscrire n'est pas valide."
    ]
    assert not Participant.objects.filter(pseudonym="Amina").exists()


# --- Her page ------------------------------------------------------------------------------


def test_her_page_edits_person_and_enrolment(logged, action):
    person = enrol(action, ParticipantFactory(pseudonym="Fatou"))
    response = logged.get(url("participant", person.pk))
    assert response.status_code == 200 and "Fatou" in response.content.decode()
    response = logged.post(
        url("participant", person.pk),
        {"form": "person", "pseudonym": "Fatou D.", "age_band": "40-54"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.pseudonym == "Fatou D." and person.age_band == "40-54"
    enrolment = person.enrolments.get()
    step = term("participation_ladder", "co_animateur")
    prefix = f"enrolment-{enrolment.pk}"
    response = logged.post(
        url("participant", person.pk),
        {
            "form": str(enrolment.pk),
            f"{prefix}-ladder_step": step.pk,
            f"{prefix}-joined_on": "2026-01-05",
            f"{prefix}-left_on": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert "Le départ ne peut pas précéder l" in response.content.decode()
    response = logged.post(
        url("participant", person.pk),
        {
            "form": str(enrolment.pk),
            f"{prefix}-ladder_step": step.pk,
            f"{prefix}-joined_on": "2026-01-05",
        },
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.ladder_step == step


def test_merge_page_refuses_with_the_conflicts_then_merges(logged, action):
    keep = enrol(action, ParticipantFactory(pseudonym="Amina", age_band="25-39"))
    duplicate = enrol(action, ParticipantFactory(pseudonym="amina", age_band=""))
    session = SessionFactory(action=action)
    Attendance.objects.create(session=session, participant=keep, status=Presence.PRESENT)
    Attendance.objects.create(session=session, participant=duplicate, status=Presence.ABSENT)
    response = logged.get(url("participant_merge", keep.pk))
    assert list(response.context["form"].fields["duplicate"].queryset) == [duplicate]
    response = logged.post(url("participant_merge", keep.pk), {"duplicate": duplicate.pk})
    assert response.status_code == 200
    assert "Fusion refusée" in response.content.decode()
    assert Participant.objects.filter(pk=duplicate.pk).exists()
    Attendance.objects.filter(participant=duplicate).update(status=Presence.PRESENT)
    response = logged.post(url("participant_merge", keep.pk), {"duplicate": duplicate.pk})
    assert response.status_code == 302
    assert not Participant.objects.filter(pk=duplicate.pk).exists()


def test_export_downloads_json(logged, action):
    person = enrol(action, ParticipantFactory(pseudonym="Fatou"))
    assert logged.get(url("participant_export", person.pk)).status_code == 405
    response = logged.post(url("participant_export", person.pk))
    assert response["Content-Disposition"] == f'attachment; filename="personne-{person.pk}.json"'
    assert json.loads(response.content)["pseudonym"] == "Fatou"


def test_erase_page_explains_then_erases(logged, action):
    person = enrol(action, ParticipantFactory(pseudonym="Fatou"))
    page = logged.get(url("participant_erase", person.pk)).content.decode()
    assert "sa tranche d'âge et sa commune" in page.replace("&#x27;", "'")
    response = logged.post(url("participant_erase", person.pk))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.erased_at is not None and "Fatou" not in person.pseudonym
    assert AuditEntry.objects.filter(action="erase_participant").exists()


# --- Eligibility tags ----------------------------------------------------------------------


def test_a_coordinator_creates_a_funders_tag(client, action):
    caf = OrganisationFactory(name="CAF du Nord")
    Funder.objects.create(action=action, organisation=caf, start_date=datetime.date(2026, 1, 1))
    coordinator = member(Role.COORDINATOR, action.organisation)
    client.force_login(coordinator)
    response = client.post(
        url("eligibility_tags"), {"organisation": caf.pk, "label": "Allocataire"}
    )
    assert response.status_code == 302
    assert EligibilityTag.objects.filter(organisation=caf, label="Allocataire").exists()
    page = client.get(url("eligibility_tags")).content.decode()
    assert "Allocataire" in page and "jamais une condition" in page


def test_a_professional_sees_tags_but_no_creation_form(logged, action):
    caf = OrganisationFactory()
    Funder.objects.create(action=action, organisation=caf)
    response = logged.post(url("eligibility_tags"), {"organisation": caf.pk, "label": "RSA"})
    assert response.status_code == 200
    assert not response.context["can_create"]
    assert not EligibilityTag.objects.exists()


def test_saving_her_page_keeps_tags_this_worker_is_not_offered(logged, action):
    person = enrol(action, ParticipantFactory(pseudonym="Fatou"))
    elsewhere = ActionFactory()
    msa = OrganisationFactory(name="MSA")
    Funder.objects.create(action=elsewhere, organisation=msa)
    tag = EligibilityTag.objects.create(organisation=msa, label="Ressortissant MSA")
    enrol(elsewhere, person).eligibility_tags.add(tag)
    response = logged.get(url("participant", person.pk))
    assert "Ressortissant MSA" not in response.content.decode()
    response = logged.post(
        url("participant", person.pk), {"form": "person", "pseudonym": "Fatou", "age_band": ""}
    )
    assert response.status_code == 302
    assert list(person.eligibility_tags.all()) == [tag]
