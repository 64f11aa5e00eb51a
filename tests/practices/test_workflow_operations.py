"""The write functions of the practice sheets: each workflow step, who may take it, and that a
refused or invalid operation changes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.organisations.models import AuditEntry, Notification, Role
from maillage.practices import operations
from maillage.practices.models import (
    Practice,
    PracticeOrganisation,
    PracticeRevision,
    PracticeSource,
    RevisionEvent,
    Status,
)
from maillage.practices.search import SearchQuery, search_practices
from tests.organisations.factories import OrganisationFactory, UserFactory, member
from tests.practices.factories import published_practice, term
from tests.territories.factories import small_geography

pytestmark = pytest.mark.django_db


def found(text: str) -> list[str]:
    return [hit.title for hit in search_practices(SearchQuery(text=text)).hits]


def stored_state() -> tuple[int, ...]:
    """Counts of everything a practice write touches."""
    return (
        Practice.objects.count(),
        PracticeRevision.objects.count(),
        PracticeSource.objects.count(),
        PracticeOrganisation.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


@pytest.fixture
def geography():
    return small_geography()


@pytest.fixture
def author():
    return member(Role.PROFESSIONAL)


@pytest.fixture
def documentalist():
    return member(Role.DOCUMENTALIST)


def draft(author, **fields):
    values = {
        "title": "Un jardin partagé pour rompre l'isolement",
        "summary": "Des habitants cultivent ensemble un jardin au pied des immeubles.",
        "isic_forms": [term("isic_form", "travail_social_communautaire")],
        **fields,
    }
    organisation = author.memberships.first().organisation
    return operations.create_practice(actor=author, organisation=organisation, **values)


def test_create_writes_a_draft_with_its_first_revision_and_audit_entry(author, geography):
    carrier = OrganisationFactory()
    practice = draft(
        author,
        themes=[term("theme", "lien_social")],
        territories=[geography.arras],
        organisations=[(carrier, "carrier")],
        sources=[{"title": "Rapport 2015", "url": "https://example.org/r", "locator": "p. 3"}],
        start_date=date(2013, 4, 1),
        ongoing=True,
    )

    assert practice.status == Status.DRAFT
    assert practice.author == author
    revision = practice.revisions.get()
    assert (revision.number, revision.event, revision.created_by) == (1, "created", author)
    assert revision.content["title"] == "Un jardin partagé pour rompre l'isolement"
    assert revision.content["territories"][0]["departements"] == ["62"]
    assert revision.content["organisations"][0]["role"] == "carrier"
    assert revision.content["sources"][0]["locator"] == "p. 3"
    assert AuditEntry.objects.filter(action="create_practice", object_id=str(practice.pk)).exists()
    assert found("jardin") == []  # a draft is not public


def test_someone_without_an_organisation_cannot_write_a_sheet():
    before = stored_state()
    with pytest.raises(PermissionDenied, match="membres d'une organisation"):
        operations.create_practice(
            actor=UserFactory(),
            title="Titre",
            summary="Résumé",
            isic_forms=[term("isic_form", "education_populaire")],
        )
    assert stored_state() == before


def test_a_sheet_is_attached_only_to_an_organisation_of_its_author(author):
    before = stored_state()
    with pytest.raises(PermissionDenied):
        operations.create_practice(
            actor=author,
            organisation=OrganisationFactory(),
            title="Titre",
            summary="Résumé",
            isic_forms=[term("isic_form", "education_populaire")],
        )
    assert stored_state() == before


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (lambda: {"isic_forms": []}, "isic_forms", "au moins une forme"),
        (lambda: {"isic_forms": None}, "isic_forms", "au moins une forme"),
        (lambda: {"title": ""}, "title", ""),
        (lambda: {"summary": "  "}, "summary", ""),
        (lambda: {"themes": ["parentalite"]}, "themes", "hors du référentiel"),
        (
            lambda: {"isic_forms": [term("theme", "parentalite")]},
            "isic_forms",
            "hors du référentiel",
        ),
        (lambda: {"scale": term("public", "jeunes")}, "scale", "hors du référentiel"),
        (
            lambda: {"start_date": date(2015, 1, 1), "end_date": date(2014, 1, 1)},
            "end_date",
            "ne peut pas précéder",
        ),
        (lambda: {"licence": "tous-droits"}, "licence", ""),
        (lambda: {"organisations": [(None, "carrier")]}, "organisations", "inconnue"),
        (lambda: {"organisations": [(OrganisationFactory(), "owner")]}, "organisations", "Rôle"),
        (
            lambda: {"sources": [{"title": "", "url": "javascript:alert(1)"}]},
            "sources",
            "Source 1",
        ),
    ],
)
def test_invalid_input_is_refused_by_field_and_nothing_is_stored(author, fields, field, message):
    values = fields()
    before = stored_state()
    with pytest.raises(ValidationError) as refused:
        draft(author, **values)
    assert field in refused.value.message_dict
    assert message in " ".join(refused.value.message_dict[field])
    assert stored_state() == before


@pytest.mark.parametrize(
    "field", ["title", "summary", "description", "voices", "comments", "contact"]
)
def test_markup_in_any_text_field_is_refused_with_a_clear_message(author, field):
    before = stored_state()
    with pytest.raises(ValidationError) as refused:
        draft(author, **{field: "Bonjour <script>alert(1)</script>"})
    assert "balises HTML" in refused.value.message_dict[field][0]
    assert stored_state() == before


def test_plain_text_with_angle_brackets_is_kept_as_typed(author):
    practice = draft(author, description="Groupes de 5 à 8 personnes (< 10) ; coût > 0 €")
    assert practice.description == "Groupes de 5 à 8 personnes (< 10) ; coût > 0 €"


def test_author_cannot_edit_someone_elses_draft(author):
    practice = draft(author)
    stranger = member(Role.PROFESSIONAL)
    before = stored_state()
    with pytest.raises(PermissionDenied, match="l'auteur et les membres"):
        operations.update_practice(actor=stranger, practice=practice, title="Détourné")
    assert stored_state() == before
    assert Practice.objects.get(pk=practice.pk).title != "Détourné"


def test_a_colleague_of_the_same_organisation_edits_the_draft(author):
    practice = draft(author)
    colleague = member(Role.PROFESSIONAL, author.memberships.first().organisation)
    operations.update_practice(actor=colleague, practice=practice, title="Jardin du quartier")
    practice.refresh_from_db()
    assert practice.title == "Jardin du quartier"
    latest = practice.revisions.first()
    assert (latest.number, latest.event, latest.created_by) == (2, "edited", colleague)
    entry = AuditEntry.objects.get(action="update_practice")
    assert entry.before == {"title": "Un jardin partagé pour rompre l'isolement"}
    assert entry.after == {"title": "Jardin du quartier"}


def test_submit_tells_the_reviewers(
    author, documentalist, mailoutbox, django_capture_on_commit_callbacks
):
    practice = draft(author)
    with django_capture_on_commit_callbacks(execute=True):
        operations.submit_practice(actor=author, practice=practice)
    assert practice.status == Status.SUBMITTED
    assert practice.revisions.first().event == RevisionEvent.SUBMITTED
    notification = Notification.objects.get(recipient=documentalist)
    assert "Fiche à relire" in notification.message
    assert notification.url == "/pratiques/relecture/"
    assert [message.to for message in mailoutbox] == [[documentalist.email]]


def test_nobody_edits_a_sheet_under_review(author):
    practice = draft(author)
    operations.submit_practice(actor=author, practice=practice)
    with pytest.raises(PermissionDenied, match="en relecture"):
        operations.update_practice(actor=author, practice=practice, title="Autre")


def test_a_professional_cannot_publish(author):
    practice = draft(author)
    operations.submit_practice(actor=author, practice=practice)
    colleague = member(Role.PROFESSIONAL, author.memberships.first().organisation)
    before = stored_state()
    for actor in (author, colleague):
        with pytest.raises(PermissionDenied, match="documentalistes et les coordinateurs"):
            operations.publish_practice(actor=actor, practice=practice)
    assert stored_state() == before
    assert Practice.objects.get(pk=practice.pk).status == Status.SUBMITTED
    assert found("jardin") == []


def test_returning_needs_a_comment(author, documentalist):
    practice = draft(author)
    operations.submit_practice(actor=author, practice=practice)
    before = stored_state()
    with pytest.raises(ValidationError) as refused:
        operations.return_practice(actor=documentalist, practice=practice, comment="  ")
    assert "comment" in refused.value.message_dict
    assert stored_state() == before
    assert Practice.objects.get(pk=practice.pk).status == Status.SUBMITTED


def test_return_with_a_comment_tells_the_author(author, documentalist):
    practice = draft(author)
    operations.submit_practice(actor=author, practice=practice)
    operations.return_practice(
        actor=documentalist, practice=practice, comment="Précisez le budget."
    )
    assert practice.status == Status.RETURNED
    revision = practice.revisions.first()
    assert (revision.event, revision.comment) == ("returned", "Précisez le budget.")
    notification = Notification.objects.get(recipient=author)
    assert "Précisez le budget." in notification.message
    assert notification.url == f"/pratiques/{practice.pk}/modifier/"
    # The author takes it up again and resubmits.
    operations.update_practice(actor=author, practice=practice, means="Budget : 3 000 €.")
    assert Practice.objects.get(pk=practice.pk).status == Status.RETURNED
    operations.submit_practice(actor=author, practice=practice)
    assert practice.status == Status.SUBMITTED


def test_publish_puts_the_sheet_online_and_in_the_index(author, documentalist):
    practice = draft(author)
    operations.submit_practice(actor=author, practice=practice)
    operations.publish_practice(actor=documentalist, practice=practice, comment="Merci !")

    practice.refresh_from_db()
    assert practice.status == Status.PUBLISHED
    assert practice.published_at is not None
    assert practice.published_revision == practice.revisions.first()
    assert practice.published_revision.event == "published"
    assert found("jardin") == ["Un jardin partagé pour rompre l'isolement"]
    assert Notification.objects.filter(recipient=author, message__contains="est publiée").exists()
    actions = list(
        AuditEntry.objects.filter(object_id=str(practice.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["create_practice", "published_practice", "submitted_practice"]


def test_a_published_sheet_is_only_published_from_review(author, documentalist):
    practice = draft(author)
    with pytest.raises(ValidationError, match="Brouillon"):
        operations.publish_practice(actor=documentalist, practice=practice)


def test_editing_a_published_sheet_keeps_the_public_version_until_republished(documentalist):
    practice = published_practice(title="Atelier cuisine des parents", reviewer=documentalist)
    published = practice.published_revision
    first_publication = practice.published_at

    operations.update_practice(
        actor=practice.author, practice=practice, title="Atelier cuisine et santé"
    )
    practice.refresh_from_db()
    assert practice.status == Status.DRAFT
    assert practice.published_revision == published
    assert found("atelier") == ["Atelier cuisine des parents"]

    operations.submit_practice(actor=practice.author, practice=practice)
    assert found("atelier") == ["Atelier cuisine des parents"]
    operations.publish_practice(actor=documentalist, practice=practice)
    practice.refresh_from_db()
    assert found("atelier") == ["Atelier cuisine et santé"]
    assert practice.published_revision.number > published.number
    assert practice.published_at == first_publication


def test_archive_takes_the_sheet_out_of_search(documentalist):
    practice = published_practice(title="Université populaire de parents", reviewer=documentalist)
    operations.archive_practice(actor=documentalist, practice=practice, comment="Action finie")
    practice.refresh_from_db()
    assert practice.status == Status.ARCHIVED
    assert practice.revisions.first().event == "archived"
    assert found("universite") == []


def test_only_a_published_sheet_is_archived(author, documentalist):
    practice = draft(author)
    with pytest.raises(ValidationError, match="publiée"):
        operations.archive_practice(actor=documentalist, practice=practice)


def test_a_coordinator_reviews_the_sheets_of_her_territory_only(geography):
    pas_de_calais_department = OrganisationFactory(name="Département du Pas-de-Calais")
    pas_de_calais_department.territories.set([geography.pas_de_calais])
    nord_department = OrganisationFactory(name="Département du Nord")
    nord_department.territories.set([geography.nord])
    coordinator_62 = member(Role.COORDINATOR, pas_de_calais_department)
    coordinator_59 = member(Role.COORDINATOR, nord_department)
    author = member(Role.PROFESSIONAL)
    practice = draft(author, territories=[geography.arras, geography.dainville])
    operations.submit_practice(actor=author, practice=practice)

    assert Notification.objects.filter(recipient=coordinator_62).exists()
    assert not Notification.objects.filter(recipient=coordinator_59).exists()
    with pytest.raises(PermissionDenied):
        operations.publish_practice(actor=coordinator_59, practice=practice)
    operations.publish_practice(actor=coordinator_62, practice=practice)
    assert practice.status == Status.PUBLISHED


def test_a_coordinator_does_not_review_a_sheet_reaching_outside_her_territory(geography):
    organisation = OrganisationFactory()
    organisation.territories.set([geography.pas_de_calais])
    coordinator = member(Role.COORDINATOR, organisation)
    author = member(Role.PROFESSIONAL)
    practice = draft(author, territories=[geography.arras, geography.lille])
    operations.submit_practice(actor=author, practice=practice)
    with pytest.raises(PermissionDenied):
        operations.publish_practice(actor=coordinator, practice=practice)


def test_a_stale_instance_cannot_skip_a_step(author, documentalist):
    practice = draft(author)
    operations.submit_practice(actor=author, practice=practice)
    stale = Practice.objects.get(pk=practice.pk)
    operations.return_practice(actor=documentalist, practice=practice, comment="À revoir")
    # `stale` still says « submitted »; the stored status (returned) is what counts.
    with pytest.raises(ValidationError, match="Renvoyée"):
        operations.publish_practice(actor=documentalist, practice=stale)
    assert not found("jardin")
