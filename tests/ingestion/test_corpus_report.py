"""The acceptance of the import on the 2015 report: the practices it names (at least 30, the
demo list among them, placed in their territories) and its bibliographic references, scored
against the lists labelled by hand in `tests/ingestion/data/` (`maillage.ingestion.evaluation`).

Places are resolved against the real geography, so this module loads the 36 000 territories
once (`load_territories`, the longest step here) and the référentiel, builds the extraction
context, analyses the report, and rolls the database back; every test reads that one analysis.
It is the only module doing so. Skipped without the report (../shared/corpus, or the directory
in MAILLAGE_CORPUS) or without the npm geography package.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from maillage.ingestion.evaluation import (
    LineMap,
    ReferenceScores,
    Scores,
    load_practices,
    load_references,
    score,
    score_references,
)
from maillage.ingestion.extraction import ExtractionContext
from maillage.ingestion.pipeline import analyse
from maillage.referential.loading import DATA_FILE as REFERENTIAL_FILE
from maillage.referential.loading import load_referential
from maillage.territories.folding import fold
from maillage.territories.loading import load_territories
from maillage.territories.package import PackageError, default_data_dir, open_package

# The test database is only created for a session holding tests marked `django_db`: without the
# mark, running this module alone would load the territories into the development database.
pytestmark = pytest.mark.django_db

CORPUS = Path(
    os.environ.get("MAILLAGE_CORPUS", Path(__file__).resolve().parents[2] / "../shared/corpus")
)
REPORT = CORPUS / "rapport-developpement-social-travail-social-collectif-2015.txt"
DATA = Path(__file__).resolve().parent / "data"
PRACTICES = DATA / "corpus_practices.json"
REFERENCES = DATA / "corpus_references.json"

# The acceptance floor of issue #4: at least 30 practices, the demo list, territories right.
# Measured on 2026-11-21: 36 of 46 found (precision 38/44), territories right for 34 of 36,
# 26 of 28 sources found, 12 of 13 sources cited several ways merged.
MIN_PRACTICES_FOUND = 30
MIN_TERRITORY_ACCURACY = 0.9
# The references: most labelled sources found, most of those cited several ways merged.
MIN_REFERENCE_RECALL = 0.9
MIN_MERGE_RATE = 0.85


def _report_text() -> str:
    if not REPORT.is_file():
        pytest.skip(f"le rapport de 2015 est absent ({REPORT})")
    return REPORT.read_text(encoding="utf-8")


def _labels(path: Path, key: str) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))[key]


@cache
def _geography() -> set[tuple[str, str]]:
    """Every (level, code) of the official geography the territories are loaded from."""
    try:
        package = open_package(default_data_dir())
    except PackageError:
        pytest.skip("le paquet @etalab/decoupage-administratif n'est pas installé")
    return {(row.level, row.code) for row in package.rows()}


# --- The labelled lists themselves --------------------------------------------------------------


def test_every_labelled_practice_is_named_in_its_passage_and_placed_in_real_territories() -> None:
    lines = _report_text().split("\n")
    geography = _geography()
    isic_forms = {
        term["code"]
        for scheme in json.loads(REFERENTIAL_FILE.read_text(encoding="utf-8"))["schemes"]
        if scheme["code"] == "isic_form"
        for term in scheme["terms"]
    }
    labels = _labels(PRACTICES, "practices")
    assert len(labels) >= 40
    for item in labels:
        ranges = [(item["start_line"], item["end_line"]), *item.get("also_lines", [])]
        passage = fold(" ".join(line for start, end in ranges for line in lines[start - 1 : end]))
        names = [item["name"], *item["aliases"]]
        assert any(fold(name) in passage for name in names), item["name"]
        for territory in item["territories"]:
            assert (territory["level"], territory["code"]) in geography, territory
        assert not item["isic_form"] or item["isic_form"] in isic_forms, item["isic_form"]


def test_every_labelled_reference_is_written_on_its_lines() -> None:
    lines = _report_text().split("\n")
    labels = _labels(REFERENCES, "references")
    assert len(labels) >= 25
    assert sum(1 for item in labels if len(item["citations"]) > 1) >= 10
    for item in labels:
        for citation in item["citations"]:
            line = fold(lines[citation["line"] - 1])
            # The citation as labelled (abridged with « … »), or « idem » for a repeated one.
            pieces = [fold(piece) for piece in citation["text"].split("…")]
            assert citation["text"] == "idem" or all(piece in line for piece in pieces), (
                item["id"],
                citation["line"],
            )


# --- The import, scored -------------------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    practices: Scores
    references: ReferenceScores
    read_lines: int
    line_map: LineMap


@pytest.fixture(scope="module")
def measured(django_db_setup: None, django_db_blocker: Any) -> Iterator[Measured]:
    text = _report_text()
    _geography()
    with django_db_blocker.unblock(), transaction.atomic():
        load_territories()
        load_referential()
        # The context is kept per process: built afresh from the real geography here, and again
        # after the rollback so that later modules do not meet territories that are gone.
        context = ExtractionContext.load(refresh=True)
        analysis = analyse(REPORT.read_bytes(), REPORT.name, context)
        transaction.set_rollback(True)
    with django_db_blocker.unblock():
        ExtractionContext.load(refresh=True)
    line_map = LineMap.of_text(text)
    yield Measured(
        practices=score(analysis.drafts, load_practices(PRACTICES, line_map)),
        references=score_references(analysis.references, load_references(REFERENCES, line_map)),
        read_lines=len(analysis.document.lines),
        line_map=line_map,
    )


def test_the_reader_numbers_lines_as_the_labels_are_converted(measured: Measured) -> None:
    assert measured.read_lines == measured.line_map.kept_through[-1]


def _figures(scores: Scores) -> str:
    return (
        f"{len(scores.found)}/{scores.practices} pratiques retrouvées, précision "
        f"{scores.precision:.0%}, territoires justes {scores.territory_accuracy:.0%} ; manquées : "
        f"{[item.name for item in scores.missed]} ; dont passage trouvé sous un autre titre : "
        f"{[item.name for item in scores.located]}"
    )


def test_the_import_finds_at_least_30_practices_of_the_report_and_all_the_demo_list(
    measured: Measured,
) -> None:
    scores = measured.practices
    assert len(scores.found) >= MIN_PRACTICES_FOUND, _figures(scores)
    assert [item.name for item in scores.demo_missed] == [], _figures(scores)


def test_the_practices_found_are_placed_in_their_territories(measured: Measured) -> None:
    scores = measured.practices
    misplaced = {
        match.practice.name: sorted(
            {(place.level, place.code) for draft in match.drafts for place in draft.places}
        )
        for match in scores.misplaced
    }
    assert not [match for match in scores.misplaced if match.practice.demo], misplaced
    assert scores.territory_accuracy >= MIN_TERRITORY_ACCURACY, misplaced


def test_the_import_finds_the_labelled_references_and_merges_sources_cited_two_ways(
    measured: Measured,
) -> None:
    scores = measured.references
    assert scores.recall >= MIN_REFERENCE_RECALL, [item.id for item in scores.missed]
    unmerged = {
        match.reference.id: sorted({citation.key for citation in match.citations})
        for match in scores.variants
        if not match.merged
    }
    assert scores.merge_rate >= MIN_MERGE_RATE, unmerged
