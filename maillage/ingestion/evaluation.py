"""How well an import finds what a document names, against a list labelled by hand (for the 2015
report: `tests/ingestion/data/corpus_practices.json` and `corpus_references.json`).

A measuring tool, not part of an import: nothing in the application calls it. The corpus tests
(`tests/ingestion/test_corpus_*.py`, `test_segmenting_corpus.py`, `test_references_corpus.py`)
hold the floor with it and `benchmarks/ingestion.py` prints the same measures; it is kept in the
package, not beside the benchmark, because the tests use it as much and do not import scripts.

The labels give physical line numbers of the text file (those of `grep -n`, empty lines
included); the reader drops empty lines and moves the notes a word-processor export wrote inside
a line to footnote lines of their own, so `LineMap` converts the labels to the numbering of
`ReadDocument.lines` with the reader's own rule (`reading.text.physical_line`) rather than
relabelling.

Matching rule for practices: a draft matches a labelled practice when

1. its passage (`segment.start_line`–`end_line`) overlaps one of the practice's line ranges, and
2. its title matches the practice's name or one of its aliases, folded (no case, accents or
   punctuation): a short name (under `SHORT_NAME_CHARS` letters: « SPISC », « AGILLE ») must
   appear as whole words; otherwise rapidfuzz's `partial_ratio` (the best alignment of the
   shorter string inside the longer) must reach `NAME_SIMILARITY`, and a title much shorter than
   the name (less than half) is compared whole (`ratio`), so that « Le pouvoir d'agir » does not
   match every title holding « agir ».

- precision = drafts matching some labelled practice / drafts. The drafts matching none are
  listed in `Scores.unmatched` for a person to review — a concrete practice the list missed
  belongs in the list, a false find in the extraction's tests — rather than counted away.
- recall = labelled practices matched by at least one draft / labelled practices. The missed
  ones whose passage a draft covers under another title are listed in `Scores.located`.
- territory accuracy = matched practices one of whose drafts places it in every labelled
  territory (level and COG code) / matched practices; a practice labelled without a territory
  (the report does not say where) counts as right. The form of intervention is scored the same
  way (`isic_form_accuracy`), for information.

References: a labelled citation (one line where a source is written) is found when a
`FoundReference` spans its line (or a footnote the reader drew from it) and its title or raw text
matches the labelled title (same rule, `REFERENCE_SIMILARITY`), or its authors or raw text match
the labelled authors with no other year. A source cited in several ways is merged when all its
found citations share one `key`.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from maillage.ingestion.found import CandidateDraft, FoundReference
from maillage.ingestion.reading.text import physical_line
from maillage.territories.folding import fold

NAME_SIMILARITY = 85.0
REFERENCE_SIMILARITY = 80.0
SHORT_NAME_CHARS = 8

LineRange = tuple[int, int]


# --- Line numbers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineMap:
    """Physical line numbers of a text file to `ReadDocument.lines` numbers (both 1-based)."""

    # kept_through[p] = how many read lines the physical lines 1..p give (kept_through[0] = 0).
    kept_through: tuple[int, ...]

    @classmethod
    def of_text(cls, text: str) -> LineMap:
        counts = [0]
        for physical in text.split("\n"):
            kept = sum(len(physical_line(raw)) for raw in physical.splitlines())
            counts.append(counts[-1] + kept)
        return cls(tuple(counts))

    def convert(self, start: int, end: int) -> LineRange | None:
        """The read lines drawn from physical lines `start`–`end`; None when all are empty."""
        last = len(self.kept_through) - 1
        start, end = max(start, 1), min(end, last)
        first_read = self.kept_through[start - 1] + 1
        last_read = self.kept_through[end]
        return (first_read, last_read) if first_read <= last_read else None

    def physical(self, read_line: int) -> int:
        """The line of the file a read line comes from, to look a find up with `grep -n`."""
        return bisect_left(self.kept_through, read_line)


def _converted(ranges: Iterable[LineRange], line_map: LineMap | None) -> tuple[LineRange, ...]:
    if line_map is None:
        return tuple(ranges)
    return tuple(converted for start, end in ranges if (converted := line_map.convert(start, end)))


# --- The labelled lists -------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldPractice:
    name: str
    aliases: tuple[str, ...]
    ranges: tuple[LineRange, ...]  # the passage that describes it first, then other mentions
    territories: frozenset[tuple[str, str]]  # (level, COG code)
    isic_form: str
    demo: bool


@dataclass(frozen=True)
class GoldReference:
    id: str
    authors: str
    title: str
    year: int | None
    # One range per citation: one line of the file, with the footnote lines the reader drew from it.
    citations: tuple[LineRange, ...]


def load_practices(path: Path, line_map: LineMap | None = None) -> list[GoldPractice]:
    data = json.loads(path.read_text(encoding="utf-8"))
    practices = []
    for item in data["practices"]:
        ranges = [(item["start_line"], item["end_line"])]
        ranges += [tuple(extra) for extra in item.get("also_lines", [])]
        practices.append(
            GoldPractice(
                name=item["name"],
                aliases=tuple(item.get("aliases", [])),
                ranges=_converted(ranges, line_map),
                territories=frozenset(
                    (territory["level"], territory["code"]) for territory in item["territories"]
                ),
                isic_form=item.get("isic_form", ""),
                demo=bool(item.get("demo", False)),
            )
        )
    return practices


def load_references(path: Path, line_map: LineMap | None = None) -> list[GoldReference]:
    data = json.loads(path.read_text(encoding="utf-8"))
    references = []
    for item in data["references"]:
        lines = ((citation["line"], citation["line"]) for citation in item["citations"])
        references.append(
            GoldReference(
                id=item["id"],
                authors=item.get("authors", ""),
                title=item["title"],
                year=item.get("year"),
                citations=_converted(lines, line_map),
            )
        )
    return references


# --- Matching -----------------------------------------------------------------------------------


def similarity(text: str, name: str) -> float:
    """How well `text` (a title, a raw reference) carries `name`, 0–100 (see the module's note)."""
    folded_text, folded_name = fold(text), fold(name)
    if not folded_text or not folded_name:
        return 0.0
    if len(folded_name.replace(" ", "")) < SHORT_NAME_CHARS:
        return 100.0 if f" {folded_name} " in f" {folded_text} " else 0.0
    if len(folded_text) * 2 < len(folded_name):
        return fuzz.ratio(folded_text, folded_name)
    return fuzz.partial_ratio(folded_text, folded_name)


def _overlaps(start: int, end: int, ranges: Sequence[LineRange]) -> bool:
    return any(start <= range_end and range_start <= end for range_start, range_end in ranges)


def covers(draft: CandidateDraft, practice: GoldPractice) -> bool:
    return _overlaps(draft.segment.start_line, draft.segment.end_line, practice.ranges)


def draft_matches(draft: CandidateDraft, practice: GoldPractice) -> bool:
    if not covers(draft, practice):
        return False
    return any(
        similarity(draft.title, name) >= NAME_SIMILARITY
        for name in (practice.name, *practice.aliases)
    )


def places_practice(draft: CandidateDraft, practice: GoldPractice) -> bool:
    return practice.territories <= {(place.level, place.code) for place in draft.places}


# --- Practice scores ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PracticeMatch:
    practice: GoldPractice
    drafts: tuple[CandidateDraft, ...]

    @property
    def territories_right(self) -> bool:
        return any(places_practice(draft, self.practice) for draft in self.drafts)

    @property
    def isic_form_right(self) -> bool:
        return any(self.practice.isic_form in draft.isic_forms for draft in self.drafts)


@dataclass(frozen=True)
class Scores:
    drafts: int
    matched_drafts: int
    practices: int
    found: tuple[PracticeMatch, ...]
    missed: tuple[GoldPractice, ...]
    unmatched: tuple[CandidateDraft, ...]  # to review: a practice the list missed, or a false find
    # Missed practices whose passage a draft did cover, under another title: the titles to fix.
    located: tuple[GoldPractice, ...] = ()

    @property
    def precision(self) -> float:
        return self.matched_drafts / self.drafts if self.drafts else 0.0

    @property
    def recall(self) -> float:
        return len(self.found) / self.practices if self.practices else 0.0

    @property
    def territory_accuracy(self) -> float:
        right = sum(1 for match in self.found if match.territories_right)
        return right / len(self.found) if self.found else 0.0

    @property
    def isic_form_accuracy(self) -> float:
        labelled = [match for match in self.found if match.practice.isic_form]
        right = sum(1 for match in labelled if match.isic_form_right)
        return right / len(labelled) if labelled else 0.0

    @property
    def demo_missed(self) -> tuple[GoldPractice, ...]:
        return tuple(practice for practice in self.missed if practice.demo)

    @property
    def misplaced(self) -> tuple[PracticeMatch, ...]:
        return tuple(match for match in self.found if not match.territories_right)


def score(drafts: Sequence[CandidateDraft], gold: Sequence[GoldPractice]) -> Scores:
    found, missed = [], []
    matched: set[int] = set()
    for practice in gold:
        hits = tuple(draft for draft in drafts if draft_matches(draft, practice))
        if hits:
            found.append(PracticeMatch(practice, hits))
            matched.update(id(draft) for draft in hits)
        else:
            missed.append(practice)
    return Scores(
        drafts=len(drafts),
        matched_drafts=len(matched),
        practices=len(gold),
        found=tuple(found),
        missed=tuple(missed),
        unmatched=tuple(draft for draft in drafts if id(draft) not in matched),
        located=tuple(
            practice for practice in missed if any(covers(draft, practice) for draft in drafts)
        ),
    )


# --- Reference scores ---------------------------------------------------------------------------


def reference_matches(found: FoundReference, reference: GoldReference, citation: LineRange) -> bool:
    if not _overlaps(found.start_line, found.end_line, (citation,)):
        return False
    if (
        max(similarity(found.title, reference.title), similarity(found.raw_text, reference.title))
        >= REFERENCE_SIMILARITY
    ):
        return True
    # « CFDT Santé-Sociaux, 42 p. »: only the author says which source it is.
    same_year = not (found.year and reference.year) or found.year == reference.year
    authors = max(
        similarity(found.authors, reference.authors), similarity(found.raw_text, reference.authors)
    )
    return same_year and authors >= REFERENCE_SIMILARITY


@dataclass(frozen=True)
class ReferenceMatch:
    reference: GoldReference
    citations: tuple[FoundReference, ...]  # the found citations of this source

    @property
    def merged(self) -> bool:
        return len({citation.key for citation in self.citations}) == 1


@dataclass(frozen=True)
class ReferenceScores:
    references: int
    citations: int
    found_citations: int
    found: tuple[ReferenceMatch, ...]
    missed: tuple[GoldReference, ...]

    @property
    def recall(self) -> float:
        return len(self.found) / self.references if self.references else 0.0

    @property
    def citation_recall(self) -> float:
        return self.found_citations / self.citations if self.citations else 0.0

    @property
    def variants(self) -> tuple[ReferenceMatch, ...]:
        """Sources found under two citations or more: the ones merging is tested on."""
        return tuple(match for match in self.found if len(match.citations) > 1)

    @property
    def merge_rate(self) -> float:
        variants = self.variants
        return sum(1 for match in variants if match.merged) / len(variants) if variants else 0.0


def score_references(
    found: Sequence[FoundReference], gold: Sequence[GoldReference]
) -> ReferenceScores:
    matches, missed = [], []
    citations = found_citations = 0
    for reference in gold:
        hits: list[FoundReference] = []
        for citation in reference.citations:
            citations += 1
            line_hits = [item for item in found if reference_matches(item, reference, citation)]
            found_citations += bool(line_hits)
            hits.extend(item for item in line_hits if item not in hits)
        if hits:
            matches.append(ReferenceMatch(reference, tuple(hits)))
        else:
            missed.append(reference)
    return ReferenceScores(
        references=len(gold),
        citations=citations,
        found_citations=found_citations,
        found=tuple(matches),
        missed=tuple(missed),
    )
