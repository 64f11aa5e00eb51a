"""Who may read, edit and review a practice sheet.

- Anyone reads the published revision of a sheet that is not archived.
- Its author, the members of its organisation and national administrators edit the working copy
  (drafts, returned sheets, and published sheets, whose edit starts a new version); nobody edits
  a sheet while it is under review.
- Documentalists (« tête de réseau » and documentation services) review every sheet; a
  coordinator (« chef de file ») reviews the sheets of her organisations and those whose
  territories all lie within her organisations' territories (the same territory, or a commune,
  EPCI or département inside it); national administrators review all.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db import models

from maillage.organisations.access import has_role, is_national_admin, organisation_ids
from maillage.organisations.models import Membership, Role, User
from maillage.practices.models import Practice, Status
from maillage.territories.models import Territory

EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.RETURNED, Status.PUBLISHED})


def is_public(practice: Practice) -> bool:
    return practice.published_revision_id is not None and practice.status != Status.ARCHIVED


def is_editor(user: User | AnonymousUser, practice: Practice) -> bool:
    """Author, colleague in the sheet's organisation or national admin, whatever the status."""
    if not user.is_authenticated:
        return False
    return (
        is_national_admin(user)
        or practice.author_id == user.pk
        or (
            practice.organisation_id is not None
            and practice.organisation_id in organisation_ids(user)
        )
    )


def can_edit(user: User | AnonymousUser, practice: Practice) -> bool:
    return practice.status in EDITABLE_STATUSES and is_editor(user, practice)


def can_create(user: User | AnonymousUser) -> bool:
    """Any member of an organisation writes sheets; an account alone is not enough."""
    return is_national_admin(user) or bool(organisation_ids(user))


def _coordinated_area(user: User | AnonymousUser) -> tuple[set[int], set[int]]:
    """The organisations a user coordinates and the territories they cover."""
    organisations = organisation_ids(user, {Role.COORDINATOR})
    territories = set(
        Territory.objects.filter(organisations__in=organisations).values_list("pk", flat=True)
    )
    return organisations, territories


def _covering(territory: Territory) -> set[int]:
    """The territories that contain `territory`, itself included."""
    return {
        pk
        for pk in (territory.pk, territory.departement_id, territory.region_id, territory.epci_id)
        if pk is not None
    }


def lies_within(territories: Iterable[Territory], area: set[int]) -> bool:
    territories = list(territories)
    return bool(territories) and all(_covering(territory) & area for territory in territories)


def is_reviewer(user: User | AnonymousUser) -> bool:
    """Whether a user reviews any sheet at all (to show the review queue in her pages)."""
    return (
        is_national_admin(user)
        or has_role(user, Role.DOCUMENTALIST)
        or has_role(user, Role.COORDINATOR)
    )


def can_review(user: User | AnonymousUser, practice: Practice) -> bool:
    if not user.is_authenticated:
        return False
    if is_national_admin(user) or has_role(user, Role.DOCUMENTALIST):
        return True
    organisations, area = _coordinated_area(user)
    if not organisations:
        return False
    return practice.organisation_id in organisations or lies_within(
        practice.territories.all(), area
    )


def can_view(user: User | AnonymousUser, practice: Practice) -> bool:
    return is_public(practice) or is_editor(user, practice) or can_review(user, practice)


def reviewable(
    queryset: models.QuerySet[Practice], user: User | AnonymousUser
) -> models.QuerySet[Practice]:
    """The sheets of `queryset` that `user` reviews, as one filter (no loop over sheets)."""
    if not user.is_authenticated:
        return queryset.none()
    if is_national_admin(user) or has_role(user, Role.DOCUMENTALIST):
        return queryset
    organisations, area = _coordinated_area(user)
    if not organisations:
        return queryset.none()
    outside = Territory.objects.exclude(
        models.Q(pk__in=area)
        | models.Q(departement_id__in=area)
        | models.Q(region_id__in=area)
        | models.Q(epci_id__in=area)
    )
    links = Practice.territories.through.objects
    located = models.Exists(links.filter(practice_id=models.OuterRef("pk")))
    straying = models.Exists(
        links.filter(practice_id=models.OuterRef("pk"), territory_id__in=outside.values("pk"))
    )
    return queryset.filter(models.Q(organisation_id__in=organisations) | (located & ~straying))


def reviewers_of(practice: Practice) -> list[User]:
    """Everyone who may review `practice`: told when it is submitted."""
    territories = list(practice.territories.all())
    candidates = set().union(*(_covering(territory) for territory in territories))
    rows = Membership.objects.filter(
        models.Q(organisation_id=practice.organisation_id)
        | models.Q(organisation__territories__in=candidates),
        role=Role.COORDINATOR,
    ).values_list("user_id", "organisation_id", "organisation__territories")
    coordinators: set[int] = set()
    areas: dict[int, set[int]] = {}
    for user_id, organisation_id, territory_id in rows:
        if organisation_id == practice.organisation_id:
            coordinators.add(user_id)
        if territory_id is not None:
            areas.setdefault(user_id, set()).add(territory_id)
    coordinators |= {user_id for user_id, area in areas.items() if lies_within(territories, area)}
    return list(
        User.objects.filter(
            models.Q(pk__in=coordinators)
            | models.Q(memberships__role=Role.DOCUMENTALIST)
            | models.Q(is_national_admin=True),
            is_active=True,
        ).distinct()
    )
