"""The participants API: the twin of the pages, with their rules — only the action's
professionals, duplicates proposed before creating, consent for a contact, merges without loss,
export and erasure on request — and no name in an error detail."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client

from maillage.actions.models import (
    Attendance,
    EligibilityTag,
    Enrolment,
    Funder,
    Participant,
    Partner,
    Presence,
    Referral,
)
from maillage.organisations.models import AuditEntry, Role
from maillage.organisations.tokens import create_api_token
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

BASE = "/api/v1/actions"
REFUSAL = (
    "Seuls les professionnels qui animent cette action voient les noms des personnes qui y "
    "participent. "
    "Les effectifs figurent dans le bilan de l'action."
)


def _send(client: Client, method: str, url: str, payload=None, headers: dict | None = None):
    if method == "get":
        return client.get(url, headers=headers or {})
    return getattr(client, method)(
        url,
        json.dumps(payload if payload is not None else {}),
        content_type="application/json",
        headers=headers or {},
    )


@pytest.fixture
def action():
    return ActionFactory()


@pytest.fixture
def worker(action):
    return facilitator(action)


@pytest.fixture
def api(client: Client, worker) -> Client:
    client.force_login(worker)
    return client


@pytest.fixture
def commune():
    return CommuneFactory(code="33063", name="Bordeaux")


@pytest.fixture
def caf_tag(action):
    caf = OrganisationFactory(name="CAF de la Gironde")
    Funder.objects.create(action=action, organisation=caf)
    return EligibilityTag.objects.create(organisation=caf, label="Allocataire CAF")


def _stranger_or_reader(action, who: str):
    if who == "coordinator":
        return member(Role.COORDINATOR, action.organisation)
    if who == "partner":
        partner = OrganisationFactory()
        Partner.objects.create(action=action, organisation=partner)
        action.shared_with.add(partner)
        return member(Role.PROFESSIONAL, partner)
    return member(Role.PROFESSIONAL)


# --- Listing -------------------------------------------------------------------------------


def test_the_list_shows_what_the_page_shows(api, action, commune, caf_tag):
    referrer = OrganisationFactory(name="CCAS de Bègles")
    person = enrol(
        action,
        ParticipantFactory(pseudonym="Fatou", age_band="40-54", commune=commune),
        referral=Referral.PARTNER,
        referred_by=referrer,
        ladder_step=term("participation_ladder", "co_animateur"),
    )
    person.eligibility_tags.add(caf_tag)
    held, other = SessionFactory(action=action), SessionFactory(action=action)
    Attendance.objects.create(session=held, participant=person, status=Presence.PRESENT)
    Attendance.objects.create(session=other, participant=person, status=Presence.ABSENT)
    # Her presence in another action is not counted here.
    elsewhere = enrol(ActionFactory(organisation=action.organisation), person)
    Attendance.objects.create(
        session=SessionFactory(action=elsewhere.enrolments.last().action),
        participant=person,
        status=Presence.PRESENT,
    )

    response = api.get(f"{BASE}/{action.pk}/participants")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"] == [
        {
            "id": person.pk,
            "pseudonym": "Fatou",
            "age_band": "40-54",
            "age_band_label": "40 à 54 ans",
            "commune": {"level": "commune", "code": "33063", "name": "Bordeaux"},
            "referral": "partner",
            "referral_label": "Orienté par un partenaire",
            "referred_by": {"id": referrer.pk, "name": "CCAS de Bègles"},
            "ladder_step": {
                "code": "co_animateur",
                "label": term("participation_ladder", "co_animateur").label,
            },
            "joined_on": action.start_date.isoformat(),
            "left_on": None,
            "eligibility_tags": [
                {"id": caf_tag.pk, "label": "Allocataire CAF", "funder": "CAF de la Gironde"}
            ],
            "sessions_attended": 1,
        }
    ]
    page = api.get(f"/actions/{action.pk}/participants/")
    assert page.context["enrolments"][0].sessions_attended == 1


def test_the_list_pages_with_a_constant_number_of_queries(
    api, action, caf_tag, django_assert_max_num_queries
):
    def add_people(count: int) -> None:
        for _ in range(count):
            person = enrol(action, ParticipantFactory(commune=CommuneFactory()))
            person.eligibility_tags.add(caf_tag)
            Attendance.objects.create(
                session=SessionFactory(action=action), participant=person, status=Presence.PRESENT
            )

    add_people(2)
    with django_assert_max_num_queries(10) as few:
        assert len(api.get(f"{BASE}/{action.pk}/participants").json()["results"]) == 2
    add_people(28)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = api.get(f"{BASE}/{action.pk}/participants?per_page=25&page=2").json()
    assert body["count"] == 30 and len(body["results"]) == 5


def test_those_who_left_come_last(api, action):
    gone = enrol(action, ParticipantFactory(pseudonym="Anne"), left_on=datetime.date(2026, 3, 1))
    here = enrol(action, ParticipantFactory(pseudonym="Zoé"))
    ids = [row["id"] for row in api.get(f"{BASE}/{action.pk}/participants").json()["results"]]
    assert ids == [here.pk, gone.pk]


@pytest.mark.parametrize("who", ["coordinator", "partner"])
def test_readers_of_the_action_are_refused_with_the_reason(client, action, who):
    person = enrol(action, ParticipantFactory(pseudonym="Fatou"))
    client.force_login(_stranger_or_reader(action, who))
    calls = [
        ("get", f"{BASE}/{action.pk}/participants", None),
        ("post", f"{BASE}/{action.pk}/participants", {"pseudonym": "Léa"}),
        ("get", f"{BASE}/participants/{person.pk}", None),
        ("patch", f"{BASE}/participants/{person.pk}", {"age_band": "18-24"}),
        ("patch", f"{BASE}/{action.pk}/participants/{person.pk}/enrolment", {"left_on": None}),
        ("get", f"{BASE}/participants/{person.pk}/export", None),
        ("post", f"{BASE}/participants/{person.pk}/erase", None),
        ("post", f"{BASE}/participants/{person.pk}/merge", {"duplicate_id": person.pk}),
    ]
    for method, url, payload in calls:
        response = _send(client, method, url, payload)
        assert response.status_code == 403, url
        assert response.json()["detail"] == REFUSAL
        assert "Fatou" not in response.content.decode()
    assert Participant.objects.count() == 1
    assert Participant.objects.get().pseudonym == "Fatou"


def test_strangers_get_404_whatever_exists(client, action):
    person = enrol(action, ParticipantFactory())
    client.force_login(_stranger_or_reader(action, "stranger"))
    assert client.get(f"{BASE}/{action.pk}/participants").status_code == 404
    missing = client.get(f"{BASE}/participants/{person.pk}")
    assert missing.status_code == 404
    assert client.get(f"{BASE}/participants/{person.pk + 1000}").json() == missing.json()


def test_a_professional_of_another_action_is_refused(client, action):
    person = enrol(action, ParticipantFactory())
    client.force_login(facilitator(ActionFactory(organisation=action.organisation)))
    assert client.get(f"{BASE}/{action.pk}/participants").status_code == 403
    assert client.get(f"{BASE}/participants/{person.pk}").status_code == 403


def test_anonymous_callers_get_401(client, action):
    assert client.get(f"{BASE}/{action.pk}/participants").status_code == 401


def test_participant_paths_are_not_taken_by_action_routes(api, action, worker):
    # An action and a person with the same number: each path reaches its own resource.
    person = Participant.objects.create(pk=action.pk, pseudonym="Fatou", created_by=worker)
    enrol(action, person)
    response = api.get(f"{BASE}/participants/{action.pk}")
    assert response.status_code == 200
    assert response.json()["pseudonym"] == "Fatou"
    assert api.get(f"{BASE}/{action.pk}").json()["title"] == action.title
    assert api.get(f"{BASE}/participants").status_code == 404


# --- Creating, the duplicate flow ----------------------------------------------------------


def test_create_and_enrol(api, action, worker, commune, caf_tag):
    referrer = OrganisationFactory()
    response = _send(
        api,
        "post",
        f"{BASE}/{action.pk}/participants",
        {
            "pseudonym": "  Amina  ",
            "age_band": "25-39",
            "commune": {"level": "commune", "code": "33063"},
            "contact": "06 12 34 56 78",
            "contact_consent": True,
            "eligibility_tags": [caf_tag.pk],
            "referral": "professional",
            "referred_by": referrer.pk,
            "ladder_step": "observateur",
            "joined_on": "2026-01-02",
        },
    )
    assert response.status_code == 201
    row = response.json()
    person = Participant.objects.get()
    assert row["id"] == person.pk and row["pseudonym"] == "Amina"
    assert row["ladder_step"]["code"] == "observateur"
    assert row["joined_on"] == "2026-01-02" and row["sessions_attended"] == 0
    assert person.contact_consent_at is not None and person.contact_consent_by == worker
    assert list(person.eligibility_tags.all()) == [caf_tag]
    assert AuditEntry.objects.filter(action="create_participant", actor=worker).exists()


def test_a_token_works_as_well_as_a_session(client, action, worker):
    _token, key = create_api_token(actor=worker, name="application du centre social")
    response = _send(
        client,
        "post",
        f"{BASE}/{action.pk}/participants",
        {"pseudonym": "Amina"},
        {"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201


@pytest.fixture
def known(action, worker, commune):
    """Someone already in another action of the carrier."""
    other = ActionFactory(organisation=action.organisation)
    return enrol(
        other,
        ParticipantFactory(
            pseudonym="Amélie", age_band="25-39", commune=commune, contact="", created_by=worker
        ),
    )


def test_a_possible_duplicate_answers_409_with_minimal_candidates(api, action, known):
    response = _send(
        api,
        "post",
        f"{BASE}/{action.pk}/participants",
        {"pseudonym": "amelie", "age_band": "25-39", "contact": "", "ladder_step": "participant"},
    )
    assert response.status_code == 409
    body = response.json()
    assert "Amélie" not in body["detail"] and "participant_id" in body["detail"]
    assert body["candidates"] == [
        {
            "id": known.pk,
            "pseudonym": "Amélie",
            "age_band": "25-39",
            "age_band_label": "25 à 39 ans",
            "commune": {"level": "commune", "code": "33063", "name": "Bordeaux"},
        }
    ]
    assert Participant.objects.count() == 1
    assert not Enrolment.objects.filter(action=action).exists()


def test_a_confirmed_other_person_is_created(api, action, known):
    response = _send(
        api,
        "post",
        f"{BASE}/{action.pk}/participants",
        {"pseudonym": "amelie", "allow_duplicate": True},
    )
    assert response.status_code == 201
    assert response.json()["id"] != known.pk
    assert Participant.objects.count() == 2


def test_the_candidate_is_enrolled_instead(api, action, known):
    response = _send(
        api,
        "post",
        f"{BASE}/{action.pk}/participants",
        {
            "participant_id": known.pk,
            "pseudonym": "amelie",
            "age_band": "25-39",
            "ladder_step": "participant",
            "referral": "self",
        },
    )
    assert response.status_code == 201
    assert response.json()["id"] == known.pk
    assert response.json()["ladder_step"]["code"] == "participant"
    assert Participant.objects.count() == 1
    assert Enrolment.objects.get(action=action).participant == known
    again = _send(
        api,
        "post",
        f"{BASE}/{action.pk}/participants",
        {"participant_id": known.pk, "pseudonym": "Amélie"},
    )
    assert again.status_code == 422
    assert again.json()["errors"]["participant"] == [
        "Cette personne est déjà inscrite à cette action."
    ]


def test_enrolling_by_id_reads_only_the_identity_and_the_enrolment(api, action, known):
    for extra, fields in (
        ({"pseudonym": "Amélie", "contact": "06 00 00 00 00"}, ["contact"]),
        ({"pseudonym": "Amélie", "allow_duplicate": True}, ["allow_duplicate"]),
        ({}, ["pseudonym"]),
    ):
        response = _send(
            api, "post", f"{BASE}/{action.pk}/participants", {"participant_id": known.pk, **extra}
        )
        assert response.status_code == 422
        assert sorted(response.json()["errors"]) == fields
    assert not Enrolment.objects.filter(action=action).exists()


def test_an_identifier_not_among_the_matches_of_the_identity_reveals_nothing(
    api, action, known, commune
):
    foreign = enrol(ActionFactory(), ParticipantFactory(pseudonym="Amélie"))
    elsewhere = CommuneFactory(code="69123", name="Lyon")
    answers = [
        _send(api, "post", f"{BASE}/{action.pk}/participants", {"participant_id": pk, **identity})
        for pk, identity in (
            (foreign.pk, {"pseudonym": "Amélie"}),
            (foreign.pk + 1000, {"pseudonym": "Amélie"}),
            (known.pk, {"pseudonym": "Autre"}),
            (known.pk, {"pseudonym": "Amélie", "age_band": "65-79"}),
            (known.pk, {"pseudonym": "Amélie", "commune": {"level": "commune", "code": "69123"}}),
        )
    ]
    assert elsewhere.pk != commune.pk
    assert [answer.status_code for answer in answers] == [403] * 5
    assert all(answer.json() == answers[0].json() for answer in answers)
    assert answers[0].json()["detail"] == "Cette personne n'est pas connue de vos organisations."
    assert not Enrolment.objects.filter(action=action).exists()
    assert _send(api, "get", f"{BASE}/participants/{foreign.pk}").status_code in (403, 404)


def test_a_non_numeric_identifier_is_a_validation_error(api, action, known):
    response = _send(
        api,
        "post",
        f"{BASE}/{action.pk}/participants",
        {"participant_id": "1 OR 1=1", "pseudonym": "Amélie"},
    )
    assert response.status_code == 422
    assert "participant_id" in response.json()["errors"]
    assert not Enrolment.objects.filter(action=action).exists()


def test_unknown_codes_are_refused_by_field_and_nothing_is_written(api, action):
    response = _send(
        api,
        "post",
        f"{BASE}/{action.pk}/participants",
        {
            "pseudonym": "Amina",
            "commune": {"level": "commune", "code": "99999"},
            "ladder_step": "chef",
            "referred_by": 999999,
            "eligibility_tags": [999999],
        },
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {
        "commune",
        "ladder_step",
        "referred_by",
        "eligibility_tags",
    }
    assert not Participant.objects.exists()


def test_bad_values_are_refused_in_french(api, action):
    response = _send(
        api, "post", f"{BASE}/{action.pk}/participants", {"pseudonym": " ", "age_band": "12"}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["pseudonym"] == ["Indiquez un prénom ou un pseudonyme."]
    assert errors["age_band"] == ["Choisissez une tranche d'âge de la liste."]


# --- Consent -------------------------------------------------------------------------------


def test_a_contact_without_consent_is_refused_on_creation(api, action):
    response = _send(
        api,
        "post",
        f"{BASE}/{action.pk}/participants",
        {"pseudonym": "Amina", "contact": "amina@example.org"},
    )
    assert response.status_code == 422
    assert "accord de la personne" in response.json()["errors"]["contact"][0]
    assert "amina@example.org" not in response.content.decode()
    assert not Participant.objects.exists()


@pytest.fixture
def person(action, worker):
    return enrol(action, ParticipantFactory(pseudonym="Yasmina", created_by=worker))


def test_a_contact_added_later_needs_consent(api, person):
    url = f"{BASE}/participants/{person.pk}"
    refused = _send(api, "patch", url, {"contact": "06 00 00 00 00"})
    assert refused.status_code == 422 and "contact" in refused.json()["errors"]
    person.refresh_from_db()
    assert person.contact == ""
    accepted = _send(api, "patch", url, {"contact": "06 00 00 00 00", "contact_consent": True})
    assert accepted.status_code == 200
    assert accepted.json()["contact"] == "06 00 00 00 00"
    assert accepted.json()["contact_consent_at"] is not None
    withdrawn = _send(api, "patch", url, {"contact_consent": False})
    assert withdrawn.status_code == 422
    cleared = _send(api, "patch", url, {"contact": "", "contact_consent": False})
    assert cleared.json()["contact"] == "" and cleared.json()["contact_consent_at"] is None


# --- Reading and changing one person -------------------------------------------------------


def test_get_one_person_with_her_enrolments_in_my_actions(api, action, person, worker):
    Attendance.objects.create(
        session=SessionFactory(action=action), participant=person, status=Presence.PRESENT
    )
    enrol(ActionFactory(organisation=action.organisation), person)  # not run by this worker
    body = api.get(f"{BASE}/participants/{person.pk}").json()
    assert body["pseudonym"] == "Yasmina" and body["erased_at"] is None
    assert [enrolment["action"]["id"] for enrolment in body["enrolments"]] == [action.pk]
    assert body["enrolments"][0]["sessions_attended"] == 1


def test_get_one_person_in_a_few_queries(api, action, person, django_assert_max_num_queries):
    for _ in range(5):
        other = ActionFactory(organisation=action.organisation)
        facilitator(other, person.created_by)
        enrol(other, person)
    with django_assert_max_num_queries(10):
        assert len(api.get(f"{BASE}/participants/{person.pk}").json()["enrolments"]) == 6


def test_patch_changes_only_what_is_sent_and_is_audited(api, person, worker, commune, caf_tag):
    response = _send(
        api,
        "patch",
        f"{BASE}/participants/{person.pk}",
        {
            "age_band": "55-64",
            "commune": {"level": "commune", "code": "33063"},
            "eligibility_tags": [caf_tag.pk],
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["pseudonym"] == "Yasmina" and body["age_band"] == "55-64"
    assert body["commune"]["name"] == "Bordeaux"
    assert [tag["label"] for tag in body["eligibility_tags"]] == ["Allocataire CAF"]
    entry = AuditEntry.objects.get(action="update_participant", object_id=str(person.pk))
    assert entry.actor == worker


def test_update_enrolment(api, action, person, worker):
    url = f"{BASE}/{action.pk}/participants/{person.pk}/enrolment"
    response = _send(
        api,
        "patch",
        url,
        {
            "ladder_step": "comite_d_usagers",
            "referral": "individual_follow_up",
            "left_on": "2026-06-30",
        },
    )
    assert response.status_code == 200
    assert response.json()["ladder_step"]["code"] == "comite_d_usagers"
    assert response.json()["left_on"] == "2026-06-30"
    enrolment = Enrolment.objects.get(action=action, participant=person)
    assert enrolment.referral == Referral.INDIVIDUAL_FOLLOW_UP
    assert AuditEntry.objects.filter(action="update_enrolment", actor=worker).exists()
    back = _send(api, "patch", url, {"left_on": None})
    assert back.json()["left_on"] is None


def test_update_enrolment_refuses_bad_dates_and_unknown_people(api, action, person):
    url = f"{BASE}/{action.pk}/participants/{person.pk}/enrolment"
    refused = _send(api, "patch", url, {"left_on": "2025-12-01"})
    assert refused.status_code == 422
    assert refused.json()["errors"]["left_on"] == ["Le départ ne peut pas précéder l'arrivée."]
    assert Enrolment.objects.get(participant=person).left_on is None
    stranger = enrol(ActionFactory(), ParticipantFactory())
    missing = _send(
        api, "patch", f"{BASE}/{action.pk}/participants/{stranger.pk}/enrolment", {"left_on": None}
    )
    assert missing.status_code == 404


# --- Merging -------------------------------------------------------------------------------


def test_merge_brings_the_duplicate_in(api, action, person, worker, commune):
    duplicate = enrol(
        ActionFactory(organisation=action.organisation),
        ParticipantFactory(pseudonym="yasmina", age_band="", commune=commune, created_by=worker),
    )
    response = _send(
        api, "post", f"{BASE}/participants/{person.pk}/merge", {"duplicate_id": duplicate.pk}
    )
    assert response.status_code == 200
    assert response.json()["commune"]["code"] == "33063"
    assert not Participant.objects.filter(pk=duplicate.pk).exists()
    assert person.enrolments.count() == 2


def test_a_merge_that_would_lose_data_is_refused_and_changes_nothing(api, action, person, worker):
    Participant.objects.filter(pk=person.pk).update(age_band="25-39")
    duplicate = enrol(
        action,
        ParticipantFactory(pseudonym="Yasmine", age_band="40-54", created_by=worker),
    )
    session = SessionFactory(action=action)
    Attendance.objects.create(session=session, participant=person, status=Presence.PRESENT)
    Attendance.objects.create(session=session, participant=duplicate, status=Presence.ABSENT)

    def state():
        return (
            list(Participant.objects.order_by("pk").values_list("pk", "pseudonym", "age_band")),
            list(Enrolment.objects.order_by("pk").values_list("pk", "participant_id")),
            list(Attendance.objects.order_by("pk").values_list("pk", "participant_id", "status")),
            AuditEntry.objects.count(),
        )

    before = state()
    response = _send(
        api, "post", f"{BASE}/participants/{person.pk}/merge", {"duplicate_id": duplicate.pk}
    )
    assert response.status_code == 422
    body = response.json()
    assert "La fusion effacerait des informations" in body["detail"]
    assert "Yasmin" not in body["detail"]
    conflicts = body["errors"]["conflicts"]
    assert any("Yasmina" in item and "Yasmine" in item for item in conflicts)
    assert any("tranche d'âge" in item for item in conflicts)
    assert any("séance du 05/01/2026" in item for item in conflicts)
    assert state() == before


def test_a_merge_needs_a_duplicate_this_worker_manages(api, action, person):
    foreign = enrol(ActionFactory(), ParticipantFactory(pseudonym="Yasmina"))
    for pk in (foreign.pk, person.pk + 1000):
        response = _send(
            api, "post", f"{BASE}/participants/{person.pk}/merge", {"duplicate_id": pk}
        )
        assert response.status_code == 422
        assert "duplicate_id" in response.json()["errors"]
    same = _send(api, "post", f"{BASE}/participants/{person.pk}/merge", {"duplicate_id": person.pk})
    assert same.status_code == 422
    assert same.json()["detail"] == "Choisissez deux fiches différentes."
    assert Participant.objects.count() == 2


# --- Right of access and erasure -----------------------------------------------------------


def test_export_holds_her_data_and_is_audited(api, action, person, worker):
    Attendance.objects.create(
        session=SessionFactory(action=action), participant=person, status=Presence.PRESENT
    )
    response = api.get(f"{BASE}/participants/{person.pk}/export")
    assert response.status_code == 200
    data = response.json()
    assert data["pseudonym"] == "Yasmina"
    assert [item["action"] for item in data["enrolments"]] == [action.title]
    assert data["attendance"][0]["status"] == "Présent"
    assert AuditEntry.objects.filter(
        action="export_participant", object_id=str(person.pk), actor=worker
    ).exists()


def test_erasure_through_the_api(api, action, person):
    Participant.objects.filter(pk=person.pk).update(
        contact="yasmina@example.org", contact_consent_at=datetime.datetime.now(datetime.UTC)
    )
    session = SessionFactory(action=action)
    Attendance.objects.create(session=session, participant=person, status=Presence.PRESENT)

    response = _send(api, "post", f"{BASE}/participants/{person.pk}/erase")

    assert response.status_code == 200
    body = response.json()
    assert body["pseudonym"] == f"Personne effacée n° {person.pk}"
    assert body["contact"] == "" and body["erased_at"] is not None
    assert Attendance.objects.filter(participant=person, status=Presence.PRESENT).count() == 1
    listed = api.get(f"{BASE}/{action.pk}/participants").json()["results"][0]
    assert listed["pseudonym"] == f"Personne effacée n° {person.pk}"
    assert listed["sessions_attended"] == 1
    assert "Yasmina" not in api.get(f"{BASE}/participants/{person.pk}/export").content.decode()
    again = _send(api, "post", f"{BASE}/participants/{person.pk}/erase")
    assert again.status_code == 422
    changed = _send(api, "patch", f"{BASE}/participants/{person.pk}", {"pseudonym": "Yasmina"})
    assert changed.status_code == 422
    assert Participant.objects.get(pk=person.pk).pseudonym == f"Personne effacée n° {person.pk}"
