"""Write functions of the priorities of a diagnosis: proposing, voting, deciding, and starting a
collective action from an agreed priority.

- Those who vote (`access.can_vote`: the steering group and its organisations, and the editors
  of the diagnosis) propose priorities and vote for them, one vote per person and priority,
  while the diagnosis is still in the making: once published or archived the votes are closed.
- Editors of the diagnosis (`access.can_edit_diagnosis`) decide: a priority is agreed
  (« retenue ») or set aside, and ranked.
- An agreed priority may start a collective action: the action is created through the actions
  app's own write function (its permission and validation apply), on the diagnosis's territory,
  and keeps its priority so that the evaluation can trace the action back to the diagnosis. An
  action that already runs may be linked to an agreed priority it answers, by those who change
  the action and read the diagnosis.

Each function checks the permission, validates everything before the first write (French
messages by field; nothing is half-written), writes in one transaction and records the audit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.actions import access as actions_access
from maillage.actions.models import CollectiveAction
from maillage.actions.operations.actions import create_action
from maillage.diagnostics import access
from maillage.diagnostics.models import (
    Component,
    Contribution,
    ContributionStatus,
    Diagnosis,
    DiagnosisStatus,
    Priority,
    PriorityStatus,
    PriorityVote,
    Theme,
)
from maillage.organisations import audit
from maillage.organisations.access import require
from maillage.organisations.models import Organisation, User
from maillage.referential.models import Term
from maillage.web.plain_text import clean_text, markup_errors

AUDITED_FIELDS = ("title", "description", "component", "theme", "status", "rank", "contributions")
TITLE_LENGTH = Priority._meta.get_field("title").max_length
CLOSED_FOR_VOTES = (DiagnosisStatus.PUBLISHED, DiagnosisStatus.ARCHIVED)

# The refusals, shared with the pages that refuse before calling these functions.
VOTE_REFUSAL = gettext_lazy(
    "Seuls les membres du comité de pilotage et de ses organisations proposent des priorités et "
    "votent."
)
AGREED_ONLY = gettext_lazy("Seule une priorité retenue par le comité de pilotage lance une action.")
AGREED_ONLY_LINK = gettext_lazy(
    "Seule une priorité retenue par le comité de pilotage se relie à une action."
)
LINK_REFUSAL = gettext_lazy(
    "Seuls ceux qui modifient l'action et lisent le diagnostic la relient à une de ses priorités."
)
DECIDE_REFUSAL = gettext_lazy(
    "Seuls ceux qui animent le diagnostic retiennent, écartent ou classent les priorités."
)


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _votes_closed(diagnosis: Diagnosis) -> bool:
    return diagnosis.status in CLOSED_FOR_VOTES


def _check_open(diagnosis: Diagnosis) -> None:
    if _votes_closed(diagnosis):
        raise ValidationError(
            _("Le diagnostic est %(status)s : les priorités ne se proposent et ne se votent plus.")
            % {"status": diagnosis.get_status_display().lower()}
        )


def _linkable(diagnosis: Diagnosis, contributions: Iterable[Contribution]) -> list[Contribution]:
    """The contributions as stored now (the caller's copies may predate their moderation)."""
    wanted = {item.pk for item in contributions}
    linkable = list(
        Contribution.objects.filter(
            pk__in=wanted, diagnosis_id=diagnosis.pk, status=ContributionStatus.PUBLISHED
        )
    )
    if len(linkable) != len(wanted):
        raise ValidationError(
            {
                "contributions": [
                    _("Seules les contributions publiées de ce diagnostic peuvent être liées.")
                ]
            }
        )
    return linkable


@transaction.atomic
def propose_priority(
    *,
    actor: User,
    diagnosis: Diagnosis,
    title: str,
    description: str = "",
    component: str = "",
    theme: str = "",
    contributions: Iterable[Contribution] = (),
) -> Priority:
    require(access.can_vote(actor, diagnosis), str(VOTE_REFUSAL))
    _check_open(diagnosis)
    values = {"title": clean_text(title), "description": clean_text(description)}
    errors = markup_errors(values, ("title", "description"))
    if not values["title"]:
        errors.setdefault("title", []).append(_("Donnez un intitulé à la priorité."))
    elif len(values["title"]) > TITLE_LENGTH:
        errors.setdefault("title", []).append(
            _("L'intitulé tient en %(limit)d caractères au plus.") % {"limit": TITLE_LENGTH}
        )
    if component and component not in Component.values:
        errors.setdefault("component", []).append(_("Composante inconnue."))
    if theme and theme not in Theme.values:
        errors.setdefault("theme", []).append(_("Thème inconnu."))
    _raise(errors)
    linked = _linkable(diagnosis, contributions)
    priority = Priority.objects.create(
        diagnosis=diagnosis,
        component=component,
        theme=theme,
        created_by=actor,
        **values,
    )
    priority.contributions.set(linked)
    audit.record(
        actor, "propose_priority", priority, after=audit.snapshot(priority, AUDITED_FIELDS)
    )
    return priority


def _check_vote(actor: User, priority: Priority) -> None:
    require(access.can_vote(actor, priority.diagnosis), str(VOTE_REFUSAL))
    _check_open(priority.diagnosis)
    if priority.status == PriorityStatus.SET_ASIDE:
        raise ValidationError(_("Cette priorité a été écartée : elle ne se vote plus."))


def vote_for_priority(*, actor: User, priority: Priority) -> PriorityVote:
    _check_vote(actor, priority)
    already = _("Vous avez déjà voté pour cette priorité.")
    if PriorityVote.objects.filter(priority=priority, user=actor).exists():
        raise ValidationError(already)
    try:
        with transaction.atomic():
            vote = PriorityVote.objects.create(priority=priority, user=actor)
            audit.record(actor, "vote_for_priority", priority, after={"vote": True})
    except IntegrityError:
        # Two clicks at once: the unique constraint keeps one vote; the second one says so.
        raise ValidationError(already) from None
    return vote


@transaction.atomic
def withdraw_vote(*, actor: User, priority: Priority) -> None:
    _check_vote(actor, priority)
    deleted, _counts = PriorityVote.objects.filter(priority=priority, user=actor).delete()
    if not deleted:
        raise ValidationError(_("Vous n'avez pas voté pour cette priorité."))
    audit.record(actor, "withdraw_vote", priority, before={"vote": True}, after={"vote": False})


@transaction.atomic
def decide_priority(
    *, actor: User, priority: Priority, status: str, rank: int | None = None
) -> Priority:
    """`status` is one of `PriorityStatus`; `rank` orders the priorities (1 first, None last).
    Agreeing dates the decision; going back to proposed or setting aside clears that date."""
    require(access.can_edit_diagnosis(actor, priority.diagnosis), str(DECIDE_REFUSAL))
    errors: dict[str, list[str]] = {}
    if status not in PriorityStatus.values:
        errors["status"] = [_("Choisissez : proposée, retenue ou écartée.")]
    if rank is not None and not 1 <= rank <= 999:
        errors["rank"] = [_("Le rang est un nombre entier de 1 à 999.")]
    _raise(errors)
    if priority.diagnosis.status == DiagnosisStatus.ARCHIVED:
        raise ValidationError(_("Le diagnostic est archivé : ses priorités ne changent plus."))
    before = audit.snapshot(priority, AUDITED_FIELDS)
    if status == PriorityStatus.AGREED and priority.status != PriorityStatus.AGREED:
        priority.decided_on = timezone.localdate()
    elif status != PriorityStatus.AGREED:
        priority.decided_on = None
    priority.status = status
    priority.rank = rank
    priority.save(update_fields=["status", "rank", "decided_on"])
    audit.record(
        actor,
        "decide_priority",
        priority,
        before=before,
        after=audit.snapshot(priority, AUDITED_FIELDS),
    )
    return priority


@transaction.atomic
def start_action_from_priority(
    *,
    actor: User,
    priority: Priority,
    organisation: Organisation,
    isic_form: Term,
    title: str = "",
    start_date: datetime.date | None = None,
) -> CollectiveAction:
    """A collective action in preparation on the diagnosis's territory, carried by
    `organisation` (one of the actor's), that keeps `priority` as its origin."""
    diagnosis = priority.diagnosis
    require(
        access.can_view_diagnosis(actor, diagnosis) and actions_access.can_create_action(actor),
        _(
            "Seuls les professionnels et coordinateurs d'une organisation qui lisent ce "
            "diagnostic en lancent une action."
        ),
    )
    if priority.status != PriorityStatus.AGREED:
        raise ValidationError(str(AGREED_ONLY))
    action = create_action(
        actor=actor,
        organisation=organisation,
        title=clean_text(title) or priority.title,
        isic_form=isic_form,
        territories=[diagnosis.territory],
        start_date=start_date or timezone.localdate(),
        description=priority.description,
    )
    _tie(actor, "start_action_from_priority", priority, action)
    return action


@transaction.atomic
def link_action_to_priority(
    *, actor: User, priority: Priority, action: CollectiveAction
) -> CollectiveAction:
    """`action`, which already runs, answers the agreed `priority`: it keeps it as its origin,
    as an action started from it does (in place of any priority it had)."""
    require(
        access.can_view_diagnosis(actor, priority.diagnosis)
        and actions_access.can_edit_action(actor, action),
        str(LINK_REFUSAL),
    )
    if priority.status != PriorityStatus.AGREED:
        raise ValidationError(str(AGREED_ONLY_LINK))
    _tie(actor, "link_action_to_priority", priority, action)
    return action


def _tie(actor: User, operation: str, priority: Priority, action: CollectiveAction) -> None:
    """Record `priority` as the origin of `action`, in the trail of both, and in the trail of
    the priority it came from when it is moved."""
    previous = action.priority
    action.priority = priority
    action.save(update_fields=["priority"])
    before = {"priority": previous.pk if previous else None}
    audit.record(actor, operation, action, before=before, after={"priority": priority.pk})
    audit.record(actor, operation, priority, after={"action": action.pk})
    if previous is not None and previous.pk != priority.pk:
        audit.record(
            actor, operation, previous, before={"action": action.pk}, after={"action": None}
        )
