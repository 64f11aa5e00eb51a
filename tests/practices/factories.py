"""Practice sheets for tests.

    from tests.practices.factories import PracticeFactory, published_practice, term

    draft = PracticeFactory(author=some_user)               # a draft written straight to the DB
    sheet = published_practice(title="Jardin partagé")      # created, submitted and published
                                                            # through the operations: indexed
    sheet = published_practice(isic_forms=[term("isic_form", "groupe_de_socialisation")])

Both load the real référentiel on first use, so terms can be named by their codes.
"""

from __future__ import annotations

from typing import Any

import factory

from maillage.organisations.models import Organisation, Role, User
from maillage.practices import operations
from maillage.practices.models import Practice
from maillage.referential.loading import load_referential
from maillage.referential.models import Scheme, Term
from tests.organisations.factories import UserFactory, member


def term(scheme: str, code: str) -> Term:
    """A term of the real référentiel, loading it if the test database has not got it yet."""
    if not Scheme.objects.filter(code="isic_form").exists():
        load_referential()
    return Term.objects.get_by_codes(scheme, code)


class PracticeFactory(factory.django.DjangoModelFactory):
    """A draft sheet with a title, a summary and one form of intervention (group work)."""

    class Meta:
        model = Practice
        skip_postgeneration_save = True

    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Groupe d'entraide de parents n° {n}")
    summary = "Des parents se retrouvent chaque semaine pour échanger et monter des projets."
    description = "Le groupe se réunit au centre social, animé par une conseillère ESF."

    @factory.post_generation
    def isic_forms(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.isic_forms.set(extracted or [term("isic_form", "travail_social_de_groupe")])


def published_practice(
    *,
    author: User | None = None,
    organisation: Organisation | None = None,
    reviewer: User | None = None,
    **fields: Any,
) -> Practice:
    """A sheet created, submitted and published through the write functions (so indexed).

    `author` defaults to a professional of `organisation` (a new one if not given), `reviewer`
    to a documentalist; `fields` override the defaults passed to `create_practice`.
    """
    author = author or member(Role.PROFESSIONAL, organisation)
    if organisation is None:
        organisation = Organisation.objects.filter(memberships__user=author).first()
    reviewer = reviewer or member(Role.DOCUMENTALIST)
    values: dict[str, Any] = {
        "title": "Groupe d'entraide de parents",
        "summary": "Des parents se retrouvent chaque semaine pour échanger et monter des projets.",
        "description": "Le groupe se réunit au centre social, animé par une conseillère ESF.",
        "isic_forms": [term("isic_form", "travail_social_de_groupe")],
        **fields,
    }
    practice = operations.create_practice(actor=author, organisation=organisation, **values)
    operations.submit_practice(actor=author, practice=practice)
    operations.publish_practice(actor=reviewer, practice=practice)
    practice.refresh_from_db()
    return practice


def indexed_practice(
    *,
    published_at: Any = None,
    organisations: Any = (),
    **fields: Any,
) -> Practice:
    """A published and indexed sheet written straight to the database, without the workflow
    (for the search tests, which need many sheets with precise contents and dates).

    Many-to-many fields (`isic_forms`, `themes`, `publics`, `methods`, `territories`) take lists;
    `organisations` takes (organisation, role) pairs; `published_at` defaults to now."""
    from django.utils import timezone

    from maillage.practices.models import PracticeOrganisation, PracticeRevision, Status
    from maillage.practices.search import index_practice
    from maillage.practices.snapshot import practice_for_snapshot, snapshot

    many = {
        name: fields.pop(name)
        for name in ("isic_forms", "themes", "publics", "methods", "territories")
        if name in fields
    }
    practice = PracticeFactory(isic_forms=many.pop("isic_forms", None), **fields)
    for name, values in many.items():
        getattr(practice, name).set(values)
    for organisation, role in organisations:
        PracticeOrganisation.objects.create(practice=practice, organisation=organisation, role=role)
    revision = PracticeRevision.objects.create(
        practice=practice,
        number=1,
        event="published",
        content=snapshot(practice_for_snapshot(practice.pk)),
        created_by=practice.author,
    )
    practice.status = Status.PUBLISHED
    practice.published_revision = revision
    practice.published_at = published_at or timezone.now()
    practice.save()
    index_practice(practice)
    return practice
