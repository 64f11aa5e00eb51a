"""Collective actions for tests, written straight to the database (the operations are tested
on their own; these set the scene).

    from tests.actions.factories import ActionFactory, ParticipantFactory, SessionFactory, enrol

    action = ActionFactory(organisation=org)               # carrier `org`, group work, a commune
    worker = facilitator(action)                            # a professional of `org` running it
    person = enrol(action, ParticipantFactory())            # enrolled, attached to `org`
    session = SessionFactory(action=action)                 # planned inside the action's period

Shared by everyone writing tests for the actions app: add to it, do not change what is here.
"""

from __future__ import annotations

import datetime
from typing import Any

import factory

from maillage.actions.models import (
    CollectiveAction,
    Enrolment,
    Facilitator,
    Participant,
    Session,
)
from maillage.organisations.models import Role, User
from tests.organisations.factories import OrganisationFactory, UserFactory, member
from tests.practices.factories import term
from tests.territories.factories import CommuneFactory


class ActionFactory(factory.django.DjangoModelFactory):
    """A closed group (« travail social de groupe ») on one commune, running in 2026."""

    class Meta:
        model = CollectiveAction
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Groupe de parents n° {n}")
    isic_form = factory.LazyFunction(lambda: term("isic_form", "travail_social_de_groupe"))
    start_date = datetime.date(2026, 1, 5)
    end_date = datetime.date(2026, 12, 18)
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def territories(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.territories.set(extracted if extracted is not None else [CommuneFactory()])


def facilitator(action: CollectiveAction, user: User | None = None) -> User:
    """A professional of the carrier organisation, made a facilitator of `action`."""
    user = user or member(Role.PROFESSIONAL, action.organisation)
    Facilitator.objects.create(action=action, user=user, function="Assistante sociale")
    return user


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    pseudonym = factory.Sequence(lambda n: f"Participante {n}")
    age_band = "25-39"


def enrol(action: CollectiveAction, participant: Participant, **fields: Any) -> Participant:
    Enrolment.objects.create(
        action=action, participant=participant, joined_on=action.start_date, **fields
    )
    participant.organisations.add(action.organisation)
    return participant


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    action = factory.SubFactory(ActionFactory)
    date = factory.LazyAttribute(lambda session: session.action.start_date)
    duration_minutes = 120
    place = "Centre social"


class TimeEntryFactory(factory.django.DjangoModelFactory):
    """An hour of facilitation by a new person, counted under the action's carrier."""

    class Meta:
        model = "actions.TimeEntry"

    action = factory.SubFactory(ActionFactory)
    user = factory.SubFactory(UserFactory)
    organisation = factory.LazyAttribute(lambda entry: entry.action.organisation)
    date = factory.LazyAttribute(lambda entry: entry.action.start_date)
    minutes = 60
    activity = "facilitation"


def running_action(**fields: Any) -> CollectiveAction:
    """An action started two months ago with no end, so that « today » is always inside it."""
    fields.setdefault("start_date", datetime.date.today() - datetime.timedelta(days=60))
    fields.setdefault("end_date", None)
    return ActionFactory(**fields)
