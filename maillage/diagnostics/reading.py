"""What the readable page of a diagnosis and its PDF report show, gathered once for both: the
steering group, the five components with their published contributions, the agreed priorities
and the actions started from them. Only published contributions ever appear here: pending ones
may hold personal data the moderator has not removed yet."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from maillage.actions.access import visible_actions
from maillage.actions.models import CollectiveAction
from maillage.diagnostics.models import (
    Component,
    Contribution,
    ContributionStatus,
    Diagnosis,
    Priority,
    PriorityStatus,
)
from maillage.diagnostics.profile_display import ShownRow, shown_row
from maillage.diagnostics.profiles import Profile, territory_profile
from maillage.organisations.models import User
from maillage.territories.maps import CommuneMap, commune_map
from maillage.territories.models import Territory

# One plain sentence per component (the five components of the relevant territory, 2015 report).
COMPONENT_EXPLANATIONS: dict[str, Promise] = {
    Component.GEOGRAPHY: _("Où s'arrête le territoire, quelles communes il réunit, qui y décide."),
    Component.FLOWS: _(
        "Où les gens vont travailler, faire leurs courses, se soigner, et comment ils s'y rendent."
    ),
    Component.PROBLEMS: _(
        "Les difficultés que vivent les habitants : argent, logement, emploi, santé, isolement."
    ),
    Component.PRACTICES: _(
        "Comment les travailleurs sociaux agissent ici, avec qui, et ce qui marche."
    ),
    Component.POPULATION: _(
        "Ce que les habitants attendent, ce qui les gêne, ce qu'ils proposent."
    ),
}


@dataclass
class SectionView:
    component: str
    label: str
    explanation: Promise
    text: str
    contributions: list[Contribution] = field(default_factory=list)


@dataclass
class PriorityView:
    priority: Priority
    # The actions started from it that the reader may read; the others are only counted: an
    # action is not public, not even its title (`maillage.actions.access`).
    actions: list[CollectiveAction]
    hidden: int


def sections(diagnosis: Diagnosis) -> tuple[list[SectionView], list[Contribution]]:
    """The five components with their published contributions, and the published contributions
    filed under no component."""
    texts = dict(diagnosis.sections.values_list("component", "text"))
    views = {
        component.value: SectionView(
            component=component.value,
            label=str(component.label),
            explanation=COMPONENT_EXPLANATIONS[component.value],
            text=texts.get(component.value, ""),
        )
        for component in Component
    }
    unfiled: list[Contribution] = []
    for contribution in published_contributions(diagnosis):
        target = views.get(contribution.component)
        (target.contributions if target else unfiled).append(contribution)
    return list(views.values()), unfiled


def published_contributions(diagnosis: Diagnosis) -> Any:
    return (
        diagnosis.contributions.filter(status=ContributionStatus.PUBLISHED)
        .select_related("commune")
        .order_by("created_at")
    )


def agreed_priorities(diagnosis: Diagnosis, user: User | AnonymousUser) -> list[PriorityView]:
    priorities = (
        diagnosis.priorities.filter(status=PriorityStatus.AGREED)
        .annotate(action_count=Count("actions"))
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=visible_actions(user).order_by("start_date"),
                to_attr="readable_actions",
            )
        )
    )
    return [
        PriorityView(
            priority=priority,
            actions=priority.readable_actions,
            hidden=priority.action_count - len(priority.readable_actions),
        )
        for priority in priorities
    ]


def key_figures(diagnosis: Diagnosis) -> Profile:
    """The figures chosen for the diagnosis, beside the département and France."""
    return territory_profile(diagnosis.territory, diagnosis.indicators.all())


def communes_map(diagnosis: Diagnosis) -> CommuneMap:
    return commune_map(
        Territory.objects.communes_of(diagnosis.territory),
        title=str(_("Les communes du territoire")),
    )


def diagnosis_page(diagnosis: Diagnosis, user: User | AnonymousUser) -> dict[str, Any]:
    """The context of the readable page of `diagnosis` for `user` (and of the PDF report, with
    an anonymous user)."""
    all_sections, unfiled = sections(diagnosis)
    profile = key_figures(diagnosis)
    # The rows formatted as on the territory's profile page, for its table include.
    figures: list[ShownRow] = [shown_row(profile, row) for row in profile.rows]
    return {
        "diagnosis": diagnosis,
        "members": diagnosis.steering_members.select_related("organisation").order_by("pk"),
        "sections": all_sections,
        "unfiled_contributions": unfiled,
        "published_count": len(unfiled)
        + sum(len(section.contributions) for section in all_sections),
        "priorities": agreed_priorities(diagnosis, user),
        "profile": profile,
        "figures": figures,
        "map": communes_map(diagnosis),
    }
