"""Who may read and change indicators and diagnoses.

- The indicator catalogue, the values and the territorial profiles are open data: everyone reads
  them, with or without an account. National indicators (`organisation` empty) are created and
  filled by national administrators; an organisation's own indicators by its coordinators.
- A diagnosis is read by the members of its carrier organisation and of its steering group's
  organisations (`shared_with`), by the people named in its steering group, by the coordinators
  whose territory contains it, and by national administrators. Once published, everyone reads its
  public page (synthesis, priorities, published contributions, figures): it is written « en
  langage courant » for the inhabitants who took part.
- A diagnosis is changed (steering group, sections, moderation, priorities, synthesis) by the
  professionals and coordinators of its carrier organisation and by the people of its steering
  group who have an account.
- Priorities are voted by the people of the steering group and the members of its organisations.
- Contributions waiting for moderation are read only by those who change the diagnosis: an
  inhabitant may have written something personal that the moderator removes before anyone reads it.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from maillage.actions.access import coordinated_area, located_in
from maillage.diagnostics.models import Diagnosis, DiagnosisStatus, Indicator, SteeringMember
from maillage.organisations.access import (
    is_national_admin,
    may_act_for,
    organisation_ids,
    organisations_acting_for,
)
from maillage.organisations.models import Organisation, Role, User

EDITOR_ROLES = {Role.PROFESSIONAL, Role.COORDINATOR}


def can_create_indicator(user: User | AnonymousUser) -> bool:
    return is_national_admin(user) or bool(organisation_ids(user, {Role.COORDINATOR}))


def can_fill_indicator(user: User | AnonymousUser, indicator: Indicator) -> bool:
    """May create, change and import the values of `indicator`."""
    if is_national_admin(user):
        return True
    if indicator.organisation_id is None:
        return False
    return indicator.organisation_id in organisation_ids(user, {Role.COORDINATOR})


def visible_diagnoses(user: User | AnonymousUser) -> models.QuerySet[Diagnosis]:
    """The diagnoses `user` reads as a participant in their making (published ones included when
    she is one of their readers; the public reads published ones through `public_diagnoses`)."""
    diagnoses = Diagnosis.objects.all()
    if is_national_admin(user):
        return diagnoses
    if not user.is_authenticated:
        return diagnoses.none()
    own = organisation_ids(user)
    coordinated, area = coordinated_area(user)
    condition = (
        models.Q(organisation_id__in=own)
        | models.Q(shared_with__in=own)
        | models.Q(steering_members__user_id=user.pk)
        | models.Q(organisation_id__in=coordinated)
    )
    if area:
        condition |= located_in(area, "territory")
    return diagnoses.filter(pk__in=Diagnosis.objects.filter(condition).values("pk"))


def public_diagnoses() -> models.QuerySet[Diagnosis]:
    return Diagnosis.objects.filter(status=DiagnosisStatus.PUBLISHED)


def can_view_diagnosis(user: User | AnonymousUser, diagnosis: Diagnosis) -> bool:
    return (
        diagnosis.status == DiagnosisStatus.PUBLISHED
        or visible_diagnoses(user).filter(pk=diagnosis.pk).exists()
    )


def is_steering_person(user: User | AnonymousUser, diagnosis: Diagnosis) -> bool:
    return bool(
        user.is_authenticated
        and SteeringMember.objects.filter(diagnosis_id=diagnosis.pk, user_id=user.pk).exists()
    )


def can_create_diagnosis(user: User | AnonymousUser) -> bool:
    return is_national_admin(user) or bool(organisation_ids(user, EDITOR_ROLES))


def carrier_organisations(user: User | AnonymousUser) -> models.QuerySet[Organisation]:
    """The organisations `user` may carry a diagnosis for, by name: those where she is a
    professional or a coordinator, every one for a national administrator."""
    return organisations_acting_for(user, EDITOR_ROLES)


def may_carry(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """Is `organisation` one of `carrier_organisations(user)`?"""
    return may_act_for(user, organisation, EDITOR_ROLES)


def can_edit_diagnosis(user: User | AnonymousUser, diagnosis: Diagnosis) -> bool:
    if not user.is_authenticated:
        return False
    return (
        is_national_admin(user)
        or diagnosis.organisation_id in organisation_ids(user, EDITOR_ROLES)
        or is_steering_person(user, diagnosis)
    )


def can_moderate(user: User | AnonymousUser, diagnosis: Diagnosis) -> bool:
    return can_edit_diagnosis(user, diagnosis)


def can_vote(user: User | AnonymousUser, diagnosis: Diagnosis) -> bool:
    if not user.is_authenticated:
        return False
    if is_steering_person(user, diagnosis) or can_edit_diagnosis(user, diagnosis):
        return True
    steering_organisations = set(
        SteeringMember.objects.filter(
            diagnosis_id=diagnosis.pk, organisation__isnull=False
        ).values_list("organisation_id", flat=True)
    )
    return bool(steering_organisations & organisation_ids(user))


def can_contribute_signed_in(user: User | AnonymousUser, diagnosis: Diagnosis) -> bool:
    """Professionals and partners contribute with their account (their contribution names its
    organisation); inhabitants use the public link."""
    return user.is_authenticated and visible_diagnoses(user).filter(pk=diagnosis.pk).exists()


def readable_diagnosis(
    user: User | AnonymousUser, pk: int, diagnoses: models.QuerySet[Diagnosis] | None = None
) -> Diagnosis:
    """The diagnosis `pk` if `user` reads it; the same 404 whether it exists or not."""
    diagnosis = (diagnoses if diagnoses is not None else Diagnosis.objects).filter(pk=pk).first()
    if diagnosis is None or not can_view_diagnosis(user, diagnosis):
        raise Http404(_("Aucun diagnostic ne porte ce numéro."))
    return diagnosis


def reads_as_participant(user: User | AnonymousUser, diagnosis: Diagnosis) -> bool:
    """Does `user` read `diagnosis` as one of its participants rather than as the public of a
    published one? Participants see the names of the steering group's people; the public, its
    organisations and roles only."""
    return visible_diagnoses(user).filter(pk=diagnosis.pk).exists()
