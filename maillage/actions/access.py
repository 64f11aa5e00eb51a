"""Who may see and change a collective action, and who may see the people in it.

- An action is read by the members of its carrier organisation, of the organisations it is
  shared with (its partners, read-only), by its facilitators, and by national administrators.
- A coordinator (« chef de file ») also reads the actions carried by her organisations or located
  on their territories (the same territory, or a commune, EPCI or département inside it): she
  steers with aggregates and never sees participants' names through that right.
- An action is changed by its facilitators with an account and by the professionals and
  coordinators of its carrier organisation.
- Participants' personal data (pseudonym, contact, eligibility) is shown only to the
  professionals of the action: its facilitators with an account.
- A funder's report is read by the members of the funder organisation and by whoever reads at
  least one action it funds; it holds counts, never names.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils.translation import gettext as _

from maillage.actions.models import CollectiveAction, Facilitator, Participant, Session
from maillage.organisations.access import is_national_admin, organisation_ids
from maillage.organisations.models import Organisation, Role, User
from maillage.territories.models import Territory

EDITOR_ROLES = {Role.PROFESSIONAL, Role.COORDINATOR}


def coordinated_area(user: User | AnonymousUser) -> tuple[set[int], set[int]]:
    """The organisations a user coordinates, and the territories they cover."""
    organisations = organisation_ids(user, {Role.COORDINATOR})
    territories = set(
        Territory.objects.filter(organisations__in=organisations).values_list("pk", flat=True)
    )
    return organisations, territories


def located_in(area: set[int], prefix: str = "territories") -> models.Q:
    """Objects with a territory equal to or inside one of `area` (one filter, no loop)."""
    return (
        models.Q(**{f"{prefix}__in": area})
        | models.Q(**{f"{prefix}__departement_id__in": area})
        | models.Q(**{f"{prefix}__region_id__in": area})
        | models.Q(**{f"{prefix}__epci_id__in": area})
    )


def visible_actions(user: User | AnonymousUser) -> models.QuerySet[CollectiveAction]:
    actions = CollectiveAction.objects.all()
    if is_national_admin(user):
        return actions
    if not user.is_authenticated:
        return actions.none()
    own = organisation_ids(user)
    coordinated, area = coordinated_area(user)
    condition = (
        models.Q(organisation_id__in=own)
        | models.Q(shared_with__in=own)
        | models.Q(facilitators__user_id=user.pk)
        | models.Q(organisation_id__in=coordinated)
    )
    if area:
        condition |= located_in(area)
    return actions.filter(pk__in=CollectiveAction.objects.filter(condition).values("pk"))


def can_view_action(user: User | AnonymousUser, action: CollectiveAction) -> bool:
    return visible_actions(user).filter(pk=action.pk).exists()


def is_facilitator(user: User | AnonymousUser, action: CollectiveAction) -> bool:
    return bool(
        user.is_authenticated
        and Facilitator.objects.filter(action_id=action.pk, user_id=user.pk).exists()
    )


def can_edit_action(user: User | AnonymousUser, action: CollectiveAction) -> bool:
    if not user.is_authenticated:
        return False
    return (
        is_national_admin(user)
        or is_facilitator(user, action)
        or action.organisation_id in organisation_ids(user, EDITOR_ROLES)
    )


def can_create_action(user: User | AnonymousUser) -> bool:
    return is_national_admin(user) or bool(organisation_ids(user, EDITOR_ROLES))


def can_see_participants(user: User | AnonymousUser, action: CollectiveAction) -> bool:
    """Names, contacts and eligibility: the action's professionals only."""
    return is_facilitator(user, action)


def participants_refusal() -> str:
    """Why someone who reads an action is not shown the people in it."""
    return _(
        "Seuls les professionnels qui animent cette action voient les noms des personnes qui y "
        "participent. Les effectifs figurent dans le bilan de l'action."
    )


def can_take_attendance(user: User | AnonymousUser, session: Session) -> bool:
    return can_see_participants(user, session.action)


def visible_participants(user: User | AnonymousUser) -> models.QuerySet[Participant]:
    """Participants of the actions `user` facilitates, and those she entered herself."""
    if not user.is_authenticated:
        return Participant.objects.none()
    return Participant.objects.filter(
        pk__in=Participant.objects.filter(
            models.Q(enrolments__action__facilitators__user_id=user.pk)
            | models.Q(created_by_id=user.pk)
        ).values("pk")
    )


def can_manage_participant(user: User | AnonymousUser, participant: Participant) -> bool:
    return visible_participants(user).filter(pk=participant.pk).exists()


def visible_funders(user: User | AnonymousUser) -> models.QuerySet[Organisation]:
    """The funders whose report `user` may read."""
    funders = Organisation.objects.filter(funded_actions__isnull=False)
    if not is_national_admin(user):
        funders = funders.filter(
            models.Q(pk__in=organisation_ids(user))
            | models.Q(funded_actions__action__in=visible_actions(user))
        )
    return Organisation.objects.filter(pk__in=funders.values("pk"))


def can_read_funder_report(user: User | AnonymousUser, funder: Organisation) -> bool:
    # The same answer as `visible_funders`, without listing every funder first.
    if not funder.funded_actions.exists():
        return False
    return (
        is_national_admin(user)
        or funder.pk in organisation_ids(user)
        or funder_report_actions(user, funder).exists()
    )


def funder_report_actions(
    user: User | AnonymousUser, funder: Organisation
) -> models.QuerySet[CollectiveAction]:
    """The actions a funder's report covers for `user`: all it funds for its own members,
    otherwise those it funds among the actions `user` reads."""
    funded = CollectiveAction.objects.filter(funders__organisation=funder)
    if is_national_admin(user) or funder.pk in organisation_ids(user):
        return funded
    return funded.filter(pk__in=visible_actions(user).values("pk"))
