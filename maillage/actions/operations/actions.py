"""Write functions of the collective action itself: its description, team, partners, funders,
objectives and phases.

Each one checks the permission (`maillage.actions.access`), validates everything before the first
write (a `ValidationError` with French messages by field; nothing is half-written), writes inside
one transaction and records the audit trail with the values before and after.

The lists (facilitators, objectives, partners, funders) are replaced as a whole, as the team page
edits them; facilitators, partners and funders already there are kept and updated rather than
recreated, so the sessions they ran and the reports that count them stay linked.

Partners read the action: `set_partners` keeps `shared_with` equal to the partner organisations
(sharing is read-only; editing stays with the carrier's professionals and the facilitators).

Facilitators with an account see the participants' names, so `_check_facilitators` accepts only
professionals (`Role.PROFESSIONAL`) of the carrier or of a partner organisation: coordinators,
documentalists, jury and partner-role members, and national administrators, are named without an
account. For the same reason `create_action` makes its creator a facilitator only when she is a
professional of the carrier; a coordinator who creates an action edits it (her role allows it) and
adds its professionals on the team page, but does not see the people in it.

Status and phases: the phases are the action's dated record of what was decided. When the status
becomes « Passée au groupe » (`handed_over`) and the current phase is not already « Retrait et
passage de relais », that phase is recorded from today, so the timeline shows when the group took
over (what was decided then goes in the logbook). Other status changes
leave the phases alone.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.actions import access
from maillage.actions.models import (
    ActionPhase,
    ActionStatus,
    CollectiveAction,
    Facilitator,
    Funder,
    IndicatorKind,
    Objective,
    ObjectiveIndicator,
    Partner,
)
from maillage.organisations import audit
from maillage.organisations.access import may_act_for, require
from maillage.organisations.models import Membership, Organisation, Role, User
from maillage.referential.models import Term
from maillage.territories.models import Territory
from maillage.web.plain_text import has_markup, markup_errors, markup_message

HANDOVER_PHASE = "retrait_et_passage_de_relais"
SCALAR_FIELDS = (
    "title",
    "group_name",
    "description",
    "isic_form",
    "isic_subtype",
    "group_kind",
    "expected_participants",
    "start_date",
    "end_date",
    "planned_withdrawal",
    "status",
)
MANY_FIELDS = ("publics", "themes", "territories")
UPDATABLE_FIELDS = frozenset((*SCALAR_FIELDS, *MANY_FIELDS))
AUDITED_FIELDS = ("organisation", *SCALAR_FIELDS, *MANY_FIELDS)
TERM_SCHEMES = {"publics": "public", "themes": "theme"}


# The refusals, shared with the pages that refuse before calling these functions.
EDIT_REFUSAL = gettext_lazy(
    "Seuls les co-animateurs de l'action et les professionnels de son organisation porteuse la "
    "modifient."
)
CREATE_REFUSAL = gettext_lazy(
    "Seuls les professionnels et coordinateurs d'une organisation créent des actions."
)


def _refuse_edit(actor: User, action: CollectiveAction) -> None:
    require(access.can_edit_action(actor, action), str(EDIT_REFUSAL))


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _unknown_fields(fields: Mapping[str, Any]) -> None:
    unknown = sorted(set(fields) - UPDATABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {name: [_("Ce champ ne peut pas être modifié ici.")] for name in unknown}
        )


def _check_terms(errors: dict[str, list[str]], values: dict[str, Any]) -> None:
    form = values.get("isic_form")
    if (
        form is None
        or form.scheme.code != "isic_form"
        or form.broader_id is not None
        or not form.is_active
    ):
        _add(errors, "isic_form", _("Choisissez une forme d'intervention collective."))
    subtype = values.get("isic_subtype")
    if subtype is not None and (
        form is None or subtype.broader_id != form.pk or not subtype.is_active
    ):
        _add(
            errors,
            "isic_subtype",
            _("Ce sous-type n'appartient pas à la forme d'intervention choisie."),
        )
    for field, scheme in TERM_SCHEMES.items():
        if any(term.scheme.code != scheme or not term.is_active for term in values.get(field, ())):
            _add(errors, field, _("Choisissez des termes du référentiel « %s ».") % scheme)


def _check_period(errors: dict[str, list[str]], values: dict[str, Any]) -> None:
    start, end = values.get("start_date"), values.get("end_date")
    withdrawal = values.get("planned_withdrawal")
    if start is None:
        _add(errors, "start_date", _("Indiquez la date de début de l'action."))
        return
    if end is not None and end < start:
        _add(errors, "end_date", _("La fin de l'action ne peut pas précéder son début."))
    if withdrawal is not None and (withdrawal < start or (end is not None and withdrawal > end)):
        _add(
            errors,
            "planned_withdrawal",
            _("Le retrait prévu des professionnels doit se situer pendant l'action."),
        )


def _check_values(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if not str(values.get("title") or "").strip():
        _add(errors, "title", _("Donnez un titre à l'action."))
    for name, messages in markup_errors(values, ("title", "group_name", "description")).items():
        errors.setdefault(name, []).extend(messages)
    _check_terms(errors, values)
    if not list(values.get("territories", ())):
        _add(errors, "territories", _("Choisissez au moins un territoire."))
    _check_period(errors, values)
    expected = values.get("expected_participants")
    if expected is not None and expected < 1:
        _add(
            errors,
            "expected_participants",
            _("Le nombre de participants attendus est d'au moins 1."),
        )
    if values.get("status", ActionStatus.PREPARATION) not in ActionStatus.values:
        _add(errors, "status", _("Statut inconnu."))
    _raise(errors)


def _full_clean(action: CollectiveAction) -> None:
    # The many-to-many fields and the rules above are already checked; this catches lengths
    # and choices with Django's own messages (French through the locale).
    action.full_clean(exclude=["organisation", "created_by", "isic_form", "isic_subtype", "phase"])


def _current_values(action: CollectiveAction) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(action, name) for name in SCALAR_FIELDS}
    for name in MANY_FIELDS:
        values[name] = list(getattr(action, name).all()) if action.pk else []
    return values


def _handover(actor: User, action: CollectiveAction, previous_status: str) -> None:
    if action.status != ActionStatus.HANDED_OVER or previous_status == ActionStatus.HANDED_OVER:
        return
    phase = Term.objects.get_by_codes("phase", HANDOVER_PHASE)
    if action.phase_id != phase.pk:
        _record_phase(actor, action, phase, timezone.localdate(), "")


@transaction.atomic
def create_action(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    isic_form: Term,
    territories: Iterable[Territory],
    start_date: datetime.date,
    **fields: Any,
) -> CollectiveAction:
    """The actor becomes the first facilitator of the new action, for its carrier organisation,
    when she is one of its professionals (see the module docstring)."""
    require(access.can_create_action(actor), str(CREATE_REFUSAL))
    _unknown_fields(fields)
    values = {
        "title": title,
        "isic_form": isic_form,
        "territories": list(territories),
        "start_date": start_date,
        "publics": [],
        "themes": [],
        **fields,
    }
    values["publics"] = list(values["publics"])
    values["themes"] = list(values["themes"])
    if not may_act_for(actor, organisation, access.EDITOR_ROLES):
        raise ValidationError(
            {
                "organisation": _(
                    "Vous ne pouvez créer une action que pour une organisation dont vous êtes "
                    "professionnel ou coordinateur."
                )
            }
        )
    _check_values(values)
    many = {name: values.pop(name) for name in MANY_FIELDS}
    action = CollectiveAction(organisation=organisation, created_by=actor, **values)
    _full_clean(action)
    action.save()
    for name, items in many.items():
        getattr(action, name).set(items)
    if Membership.objects.filter(
        user=actor, organisation=organisation, role=Role.PROFESSIONAL
    ).exists():
        Facilitator.objects.create(action=action, user=actor, organisation=organisation)
    audit.record(actor, "create_action", action, after=audit.snapshot(action, AUDITED_FIELDS))
    _handover(actor, action, ActionStatus.PREPARATION)
    return action


@transaction.atomic
def update_action(*, actor: User, action: CollectiveAction, **fields: Any) -> CollectiveAction:
    """Change any of the fields `create_action` takes, except the carrier organisation."""
    _refuse_edit(actor, action)
    _unknown_fields(fields)
    before = audit.snapshot(action, AUDITED_FIELDS)
    previous_status = action.status
    values = {**_current_values(action), **fields}
    for name in MANY_FIELDS:
        values[name] = list(values[name])
    _check_values(values)
    many = {name: values.pop(name) for name in MANY_FIELDS}
    for name, value in values.items():
        setattr(action, name, value)
    _full_clean(action)
    if action.status == ActionStatus.HANDED_OVER and previous_status != action.status:
        _check_handover_date(action)
    action.save()
    for name in MANY_FIELDS:
        if name in fields:
            getattr(action, name).set(many[name])
    audit.record(
        actor, "update_action", action, before=before, after=audit.snapshot(action, AUDITED_FIELDS)
    )
    _handover(actor, action, previous_status)
    return action


def _check_handover_date(action: CollectiveAction) -> None:
    latest = action.phases.order_by("-start_date", "-pk").first()
    if latest is not None and latest.start_date > timezone.localdate():
        raise ValidationError(
            {
                "status": _(
                    "La phase en cours commence après aujourd'hui : le passage au groupe ne "
                    "peut pas être daté d'avant."
                )
            }
        )


def _facilitator_snapshot(action: CollectiveAction) -> list[dict[str, Any]]:
    return [
        {
            "user": row.user_id,
            "name": row.name,
            "function": row.function,
            "organisation": row.organisation_id,
        }
        for row in action.facilitators.order_by("pk")
    ]


def _check_facilitators(action: CollectiveAction, rows: list[Mapping[str, Any]]) -> None:
    errors: list[str] = []
    allowed = {action.organisation_id, *action.partners.values_list("organisation_id", flat=True)}
    users = [row["user"] for row in rows if row.get("user") is not None]
    professionals = set(
        Membership.objects.filter(
            user__in=users, organisation_id__in=allowed, role=Role.PROFESSIONAL
        ).values_list("user_id", flat=True)
    )
    seen: set[int] = set()
    for number, row in enumerate(rows, start=1):
        user = row.get("user")
        prefix = _("Ligne %(number)s : ") % {"number": number}
        if user is None and not str(row.get("name") or "").strip():
            errors.append(prefix + _("indiquez un compte ou un nom."))
        elif user is not None and not user.is_active:
            errors.append(prefix + _("ce compte est désactivé."))
        elif user is not None and user.pk not in professionals:
            errors.append(
                prefix
                + _(
                    "seul un professionnel de l'organisation porteuse ou d'une organisation "
                    "partenaire peut co-animer avec un compte (il verra les participants)."
                )
            )
        elif user is not None and user.pk in seen:
            errors.append(prefix + _("cette personne figure déjà dans l'équipe."))
        if user is not None:
            seen.add(user.pk)
        if any(has_markup(row.get(field)) for field in ("name", "function")):
            errors.append(prefix + markup_message())
        for field, limit in (("name", 150), ("function", 150)):
            if len(str(row.get(field) or "")) > limit:
                errors.append(
                    prefix + _("%(limit)s caractères au plus par champ.") % {"limit": limit}
                )
    if errors:
        raise ValidationError({"facilitators": errors})


@transaction.atomic
def set_facilitators(
    *, actor: User, action: CollectiveAction, facilitators: Iterable[Mapping[str, Any]]
) -> None:
    """Facilitators with an account see the participants, so only professionals of the carrier
    or of a partner organisation get one; others are named without an account."""
    _refuse_edit(actor, action)
    rows = list(facilitators)
    _check_facilitators(action, rows)
    before = _facilitator_snapshot(action)
    existing = list(action.facilitators.all())
    by_user = {row.user_id: row for row in existing if row.user_id}
    by_name = {row.name.strip().lower(): row for row in existing if not row.user_id}
    kept: set[int] = set()
    for row in rows:
        user = row.get("user")
        name = str(row.get("name") or "").strip()
        facilitator = by_user.get(user.pk) if user else by_name.pop(name.lower(), None)
        facilitator = facilitator or Facilitator(action=action)
        facilitator.user = user
        facilitator.name = "" if user else name
        facilitator.function = str(row.get("function") or "").strip()
        facilitator.organisation = row.get("organisation")
        facilitator.save()
        kept.add(facilitator.pk)
    action.facilitators.exclude(pk__in=kept).delete()
    audit.record(
        actor,
        "set_facilitators",
        action,
        before={"facilitators": before},
        after={"facilitators": _facilitator_snapshot(action)},
    )


def _objective_snapshot(action: CollectiveAction) -> list[dict[str, Any]]:
    return [
        {
            "statement": objective.statement,
            "agreed_by": objective.agreed_by,
            "agreed_on": objective.agreed_on.isoformat() if objective.agreed_on else None,
            "indicators": [
                [indicator.label, indicator.kind, indicator.target]
                for indicator in objective.indicators.all()
            ],
        }
        for objective in action.objectives.prefetch_related("indicators")
    ]


def _check_objectives(rows: list[Mapping[str, Any]]) -> None:
    errors: list[str] = []
    for number, row in enumerate(rows, start=1):
        prefix = _("Objectif %(number)s : ") % {"number": number}
        if not str(row.get("statement") or "").strip():
            errors.append(prefix + _("énoncez l'objectif."))
        if len(str(row.get("agreed_by") or "")) > 300:
            errors.append(prefix + _("« convenu avec » tient en 300 caractères."))
        texts = [row.get("statement"), row.get("agreed_by")]
        texts += [
            indicator.get(field)
            for indicator in row.get("indicators", ())
            for field in ("label", "target")
        ]
        if any(has_markup(text) for text in texts):
            errors.append(prefix + markup_message())
        agreed_on = row.get("agreed_on")
        if agreed_on is not None and not isinstance(agreed_on, datetime.date):
            errors.append(prefix + _("la date d'accord est invalide."))
        for indicator in row.get("indicators", ()):
            label = str(indicator.get("label") or "").strip()
            if not label:
                errors.append(prefix + _("chaque indicateur a un libellé."))
            elif len(label) > 300 or len(str(indicator.get("target") or "")) > 200:
                errors.append(prefix + _("un indicateur tient en 300 caractères, sa cible en 200."))
            if indicator.get("kind", IndicatorKind.QUALITATIVE) not in IndicatorKind.values:
                errors.append(
                    prefix + _("nature d'indicateur inconnue : quantitatif ou qualitatif.")
                )
    if errors:
        raise ValidationError({"objectives": errors})


@transaction.atomic
def set_objectives(
    *, actor: User, action: CollectiveAction, objectives: Iterable[Mapping[str, Any]]
) -> None:
    _refuse_edit(actor, action)
    rows = list(objectives)
    _check_objectives(rows)
    before = _objective_snapshot(action)
    action.objectives.all().delete()
    for position, row in enumerate(rows):
        objective = Objective.objects.create(
            action=action,
            position=position,
            statement=str(row["statement"]).strip(),
            agreed_by=str(row.get("agreed_by") or "").strip(),
            agreed_on=row.get("agreed_on"),
        )
        ObjectiveIndicator.objects.bulk_create(
            ObjectiveIndicator(
                objective=objective,
                label=str(indicator["label"]).strip(),
                kind=indicator.get("kind") or IndicatorKind.QUALITATIVE,
                target=str(indicator.get("target") or "").strip(),
            )
            for indicator in row.get("indicators", ())
        )
    audit.record(
        actor,
        "set_objectives",
        action,
        before={"objectives": before},
        after={"objectives": _objective_snapshot(action)},
    )


def _partner_snapshot(action: CollectiveAction) -> list[list[Any]]:
    return [[row.organisation_id, row.role] for row in action.partners.order_by("organisation_id")]


@transaction.atomic
def set_partners(
    *, actor: User, action: CollectiveAction, partners: Iterable[tuple[Organisation, str]]
) -> None:
    """Partners read the action (and never change it): `shared_with` follows them."""
    _refuse_edit(actor, action)
    rows = [(organisation, str(role or "").strip()) for organisation, role in partners]
    errors: list[str] = []
    seen: set[int] = set()
    for organisation, role in rows:
        if organisation.pk == action.organisation_id:
            errors.append(
                _("%(name)s porte l'action : elle n'en est pas partenaire.")
                % {"name": organisation.name}
            )
        elif organisation.pk in seen:
            errors.append(_("%(name)s figure deux fois.") % {"name": organisation.name})
        if len(role) > 300:
            errors.append(
                _("Le rôle de %(name)s tient en 300 caractères.") % {"name": organisation.name}
            )
        if has_markup(role):
            errors.append(f"{organisation.name} : {markup_message()}")
        seen.add(organisation.pk)
    if errors:
        raise ValidationError({"partners": errors})
    before = _partner_snapshot(action)
    action.partners.exclude(organisation__in=seen).delete()
    existing = {row.organisation_id: row for row in action.partners.all()}
    for organisation, role in rows:
        partner = existing.get(organisation.pk) or Partner(action=action, organisation=organisation)
        partner.role = role
        partner.save()
    action.shared_with.set([organisation for organisation, _role in rows])
    audit.record(
        actor,
        "set_partners",
        action,
        before={"partners": before},
        after={"partners": _partner_snapshot(action)},
    )


def _funder_snapshot(action: CollectiveAction) -> list[dict[str, Any]]:
    return [
        audit.snapshot(row, ("organisation", "amount", "conditions", "start_date", "end_date"))
        for row in action.funders.order_by("organisation_id")
    ]


def _check_funders(rows: list[Mapping[str, Any]]) -> None:
    errors: list[str] = []
    seen: set[int] = set()
    for row in rows:
        organisation = row["organisation"]
        name = organisation.name
        amount = row.get("amount")
        if organisation.pk in seen:
            errors.append(_("%(name)s figure deux fois.") % {"name": name})
        seen.add(organisation.pk)
        if amount is not None and (
            Decimal(amount) < 0 or Decimal(amount) >= Decimal("10000000000")
        ):
            errors.append(
                _("Le montant de %(name)s est positif ou nul (moins de dix milliards).")
                % {"name": name}
            )
        if has_markup(row.get("conditions")):
            errors.append(f"{name} : {markup_message()}")
        start, end = row.get("start_date"), row.get("end_date")
        if start is not None and end is not None and end < start:
            errors.append(
                _("Le soutien de %(name)s ne peut pas finir avant de commencer.") % {"name": name}
            )
    if errors:
        raise ValidationError({"funders": errors})


@transaction.atomic
def set_funders(
    *, actor: User, action: CollectiveAction, funders: Iterable[Mapping[str, Any]]
) -> None:
    _refuse_edit(actor, action)
    rows = list(funders)
    _check_funders(rows)
    before = _funder_snapshot(action)
    wanted = {row["organisation"].pk for row in rows}
    action.funders.exclude(organisation__in=wanted).delete()
    existing = {row.organisation_id: row for row in action.funders.all()}
    for row in rows:
        organisation = row["organisation"]
        funder = existing.get(organisation.pk) or Funder(action=action, organisation=organisation)
        funder.amount = row.get("amount")
        funder.conditions = str(row.get("conditions") or "").strip()
        funder.start_date = row.get("start_date")
        funder.end_date = row.get("end_date")
        funder.save()
    audit.record(
        actor,
        "set_funders",
        action,
        before={"funders": before},
        after={"funders": _funder_snapshot(action)},
    )


def _record_phase(
    actor: User, action: CollectiveAction, phase: Term, start_date: datetime.date, decisions: str
) -> ActionPhase:
    errors: dict[str, list[str]] = {}
    if phase.scheme.code != "phase" or not phase.is_active:
        _add(errors, "phase", _("Choisissez une phase du référentiel."))
    previous = action.phases.order_by("-start_date", "-pk").first()
    if previous is not None and start_date < previous.start_date:
        _add(
            errors,
            "start_date",
            _("Une phase ne peut pas commencer avant la précédente (%(date)s).")
            % {"date": previous.start_date.strftime("%d/%m/%Y")},
        )
    if previous is not None and previous.phase_id == phase.pk:
        _add(errors, "phase", _("L'action est déjà dans cette phase."))
    if has_markup(decisions):
        _add(errors, "decisions", markup_message())
    _raise(errors)
    if previous is not None and previous.end_date is None:
        previous.end_date = start_date
        previous.save(update_fields=["end_date"])
    record = ActionPhase.objects.create(
        action=action,
        phase=phase,
        start_date=start_date,
        decisions=decisions.strip(),
        recorded_by=actor,
    )
    action.phase = phase
    action.save(update_fields=["phase", "updated_at"])
    audit.record(
        actor,
        "record_phase",
        action,
        before={"phase": previous.phase_id if previous else None},
        after={
            "phase": phase.pk,
            "start_date": start_date.isoformat(),
            "decisions": record.decisions,
        },
    )
    return record


@transaction.atomic
def record_phase(
    *,
    actor: User,
    action: CollectiveAction,
    phase: Term,
    start_date: datetime.date,
    decisions: str = "",
) -> ActionPhase:
    """Open the next phase: the previous one ends the day this one starts."""
    _refuse_edit(actor, action)
    return _record_phase(actor, action, phase, start_date, decisions)
