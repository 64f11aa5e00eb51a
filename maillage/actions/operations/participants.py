"""Write functions for the people who take part in collective actions.

Participants are vulnerable people, so the rules here are strict and deliberate:

- Data stays minimal: a pseudonym or first name, an age band, a commune, and a contact only
  with the person's consent (recorded with its date and who collected it).
- The same person is not entered twice. `find_duplicates` looks among the participants attached
  to the actor's organisations, comparing folded pseudonyms (accents and case ignored) and the
  age band and commune only when both sides have one. Candidates are returned minimal (pseudonym,
  age band, commune), never with contact or eligibility. Enrolling an existing person needs the
  identity the worker typed, and the person must be among its matches (`shown_match`): an
  identifier alone opens nobody's file, and the refusal is the same whether it exists or not.
- Eligibility tags are optional labels counted in funders' reports; enrolment never checks them.
  A tag belongs to a funder organisation: one that funds at least one action carried by the
  actor's organisations or facilitated by her (national administrators: any organisation, so a
  tag can be prepared before the funding is recorded). Tags are created by the members of that
  organisation, by coordinators of an organisation whose action it funds, and by national
  administrators.
- `joined_on` defaults to today and may precede the action's start (people sign up while the
  group is being formed) but not follow its end.
- Every change is audited; nothing personal goes to Python logs. Erasure pseudonymises the row
  (attendance and enrolments stay, so counts stay true; the age band and commune stay for
  statistics) and scrubs the personal values from the audit trail.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.actions import access
from maillage.actions.models import (
    AgeBand,
    Attendance,
    CollectiveAction,
    EligibilityTag,
    Enrolment,
    Facilitator,
    Funder,
    LogEntry,
    Participant,
    Referral,
    Session,
)
from maillage.actions.redaction import participant_name_redactor
from maillage.organisations import audit
from maillage.organisations.access import is_national_admin, organisation_ids, require
from maillage.organisations.models import AuditEntry, Organisation, Role, User
from maillage.referential.models import Term
from maillage.territories.folding import fold
from maillage.territories.models import Territory

LADDER_SCHEME = "participation_ladder"
COMMUNE_LEVELS = ("commune", "arrondissement")
PARTICIPANT_FIELDS = ("pseudonym", "age_band", "commune", "contact", "contact_consent")
AUDITED_FIELDS = (
    "pseudonym",
    "age_band",
    "commune",
    "contact",
    "contact_consent_at",
    "eligibility_tags",
    "organisations",
    "erased_at",
)
ENROLMENT_FIELDS = ("referral", "referred_by", "ladder_step", "joined_on", "left_on")
# Fields whose values on the two sides of a merge must agree (or one side be empty).
MERGED_FIELDS = ("pseudonym", "age_band", "commune", "contact")
MERGED_ENROLMENT_FIELDS = ("referral", "referred_by", "ladder_step", "left_on")
PERSONAL_KEYS = ("pseudonym", "contact")
ERASED_VALUE = "[effacé]"
# `str(LogEntry)` is the first 80 characters of its text.
LOG_ENTRY_REPR_LENGTH = 80
PARTICIPANT_TYPE = Participant._meta.label_lower


# --- Matching ------------------------------------------------------------------------------


def _matches(
    organisations: set[int],
    pseudonym: str,
    age_band: str,
    commune: Territory | None,
) -> list[Participant]:
    folded = fold(pseudonym)
    if not folded or not organisations:
        return []
    people = Participant.objects.filter(
        pk__in=Participant.objects.filter(
            organisations__in=organisations, erased_at__isnull=True
        ).values("pk")
    )
    if age_band:
        people = people.filter(models.Q(age_band=age_band) | models.Q(age_band=""))
    if commune is not None:
        people = people.filter(models.Q(commune=commune) | models.Q(commune__isnull=True))
    # Folding is Python's (the same as for territory names); only two short columns are read.
    same = [pk for pk, name in people.values_list("pk", "pseudonym") if fold(name) == folded]
    return list(
        Participant.objects.filter(pk__in=same)
        .select_related("commune")
        .only("pk", "pseudonym", "age_band", "commune__name", "commune__code", "erased_at")
        .order_by("pseudonym", "pk")
    )


def find_duplicates(
    *, actor: User, pseudonym: str, age_band: str = "", commune: Territory | None = None
) -> list[Participant]:
    """Participants of the actor's organisations who may be the same person (minimal fields).

    Only professionals who run an action look: the others (coordinators, partners) never see
    names, and matching would let them probe for one."""
    require(Facilitator.objects.filter(user_id=actor.pk).exists(), access.participants_refusal())
    return _matches(organisation_ids(actor), pseudonym, age_band, commune)


def action_matches(
    actor: User, action: CollectiveAction, pseudonym: str, age_band: str, commune: Territory | None
) -> list[Participant]:
    # A facilitator from a partner service is not a member of the carrier: its people count too.
    return _matches(
        organisation_ids(actor) | {action.organisation_id}, pseudonym, age_band, commune
    )


def _describe(participant: Participant) -> str:
    details = [
        str(label)
        for label in (
            participant.get_age_band_display() if participant.age_band else "",
            participant.commune.name if participant.commune_id else "",
        )
        if label
    ]
    return f"{participant.pseudonym} ({', '.join(details)})" if details else participant.pseudonym


def is_duplicate_refusal(error: ValidationError) -> bool:
    """Whether `create_participant` refused because the person may already exist."""
    return hasattr(error, "error_dict") and any(
        item.code == "duplicate" for item in error.error_dict.get("pseudonym", [])
    )


# --- Validation helpers --------------------------------------------------------------------


def _tags_allowed(
    actor: User, extra_actions: Iterable[int] = ()
) -> models.QuerySet[EligibilityTag]:
    """The tags a professional may put on a participant: those of the funders of the actions of
    her organisations or that she facilitates."""
    tags = EligibilityTag.objects.all()
    if is_national_admin(actor):
        return tags
    actions = CollectiveAction.objects.filter(
        models.Q(organisation_id__in=organisation_ids(actor))
        | models.Q(facilitators__user_id=actor.pk)
        | models.Q(pk__in=list(extra_actions))
    )
    funders = Funder.objects.filter(action__in=actions).values("organisation_id")
    return tags.filter(organisation_id__in=funders)


def available_tags(actor: User) -> models.QuerySet[EligibilityTag]:
    return _tags_allowed(actor).select_related("organisation")


def funder_organisations(actor: User) -> models.QuerySet[Organisation]:
    """The organisations for which `actor` may create eligibility tags."""
    if is_national_admin(actor):
        return Organisation.objects.order_by("name")
    funders = Organisation.objects.filter(funded_actions__isnull=False)
    coordinated = organisation_ids(actor, {Role.COORDINATOR})
    condition = models.Q(pk__in=organisation_ids(actor))
    if coordinated:
        condition |= models.Q(funded_actions__action__organisation_id__in=coordinated)
    return Organisation.objects.filter(pk__in=funders.filter(condition).values("pk")).order_by(
        "name"
    )


def _check_text(errors: dict[str, list[str]], name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors.setdefault(name, []).append(_("%(limit)d caractères au plus.") % {"limit": limit})


def _person_errors(
    fields: dict[str, Any], actor: User, action_ids: Iterable[int], held: Iterable[int] = ()
) -> dict:
    errors: dict[str, list[str]] = {}
    if "pseudonym" in fields:
        if not fields["pseudonym"]:
            errors["pseudonym"] = [_("Indiquez un prénom ou un pseudonyme.")]
        _check_text(errors, "pseudonym", fields["pseudonym"], 100)
    if "age_band" in fields and fields["age_band"] not in AgeBand.values:
        errors["age_band"] = [_("Choisissez une tranche d'âge de la liste.")]
    commune = fields.get("commune")
    if commune is not None and (
        not isinstance(commune, Territory) or commune.level not in COMMUNE_LEVELS
    ):
        errors["commune"] = [_("Choisissez une commune ou un arrondissement.")]
    if "contact" in fields:
        _check_text(errors, "contact", fields["contact"], 200)
    if "eligibility_tags" in fields:
        # Tags she already has stay acceptable, even set by the professional of another action.
        tags = [tag for tag in fields["eligibility_tags"] if tag.pk not in set(held)]
        allowed = set(
            _tags_allowed(actor, action_ids)
            .filter(pk__in=[tag.pk for tag in tags])
            .values_list("pk", flat=True)
        )
        wrong = [tag.label for tag in tags if tag.pk not in allowed]
        if wrong:
            errors["eligibility_tags"] = [
                _("Ces critères ne relèvent d'aucun financeur de vos actions : %(tags)s.")
                % {"tags": ", ".join(wrong)}
            ]
    return errors


def _consent_error() -> str:
    return _(
        "Un contact ne s'enregistre qu'avec l'accord de la personne : cochez « La personne "
        "accepte d'être contactée » ou laissez le contact vide."
    )


def _enrolment_errors(action: CollectiveAction, fields: dict[str, Any]) -> dict:
    errors: dict[str, list[str]] = {}
    if "referral" in fields and fields["referral"] not in ("", *Referral.values):
        errors["referral"] = [_("Choisissez une façon d'arriver dans l'action de la liste.")]
    step = fields.get("ladder_step")
    if step is not None and (
        not isinstance(step, Term) or step.scheme.code != LADDER_SCHEME or not step.is_active
    ):
        errors["ladder_step"] = [_("Choisissez une étape du parcours de participation.")]
    referred_by = fields.get("referred_by")
    if referred_by is not None and not isinstance(referred_by, Organisation):
        errors["referred_by"] = [_("Choisissez une organisation.")]
    joined_on = fields.get("joined_on")
    if joined_on is not None and action.end_date and joined_on > action.end_date:
        errors["joined_on"] = [
            _("L'action se termine le %(end)s : l'arrivée ne peut pas être plus tardive.")
            % {"end": action.end_date.strftime("%d/%m/%Y")}
        ]
    left_on = fields.get("left_on")
    if left_on is not None and joined_on is not None and left_on < joined_on:
        errors["left_on"] = [_("Le départ ne peut pas précéder l'arrivée.")]
    return errors


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _record_participant(
    actor: User, name: str, participant: Participant, before: dict | None, **extra: Any
) -> None:
    after = audit.snapshot(participant, AUDITED_FIELDS)
    after.update(extra)
    audit.record(actor, name, participant, before=before, after=after)


def _enrolment_snapshot(enrolment: Enrolment) -> dict[str, Any]:
    return audit.snapshot(enrolment, ("action", "participant", *ENROLMENT_FIELDS))


# --- Creating and enrolling ----------------------------------------------------------------


def _new_enrolment(
    actor: User, action: CollectiveAction, participant: Participant, fields: dict[str, Any]
) -> Enrolment:
    enrolment = Enrolment.objects.create(action=action, participant=participant, **fields)
    participant.organisations.add(action.organisation_id)
    audit.record(actor, "enrol_participant", enrolment, after=_enrolment_snapshot(enrolment))
    return enrolment


def _enrolment_fields(
    referral: str,
    referred_by: Organisation | None,
    ladder_step: Term | None,
    joined_on: datetime.date | None,
) -> dict[str, Any]:
    return {
        "referral": referral or "",
        "referred_by": referred_by,
        "ladder_step": ladder_step,
        "joined_on": joined_on or timezone.localdate(),
    }


def create_participant(
    *,
    actor: User,
    action: CollectiveAction,
    pseudonym: str,
    age_band: str = "",
    commune: Territory | None = None,
    contact: str = "",
    contact_consent: bool = False,
    eligibility_tags: Iterable[EligibilityTag] = (),
    referral: str = "",
    referred_by: Organisation | None = None,
    ladder_step: Term | None = None,
    joined_on: datetime.date | None = None,
    allow_duplicate: bool = False,
) -> Participant:
    """Create a participant and enrol her in `action`; refuse if she may already exist."""
    require(access.can_see_participants(actor, action), access.participants_refusal())
    pseudonym = " ".join((pseudonym or "").split())
    contact = (contact or "").strip()
    tags = list(eligibility_tags)
    person = {
        "pseudonym": pseudonym,
        "age_band": age_band or "",
        "commune": commune,
        "contact": contact,
        "eligibility_tags": tags,
    }
    enrolment = _enrolment_fields(referral, referred_by, ladder_step, joined_on)
    errors = _person_errors(person, actor, [action.pk])
    errors.update(_enrolment_errors(action, enrolment))
    if contact and not contact_consent:
        errors.setdefault("contact", []).append(_consent_error())
    _raise(errors)
    if not allow_duplicate:
        matches = action_matches(actor, action, pseudonym, person["age_band"], commune)
        if matches:
            raise ValidationError(
                {
                    "pseudonym": ValidationError(
                        _(
                            "Une personne correspondante existe déjà : %(people)s. Inscrivez-la "
                            "plutôt, ou confirmez qu'il s'agit d'une autre personne."
                        ),
                        code="duplicate",
                        params={"people": " ; ".join(_describe(match) for match in matches)},
                    )
                }
            )
    with transaction.atomic():
        participant = Participant.objects.create(
            pseudonym=pseudonym,
            age_band=person["age_band"],
            commune=commune,
            contact=contact,
            contact_consent_at=timezone.now() if contact_consent else None,
            contact_consent_by=actor if contact_consent else None,
            created_by=actor,
        )
        participant.eligibility_tags.set(tags)
        participant.organisations.add(action.organisation_id)
        _record_participant(actor, "create_participant", participant, None)
        _new_enrolment(actor, action, participant, enrolment)
    return participant


def _unknown_person() -> str:
    # One answer whether the identifier exists or not, so that identifiers reveal nothing.
    return _("Cette personne n'est pas connue de vos organisations.")


def shown_match(
    *,
    actor: User,
    action: CollectiveAction,
    participant_id: int,
    pseudonym: str,
    age_band: str = "",
    commune: Territory | None = None,
) -> Participant:
    """The participant `participant_id` if she is among the matches of the identity the worker
    typed (those the duplicate warning showed); `PermissionDenied` with one message otherwise."""
    pseudonym = " ".join((pseudonym or "").split())
    matches = action_matches(actor, action, pseudonym, age_band or "", commune)
    participant = next((match for match in matches if match.pk == participant_id), None)
    require(participant is not None, _unknown_person())
    return participant  # type: ignore[return-value]


def enrol_participant(
    *,
    actor: User,
    action: CollectiveAction,
    participant: Participant,
    referral: str = "",
    referred_by: Organisation | None = None,
    ladder_step: Term | None = None,
    joined_on: datetime.date | None = None,
    pseudonym: str = "",
    age_band: str = "",
    commune: Territory | None = None,
) -> Enrolment:
    """Enrol an existing participant in `action` (her organisations gain the carrier).

    `pseudonym`, `age_band` and `commune` are the identity the worker typed: the participant must
    be among its matches, so that an identifier alone never opens someone's file."""
    require(access.can_see_participants(actor, action), access.participants_refusal())
    shown_match(
        actor=actor,
        action=action,
        participant_id=participant.pk,
        pseudonym=pseudonym,
        age_band=age_band,
        commune=commune,
    )
    fields = _enrolment_fields(referral, referred_by, ladder_step, joined_on)
    errors = _enrolment_errors(action, fields)
    if Enrolment.objects.filter(action=action, participant=participant).exists():
        errors.setdefault("participant", []).append(
            _("Cette personne est déjà inscrite à cette action.")
        )
    _raise(errors)
    with transaction.atomic():
        return _new_enrolment(actor, action, participant, fields)


