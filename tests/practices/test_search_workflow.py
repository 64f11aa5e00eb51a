"""The search through the real workflow: what publishing, re-editing and archiving do to it."""

from __future__ import annotations

import pytest

from maillage.organisations.models import Role
from maillage.practices import operations
from maillage.practices.search import SearchQuery, search_practices
from tests.organisations.factories import member
from tests.practices.factories import published_practice, term

pytestmark = pytest.mark.django_db


def found(text: str = "", **filters: list[str]) -> list[int]:
    return [hit.practice_id for hit in search_practices(SearchQuery(text, filters)).hits]


def test_a_published_sheet_is_found_without_accents_and_by_its_broader_form():
    sheet = published_practice(
        title="Soutien à la parentalité",
        summary="Un groupe de parole de parents au centre social.",
        isic_forms=[term("isic_form", "groupe_de_parole")],
    )
    broader = term("isic_form", "groupe_de_parole").broader

    assert found("parentalite") == [sheet.pk]
    assert found(isic_form=[broader.code]) == [sheet.pk]
    facet = search_practices(SearchQuery()).facets["isic_form"]
    assert (broader.code, broader.label, 1) in [(v.value, v.label, v.count) for v in facet]


def test_the_published_version_stays_found_until_the_next_one_is_published():
    reviewer = member(Role.DOCUMENTALIST)
    sheet = published_practice(title="Jardin partagé", reviewer=reviewer)

    operations.update_practice(actor=sheet.author, practice=sheet, title="Potager collectif")
    assert found("jardin") == [sheet.pk]
    assert found("potager") == []

    operations.submit_practice(actor=sheet.author, practice=sheet)
    operations.publish_practice(actor=reviewer, practice=sheet)
    assert found("jardin") == []
    assert found("potager") == [sheet.pk]


def test_an_archived_sheet_leaves_the_search():
    reviewer = member(Role.DOCUMENTALIST)
    sheet = published_practice(title="Jardin partagé", reviewer=reviewer)

    operations.archive_practice(actor=reviewer, practice=sheet)

    assert found("jardin") == []
    assert search_practices(SearchQuery()).total == 0


def test_a_publication_that_fails_after_indexing_leaves_the_index_as_it_was(monkeypatch):
    author = member(Role.PROFESSIONAL)
    sheet = operations.create_practice(
        actor=author,
        title="Jardin partagé",
        summary="Un jardin.",
        isic_forms=[term("isic_form", "travail_social_de_groupe")],
    )
    operations.submit_practice(actor=author, practice=sheet)

    def failing_notify(*args, **kwargs):
        raise RuntimeError("mail server down")

    # The notification comes after the indexing, in the same transaction.
    monkeypatch.setattr(operations, "notify", failing_notify)
    with pytest.raises(RuntimeError):
        operations.publish_practice(actor=member(Role.DOCUMENTALIST), practice=sheet)

    assert found("jardin") == []
    assert search_practices(SearchQuery()).total == 0
