from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.actions.models import Activity, Facilitator, TimeEntry
from maillage.organisations.models import Role
from tests.actions.factories import (
    ActionFactory,
    SessionFactory,
    TimeEntryFactory,
    facilitator,
    running_action,
)
from tests.organisations.factories import OrganisationFactory, UserFactory, member
from tests.practices.factories import term
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_quick_form_with_a_preset_records_time_today_by_default() -> None:
    action = running_action()
    worker = facilitator(action)
    client = _client(worker)
    page = client.get(reverse("actions:time", args=[action.pk]))
    assert page.status_code == 200
    assert page.context["form"]["date"].value() == timezone.localdate()

    response = client.post(
        reverse("actions:time", args=[action.pk]),
        {
            "date": timezone.localdate().isoformat(),
            "preset": "120",
            "activity": Activity.FACILITATION,
            "phase": term("phase", "mise_en_oeuvre").pk,
        },
    )

    assert response.status_code == 302
    entry = TimeEntry.objects.get()
    assert (entry.user, entry.minutes, entry.phase.code) == (worker, 120, "mise_en_oeuvre")
    page = client.get(reverse("actions:time", args=[action.pk]))
    assert "2 h" in page.content.decode()


def test_hours_and_minutes_replace_the_preset_and_errors_show_in_french() -> None:
    action = running_action()
    worker = facilitator(action)
    client = _client(worker)
    url = reverse("actions:time", args=[action.pk])
    data = {"date": timezone.localdate().isoformat(), "activity": Activity.WRITING}

    client.post(url, {**data, "preset": "30", "hours": "1", "extra_minutes": "15"})
    assert TimeEntry.objects.get().minutes == 75

    response = client.post(url, {**data, "hours": "0", "extra_minutes": "0"})
    assert response.status_code == 200
    assert "La durée doit être d&#x27;au moins une minute." in response.content.decode()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url, {**data, "preset": "60", "date": tomorrow.isoformat()})
    assert "La date ne peut pas être dans le futur." in response.content.decode()
    response = client.post(url, {"date": data["date"], "activity": Activity.WRITING})
    assert "Choisissez une durée" in response.content.decode()
    assert TimeEntry.objects.count() == 1


def test_a_facilitator_types_a_cofacilitators_time() -> None:
    action = running_action()
    worker = facilitator(action)
    colleague = facilitator(action)
    _client(worker).post(
        reverse("actions:time", args=[action.pk]),
        {
            "user": colleague.pk,
            "date": timezone.localdate().isoformat(),
            "preset": "60",
            "activity": Activity.PARTNERSHIP,
        },
    )
    assert TimeEntry.objects.get().user == colleague


def test_readers_see_time_but_cannot_post_and_strangers_get_404() -> None:
    action = running_action()
    partner = OrganisationFactory()
    action.shared_with.add(partner)
    reader = member(Role.PROFESSIONAL, partner)
    url = reverse("actions:time", args=[action.pk])
    page = _client(reader).get(url)
    assert page.status_code == 200 and page.context["form"] is None
    refused = _client(reader).post(
        url, {"date": timezone.localdate().isoformat(), "preset": "60", "activity": "writing"}
    )
    assert refused.status_code == 403
    assert _client(member(Role.PROFESSIONAL)).get(url).status_code == 404
    assert not TimeEntry.objects.exists()


def test_action_time_page_query_count_does_not_grow_with_entries(
    django_assert_max_num_queries,
) -> None:
    action = running_action()
    worker = facilitator(action)
    client = _client(worker)
    TimeEntryFactory.create_batch(3, action=action)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("actions:time", args=[action.pk]))
    TimeEntryFactory.create_batch(20, action=action, phase=term("phase", "evaluation"))
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("actions:time", args=[action.pk]))


def test_session_page_proposes_lines_and_confirms_them_in_one_post() -> None:
    action = running_action()
    worker = facilitator(action)
    colleague = facilitator(action)
    session = SessionFactory(action=action, date=timezone.localdate(), duration_minutes=90)
    url = reverse("actions:session_time", args=[action.pk, session.pk])
    client = _client(worker)

    page = client.get(url)
    formset = page.context["formset"]
    assert [form.initial["minutes"] for form in formset] == [90, 0, 90, 0]
    data = {
        "form-TOTAL_FORMS": "4",
        "form-INITIAL_FORMS": "4",
        **{
            f"form-{i}-{name}": value
            for i, form in enumerate(formset)
            for name, value in form.initial.items()
        },
    }
    data["form-1-minutes"] = "30"
    response = client.post(url, data)

    assert response.status_code == 302
    assert sorted(
        TimeEntry.objects.filter(session=session).values_list("user_id", "minutes")
    ) == sorted([(worker.pk, 90), (worker.pk, 30), (colleague.pk, 90)])
    # What is recorded is no longer proposed: only the colleague's preparation remains.
    rows = client.get(url).context["rows"]
    assert [(form.initial["activity"], proposal.user) for form, proposal in rows] == [
        ("preparation", colleague)
    ]


