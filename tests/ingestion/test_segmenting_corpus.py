"""Passages found in the 2015 report, measured against the practices labelled by hand
(`tests/ingestion/data/corpus_practices.json`). Skipped without the report (../shared/corpus, or
the directory in MAILLAGE_CORPUS)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

from maillage.ingestion.evaluation import GoldPractice, LineMap, load_practices
from maillage.ingestion.found import FoundSegment, ReadDocument
from maillage.ingestion.reading import read_document
from maillage.ingestion.segmenting import RULES, find_segments

CORPUS = Path(
    os.environ.get("MAILLAGE_CORPUS", Path(__file__).resolve().parents[2] / "../shared/corpus")
)
REPORT = CORPUS / "rapport-developpement-social-travail-social-collectif-2015.txt"
PRACTICES = Path(__file__).resolve().parent / "data" / "corpus_practices.json"

# Measured on 2026-11-21: 38 of the 46 labelled practices have a passage, in 37 passages.
MIN_RECALL = 0.7
MAX_PASSAGE_LINES = 130


@cache
def report() -> tuple[ReadDocument, LineMap]:
    """The report as the reader gives it, and its physical line numbers (those of the labels)
    mapped to read lines."""
    if not REPORT.is_file():
        pytest.skip(f"le rapport de 2015 est absent ({REPORT})")
    data = REPORT.read_bytes()
    return read_document(data, REPORT.name), LineMap.of_text(data.decode("utf-8"))


@cache
def segments() -> list[FoundSegment]:
    return find_segments(report()[0])


def gold() -> list[GoldPractice]:
    if not PRACTICES.is_file():
        pytest.skip("la liste étiquetée des pratiques est absente")
    return load_practices(PRACTICES, report()[1])


def has_passage(practice: GoldPractice) -> bool:
    return any(
        segment.start_line <= end and start <= segment.end_line
        for segment in segments()
        for start, end in practice.ranges
    )


def test_the_report_gives_dozens_of_passages_of_paragraph_size():
    found = segments()

    assert 30 <= len(found) <= 120
    assert all(1 <= s.end_line - s.start_line + 1 <= MAX_PASSAGE_LINES for s in found)
    assert {s.rule for s in found} <= RULES.keys()
    assert {s.kind for s in found} >= {"fiche", "named_action", "example", "table_row"}


def test_each_practice_of_the_demo_list_has_a_passage():
    missing = [p.name for p in gold() if p.demo and not has_passage(p)]

    assert missing == []


def test_most_labelled_practices_have_a_passage():
    practices = gold()
    found = [practice for practice in practices if has_passage(practice)]
    recall = len(found) / len(practices)
    print(f"passages : {len(segments())}, rappel {len(found)}/{len(practices)} = {recall:.0%}")

    assert recall >= MIN_RECALL


def test_the_fiches_of_annex_3_2_carry_their_headed_fields():
    fiches = [segment for segment in segments() if segment.rule == "fiche"]

    assert len(fiches) >= 3
    assert all(
        {"objectives", "carriers_and_partners", "description"}
        <= {name for name, _start, _end in fiche.fields}
        for fiche in fiches
        if len(fiche.fields) > 2
    )
