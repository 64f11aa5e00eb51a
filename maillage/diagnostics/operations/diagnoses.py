"""Write functions of the diagnosis itself: its description, steering group, the five components,
its status, its synthesis and its public link.

Each one checks the permission (`maillage.diagnostics.access`), validates everything before the
first write (a `ValidationError` with French messages by field; nothing is half-written), writes
inside one transaction and records the audit trail with the values before and after.

The steering group is replaced as a whole, as its page edits it, and `shared_with` is kept equal
to its organisations: they read the diagnosis. A person named with her account must belong to
one of those organisations or to the carrier, so that naming someone never opens the diagnosis
to a stranger.

The status follows the life of a diagnosis: preparation → contributions open → pooling
(« mise en commun ») → published → archived, with a way back from pooling to contributions.
Contributions through the public link are accepted only while the status is « open ».
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.diagnostics import access
from maillage.diagnostics.models import (
    Component,
    Diagnosis,
    DiagnosisKind,
    DiagnosisSection,
    DiagnosisStatus,
    Indicator,
    SteeringMember,
)
from maillage.organisations import audit
from maillage.organisations.access import require
from maillage.organisations.models import Membership, Organisation, User
from maillage.territories.models import CustomKind, Territory
from maillage.territories.operations import create_custom_territory
from maillage.web.plain_text import clean_text, markup_errors

UPDATABLE_FIELDS = frozenset(
    ("title", "kind", "territory", "purpose", "start_date", "end_date", "indicators")
)
AUDITED_FIELDS = (
    "organisation",
    "title",
    "kind",
    "territory",
    "purpose",
    "start_date",
    "end_date",
    "indicators",
    "status",
)
TEXT_FIELDS = ("title", "purpose")
# The arguments of `create_custom_territory` under the names the composing caller gives them.
COMPOSED_TERRITORY_FIELDS = {"name": "territory_name", "kind": "territory_kind"}
STATUS_FIELDS = ("status", "published_at")

# Which status may follow which: the way back from pooling reopens contributions forgotten.
TRANSITIONS: dict[str, frozenset[str]] = {
    DiagnosisStatus.PREPARATION: frozenset({DiagnosisStatus.OPEN}),
    DiagnosisStatus.OPEN: frozenset({DiagnosisStatus.ANALYSIS}),
    DiagnosisStatus.ANALYSIS: frozenset({DiagnosisStatus.OPEN, DiagnosisStatus.PUBLISHED}),
    DiagnosisStatus.PUBLISHED: frozenset({DiagnosisStatus.ARCHIVED}),
    DiagnosisStatus.ARCHIVED: frozenset(),
}

# The refusals, some shared with the pages and the API that refuse before calling these
# functions.
EDIT_REFUSAL = gettext_lazy(
    "Seuls les professionnels et coordinateurs de l'organisation porteuse et les personnes du "
    "comité de pilotage modifient ce diagnostic."
)
CREATE_REFUSAL = gettext_lazy(
    "Seuls les professionnels et coordinateurs d'une organisation créent des diagnostics."
)
ORGANISATION_REFUSAL = gettext_lazy(
    "Choisissez une organisation dont vous êtes professionnel ou coordinateur."
)
BOTH_TERRITORIES = gettext_lazy(
    "Choisissez un territoire existant ou composez-en un, pas les deux."
)
# The same answer for an unknown account and for a stranger's, and without her name: the steering
# group must not become a way to learn who has an account, or her full name.
STEERING_ACCOUNT_REFUSAL = gettext_lazy(
    "Ligne %(line)d : ce compte ne peut pas siéger au comité de pilotage de ce diagnostic."
)


def _refuse_edit(actor: User, diagnosis: Diagnosis) -> None:
    require(access.can_edit_diagnosis(actor, diagnosis), str(EDIT_REFUSAL))


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _value_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not values.get("title"):
        _add(errors, "title", _("Donnez un titre au diagnostic."))
    for name, messages in markup_errors(values, TEXT_FIELDS).items():
        errors.setdefault(name, []).extend(messages)
    if values.get("kind") not in DiagnosisKind.values:
        _add(errors, "kind", _("Type de diagnostic inconnu."))
    if not isinstance(values.get("territory"), Territory):
        _add(errors, "territory", _("Choisissez le territoire du diagnostic."))
    start, end = values.get("start_date"), values.get("end_date")
    if start is not None and end is not None and end < start:
        _add(errors, "end_date", _("La fin des contributions ne peut pas précéder le début."))
    if any(not isinstance(item, Indicator) for item in values.get("indicators", ())):
        _add(errors, "indicators", _("Choisissez des indicateurs du catalogue."))
    return errors


def _cleaned(fields: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(fields)
    for name in TEXT_FIELDS:
        if name in values:
            values[name] = clean_text(values[name])
    if "indicators" in values:
        values["indicators"] = list(values["indicators"])
    return values


def _full_clean(diagnosis: Diagnosis) -> None:
    # Lengths and choices with Django's own messages (French through the locale); the relations
    # and the period are checked by `_value_errors`.
    diagnosis.full_clean(
        exclude=["organisation", "created_by", "territory", "public_token"],
        validate_constraints=False,
    )


def _description(
    *,
    title: str,
    kind: str = DiagnosisKind.SHARED,
    purpose: str = "",
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    indicators: Iterable[Indicator] = (),
) -> dict[str, Any]:
    """The description of a new diagnosis, cleaned, with the defaults of what is not given."""
    return _cleaned(
        {
            "title": title,
            "kind": kind,
            "purpose": purpose,
            "start_date": start_date,
            "end_date": end_date,
            "indicators": indicators,
        }
    )


def _creation_errors(
    actor: User, organisation: Organisation, values: Mapping[str, Any]
) -> dict[str, list[str]]:
    """Every refusal of a new diagnosis of `values` (cleaned) carried by `organisation`, at once
    and before anything is written."""
    errors = _value_errors(values)
    if not isinstance(organisation, Organisation) or not access.may_carry(actor, organisation):
        _add(errors, "organisation", str(ORGANISATION_REFUSAL))
    draft = Diagnosis(
        **{name: value for name, value in values.items() if name not in ("territory", "indicators")}
    )
    try:
        _full_clean(draft)
    except ValidationError as error:
        # Django's message only for a field without one of ours: one mistake, one message.
        for name, messages in error.message_dict.items():
            errors.setdefault(name, messages)
    return errors


def _composed_territory(
    actor: User,
    errors: dict[str, list[str]],
    *,
    name: str,
    kind: str,
    communes: list[Territory],
) -> Territory | None:
    """The territory composed by `create_custom_territory`, under its permission; None, its
    refusals added to `errors` under the caller's names, if it refuses them."""
    try:
        return create_custom_territory(actor=actor, name=name, kind=kind, communes=communes)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(COMPOSED_TERRITORY_FIELDS.get(field, field), []).extend(messages)
        return None


