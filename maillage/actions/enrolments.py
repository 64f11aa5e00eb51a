"""The enrolments the participants pages and the API list, each with the number of sessions the
person attended in that action, counted in the database: one query, whatever the group size."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Prefetch, Q, QuerySet

from maillage.actions.models import (
    CollectiveAction,
    EligibilityTag,
    Enrolment,
    Participant,
    Presence,
)
from maillage.organisations.models import User


def action_enrolments(action: CollectiveAction) -> QuerySet[Enrolment]:
    """The people of `action`, those still in the group first."""
    present = Q(
        participant__attendances__session__action=action,
        participant__attendances__status=Presence.PRESENT,
    )
    return (
        Enrolment.objects.filter(action=action)
        .select_related("participant__commune", "ladder_step", "referred_by")
        .prefetch_related(
            Prefetch(
                "participant__eligibility_tags",
                EligibilityTag.objects.select_related("organisation"),
            )
        )
        .annotate(sessions_attended=Count("participant__attendances", filter=present))
        # Those still in the group first, on every database.
        .order_by(F("left_on").asc(nulls_first=True), "participant__pseudonym", "pk")
    )


def participant_enrolments(
    participant: Participant, user: User | AnonymousUser
) -> QuerySet[Enrolment]:
    """Her enrolments in the actions `user` runs: the others are not this worker's."""
    return (
        participant.enrolments.filter(action__facilitators__user_id=user.pk)
        .select_related("action__organisation", "ladder_step", "referred_by")
        .annotate(
            sessions_attended=Count(
                "participant__attendances",
                filter=Q(
                    participant__attendances__session__action=F("action"),
                    participant__attendances__status=Presence.PRESENT,
                ),
            )
        )
        .order_by("-joined_on", "pk")
    )
