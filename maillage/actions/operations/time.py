"""Write functions for the time professionals give to collective actions.

Who records what: a person records her own time on an action she may change; a facilitator of
the action also records the time of a co-facilitator who has an account (the one who types
after the session often does it for both). Each entry copies the organisation and team of the
person's membership, chosen in this order: her membership in the action's carrier organisation,
else in the organisation she facilitates the action for, else her oldest membership; a person
with no membership at all is counted under that facilitator organisation, else the carrier.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from maillage.actions import access
from maillage.actions.models import (
    Activity,
    CollectiveAction,
    Facilitator,
    Session,
    TimeEntry,
)
from maillage.organisations import audit
from maillage.organisations.access import require
from maillage.organisations.models import Membership, User
from maillage.referential.models import Term
from maillage.web.plain_text import clean_text, markup_errors

MAX_MINUTES = 24 * 60
AUDIT_FIELDS = (
    "action",
    "user",
    "organisation",
    "team",
    "date",
    "minutes",
    "activity",
    "phase",
    "session",
    "comment",
)


@dataclass
class ProposedTime:
    """One line offered after a session, to confirm or adjust before it is recorded."""

    user: User
    minutes: int
    activity: str

    @property
    def activity_label(self) -> str:
        return str(Activity(self.activity).label)


def may_record_for(actor: User, action: CollectiveAction, user: User) -> bool:
    """Her own time on an action she changes; a co-facilitator's time if she facilitates it."""
    if user.pk == actor.pk:
        return access.can_edit_action(actor, action)
    return (
        access.is_facilitator(actor, action)
        and Facilitator.objects.filter(action_id=action.pk, user_id=user.pk).exists()
    )


def _organisation_and_team(user: User, action: CollectiveAction) -> tuple[int, str]:
    memberships = list(Membership.objects.filter(user_id=user.pk).order_by("pk"))
    facilitator_organisation = (
        Facilitator.objects.filter(action_id=action.pk, user_id=user.pk)
        .values_list("organisation_id", flat=True)
        .first()
    )
    for organisation_id in (action.organisation_id, facilitator_organisation):
        matching = [m for m in memberships if m.organisation_id == organisation_id]
        if organisation_id and matching:
            # A person may hold two roles in one organisation; the one naming a team counts.
            chosen = next((m for m in matching if m.team), matching[0])
            return chosen.organisation_id, chosen.team
    if memberships:
        return memberships[0].organisation_id, memberships[0].team
    return facilitator_organisation or action.organisation_id, ""


def _duration_errors(minutes: Any) -> list[str]:
    if not isinstance(minutes, int) or minutes < 1:
        return [_("La durée doit être d'au moins une minute.")]
    if minutes > MAX_MINUTES:
        return [
            _(
                "La durée dépasse une journée (24 heures) : saisissez le temps de chaque jour "
                "séparément."
            )
        ]
    return []


def _date_errors(action: CollectiveAction, date: Any) -> list[str]:
    if not isinstance(date, datetime.date):
        return [_("Indiquez une date.")]
    if date < action.start_date:
        return [
            _("La date précède le début de l'action (%(start)s).")
            % {"start": formats.date_format(action.start_date, "SHORT_DATE_FORMAT")}
        ]
    if date > timezone.localdate():
        return [_("La date ne peut pas être dans le futur.")]
    return []


def _entry(
    *,
    actor: User,
    action: CollectiveAction,
    date: Any,
    minutes: Any,
    activity: Any,
    user: User | None,
    phase: Term | None,
    session: Session | None,
    comment: str,
) -> TimeEntry:
    """A checked, unsaved entry: permission first, then every field (errors by field)."""
    user = user or actor
    require(
        may_record_for(actor, action, user),
        _(
            "Vous enregistrez votre temps sur les actions que vous pouvez modifier, et celui "
            "d'un co-animateur seulement sur une action que vous animez."
        ),
    )
    errors: dict[str, list[str]] = {}
    if message := _duration_errors(minutes):
        errors["minutes"] = message
    if message := _date_errors(action, date):
        errors["date"] = message
    if activity not in Activity.values:
        errors["activity"] = [_("Choisissez une activité de la liste.")]
    if phase is not None and not Term.objects.in_scheme("phase").filter(pk=phase.pk).exists():
        errors["phase"] = [_("Cette phase n'est pas dans le référentiel des phases.")]
    if session is not None and session.action_id != action.pk:
        errors["session"] = [_("Cette séance appartient à une autre action.")]
    comment = clean_text(comment)
    errors.update(markup_errors({"comment": comment}, ("comment",)))
    if errors:
        raise ValidationError(errors)
    organisation_id, team = _organisation_and_team(user, action)
    entry = TimeEntry(
        action=action,
        user=user,
        organisation_id=organisation_id,
        team=team,
        date=date,
        minutes=minutes,
        activity=activity,
        phase=phase,
        session=session,
        comment=comment,
    )
    entry.full_clean()
    return entry