def _touch(diagnosis: Diagnosis) -> None:
    # Its steering group and components are part of the diagnosis as read: the cached PDF report
    # is keyed on `updated_at`.
    diagnosis.save(update_fields=["updated_at"])


def _snapshot(diagnosis: Diagnosis) -> dict[str, Any]:
    return audit.snapshot(diagnosis, AUDITED_FIELDS)


@transaction.atomic
def create_diagnosis_where(
    *,
    actor: User,
    organisation: Organisation,
    territory: Territory | None = None,
    territory_name: str = "",
    territory_kind: str = CustomKind.BASSIN_DE_VIE,
    communes: Iterable[Territory] = (),
    **description: Any,
) -> Diagnosis:
    """A diagnosis in preparation, with its five components empty and a fresh public link
    (closed until contributions open), `description` its title, kind, purpose, start and end
    dates and indicators.

    Its territory is the one chosen, or one composed for it from `communes` and named
    `territory_name`, such as a bassin de vie that no file describes, by
    `create_custom_territory` and under its permission: one or the other, never both. The
    composed territory's refusals name `territory_name`, `territory_kind` and `communes`.

    Every refusal, the diagnosis's and its composed territory's, is reported at once. The
    diagnosis's are all found before anything is written; the territory's by
    `create_custom_territory` before it writes the territory, which a refusal of the diagnosis
    then undoes with the rest of the transaction: both are written, or neither."""
    require(access.can_create_diagnosis(actor), str(CREATE_REFUSAL))
    values = {**_description(**description), "territory": territory}
    errors = _creation_errors(actor, organisation, values)
    communes = list(communes)
    if territory_name.strip() or communes:
        if territory is not None:
            _add(errors, "territory", str(BOTH_TERRITORIES))
        else:
            errors.pop("territory", None)  # composed now, from its communes
            values["territory"] = _composed_territory(
                actor, errors, name=territory_name, kind=territory_kind, communes=communes
            )
    _raise(errors)
    chosen = values.pop("indicators")
    diagnosis = Diagnosis(
        organisation=organisation,
        created_by=actor,
        public_token=secrets.token_urlsafe(16),
        **values,
    )
    diagnosis.save()
    diagnosis.indicators.set(chosen)
    DiagnosisSection.objects.bulk_create(
        DiagnosisSection(diagnosis=diagnosis, component=component) for component in Component.values
    )
    audit.record(actor, "create_diagnosis", diagnosis, after=_snapshot(diagnosis))
    return diagnosis


