"""The word and facet bitmaps of the search: they follow every write of the index, a full
rebuild gives the same ones whether it prepares the sheets here or in a second process, and
they are stored in the shorter of two forms."""

from __future__ import annotations

import numpy as np
import pytest

from maillage.practices.models import Status
from maillage.practices.search import (
    SearchQuery,
    index_practice,
    indexing,
    reindex_all,
    search_practices,
    words,
)
from maillage.practices.search.analysis import Lexicon
from maillage.practices.search.bitmaps import decode, encode, from_ids, ids_of
from maillage.practices.search.models import SearchWord
from maillage.practices.search.query import parse
from tests.practices.factories import indexed_practice, term

pytestmark = pytest.mark.django_db


def found(text: str) -> list[int]:
    return sorted(hit.practice_id for hit in search_practices(SearchQuery(text)).hits)


def stored() -> dict[tuple[bytes, str], list[int]]:
    return {
        (bytes(row.stem), row.part): ids_of(decode(row.documents))
        for row in SearchWord.objects.all()
    }


def stored_facets() -> dict[bytes, list[int]]:
    return {stem: ids for (stem, part), ids in stored().items() if part == SearchWord.Part.FACET}


@pytest.mark.parametrize("ids", [[], [0], [3, 5, 200], list(range(0, 5000, 3)), [70_000]], ids=str)
def test_a_bitmap_reads_back_as_it_was_written(ids):
    bitmap = from_ids(ids)

    assert ids_of(decode(encode(bitmap))) == ids


def test_a_rare_word_is_stored_as_its_list_of_ids_and_a_common_one_as_bits():
    assert encode(from_ids([70_000]))[:1] == b"L"
    assert len(encode(from_ids([70_000]))) == 5  # not 8 751 bytes of bits
    assert encode(from_ids(range(1000)))[:1] == b"B"


def test_the_part_of_the_text_holding_a_word_is_known():
    sheet = indexed_practice(title="Épicerie", summary="Des paniers.", description="Un quartier.")

    (epicerie,) = words.found(parse("epicerie "))
    (quartier,) = words.found(parse("quartier "))

    assert (ids_of(epicerie.title), epicerie.summary, epicerie.body) == ([sheet.pk], 0, 0)
    assert (quartier.title, quartier.summary, ids_of(quartier.body)) == (0, 0, [sheet.pk])


def test_a_new_published_version_takes_the_sheet_out_of_the_words_it_dropped():
    sheet = indexed_practice(title="Jardin partagé", summary="Un potager.")
    sheet.refresh_from_db()
    revision = sheet.published_revision
    revision.content = {**revision.content, "title": "Verger partagé", "summary": "Des arbres."}
    revision.save()

    index_practice(sheet)

    assert found("jardin") == []
    assert found("potager") == []
    assert found("verger") == [sheet.pk]
    assert all(sheet.pk not in ids for (stem, _), ids in stored().items() if stem == b"jardin")


def test_a_sheet_deleted_outright_is_not_found_and_its_id_is_not_given_again():
    kept = indexed_practice(title="Jardin ouvrier", summary="Un potager.")
    sheet = indexed_practice(title="Jardin partagé", summary="Un potager.")
    old_id = sheet.pk

    sheet.delete()  # by cascade, without `remove_practice`: its bits stay, unread

    assert found("jardin") == [kept.pk]
    assert search_practices(SearchQuery("potager")).total == 1
    new = indexed_practice(title="Atelier cuisine", summary="Des repas.")
    assert new.pk > old_id
    assert found("jardin") == [kept.pk]


def test_an_archived_sheet_leaves_the_words():
    sheet = indexed_practice(title="Jardin partagé")
    sheet.status = Status.ARCHIVED
    sheet.save()

    index_practice(sheet)

    assert all(sheet.pk not in ids for ids in stored().values())


