"""The pages of the action: list, create, detail, edit, objectives, team, phases."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from maillage.actions.models import CollectiveAction, SessionStatus
from maillage.actions.operations import actions as operations
from maillage.organisations.models import Role
from tests.actions.factories import (
    ActionFactory,
    ParticipantFactory,
    SessionFactory,
    enrol,
    facilitator,
)
from tests.organisations.factories import OrganisationFactory, member
from tests.practices.factories import term
from tests.territories.factories import CommuneFactory, DepartementFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_create_an_action_through_the_form():
    organisation = OrganisationFactory()
    worker = member(Role.PROFESSIONAL, organisation)
    commune = CommuneFactory(name="Lille")
    client = _client(worker)
    page = client.get(reverse("actions:create"))
    assert page.status_code == 200
    assert "Nouvelle action collective" in page.content.decode()
    response = client.post(
        reverse("actions:create"),
        {
            "organisation": organisation.pk,
            "title": "Groupe de parents de Fives",
            "isic_form": term("isic_form", "travail_social_de_groupe").pk,
            "isic_subtype": term("isic_form", "groupe_d_interet").pk,
            "publics": [term("public", "familles_et_parents").pk],
            "territories": [commune.pk],
            "group_kind": "closed",
            "expected_participants": "10",
            "start_date": "2026-01-05",
            "end_date": "2026-06-30",
            "status": "preparation",
        },
    )
    action = CollectiveAction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("actions:detail", args=[action.pk])
    assert action.facilitators.get().user == worker
    detail = client.get(response["Location"]).content.decode()
    assert "Groupe de parents de Fives" in detail
    assert 'aria-current="page"' in detail
    assert reverse("actions:participants", args=[action.pk]) in detail


def test_create_form_shows_the_operation_refusals_beside_the_fields():
    organisation = OrganisationFactory()
    worker = member(Role.PROFESSIONAL, organisation)
    response = _client(worker).post(
        reverse("actions:create"),
        {
            "organisation": organisation.pk,
            "title": "Groupe",
            "isic_form": term("isic_form", "travail_social_de_groupe").pk,
            "isic_subtype": term("isic_form", "communaute_geographique").pk,
            "territories": [CommuneFactory().pk],
            "group_kind": "closed",
            "start_date": "2026-01-05",
            "planned_withdrawal": "2025-01-01",
            "status": "preparation",
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "n&#x27;appartient pas à la forme" in content
    assert "pendant l&#x27;action" in content
    assert not CollectiveAction.objects.exists()


def test_partner_reads_but_cannot_edit_and_stranger_gets_404():
    action = ActionFactory()
    worker = facilitator(action)
    partner_org = OrganisationFactory()
    operations.set_partners(actor=worker, action=action, partners=[(partner_org, "Salle")])
    reader = _client(member(Role.PROFESSIONAL, partner_org))
    detail = reader.get(reverse("actions:detail", args=[action.pk]))
    assert detail.status_code == 200
    content = detail.content.decode()
    assert reverse("actions:edit", args=[action.pk]) not in content
    assert reverse("actions:participants", args=[action.pk]) not in content
    assert reader.get(reverse("actions:edit", args=[action.pk])).status_code == 403
    refused = reader.post(reverse("actions:team", args=[action.pk]), {})
    assert refused.status_code == 403
    assert "co-animateurs" in refused.content.decode()
    assert reader.get(reverse("actions:team", args=[action.pk])).status_code == 200
    stranger = _client(member(Role.PROFESSIONAL))
    for name in ("detail", "edit", "objectives", "team", "phases"):
        assert stranger.get(reverse(f"actions:{name}", args=[action.pk])).status_code == 404


def test_coordinator_of_the_departement_sees_the_action_in_the_list():
    departement = DepartementFactory()
    commune = CommuneFactory(departement=departement, region=departement.region)
    action = ActionFactory(territories=[commune], title="Jardin partagé")
    ActionFactory(title="Ailleurs")
    council = OrganisationFactory(kind="conseil_departemental")
    council.territories.add(departement)
    coordinator = member(Role.COORDINATOR, council)
    content = _client(coordinator).get(reverse("actions:list")).content.decode()
    assert "Jardin partagé" in content
    assert "Ailleurs" not in content
    detail = _client(coordinator).get(reverse("actions:detail", args=[action.pk]))
    assert reverse("actions:participants", args=[action.pk]) not in detail.content.decode()


def test_list_shows_figures_with_a_constant_number_of_queries(django_assert_max_num_queries):
    organisation = OrganisationFactory()
    worker = member(Role.PROFESSIONAL, organisation)
    client = _client(worker)

    def build(count):
        for _number in range(count):
            action = ActionFactory(organisation=organisation, territories=[CommuneFactory()])
            enrol(action, ParticipantFactory())
            enrol(action, ParticipantFactory())
            SessionFactory(action=action, status=SessionStatus.HELD)
            SessionFactory(action=action)

    build(1)
    client.get(reverse("actions:list"))  # warm the référentiel and session caches
    with django_assert_max_num_queries(30) as one:
        response = client.get(reverse("actions:list"))
    assert "2 participants" in response.content.decode()
    assert "1 séance tenue" in response.content.decode()
    build(9)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("actions:list"))
    assert response.content.decode().count("2 participants") == 10


def test_list_filters():
    organisation = OrganisationFactory()
    worker = member(Role.PROFESSIONAL, organisation)
    ActionFactory(organisation=organisation, title="Jardin", group_name="Les Potagers")
    ActionFactory(
        organisation=organisation,
        title="Forum",
        isic_form=term("isic_form", "developpement_social_local"),
        status="active",
    )
    client = _client(worker)

    def titles(**query):
        content = client.get(reverse("actions:list"), query).content.decode()
        return [title for title in ("Jardin", "Forum") if f">{title}</a>" in content]

    assert titles() == ["Jardin", "Forum"] or titles() == ["Forum", "Jardin"]
    assert titles(q="potager") == ["Jardin"]
    assert titles(status="active") == ["Forum"]
    assert titles(isic_form=term("isic_form", "developpement_social_local").pk) == ["Forum"]
    assert titles(organisation=organisation.pk) in (["Jardin", "Forum"], ["Forum", "Jardin"])
    # An unknown choice shows the error and no action, rather than all of them unfiltered.
    assert titles(organisation=OrganisationFactory().pk) == []


def test_objectives_formset_parses_indicators():
    action = ActionFactory()
    worker = facilitator(action)
    client = _client(worker)
    url = reverse("actions:objectives", args=[action.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "objectives-TOTAL_FORMS": "1",
            "objectives-INITIAL_FORMS": "0",
            "objectives-MIN_NUM_FORMS": "0",
            "objectives-MAX_NUM_FORMS": "30",
            "objectives-0-statement": "Rompre l'isolement",
            "objectives-0-agreed_by": "Le groupe",
            "objectives-0-agreed_on": "2026-01-12",
            "objectives-0-indicators": "Présents par séance | 8\nEntraide | visible\n"
            "Sorties | 3 | qualitatif",
        },
    )
    assert response.status_code == 302
    objective = action.objectives.get()
    assert [(i.label, i.target, i.kind) for i in objective.indicators.order_by("pk")] == [
        ("Présents par séance", "8", "quantitative"),
        ("Entraide", "visible", "qualitative"),
        ("Sorties", "3", "qualitative"),
    ]
    page = client.get(url).content.decode()
    assert "Sorties | 3 | qualitatif" in page
    bad = client.post(
        url,
        {
            "objectives-TOTAL_FORMS": "1",
            "objectives-INITIAL_FORMS": "0",
            "objectives-MIN_NUM_FORMS": "0",
            "objectives-MAX_NUM_FORMS": "30",
            "objectives-0-statement": "Autre",
            "objectives-0-indicators": "a | b | c | d",
        },
    )
    assert bad.status_code == 200
    assert "Ligne 1" in bad.content.decode()
    assert action.objectives.get().statement == "Rompre l'isolement"


def _team_data(**rows):
    data = {}
    for prefix in ("facilitators", "partners", "funders"):
        forms = rows.get(prefix, [])
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(forms)),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "50",
        }
        for index, form in enumerate(forms):
            data |= {f"{prefix}-{index}-{key}": value for key, value in form.items()}
    return data


def test_team_page_saves_all_three_lists_or_nothing():
    action = ActionFactory()
    worker = facilitator(action)
    caf = OrganisationFactory(name="CAF du Nord")
    client = _client(worker)
    url = reverse("actions:team", args=[action.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        _team_data(
            facilitators=[
                {"user": worker.pk, "function": "ESF"},
                {"name": "Mme Durand", "function": "Psychologue"},
            ],
            partners=[{"organisation": caf.pk, "role": "Oriente des familles"}],
            funders=[{"organisation": caf.pk, "amount": "4500", "conditions": "Allocataires"}],
        ),
    )
    assert response.status_code == 302
    assert action.facilitators.count() == 2
    assert list(action.shared_with.all()) == [caf]
    assert action.funders.get().amount == 4500
    refused = client.post(
        url,
        _team_data(
            facilitators=[{"user": worker.pk}],
            partners=[{"organisation": action.organisation.pk}],
            funders=[],
        ),
    )
    assert refused.status_code == 200
    assert "Rien n'a été enregistré" in refused.content.decode()
    assert "porte l&#x27;action" in refused.content.decode()
    assert action.facilitators.count() == 2
    assert action.funders.count() == 1


def test_phases_page_records_the_next_phase():
    action = ActionFactory()
    worker = facilitator(action)
    client = _client(worker)
    url = reverse("actions:phases", args=[action.pk])
    response = client.post(
        url,
        {
            "phase": term("phase", "mobilisation").pk,
            "start_date": "2026-02-01",
            "decisions": "Réunion publique le 3 février",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("actions:detail", args=[action.pk])).content.decode()
    assert "Réunion publique le 3 février" in page
    assert "Capitaliser" in page
    again = client.post(
        url, {"phase": term("phase", "mise_en_oeuvre").pk, "start_date": "2026-01-01"}
    )
    assert "avant la précédente" in again.content.decode()


def test_edit_page_updates_the_action():
    action = ActionFactory()
    worker = facilitator(action)
    client = _client(worker)
    url = reverse("actions:edit", args=[action.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("publics", "themes", "territories")
    }
    data |= {
        "isic_form": action.isic_form.pk,
        "territories": [t.pk for t in action.territories.all()],
        "start_date": "2026-01-05",
        "end_date": "2026-12-18",
        "title": "Nouveau titre",
        "group_name": "Les Cigales",
    }
    data.pop("isic_subtype", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    action.refresh_from_db()
    assert (action.title, action.group_name) == ("Nouveau titre", "Les Cigales")
    assert datetime.date(2026, 12, 18) == action.end_date
