"""The scoring of an import against a hand-labelled list: which draft counts as finding which
practice, and the line numbers of the labels (physical lines of a text file) against the reader's
(non-empty lines only)."""

from __future__ import annotations

import json
from pathlib import Path

from maillage.ingestion.evaluation import (
    GoldPractice,
    GoldReference,
    LineMap,
    load_practices,
    load_references,
    score,
    score_references,
    similarity,
)
from maillage.ingestion.found import CandidateDraft, FoundReference, FoundSegment, PlaceMatch
from maillage.ingestion.reading.text import plain_lines

LILLE = ("commune", "59350")


def draft(title: str, start: int, end: int, *places: tuple[str, str]) -> CandidateDraft:
    segment = FoundSegment("example", start, end, "", title)
    return CandidateDraft(
        segment=segment,
        title=title,
        places=[PlaceMatch(code, start, level, code, code) for level, code in places],
    )


def practice(
    name: str, start: int, end: int, *territories: tuple[str, str], **extra
) -> GoldPractice:
    return GoldPractice(
        name=name,
        aliases=tuple(extra.get("aliases", ())),
        ranges=((start, end), *extra.get("also", ())),
        territories=frozenset(territories),
        isic_form=extra.get("isic_form", ""),
        demo=extra.get("demo", False),
    )


def test_the_line_map_follows_the_reader_which_drops_empty_lines_and_moves_notes() -> None:
    text = (
        "Titre\n\n[bookmark: _Toc1]\n"
        "Premier paragraphe[footnoteRef:1]. [1:  Une note.]\n   \nSecond paragraphe.\n"
    )
    line_map = LineMap.of_text(text)

    assert len(plain_lines(text)) == line_map.kept_through[-1] == 4
    # The paragraph and the note it carries.
    assert line_map.convert(4, 4) == (2, 3)
    assert line_map.convert(2, 6) == (2, 4)
    assert [line_map.physical(line) for line in (1, 2, 3, 4)] == [1, 4, 4, 6]
    # Only empty lines: nothing to point at.
    assert line_map.convert(2, 3) is None


def test_a_draft_finds_a_practice_when_its_passage_overlaps_and_its_title_carries_the_name() -> (
    None
):
    gold = [
        practice("L’action « Parcours Confiance »", 100, 120, aliases=["Parcours Confiance"]),
        practice("L’île aux parents", 10, 10, demo=True),
    ]
    drafts = [
        draft("« Parcours Confiance » : reprendre confiance", 110, 125),
        # The right name, but from a passage elsewhere in the document.
        draft("L'île aux parents", 400, 410),
        # The right passage, another action.
        draft("Atelier cuisine", 10, 10),
    ]

    scores = score(drafts, gold)

    assert [match.practice.name for match in scores.found] == ["L’action « Parcours Confiance »"]
    assert [item.name for item in scores.demo_missed] == ["L’île aux parents"]
    assert scores.precision == 1 / 3
    assert scores.recall == 1 / 2
    assert [item.title for item in scores.unmatched] == ["L'île aux parents", "Atelier cuisine"]
    # Its passage was found, under another title.
    assert [item.name for item in scores.located] == ["L’île aux parents"]


def test_short_names_match_as_whole_words_and_short_titles_are_compared_whole() -> None:
    assert similarity("La recherche-action du SPISC", "SPISC") == 100
    assert similarity("Une image du quartier", "MAG") == 0
    # « agir » alone is not « Le pouvoir d'agir ».
    assert similarity("Agir", "Le pouvoir d’agir") < 85
    assert similarity("Le « pouvoir d'agir » : 250 personnes", "Le pouvoir d’agir") >= 85


def test_territories_are_right_when_a_matching_draft_names_every_labelled_one() -> None:
    gold = [
        practice("Co-formation à Lille-Fives", 1, 5, LILLE),
        practice(
            "Séminaire des huit sites", 10, 20, ("commune", "67482"), ("arrondissement", "13203")
        ),
        practice("Jardin de Saint Caprais", 30, 31),
    ]
    drafts = [
        draft("Co-formation à Lille-Fives", 1, 5, LILLE, ("departement", "59")),
        draft("Séminaire des huit sites", 10, 20, ("commune", "67482")),
        draft("Le Jardin de Saint Caprais", 30, 30),
    ]

    scores = score(drafts, gold)

    assert scores.recall == 1
    assert [match.practice.name for match in scores.misplaced] == ["Séminaire des huit sites"]
    assert scores.territory_accuracy == 2 / 3


def test_a_source_cited_two_ways_is_merged_when_its_citations_share_a_key() -> None:
    gold = [
        GoldReference(
            "igas",
            "IGAS",
            "L’intervention sociale, un travail de proximité",
            2005,
            ((5, 5), (9, 9)),
        ),
        GoldReference("freire", "Freire P.", "Pédagogie des opprimés", 1974, ((12, 12),)),
        GoldReference("cnape", "CNAPE", "Contribution pour les États généraux", None, ((20, 20),)),
    ]
    found = [
        FoundReference(
            "Benevise J. F. et al., L’intervention sociale : un travail de proximité, IGAS, 2005.",
            5,
            5,
            "L’intervention sociale : un travail de proximité",
            key="igas proximite",
        ),
        FoundReference(
            "IGAS, L’intervention sociale de proximité, 2006.",
            9,
            9,
            "L’intervention sociale de proximité",
            key="igas de proximite",
        ),
        FoundReference("(Freire, 1974)", 12, 12, "", authors="Freire P.", year=1974, key="freire"),
    ]

    scores = score_references(found, gold)

    assert [match.reference.id for match in scores.found] == ["igas", "freire"]
    assert scores.citation_recall == 3 / 4
    assert [match.reference.id for match in scores.variants] == ["igas"]
    assert scores.merge_rate == 0


def test_the_labelled_lists_load_with_their_line_numbers_converted(tmp_path: Path) -> None:
    practices = tmp_path / "practices.json"
    practices.write_text(
        json.dumps(
            {
                "practices": [
                    {
                        "name": "Jardin",
                        "start_line": 3,
                        "end_line": 4,
                        "also_lines": [[6, 6]],
                        "territories": [{"level": "commune", "code": "59350", "name": "Lille"}],
                        "demo": True,
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    references = tmp_path / "references.json"
    references.write_text(
        json.dumps(
            {"references": [{"id": "a", "title": "T", "citations": [{"line": 6, "text": "T"}]}]}
        ),
        encoding="utf-8",
    )
    line_map = LineMap.of_text("Un\n\nDeux\nTrois\n\nQuatre")

    (jardin,) = load_practices(practices, line_map)
    (reference,) = load_references(references, line_map)

    assert jardin.ranges == ((2, 3), (4, 4))
    assert jardin.territories == {LILLE} and jardin.demo
    assert reference.citations == ((4, 4),)