def test_a_new_version_filed_under_another_theme_moves_to_its_bitmap():
    sheet = indexed_practice(title="Jardin partagé", themes=[term("theme", "parentalite")])
    sheet.refresh_from_db()
    revision = sheet.published_revision
    lien_social = term("theme", "lien_social")
    revision.content = {
        **revision.content,
        "themes": [{"code": lien_social.code, "label": lien_social.label}],
    }
    revision.save()

    index_practice(sheet)

    facets = stored_facets()
    assert facets[b"theme=lien_social"] == [sheet.pk]
    assert facets.get(b"theme=parentalite", []) == []
    by_theme = search_practices(SearchQuery(filters={"theme": ["parentalite"]}))
    assert by_theme.total == 0


def test_a_word_being_typed_does_not_read_the_facet_rows_it_begins(monkeypatch):
    sheet = indexed_practice(title="Théâtre forum", themes=[term("theme", "parentalite")])
    read: list[int] = []
    decode_row = words.decode
    monkeypatch.setattr(words, "decode", lambda blob: read.append(1) or decode_row(blob))

    assert found("them") == []  # « theme=parentalite » is not read, nor found
    assert read == []
    assert found("thea") == [sheet.pk]


def test_a_rebuild_in_two_other_processes_writes_the_same_index(monkeypatch):
    themes = [term("theme", "parentalite"), term("theme", "lien_social")]
    sheets = [
        indexed_practice(
            title=f"Jardin {n}", summary="Un potager de quartier.", themes=themes[n % 2 :]
        )
        for n in range(5)
    ]
    indexed_practice(title="Atelier cuisine", summary="Des repas.", description="Un potager.")
    before = stored()
    assert len(stored_facets()[b"theme=lien_social"]) == 5

    monkeypatch.setattr(indexing, "IN_OTHER_PROCESSES", 1)
    monkeypatch.setattr(indexing, "BATCH", 2)  # three batches: both processes take some
    monkeypatch.setattr(indexing, "IN_FLIGHT", 2)  # the old index cleared after the second
    assert reindex_all() == 6

    assert stored() == before
    assert found("jardin") == sorted(sheet.pk for sheet in sheets)
    assert len(found("potager")) == 6


def test_a_rebuild_here_writes_the_same_index():
    for n in range(3):
        indexed_practice(title=f"Jardin {n}", summary="Un potager.")
    before = stored()

    assert reindex_all() == 3

    assert stored() == before


def test_a_word_being_typed_reads_every_word_it_begins():
    parents = indexed_practice(title="Soutien à la parentalité", summary="Des ateliers.")
    parcours = indexed_practice(title="Parcours confiance", summary="Un programme.")
    indexed_practice(title="Jardin partagé", summary="Un potager.")

    assert found("parent") == [parents.pk]
    assert found("parc") == [parcours.pk]
    assert found("parz") == []


def test_a_word_too_long_to_be_a_word_is_ignored_rather_than_matching_everything():
    sheet = indexed_practice(title="Jardin partagé", summary="Un potager.")
    indexed_practice(title="Atelier cuisine", summary="Des repas.")

    assert found("jardin " + "x" * 61) == [sheet.pk]
    assert found("jardin " + "x" * 61 + " ") == [sheet.pk]
    assert [clause for clause in parse("y" * 61) if clause.stems] == []


def test_postings_of_sheets_without_words_or_facet_values_make_no_rows():
    lexicon = Lexicon()
    empty, other = words.Postings(lexicon), words.Postings(lexicon)
    empty.add(1, np.empty(0, np.int64), [])
    other.add(2, np.array([lexicon.number("jardin") << 2], np.int64), ["theme=parentalite"])

    assert words.rows([empty.gathered()]) == []
    assert sorted(
        (stem, part) for stem, part, _ in words.rows([empty.gathered(), other.gathered()])
    ) == [
        (b"jardin", "t"),
        (b"theme=parentalite", "f"),
    ]
