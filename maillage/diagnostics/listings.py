"""The lists that a page and its API twin both show, queried once for both: the diagnoses a
person sees, with their contributions counted, and the priorities of a diagnosis with their
votes and the actions started from them."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from maillage.actions.access import visible_actions
from maillage.diagnostics import access
from maillage.diagnostics.models import (
    Contribution,
    ContributionStatus,
    Diagnosis,
    Priority,
    PriorityVote,
)
from maillage.organisations.models import User


def listed_diagnoses(user: User | AnonymousUser) -> QuerySet[Diagnosis]:
    """The diagnoses `user` takes part in and every published one, newest first, with their
    contributions published (`contributions_published`) and received (`contributions_received`)."""
    return (
        Diagnosis.objects.filter(
            Q(pk__in=access.visible_diagnoses(user).values("pk"))
            | Q(pk__in=access.public_diagnoses().values("pk"))
        )
        .select_related("territory", "organisation")
        .annotate(
            contributions_published=Count(
                "contributions", filter=Q(contributions__status=ContributionStatus.PUBLISHED)
            ),
            contributions_received=Count("contributions"),
        )
        .order_by("-created_at")
    )


def priorities_with_figures(user: User | AnonymousUser, diagnosis: Diagnosis) -> QuerySet[Priority]:
    """The priorities with their vote count, whether `user` voted, their published
    contributions, and the actions started from them that `user` reads."""
    mine = PriorityVote.objects.filter(priority_id=OuterRef("pk"), user_id=user.pk or 0)
    return (
        diagnosis.priorities.annotate(
            vote_count=Count("votes", distinct=True),
            action_count=Count("actions", distinct=True),
            voted=Exists(mine),
        )
        .prefetch_related(
            Prefetch(
                "contributions",
                queryset=Contribution.objects.filter(status=ContributionStatus.PUBLISHED),
            ),
            Prefetch(
                "actions",
                queryset=visible_actions(user)
                .only("pk", "title", "status", "priority_id")
                .order_by("start_date", "pk"),
                to_attr="readable_actions",
            ),
        )
        # Unranked priorities after the ranked ones, on SQLite as on PostgreSQL.
        .order_by(F("rank").asc(nulls_last=True), "created_at", "pk")
    )