def create_diagnosis(
    *, actor: User, organisation: Organisation, territory: Territory | None, **description: Any
) -> Diagnosis:
    """A diagnosis on a territory chosen (`create_diagnosis_where` without composing one)."""
    return create_diagnosis_where(
        actor=actor, organisation=organisation, territory=territory, **description
    )


@transaction.atomic
def update_diagnosis(*, actor: User, diagnosis: Diagnosis, **fields: Any) -> Diagnosis:
    _refuse_edit(actor, diagnosis)
    unknown = sorted(set(fields) - UPDATABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {name: [_("Ce champ ne peut pas être modifié ici.")] for name in unknown}
        )
    before = _snapshot(diagnosis)
    values = {name: getattr(diagnosis, name) for name in UPDATABLE_FIELDS - {"indicators"}}
    values["indicators"] = list(diagnosis.indicators.all())
    values.update(_cleaned(fields))
    _raise(_value_errors(values))
    chosen = values.pop("indicators")
    for name, value in values.items():
        setattr(diagnosis, name, value)
    _full_clean(diagnosis)
    diagnosis.save()
    diagnosis.indicators.set(chosen)
    audit.record(actor, "update_diagnosis", diagnosis, before=before, after=_snapshot(diagnosis))
    return diagnosis


def steering_accounts(diagnosis: Diagnosis, organisations: Iterable[int]) -> QuerySet[User]:
    """The accounts that may sit on the steering group of `diagnosis` when it lists
    `organisations` (their ids): the active people of those and of the carrier."""
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(
            organisation_id__in={diagnosis.organisation_id, *organisations}
        ).values("user_id"),
    )


def _steering_rows(
    diagnosis: Diagnosis, members: Iterable[Mapping[str, Any]]
) -> list[SteeringMember]:
    rows: list[SteeringMember] = []
    errors: list[str] = []
    for position, member in enumerate(members, start=1):
        organisation, user = member.get("organisation"), member.get("user")
        name, role = clean_text(member.get("name")), clean_text(member.get("role"))
        if organisation is None and user is None and not name:
            errors.append(
                _("Ligne %(line)d : choisissez une organisation, un compte ou écrivez un nom.")
                % {"line": position}
            )
        for label, text in ((_("nom"), name), (_("rôle"), role)):
            if markup_errors({"text": text}, ["text"]) or len(text) > 200:
                errors.append(
                    _(
                        "Ligne %(line)d : le %(field)s doit être un texte simple de 200 signes au plus."
                    )
                    % {"line": position, "field": label}
                )
        rows.append(
            SteeringMember(
                diagnosis=diagnosis, organisation=organisation, user=user, name=name, role=role
            )
        )
    listed = {row.organisation.pk for row in rows if row.organisation is not None}
    accounts = {row.user.pk for row in rows if row.user is not None}
    accepted = set(
        steering_accounts(diagnosis, listed).filter(pk__in=accounts).values_list("pk", flat=True)
    )
    errors.extend(
        str(STEERING_ACCOUNT_REFUSAL) % {"line": position}
        for position, row in enumerate(rows, start=1)
        if row.user is not None and row.user.pk not in accepted
    )
    if errors:
        raise ValidationError({"members": errors})
    return rows


def _steering_snapshot(diagnosis: Diagnosis) -> dict[str, Any]:
    return {
        "members": [
            [member.organisation_id, member.user_id, member.name, member.role]
            for member in diagnosis.steering_members.order_by("pk")
        ],
        "shared_with": sorted(diagnosis.shared_with.values_list("pk", flat=True)),
    }


