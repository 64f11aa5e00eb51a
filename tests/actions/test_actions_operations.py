"""The write functions of the action itself: rules, permissions, audit, nothing half-written."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.actions import access
from maillage.actions.models import ActionStatus, CollectiveAction, Facilitator, Objective
from maillage.actions.operations import actions as operations
from maillage.organisations.models import AuditEntry, Role
from tests.actions.factories import ActionFactory, facilitator
from tests.organisations.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    member,
)
from tests.practices.factories import term
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)


def _create(actor, organisation, **fields):
    values = {
        "title": "Groupe de parents de Fives",
        "isic_form": term("isic_form", "travail_social_de_groupe"),
        "territories": [CommuneFactory()],
        "start_date": START,
        **fields,
    }
    return operations.create_action(actor=actor, organisation=organisation, **values)


def _refusal(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def test_create_action_makes_the_author_a_facilitator_and_audits():
    organisation = OrganisationFactory()
    worker = member(Role.PROFESSIONAL, organisation)
    action = _create(
        worker,
        organisation,
        isic_subtype=term("isic_form", "groupe_d_interet"),
        publics=[term("public", "familles_et_parents")],
        themes=[term("theme", "parentalite")],
        expected_participants=10,
        end_date=datetime.date(2026, 6, 30),
        planned_withdrawal=datetime.date(2026, 6, 1),
        group_name="Les parents solidaires",
    )
    assert action.organisation == organisation
    assert action.created_by == worker
    assert list(action.facilitators.values_list("user", "organisation")) == [
        (worker.pk, organisation.pk)
    ]
    assert [t.code for t in action.publics.all()] == ["familles_et_parents"]
    entry = AuditEntry.objects.get(action="create_action", object_id=str(action.pk))
    assert entry.actor == worker
    assert entry.after["title"] == "Groupe de parents de Fives"
    assert access.can_see_participants(worker, action)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": "  "}, "title", "Donnez un titre"),
        ({"isic_form": "subtype"}, "isic_form", "forme d'intervention"),
        ({"isic_form": "phase"}, "isic_form", "forme d'intervention"),
        ({"isic_subtype": "other_form_subtype"}, "isic_subtype", "n'appartient pas"),
        ({"publics": "theme"}, "publics", "public"),
        ({"themes": "public"}, "themes", "theme"),
        ({"territories": []}, "territories", "au moins un territoire"),
        ({"end_date": datetime.date(2025, 12, 1)}, "end_date", "ne peut pas précéder"),
        (
            {
                "end_date": datetime.date(2026, 6, 30),
                "planned_withdrawal": datetime.date(2026, 7, 1),
            },
            "planned_withdrawal",
            "pendant l'action",
        ),
        ({"planned_withdrawal": datetime.date(2025, 7, 1)}, "planned_withdrawal", "pendant"),
        ({"expected_participants": 0}, "expected_participants", "au moins 1"),
        ({"status": "nope"}, "status", "Statut inconnu"),
        ({"title": "x" * 201}, "title", "200"),
    ],
)
def test_create_action_refuses_bad_input_by_field(fields, field, message):
    organisation = OrganisationFactory()
    worker = member(Role.PROFESSIONAL, organisation)
    replacements = {
        "subtype": term("isic_form", "groupe_d_interet"),
        "phase": term("phase", "mobilisation"),
        "other_form_subtype": term("isic_form", "communaute_geographique"),
        "theme": [term("theme", "parentalite")],
        "public": [term("public", "jeunes")],
    }
    fields = {
        name: replacements.get(value, value) if isinstance(value, str) else value
        for name, value in fields.items()
    }
    with pytest.raises(ValidationError) as error:
        _create(worker, organisation, **fields)
    assert message in " ".join(_refusal(error)[field])
    assert not CollectiveAction.objects.exists()
    assert not Facilitator.objects.exists()


def test_create_action_only_for_an_organisation_where_the_actor_works():
    own = OrganisationFactory()
    other = OrganisationFactory()
    worker = member(Role.PROFESSIONAL, own)
    with pytest.raises(ValidationError) as error:
        _create(worker, other)
    assert "organisation" in _refusal(error)
    partner = member(Role.PARTNER, other)
    with pytest.raises(PermissionDenied):
        _create(partner, other)
    admin = UserFactory(is_national_admin=True)
    assert _create(admin, other).organisation == other


def test_update_action_is_for_editors_and_audits_before_and_after():
    action = ActionFactory()
    worker = facilitator(action)
    partner_org = OrganisationFactory()
    operations.set_partners(actor=worker, action=action, partners=[(partner_org, "Prête la salle")])
    reader = member(Role.PROFESSIONAL, partner_org)
    assert access.can_view_action(reader, action)
    with pytest.raises(PermissionDenied):
        operations.update_action(actor=reader, action=action, title="Autre")
    old_title = action.title
    operations.update_action(actor=worker, action=action, title="Café des parents")
    action.refresh_from_db()
    assert action.title == "Café des parents"
    entry = AuditEntry.objects.get(action="update_action")
    assert entry.before == {"title": old_title}
    assert entry.after == {"title": "Café des parents"}


def test_update_action_validates_against_current_values():
    action = ActionFactory(end_date=datetime.date(2026, 6, 30))
    worker = facilitator(action)
    with pytest.raises(ValidationError) as error:
        operations.update_action(actor=worker, action=action, start_date=datetime.date(2026, 7, 1))
    assert "end_date" in _refusal(error)
    with pytest.raises(ValidationError) as error:
        operations.update_action(actor=worker, action=action, organisation=OrganisationFactory())
    assert "organisation" in _refusal(error)


def test_handing_over_records_the_hand_over_phase_once():
    action = ActionFactory(start_date=datetime.date(2025, 1, 1), end_date=None)
    worker = facilitator(action)
    operations.record_phase(
        actor=worker,
        action=action,
        phase=term("phase", "mise_en_oeuvre"),
        start_date=datetime.date(2025, 2, 1),
    )
    operations.update_action(actor=worker, action=action, status=ActionStatus.HANDED_OVER)
    action.refresh_from_db()
    assert action.phase.code == "retrait_et_passage_de_relais"
    phases = list(action.phases.order_by("start_date"))
    assert [p.phase.code for p in phases] == ["mise_en_oeuvre", "retrait_et_passage_de_relais"]
    assert phases[0].end_date == timezone.localdate()
    operations.update_action(actor=worker, action=action, status=ActionStatus.COMPLETED)
    operations.update_action(actor=worker, action=action, status=ActionStatus.HANDED_OVER)
    assert action.phases.count() == 2


def test_set_partners_shares_the_action_read_only():
    action = ActionFactory()
    worker = facilitator(action)
    caf, msa = OrganisationFactory(name="CAF"), OrganisationFactory(name="MSA")
    operations.set_partners(actor=worker, action=action, partners=[(caf, "Finance"), (msa, "")])
    assert set(action.shared_with.all()) == {caf, msa}
    operations.set_partners(actor=worker, action=action, partners=[(msa, "Oriente")])
    assert list(action.shared_with.all()) == [msa]
    assert list(action.partners.values_list("role", flat=True)) == ["Oriente"]
    caf_worker = member(Role.PROFESSIONAL, caf)
    assert not access.can_view_action(caf_worker, action)
    msa_worker = member(Role.PROFESSIONAL, msa)
    assert access.can_view_action(msa_worker, action)
    assert not access.can_edit_action(msa_worker, action)
    assert AuditEntry.objects.filter(action="set_partners").count() == 2


def test_set_partners_refuses_the_carrier_and_duplicates():
    action = ActionFactory()
    worker = facilitator(action)
    caf = OrganisationFactory()
    with pytest.raises(ValidationError) as error:
        operations.set_partners(actor=worker, action=action, partners=[(action.organisation, "")])
    assert "porte l'action" in _refusal(error)["partners"][0]
    with pytest.raises(ValidationError):
        operations.set_partners(actor=worker, action=action, partners=[(caf, ""), (caf, "x")])
    assert not action.partners.exists()
    assert not action.shared_with.exists()


def test_set_facilitators_keeps_existing_rows_and_checks_accounts():
    action = ActionFactory()
    worker = facilitator(action)
    kept = action.facilitators.get()
    colleague = member(Role.PROFESSIONAL, action.organisation)
    stranger = member(Role.PROFESSIONAL)
    inactive = member(Role.PROFESSIONAL, action.organisation)
    inactive.is_active = False
    inactive.save()
    operations.set_facilitators(
        actor=worker,
        action=action,
        facilitators=[
            {"user": worker, "function": "Conseillère ESF"},
            {"user": colleague, "function": "Assistante sociale"},
            {"user": None, "name": "Mme Durand", "function": "Psychologue"},
        ],
    )
    assert action.facilitators.filter(pk=kept.pk, function="Conseillère ESF").exists()
    assert action.facilitators.count() == 3
    for rows, message in [
        ([{"user": stranger}], "seul un professionnel de l'organisation porteuse"),
        ([{"user": inactive}], "désactivé"),
        ([{"user": None, "name": " "}], "compte ou un nom"),
        ([{"user": colleague}, {"user": colleague}], "déjà"),
    ]:
        with pytest.raises(ValidationError) as error:
            operations.set_facilitators(actor=worker, action=action, facilitators=rows)
        assert message in " ".join(_refusal(error)["facilitators"])
    assert action.facilitators.count() == 3
    operations.set_facilitators(actor=worker, action=action, facilitators=[{"user": colleague}])
    assert list(action.facilitators.values_list("user", flat=True)) == [colleague.pk]


def test_facilitator_from_a_partner_organisation_is_accepted():
    action = ActionFactory()
    worker = facilitator(action)
    msa = OrganisationFactory()
    psychologist = member(Role.PROFESSIONAL, msa)
    operations.set_partners(actor=worker, action=action, partners=[(msa, "Co-anime")])
    operations.set_facilitators(
        actor=worker, action=action, facilitators=[{"user": worker}, {"user": psychologist}]
    )
    assert access.can_see_participants(psychologist, action)


@pytest.mark.parametrize(
    "role", [Role.COORDINATOR, Role.DOCUMENTALIST, Role.JURY_MEMBER, Role.PARTNER]
)
def test_only_a_professional_can_facilitate_with_an_account(role):
    action = ActionFactory()
    worker = facilitator(action)
    msa = OrganisationFactory()
    operations.set_partners(actor=worker, action=action, partners=[(msa, "Co-anime")])
    for organisation in (action.organisation, msa):
        candidate = member(role, organisation)
        with pytest.raises(ValidationError) as error:
            operations.set_facilitators(
                actor=worker, action=action, facilitators=[{"user": worker}, {"user": candidate}]
            )
        assert _refusal(error)["facilitators"] == [
            "Ligne 2 : seul un professionnel de l'organisation porteuse ou d'une organisation "
            "partenaire peut co-animer avec un compte (il verra les participants)."
        ]
        assert not access.can_see_participants(candidate, action)
    admin = UserFactory(is_national_admin=True)
    with pytest.raises(ValidationError):
        operations.set_facilitators(actor=admin, action=action, facilitators=[{"user": admin}])
    coordinator = member(Role.COORDINATOR, action.organisation)
    operations.set_facilitators(
        actor=coordinator,
        action=action,
        facilitators=[{"user": worker}, {"user": None, "name": "Mme Lefèvre"}],
    )
    assert list(action.facilitators.values_list("user", flat=True)) == [worker.pk, None]


def test_a_coordinator_creating_an_action_edits_it_but_does_not_see_its_people():
    organisation = OrganisationFactory()
    coordinator = member(Role.COORDINATOR, organisation)
    action = _create(coordinator, organisation)
    assert not action.facilitators.exists()
    assert access.can_edit_action(coordinator, action)
    assert not access.can_see_participants(coordinator, action)
    both = member(Role.COORDINATOR, organisation)
    MembershipFactory(user=both, organisation=organisation, role=Role.PROFESSIONAL)
    assert access.can_see_participants(both, _create(both, organisation))
    admin = UserFactory(is_national_admin=True)
    assert not access.can_see_participants(admin, _create(admin, organisation))


def test_set_objectives_replaces_objectives_and_indicators():
    action = ActionFactory()
    worker = facilitator(action)
    operations.set_objectives(
        actor=worker,
        action=action,
        objectives=[
            {
                "statement": "Rompre l'isolement des parents",
                "agreed_by": "Le groupe et la CAF",
                "agreed_on": datetime.date(2026, 1, 12),
                "indicators": [
                    {"label": "Présents par séance", "kind": "quantitative", "target": "8"},
                    {"label": "Entraide hors séance", "target": ""},
                ],
            },
            {"statement": "Créer une association", "indicators": []},
        ],
    )
    first = action.objectives.get(position=0)
    assert [i.kind for i in first.indicators.all()] == ["quantitative", "qualitative"]
    with pytest.raises(ValidationError) as error:
        operations.set_objectives(
            actor=worker,
            action=action,
            objectives=[{"statement": "ok", "indicators": [{"label": "", "target": "1"}]}],
        )
    assert "libellé" in _refusal(error)["objectives"][0]
    with pytest.raises(ValidationError):
        operations.set_objectives(actor=worker, action=action, objectives=[{"statement": ""}])
    assert Objective.objects.filter(action=action).count() == 2
    entry = AuditEntry.objects.get(action="set_objectives")
    assert entry.before == {"objectives": []}
    assert len(entry.after["objectives"]) == 2


def test_set_funders_checks_amounts_and_periods():
    action = ActionFactory()
    worker = facilitator(action)
    caf = OrganisationFactory(name="CAF du Nord")
    operations.set_funders(
        actor=worker,
        action=action,
        funders=[
            {
                "organisation": caf,
                "amount": Decimal("4500.00"),
                "conditions": "Au moins la moitié d'allocataires",
                "start_date": datetime.date(2026, 1, 1),
                "end_date": datetime.date(2026, 12, 31),
            }
        ],
    )
    funder = action.funders.get()
    for row, message in [
        ({"organisation": caf, "amount": Decimal("-1")}, "positif"),
        (
            {
                "organisation": caf,
                "start_date": datetime.date(2026, 2, 1),
                "end_date": datetime.date(2026, 1, 1),
            },
            "finir avant",
        ),
    ]:
        with pytest.raises(ValidationError) as error:
            operations.set_funders(actor=worker, action=action, funders=[row])
        assert message in _refusal(error)["funders"][0]
    operations.set_funders(
        actor=worker, action=action, funders=[{"organisation": caf, "amount": None}]
    )
    assert action.funders.get().pk == funder.pk
    assert action.funders.get().amount is None


def test_record_phase_closes_the_previous_one_and_keeps_the_order():
    action = ActionFactory()
    worker = facilitator(action)
    first = operations.record_phase(
        actor=worker,
        action=action,
        phase=term("phase", "reperage_et_diagnostic"),
        start_date=datetime.date(2026, 1, 5),
        decisions="Diagnostic partagé avec le centre social",
    )
    operations.record_phase(
        actor=worker,
        action=action,
        phase=term("phase", "mobilisation"),
        start_date=datetime.date(2026, 2, 1),
    )
    first.refresh_from_db()
    assert first.end_date == datetime.date(2026, 2, 1)
    action.refresh_from_db()
    assert action.phase.code == "mobilisation"
    for phase, start, field in [
        (term("phase", "mise_en_oeuvre"), datetime.date(2026, 1, 20), "start_date"),
        (term("phase", "mobilisation"), datetime.date(2026, 3, 1), "phase"),
        (term("theme", "parentalite"), datetime.date(2026, 3, 1), "phase"),
    ]:
        with pytest.raises(ValidationError) as error:
            operations.record_phase(actor=worker, action=action, phase=phase, start_date=start)
        assert field in _refusal(error)
    assert action.phases.count() == 2


def test_strangers_cannot_write():
    action = ActionFactory()
    stranger = member(Role.PROFESSIONAL)
    calls = [
        lambda: operations.update_action(actor=stranger, action=action, title="x"),
        lambda: operations.set_partners(actor=stranger, action=action, partners=[]),
        lambda: operations.set_funders(actor=stranger, action=action, funders=[]),
        lambda: operations.set_objectives(actor=stranger, action=action, objectives=[]),
        lambda: operations.set_facilitators(actor=stranger, action=action, facilitators=[]),
        lambda: operations.record_phase(
            actor=stranger, action=action, phase=term("phase", "mobilisation"), start_date=START
        ),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert not AuditEntry.objects.exists()


def test_handing_over_cannot_be_dated_before_the_current_phase():
    action = ActionFactory(start_date=datetime.date(2025, 1, 1), end_date=None)
    worker = facilitator(action)
    later = timezone.localdate() + datetime.timedelta(days=30)
    operations.record_phase(
        actor=worker, action=action, phase=term("phase", "evaluation"), start_date=later
    )
    with pytest.raises(ValidationError) as error:
        operations.update_action(actor=worker, action=action, status=ActionStatus.HANDED_OVER)
    assert "status" in _refusal(error)
    action.refresh_from_db()
    assert action.status == ActionStatus.PREPARATION
    assert action.phases.count() == 1


def test_markup_in_an_action_text_is_refused_and_nothing_is_written() -> None:
    action = ActionFactory()
    editor = facilitator(action)
    with pytest.raises(ValidationError) as refused:
        operations.update_action(
            actor=editor, action=action, description="<script>alert(1)</script>"
        )
    assert "balises HTML" in refused.value.message_dict["description"][0]
    assert CollectiveAction.objects.get(pk=action.pk).description == ""


def test_markup_in_the_steering_lists_is_refused_and_nothing_is_written() -> None:
    action = ActionFactory()
    editor = facilitator(action)
    caf = OrganisationFactory()
    attempts = [
        lambda: operations.set_objectives(
            actor=editor,
            action=action,
            objectives=[{"statement": "Rompre l'isolement", "indicators": [{"label": "<b>x"}]}],
        ),
        lambda: operations.set_partners(actor=editor, action=action, partners=[(caf, "<i>")]),
        lambda: operations.set_funders(
            actor=editor,
            action=action,
            funders=[{"organisation": caf, "conditions": "<script>"}],
        ),
        lambda: operations.record_phase(
            actor=editor,
            action=action,
            phase=term("phase", "mobilisation"),
            start_date=action.start_date,
            decisions="<img src=x>",
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert "balises HTML" in str(refused.value)
    assert not action.objectives.exists()
    assert not action.partners.exists() and not action.funders.exists()
    assert not action.phases.exists()