def test_session_page_offers_a_non_facilitator_editor_nothing() -> None:
    action = running_action()
    facilitator(action)
    session = SessionFactory(action=action, date=timezone.localdate())
    coordinator = member(Role.COORDINATOR, action.organisation)
    page = _client(coordinator).get(reverse("actions:session_time", args=[action.pk, session.pk]))
    assert page.status_code == 200 and page.context["rows"] == []


def test_delete_entry_from_the_page() -> None:
    action = running_action()
    worker = facilitator(action)
    entry = TimeEntryFactory(action=action, user=worker)
    stranger = member(Role.PROFESSIONAL)
    url = reverse("actions:time_entry_delete", args=[entry.pk])
    assert _client(stranger).post(url).status_code == 404
    assert _client(worker).post(url).status_code == 302
    assert not TimeEntry.objects.exists()


@pytest.fixture
def departement():
    """A coordinator's département with one action of hers, one action elsewhere."""
    nord = CommuneFactory().departement
    coordinated = OrganisationFactory(name="Conseil départemental du Nord")
    coordinated.territories.add(nord)
    commune = CommuneFactory(departement=nord)
    inside = ActionFactory(territories=[commune], title="Dans le Nord")
    outside = ActionFactory(title="Ailleurs")
    worker = facilitator(inside)
    facilitator(outside, worker)
    TimeEntryFactory(action=inside, user=worker, minutes=120, date=datetime.date(2026, 3, 3))
    TimeEntryFactory(action=outside, user=worker, minutes=60, date=datetime.date(2026, 4, 3))
    TimeEntryFactory(action=outside, minutes=600, date=datetime.date(2026, 4, 3))
    return {
        "coordinator": member(Role.COORDINATOR, coordinated),
        "worker": worker,
        "inside": inside,
        "outside": outside,
    }


def _charts(page) -> dict[str, dict[str, int]]:
    return {by: {row.label: row.minutes for row in rows} for by, _, rows in page.context["charts"]}


def test_a_professional_sees_only_her_own_time(departement) -> None:
    page = _client(departement["worker"]).get(reverse("actions:time_dashboard"))
    charts = _charts(page)
    assert not page.context["steering"]
    assert set(charts) == {"month", "action", "activity"}
    assert charts["action"] == {"Dans le Nord": 120, "Ailleurs": 60}
    assert "user" not in charts


def test_a_coordinator_sees_the_time_given_in_her_area_per_person(departement) -> None:
    page = _client(departement["coordinator"]).get(reverse("actions:time_dashboard"))
    charts = _charts(page)
    assert page.context["steering"]
    assert charts["user"] == {departement["worker"].display_name: 120}
    assert sum(charts["month"].values()) == 120
    assert set(charts) == {"month", "user", "team", "organisation", "territory"}
    assert "Temps par territoire" in page.content.decode()


def test_dashboard_period_and_organisation_filters(departement) -> None:
    admin = UserFactory(is_national_admin=True)
    client = _client(admin)
    url = reverse("actions:time_dashboard")
    assert sum(_charts(client.get(url))["month"].values()) == 780
    assert sum(_charts(client.get(url, {"start": "2026-04-01"}))["month"].values()) == 660
    inside_org = departement["inside"].organisation.pk
    filtered = client.get(url, {"organisation": inside_org})
    assert sum(_charts(filtered)["month"].values()) == 120


def test_dashboard_query_count_is_bounded(departement, django_assert_max_num_queries) -> None:
    client = _client(departement["coordinator"])
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("actions:time_dashboard"))
    for _ in range(5):
        action = ActionFactory(organisation=departement["inside"].organisation)
        TimeEntryFactory.create_batch(3, action=action)
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("actions:time_dashboard"))


def test_anonymous_visitors_are_sent_to_login() -> None:
    response = Client().get(reverse("actions:time_dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_facilitator_choice_lists_cofacilitators_with_an_account() -> None:
    action = running_action()
    worker = facilitator(action)
    colleague = facilitator(action)
    Facilitator.objects.create(action=action, name="Psychologue sans compte")
    form = _client(worker).get(reverse("actions:time", args=[action.pk])).context["form"]
    assert [value for value, _ in form.fields["user"].choices] == [worker.pk, colleague.pk]


def test_a_coordinator_also_sees_her_own_time(departement) -> None:
    coordinator = departement["coordinator"]
    TimeEntryFactory(action=departement["inside"], user=coordinator, minutes=45)
    page = _client(coordinator).get(reverse("actions:time_dashboard"), {"vue": "moi"})
    assert not page.context["steering"] and page.context["can_steer"]
    assert _charts(page)["action"] == {"Dans le Nord": 45}