@transaction.atomic
def set_steering_group(
    *, actor: User, diagnosis: Diagnosis, members: Iterable[Mapping[str, Any]]
) -> None:
    """Replace the steering group by `members` ({"organisation", "user", "name", "role"}, each
    optional but one of the first three) and share the diagnosis with its organisations."""
    _refuse_edit(actor, diagnosis)
    rows = _steering_rows(diagnosis, members)
    before = _steering_snapshot(diagnosis)
    diagnosis.steering_members.all().delete()
    SteeringMember.objects.bulk_create(rows)
    diagnosis.shared_with.set({row.organisation for row in rows if row.organisation is not None})
    _touch(diagnosis)
    audit.record(
        actor, "set_steering_group", diagnosis, before=before, after=_steering_snapshot(diagnosis)
    )


@transaction.atomic
def save_section(
    *, actor: User, diagnosis: Diagnosis, component: str, text: str
) -> DiagnosisSection:
    _refuse_edit(actor, diagnosis)
    if component not in Component.values:
        raise ValidationError({"component": _("Composante inconnue.")})
    text = clean_text(text)
    _raise(markup_errors({"text": text}, ["text"]))
    section, _created = DiagnosisSection.objects.get_or_create(
        diagnosis=diagnosis, component=component
    )
    before = {"text": section.text}
    section.text = text
    section.save()
    _touch(diagnosis)
    audit.record(actor, "save_diagnosis_section", section, before=before, after={"text": text})
    return section


@transaction.atomic
def write_synthesis(*, actor: User, diagnosis: Diagnosis, synthesis: str) -> Diagnosis:
    _refuse_edit(actor, diagnosis)
    synthesis = clean_text(synthesis)
    _raise(markup_errors({"synthesis": synthesis}, ["synthesis"]))
    if diagnosis.status == DiagnosisStatus.PUBLISHED and not synthesis:
        raise ValidationError(
            {"synthesis": _("Un diagnostic publié garde sa synthèse : corrigez-la sans la vider.")}
        )
    before = {"synthesis": diagnosis.synthesis}
    diagnosis.synthesis = synthesis
    diagnosis.save(update_fields=["synthesis", "updated_at"])
    audit.record(
        actor, "write_diagnosis_synthesis", diagnosis, before=before, after={"synthesis": synthesis}
    )
    return diagnosis


def allowed_statuses(diagnosis: Diagnosis) -> list[DiagnosisStatus]:
    """The statuses the diagnosis may move to now, in the order of its life."""
    following = TRANSITIONS[diagnosis.status]
    return [status for status in DiagnosisStatus if status in following]


@transaction.atomic
def set_diagnosis_status(*, actor: User, diagnosis: Diagnosis, status: str) -> Diagnosis:
    _refuse_edit(actor, diagnosis)
    if status not in DiagnosisStatus.values:
        raise ValidationError({"status": _("Statut inconnu.")})
    if status not in TRANSITIONS[diagnosis.status]:
        raise ValidationError(
            {
                "status": _("Un diagnostic « %(current)s » ne peut pas passer à « %(next)s ».")
                % {
                    "current": diagnosis.get_status_display(),
                    "next": DiagnosisStatus(status).label,
                }
            }
        )
    if status == DiagnosisStatus.PUBLISHED and not diagnosis.synthesis.strip():
        raise ValidationError({"status": _("Écrivez la synthèse avant de publier le diagnostic.")})
    before = audit.snapshot(diagnosis, STATUS_FIELDS)
    diagnosis.status = status
    if status == DiagnosisStatus.PUBLISHED:
        diagnosis.published_at = timezone.now()
    diagnosis.save(update_fields=[*STATUS_FIELDS, "updated_at"])
    audit.record(
        actor,
        "set_diagnosis_status",
        diagnosis,
        before=before,
        after=audit.snapshot(diagnosis, STATUS_FIELDS),
    )
    return diagnosis


@transaction.atomic
def renew_public_link(*, actor: User, diagnosis: Diagnosis) -> Diagnosis:
    """A new public link; the old one stops working at once (a link posted where it should not
    be, a flood of contributions)."""
    _refuse_edit(actor, diagnosis)
    diagnosis.public_token = secrets.token_urlsafe(16)
    diagnosis.save(update_fields=["public_token", "updated_at"])
    # The token itself stays out of the trail: the trail is read by more people than the link.
    audit.record(actor, "renew_diagnosis_public_link", diagnosis)
    return diagnosis
