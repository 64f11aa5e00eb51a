"""The index follows the published sheets, inside the writing transaction; similar sheets;
full rebuild; a constant number of queries."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction

from maillage.practices.models import Status
from maillage.practices.search import (
    SearchQuery,
    backends,
    index_practice,
    reindex_all,
    remove_practice,
    search_practices,
    similar_practices,
)
from maillage.practices.search.bitmaps import decode, ids_of
from maillage.practices.search.models import SearchDocument, SearchWord
from tests.practices.factories import PracticeFactory, indexed_practice, term

pytestmark = pytest.mark.django_db


def found(text: str) -> list[int]:
    return [hit.practice_id for hit in search_practices(SearchQuery(text)).hits]


def test_drafts_and_archived_sheets_are_not_found():
    PracticeFactory(title="Jardin en brouillon")
    archived = indexed_practice(title="Jardin archivé")
    archived.status = Status.ARCHIVED
    archived.save()
    index_practice(archived)

    assert found("jardin") == []
    assert search_practices(SearchQuery()).total == 0


def test_the_published_version_stays_found_while_the_next_one_is_written():
    sheet = indexed_practice(title="Jardin partagé")
    sheet.title = "Potager collectif"
    sheet.status = Status.DRAFT
    sheet.save()
    index_practice(sheet)

    assert found("jardin") == [sheet.pk]
    assert found("potager") == []


def test_removing_and_deleting_take_the_sheet_out_of_the_index():
    themed = {"themes": [term("theme", "parentalite")]}
    kept, removed, deleted = (indexed_practice(title=f"Jardin {n}", **themed) for n in "abc")
    remove_practice(removed.pk)
    deleted.delete()

    assert found("jardin") == [kept.pk]
    by_theme = search_practices(SearchQuery(filters={"theme": ["parentalite"]}))
    assert [hit.practice_id for hit in by_theme.hits] == [kept.pk]
    assert [(v.value, v.count) for v in by_theme.facets["theme"]] == [("parentalite", 1)]
    (row,) = SearchWord.objects.filter(part=SearchWord.Part.FACET, stem=b"theme=parentalite")
    assert removed.pk not in ids_of(decode(row.documents))  # cleared, not just unread


def test_a_rolled_back_publication_leaves_nothing_in_the_index():
    with pytest.raises(RuntimeError), transaction.atomic():
        indexed_practice(title="Jardin éphémère")
        assert found("jardin") != []  # visible inside the transaction
        raise RuntimeError

    assert found("jardin") == []
    assert not SearchDocument.objects.exists()
    assert not SearchWord.objects.exists()


def test_reindex_all_rebuilds_the_same_index():
    sheets = [indexed_practice(title=f"Jardin {n}", summary="Un jardin.") for n in range(3)]
    before = search_practices(SearchQuery("jardin"))

    assert reindex_all() == 3
    after = search_practices(SearchQuery("jardin"))
    assert after.total == 3
    assert {hit.practice_id for hit in after.hits} == {sheet.pk for sheet in sheets}
    assert after.facets == before.facets


def test_the_reindex_command_prints_counts_and_throughput(capsys):
    indexed_practice(title="Jardin")

    call_command("reindex_practices")

    out = capsys.readouterr().out
    assert "1 fiche" in out
    assert "fiches/s" in out


def test_similar_sheets_share_words_and_facets_and_exclude_the_sheet_itself():
    parents = {"themes": [term("theme", "parentalite")]}
    dsl = {"isic_forms": [term("isic_form", "developpement_social_local")], "description": ""}
    sheet = indexed_practice(title="Parents en réseau", summary="Soutien aux parents.", **parents)
    close = indexed_practice(title="Café des parents", summary="Parents et enfants.", **parents)
    far = indexed_practice(title="Parents d'élèves", summary="Une association de parents.")
    indexed_practice(title="Jardin partagé", summary="Un jardin de quartier.", **dsl)

    similar = [hit.practice_id for hit in similar_practices(sheet.pk)]

    assert similar == [close.pk, far.pk]
    assert similar_practices(123456) == []


def test_a_search_takes_at_most_7_queries_for_3_or_30_sheets(django_assert_max_num_queries):
    themes = [term("theme", "parentalite"), term("theme", "lien_social")]
    for n in range(3):
        indexed_practice(title=f"Jardin {n}", themes=themes, ongoing=True)
    query = SearchQuery(text="jardin", filters={"theme": ["parentalite"], "period": ["en-cours"]})
    search_practices(query)  # the first search after a write reloads the facet bitmaps

    with django_assert_max_num_queries(7):
        search_practices(query)
    for n in range(27):
        indexed_practice(title=f"Jardin {n}", themes=themes, ongoing=True)
    search_practices(query)
    with django_assert_max_num_queries(7):
        result = search_practices(query)
    assert result.total == 30


def test_facet_counts_follow_writes_made_in_another_process():
    sheet = indexed_practice(title="Jardin", themes=[term("theme", "parentalite")])
    assert search_practices(SearchQuery()).total == 1

    sheet.delete()  # cascades to the index without going through `remove_practice`

    result = search_practices(SearchQuery())
    assert result.total == 0
    assert result.facets["theme"] == []


def test_a_full_rebuild_puts_back_the_indexes_it_drops():
    indexed_practice(title="Jardin partagé")
    before = sorted(backends.current().index_definitions())
    assert {name for name, _ in before} >= {"search_document_published"}

    reindex_all()

    assert sorted(backends.current().index_definitions()) == before
    assert found("jardin") != []