def _save(actor: User, entry: TimeEntry) -> TimeEntry:
    entry.save()
    audit.record(actor, "add_time_entry", entry, after=audit.snapshot(entry, AUDIT_FIELDS))
    return entry


@transaction.atomic
def add_time_entry(
    *,
    actor: User,
    action: CollectiveAction,
    date: datetime.date,
    minutes: int,
    activity: str,
    user: User | None = None,
    phase: Term | None = None,
    session: Session | None = None,
    comment: str = "",
) -> TimeEntry:
    entry = _entry(
        actor=actor,
        action=action,
        date=date,
        minutes=minutes,
        activity=activity,
        user=user,
        phase=phase,
        session=session,
        comment=comment,
    )
    return _save(actor, entry)


def _session_users(session: Session) -> list[User]:
    """The session's facilitators with an account, or the action's if the session names none."""
    facilitators = Facilitator.objects.filter(user__isnull=False).select_related("user")
    named = facilitators.filter(sessions=session)
    chosen = named if named.exists() else facilitators.filter(action_id=session.action_id)
    return [facilitator.user for facilitator in chosen.order_by("pk")]


def proposed_session_time(session: Session) -> list[ProposedTime]:
    """Facilitation time (the session's length) and a preparation line at 0 for each
    facilitator, less what each already recorded for this session."""
    recorded = {
        (row["user_id"], row["activity"]): row["total"]
        for row in TimeEntry.objects.filter(session=session)
        .order_by()
        .values("user_id", "activity")
        .annotate(total=Sum("minutes"))
    }
    proposals: list[ProposedTime] = []
    for user in _session_users(session):
        facilitation = session.duration_minutes - recorded.get((user.pk, Activity.FACILITATION), 0)
        if facilitation > 0:
            proposals.append(ProposedTime(user, facilitation, Activity.FACILITATION))
        if (user.pk, Activity.PREPARATION) not in recorded:
            proposals.append(ProposedTime(user, 0, Activity.PREPARATION))
    return proposals


@transaction.atomic
def record_session_time(
    *, actor: User, session: Session, entries: Iterable[Mapping[str, Any]]
) -> list[TimeEntry]:
    """Record the confirmed lines of a session (each {"user", "minutes", "activity"}, optional
    "phase", "comment"), dated on the session. Lines left at 0 minutes are skipped; a line
    already recorded for this session (a double submission) is refused. All or nothing."""
    action = session.action
    already = set(TimeEntry.objects.filter(session=session).values_list("user_id", "activity"))
    checked: list[TimeEntry] = []
    errors: list[str] = []
    for position, line in enumerate(entries, start=1):
        if not line.get("minutes"):
            continue
        user = line.get("user") or actor
        if (user.pk, line.get("activity")) in already:
            errors.append(
                _("Ligne %(n)s : ce temps est déjà enregistré pour cette séance.") % {"n": position}
            )
            continue
        try:
            entry = _entry(
                actor=actor,
                action=action,
                date=session.date,
                minutes=line["minutes"],
                activity=line.get("activity"),
                user=user,
                phase=line.get("phase", action.phase),
                session=session,
                comment=line.get("comment", ""),
            )
        except ValidationError as error:
            errors.extend(
                _("Ligne %(n)s : %(message)s") % {"n": position, "message": message}
                for message in error.messages
            )
            continue
        already.add((user.pk, entry.activity))
        checked.append(entry)
    if errors:
        raise ValidationError({"entries": errors})
    if not checked:
        raise ValidationError({"entries": [_("Aucune durée à enregistrer.")]})
    return [_save(actor, entry) for entry in checked]


@transaction.atomic
def delete_time_entry(*, actor: User, entry: TimeEntry) -> None:
    require(
        entry.user_id == actor.pk or access.can_edit_action(actor, entry.action),
        _("Seuls la personne concernée et les responsables de l'action suppriment ce temps."),
    )
    audit.record(actor, "delete_time_entry", entry, before=audit.snapshot(entry, AUDIT_FIELDS))
    entry.delete()