# --- Changing ------------------------------------------------------------------------------


def _require_manage(actor: User, participant: Participant) -> None:
    require(access.can_manage_participant(actor, participant), access.participants_refusal())
    if participant.erased_at is not None:
        raise ValidationError(_("Les données de cette personne ont été effacées."))


def update_participant(*, actor: User, participant: Participant, **fields: Any) -> Participant:
    """Change pseudonym, age band, commune, contact (`contact_consent`: True records the consent
    now, False withdraws it) or eligibility tags."""
    _require_manage(actor, participant)
    unknown = set(fields) - {*PARTICIPANT_FIELDS, "eligibility_tags"}
    if unknown:
        raise ValidationError(
            _("Champs inconnus : %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    if "pseudonym" in fields:
        fields["pseudonym"] = " ".join((fields["pseudonym"] or "").split())
    if "contact" in fields:
        fields["contact"] = (fields["contact"] or "").strip()
    if "age_band" in fields:
        fields["age_band"] = fields["age_band"] or ""
    if "eligibility_tags" in fields:
        fields["eligibility_tags"] = list(fields["eligibility_tags"])
    consent = fields.pop("contact_consent", None)
    action_ids = participant.enrolments.values_list("action_id", flat=True)
    held = participant.eligibility_tags.values_list("pk", flat=True)
    errors = _person_errors(fields, actor, list(action_ids), list(held))
    contact = fields.get("contact", participant.contact)
    contact_changed = contact != participant.contact
    has_consent = participant.contact_consent_at is not None
    if contact and (consent is False or (consent is None and (contact_changed or not has_consent))):
        errors.setdefault("contact", []).append(_consent_error())
    _raise(errors)
    before = audit.snapshot(participant, AUDITED_FIELDS)
    with transaction.atomic():
        for name in ("pseudonym", "age_band", "commune", "contact"):
            if name in fields:
                setattr(participant, name, fields[name])
        if not contact:
            participant.contact_consent_at = None
            participant.contact_consent_by = None
        elif consent and (contact_changed or not has_consent):
            participant.contact_consent_at = timezone.now()
            participant.contact_consent_by = actor
        participant.save()
        if "eligibility_tags" in fields:
            participant.eligibility_tags.set(fields["eligibility_tags"])
        _record_participant(actor, "update_participant", participant, before)
    return participant


def update_enrolment(*, actor: User, enrolment: Enrolment, **fields: Any) -> Enrolment:
    """Change how she came, her step on the participation ladder, her arrival or departure."""
    require(access.can_see_participants(actor, enrolment.action), access.participants_refusal())
    unknown = set(fields) - set(ENROLMENT_FIELDS)
    if unknown:
        raise ValidationError(
            _("Champs inconnus : %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    if "referral" in fields:
        fields["referral"] = fields["referral"] or ""
    if "joined_on" in fields and fields["joined_on"] is None:
        raise ValidationError({"joined_on": [_("Indiquez la date d'arrivée.")]})
    merged = {name: getattr(enrolment, name) for name in ENROLMENT_FIELDS} | fields
    _raise(_enrolment_errors(enrolment.action, merged))
    before = _enrolment_snapshot(enrolment)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(enrolment, name, value)
        enrolment.save()
        audit.record(
            actor,
            "update_enrolment",
            enrolment,
            before=before,
            after=_enrolment_snapshot(enrolment),
        )
    return enrolment


# --- Merging -------------------------------------------------------------------------------


def _label(name: str) -> str:
    return str(Participant._meta.get_field(name).verbose_name)


def _value(instance: models.Model, name: str) -> Any:
    return getattr(instance, instance._meta.get_field(name).attname)


def _differ(name: str, first: Any, second: Any) -> bool:
    if first in ("", None) or second in ("", None):
        return False
    if name == "pseudonym":
        return fold(first) != fold(second)
    return first != second


def _field_conflict(name: str, keep: Participant, duplicate: Participant) -> str:
    if name == "contact":
        # Contacts are not repeated in a message that may be shown or kept elsewhere.
        return _("%(field)s : les deux fiches ont un contact différent") % {"field": _label(name)}
    return _("%(field)s : « %(keep)s » et « %(duplicate)s »") % {
        "field": _label(name),
        "keep": getattr(keep, f"get_{name}_display", lambda: getattr(keep, name))(),
        "duplicate": getattr(duplicate, f"get_{name}_display", lambda: getattr(duplicate, name))(),
    }


def _merge_conflicts(keep: Participant, duplicate: Participant) -> list[str]:
    conflicts = [
        _field_conflict(name, keep, duplicate)
        for name in MERGED_FIELDS
        if _differ(name, _value(keep, name), _value(duplicate, name))
    ]
    kept = {enrolment.action_id: enrolment for enrolment in keep.enrolments.all()}
    for enrolment in duplicate.enrolments.select_related("action"):
        other = kept.get(enrolment.action_id)
        if other is None:
            continue
        for name in MERGED_ENROLMENT_FIELDS:
            field = Enrolment._meta.get_field(name)
            first, second = getattr(other, field.attname), getattr(enrolment, field.attname)
            if _differ(name, first, second):
                conflicts.append(
                    _("%(action)s, %(field)s : les deux fiches diffèrent")
                    % {"action": enrolment.action.title, "field": field.verbose_name}
                )
    statuses = dict(keep.attendances.values_list("session_id", "status"))
    for attendance in duplicate.attendances.select_related("session__action"):
        status = statuses.get(attendance.session_id)
        if status is not None and status != attendance.status:
            conflicts.append(
                _("%(action)s, séance du %(date)s : présence notée différemment")
                % {
                    "action": attendance.session.action.title,
                    "date": attendance.session.date.strftime("%d/%m/%Y"),
                }
            )
    return conflicts


def _merge_enrolments(keep: Participant, duplicate: Participant) -> None:
    kept = {enrolment.action_id: enrolment for enrolment in keep.enrolments.all()}
    for enrolment in duplicate.enrolments.all():
        other = kept.get(enrolment.action_id)
        if other is None:
            enrolment.participant = keep
            enrolment.save(update_fields=["participant"])
            continue
        for name in MERGED_ENROLMENT_FIELDS:
            attname = Enrolment._meta.get_field(name).attname
            if getattr(other, attname) in ("", None):
                setattr(other, attname, getattr(enrolment, attname))
        # She arrived when the first of the two records says she did.
        other.joined_on = min(other.joined_on, enrolment.joined_on)
        other.save()
        enrolment.delete()


def _merge_attendance(keep: Participant, duplicate: Participant) -> None:
    sessions = keep.attendances.values("session_id")
    # Same session, same status (conflicts were refused before): the duplicate's row goes.
    Attendance.objects.filter(participant=duplicate, session_id__in=sessions).delete()
    Attendance.objects.filter(participant=duplicate).update(participant=keep)


def merge_participants(*, actor: User, keep: Participant, duplicate: Participant) -> Participant:
    """Bring `duplicate` into `keep` and delete it; refused, listing every conflict, when a
    value would be lost."""
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Choisissez deux fiches différentes."))
    require(
        access.can_manage_participant(actor, keep)
        and access.can_manage_participant(actor, duplicate),
        access.participants_refusal(),
    )
    if keep.erased_at is not None or duplicate.erased_at is not None:
        raise ValidationError(_("Une fiche effacée ne se fusionne pas."))
    conflicts = _merge_conflicts(keep, duplicate)
    if conflicts:
        raise ValidationError(
            [
                _(
                    "La fusion effacerait des informations ; corrigez l'une des deux fiches "
                    "puis recommencez :"
                ),
                *conflicts,
            ],
            code="merge_conflict",
        )
    before = audit.snapshot(keep, AUDITED_FIELDS)
    with transaction.atomic():
        for name in MERGED_FIELDS:
            attname = Participant._meta.get_field(name).attname
            if getattr(keep, attname) in ("", None):
                setattr(keep, attname, getattr(duplicate, attname))
        if duplicate.contact and keep.contact == duplicate.contact and not keep.contact_consent_at:
            keep.contact_consent_at = duplicate.contact_consent_at
            keep.contact_consent_by_id = duplicate.contact_consent_by_id
        keep.save()
        keep.eligibility_tags.add(*duplicate.eligibility_tags.all())
        keep.organisations.add(*duplicate.organisations.all())
        _merge_enrolments(keep, duplicate)
        _merge_attendance(keep, duplicate)
        audit.record(
            actor,
            "merge_participants",
            duplicate,
            after={**audit.snapshot(duplicate, AUDITED_FIELDS), "merged_into": keep.pk},
        )
        merged = duplicate.pk
        duplicate.delete()
        _record_participant(actor, "merge_participants", keep, before, merged=merged)
    return keep


# --- Right of access and erasure -----------------------------------------------------------


def _merged_ids(participant: Participant) -> set[int]:
    """Her id and those of the records merged into hers, so erasure reaches their history."""
    ids = {participant.pk}
    pending = [participant.pk]
    while pending:
        merged = AuditEntry.objects.filter(
            object_type=PARTICIPANT_TYPE,
            object_id__in=[str(pk) for pk in pending],
            action="merge_participants",
            after__has_key="merged",
        ).values_list("after", flat=True)
        pending = [entry["merged"] for entry in merged if entry["merged"] not in ids]
        ids.update(pending)
    return ids


def _her_entries(participant: Participant) -> models.QuerySet[AuditEntry]:
    """The audit entries about her: her record (and those merged into it), her enrolments, and
    the attendance rows marked for her (found by their `participant`, so that rows dropped by a
    merge are reached too)."""
    ids = _merged_ids(participant)
    enrolments = [str(pk) for pk in participant.enrolments.values_list("pk", flat=True)]
    attendances = [str(pk) for pk in participant.attendances.values_list("pk", flat=True)]
    attendance_type = Attendance._meta.label_lower
    return AuditEntry.objects.filter(
        models.Q(object_type=PARTICIPANT_TYPE, object_id__in=[str(pk) for pk in ids])
        | models.Q(object_type=Enrolment._meta.label_lower, object_id__in=enrolments)
        | models.Q(object_type=attendance_type, object_id__in=attendances)
        | models.Q(object_type=attendance_type, after__participant__in=list(ids))
    )


def export_participant(*, actor: User, participant: Participant) -> dict[str, Any]:
    """Everything stored about the person, for her right of access."""
    require(access.can_manage_participant(actor, participant), access.participants_refusal())
    enrolments = participant.enrolments.select_related(
        "action", "referred_by", "ladder_step"
    ).order_by("joined_on", "pk")
    attendances = participant.attendances.select_related("session__action").order_by(
        "session__date", "pk"
    )
    data = {
        "id": participant.pk,
        "pseudonym": participant.pseudonym,
        "age_band": participant.get_age_band_display() if participant.age_band else "",
        "commune": participant.commune.name if participant.commune_id else "",
        "contact": participant.contact,
        "contact_consent_at": _iso(participant.contact_consent_at),
        "contact_consent_by": (
            participant.contact_consent_by.display_name if participant.contact_consent_by else ""
        ),
        "erased_at": _iso(participant.erased_at),
        "created_at": _iso(participant.created_at),
        "updated_at": _iso(participant.updated_at),
        "organisations": sorted(participant.organisations.values_list("name", flat=True)),
        "eligibility_tags": [
            {"label": tag.label, "funder": tag.organisation.name}
            for tag in participant.eligibility_tags.select_related("organisation")
        ],
        "enrolments": [
            {
                "action": enrolment.action.title,
                "referral": enrolment.get_referral_display() if enrolment.referral else "",
                "referred_by": enrolment.referred_by.name if enrolment.referred_by else "",
                "ladder_step": enrolment.ladder_step.label if enrolment.ladder_step else "",
                "joined_on": _iso(enrolment.joined_on),
                "left_on": _iso(enrolment.left_on),
            }
            for enrolment in enrolments
        ],
        "attendance": [
            {
                "action": attendance.session.action.title,
                "date": _iso(attendance.session.date),
                "status": attendance.get_status_display(),
            }
            for attendance in attendances
        ],
        "audit": [
            {
                "at": _iso(entry.at),
                "operation": entry.action,
                "before": entry.before,
                "after": entry.after,
            }
            for entry in _her_entries(participant).order_by("at", "pk")
        ],
    }
    audit.record(actor, "export_participant", participant)
    return data


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _scrub(values: Any, secrets: set[str]) -> Any:
    if isinstance(values, dict):
        return {
            key: (
                ERASED_VALUE
                if key in PERSONAL_KEYS and value not in ("", None)
                else _scrub(value, secrets)
            )
            for key, value in values.items()
        }
    if isinstance(values, list):
        return [_scrub(value, secrets) for value in values]
    if isinstance(values, str) and values in secrets:
        return ERASED_VALUE
    return values


def _redact_value(values: Any, redact: Callable[[str], str]) -> Any:
    if isinstance(values, dict):
        return {key: _redact_value(value, redact) for key, value in values.items()}
    if isinstance(values, list):
        return [_redact_value(value, redact) for value in values]
    if isinstance(values, str):
        return redact(values)
    return values


def _redact_repr(text: str, redact: Callable[[str], str]) -> str:
    redacted = redact(text)
    if len(text) >= LOG_ENTRY_REPR_LENGTH and " " in redacted and not text.endswith("…"):
        # A log entry is named by the start of its text: a name cut at its end (« … avec Yasm »)
        # would escape the redactor, so the last, possibly cut, word goes.
        return redacted.rsplit(" ", 1)[0] + "…"
    return redacted


def _redact_text_history(
    model: type[models.Model], rows: models.QuerySet, redact: Callable[[str], str]
) -> None:
    """The audit entries of these rows kept the texts as they were written (before/after
    values, and the object's name, which for a log entry is the start of its text)."""
    keys = rows.annotate(key=Cast("pk", models.CharField())).values("key")
    entries = []
    for entry in AuditEntry.objects.filter(object_type=model._meta.label_lower, object_id__in=keys):
        scrubbed = (
            _redact_value(entry.before, redact),
            _redact_value(entry.after, redact),
            _redact_repr(entry.object_repr, redact),
        )
        if scrubbed != (entry.before, entry.after, entry.object_repr):
            entry.before, entry.after, entry.object_repr = scrubbed
            entries.append(entry)
    AuditEntry.objects.bulk_update(entries, ["before", "after", "object_repr"])


def _redact_rows(
    actor: User, rows: models.QuerySet, fields: tuple[str, ...], redact: Callable[[str], str]
) -> None:
    changed = []
    for row in rows:
        names = [name for name in fields if redact(getattr(row, name)) != getattr(row, name)]
        if names:
            for name in names:
                setattr(row, name, redact(getattr(row, name)))
            changed.append((row, names))
    rows.model.objects.bulk_update([row for row, _names in changed], list(fields))
    _redact_text_history(rows.model, rows, redact)
    for row, names in changed:
        # The entry says which texts lost a name, never the name itself.
        audit.record(actor, "redact_after_erasure", row, after={"fields": names})


def _redact_group_texts(actor: User, participant: Participant, pseudonym: str) -> None:
    """Her name may have been written in the logbooks and session notes of her groups, whole
    (« Yasmina B. ») or by its first word (« Yasmina »), and kept in their audit trail."""
    redact = participant_name_redactor([pseudonym])
    actions = participant.enrolments.values("action_id")
    _redact_rows(actor, LogEntry.objects.filter(action_id__in=actions), ("text", "outcome"), redact)
    _redact_rows(actor, Session.objects.filter(action_id__in=actions), ("note",), redact)


def erase_participant(*, actor: User, participant: Participant) -> Participant:
    """Pseudonymise her (attendance, enrolments, age band and commune stay for the counts) and
    scrub her pseudonym and contact from the audit trail."""
    _require_manage(actor, participant)
    label = _("Personne effacée n° %(id)s") % {"id": participant.pk}
    pseudonym = participant.pseudonym
    secrets = {value for value in (pseudonym, participant.contact) if value}
    with transaction.atomic():
        entries = list(_her_entries(participant))
        participant.pseudonym = label
        participant.contact = ""
        participant.contact_consent_at = None
        participant.contact_consent_by = None
        participant.erased_at = timezone.now()
        participant.save()
        participant.eligibility_tags.clear()
        _redact_group_texts(actor, participant, pseudonym)
        for entry in entries:
            entry.before = _scrub(entry.before, secrets)
            entry.after = _scrub(entry.after, secrets)
            entry.object_repr = label
        AuditEntry.objects.bulk_update(entries, ["before", "after", "object_repr"])
        audit.record(
            actor,
            "erase_participant",
            participant,
            after={"erased_at": _iso(participant.erased_at)},
        )
    return participant


# --- Eligibility tags ----------------------------------------------------------------------


def create_eligibility_tag(
    *, actor: User, organisation: Organisation, label: str
) -> EligibilityTag:
    """A funder's label (« allocataire CAF »), optional on participants, never a condition."""
    require(
        funder_organisations(actor).filter(pk=organisation.pk).exists(),
        _(
            "Les critères d'un financeur sont créés par ses membres, par les coordinateurs des "
            "organisations dont il finance une action, ou par un administrateur national."
        ),
    )
    label = " ".join((label or "").split())
    errors: dict[str, list[str]] = {}
    if not label:
        errors["label"] = [_("Indiquez le libellé du critère.")]
    _check_text(errors, "label", label, 100)
    if (
        label
        and EligibilityTag.objects.filter(organisation=organisation, label__iexact=label).exists()
    ):
        errors.setdefault("label", []).append(_("Ce financeur a déjà un critère de ce nom."))
    _raise(errors)
    with transaction.atomic():
        tag = EligibilityTag.objects.create(organisation=organisation, label=label)
        audit.record(
            actor,
            "create_eligibility_tag",
            tag,
            after=audit.snapshot(tag, ("organisation", "label")),
        )
    return tag
