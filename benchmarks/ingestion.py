"""Benchmark the import of a document on the 2015 report (about 727 000 characters).

    .venv/bin/python benchmarks/ingestion.py            # SQLite under var/bench/
    .venv/bin/python benchmarks/ingestion.py --reuse    # keep the territories of an earlier run
    .venv/bin/python benchmarks/ingestion.py --spacy    # also spaCy's full pipeline (slow)

Pinned to one core (`os.sched_setaffinity(0, {0})`). Migrates a throwaway SQLite database,
loads the real territories (`load_territories`) and the référentiel, then builds the extraction
context (the gazetteer and vocabularies, and any model): both are timed and printed but excluded
from the throughput, which a long-running worker pays once.

It then runs `pipeline.analyse` on the report 3 times and prints the median, the characters per
second, the split per stage (reading, passages, references, extraction: each stage timed alone,
median of 3), and a baseline measured in the same run: a plain `str.lower()` and one regular
expression scan of the text (quoted names and capitalised words), the least any extraction does;
with --spacy, also spaCy's `fr_core_news_sm` full pipeline over the whole text. Last, precision,
recall and territory accuracy against the hand-labelled lists (`tests/ingestion/data/`).
Target: the whole report in under 10 s, excluding the model load.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")

RUNS = 3
TARGET_SECONDS = 10.0
CORPUS = Path(os.environ.get("MAILLAGE_CORPUS", ROOT / "../shared/corpus"))
REPORT = CORPUS / "rapport-developpement-social-travail-social-collectif-2015.txt"
LABELS = ROOT / "tests" / "ingestion" / "data"
# What the baseline looks for: « quoted names » and capitalised words (places, organisations).
BASELINE_PATTERN = re.compile(r"«\s*([^»]{3,80}?)\s*»|\b[A-ZÉ][\w’'-]{2,}")

Result = TypeVar("Result")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reuse", action="store_true", help="garder les territoires d'un essai")
    parser.add_argument(
        "--spacy", action="store_true", help="mesurer aussi spaCy sur tout le texte"
    )
    return parser.parse_args()


ARGS = arguments()
folder = ROOT / "var" / "bench"
folder.mkdir(parents=True, exist_ok=True)
sqlite_file = folder / "ingestion.sqlite3"
if not ARGS.reuse:
    sqlite_file.unlink(missing_ok=True)
os.environ["DATABASE_URL"] = f"sqlite:///{sqlite_file}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from maillage.ingestion.evaluation import (  # noqa: E402
    LineMap,
    load_practices,
    load_references,
    score,
    score_references,
)
from maillage.ingestion.extraction import ExtractionContext, extract_candidate  # noqa: E402
from maillage.ingestion.pipeline import Analysis, analyse  # noqa: E402
from maillage.ingestion.reading import read_document  # noqa: E402
from maillage.ingestion.references import find_references  # noqa: E402
from maillage.ingestion.segmenting import find_segments  # noqa: E402
from maillage.referential.loading import load_referential  # noqa: E402
from maillage.territories.loading import load_territories  # noqa: E402


def timed(run: Callable[[], Result]) -> tuple[float, Result]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def median_of(run: Callable[[], Result]) -> tuple[float, Result]:
    measured = [timed(run) for _ in range(RUNS)]
    return statistics.median(seconds for seconds, _ in measured), measured[-1][1]


def stages(data: bytes, context: ExtractionContext) -> dict[str, float]:
    """Each stage of `analyse` timed alone (median of RUNS), in the pipeline's order."""
    reading, document = median_of(lambda: read_document(data, REPORT.name))
    passages, segments = median_of(lambda: find_segments(document))
    references, _ = median_of(lambda: find_references(document))
    practice_segments = [segment for segment in segments if segment.kind != "reference"]
    extraction, _ = median_of(
        lambda: [extract_candidate(segment, document, context) for segment in practice_segments]
    )
    return {
        "lecture": reading,
        "passages": passages,
        "références": references,
        "extraction": extraction,
    }


def baseline(text: str) -> float:
    seconds, _ = median_of(lambda: sum(1 for _ in BASELINE_PATTERN.finditer(text.lower())))
    return seconds


def spacy_baseline(text: str) -> float:
    import spacy

    nlp = spacy.load("fr_core_news_sm")
    nlp.max_length = max(nlp.max_length, len(text) + 1)
    seconds, _ = timed(lambda: nlp(text))
    return seconds


def print_scores(analysis: Analysis, text: str) -> None:
    line_map = LineMap.of_text(text)
    practices = score(analysis.drafts, load_practices(LABELS / "corpus_practices.json", line_map))
    references = score_references(
        analysis.references, load_references(LABELS / "corpus_references.json", line_map)
    )
    print("Qualité (listes étiquetées à la main) :")
    print(
        f"  pratiques : {len(practices.found)}/{practices.practices} trouvées, "
        f"rappel {practices.recall:.0%}, précision {practices.precision:.0%} "
        f"({practices.matched_drafts}/{practices.drafts} propositions), "
        f"territoires justes {practices.territory_accuracy:.0%}, "
        f"forme d'intervention juste {practices.isic_form_accuracy:.0%}"
    )
    print(f"  liste de démonstration manquée : {[item.name for item in practices.demo_missed]}")
    print(f"  manquées : {[item.name for item in practices.missed]}")
    print(
        f"  dont passage trouvé sous un autre titre : {[item.name for item in practices.located]}"
    )
    print(f"  mal situées : {[match.practice.name for match in practices.misplaced]}")
    print(
        f"  références : {len(references.found)}/{references.references} sources, "
        f"citations {references.found_citations}/{references.citations}, "
        f"variantes fusionnées {references.merge_rate:.0%} ({len(references.variants)} sources "
        f"citées plusieurs fois)"
    )
    print(f"  {len(practices.unmatched)} propositions hors liste, à relire :")
    for draft in practices.unmatched:
        # Lines of the file (`grep -n`), as the labels give them.
        start, end = (
            line_map.physical(line) for line in (draft.segment.start_line, draft.segment.end_line)
        )
        print(f"    L{start}–{end} [{draft.segment.kind}] {draft.title[:90]}")


def main() -> None:
    if not REPORT.is_file():
        sys.exit(f"Rapport absent : {REPORT}")
    os.sched_setaffinity(0, {0})
    data = REPORT.read_bytes()
    text = data.decode("utf-8")
    call_command("migrate", interactive=False, verbosity=0)
    print("Préparation (exclue du débit) :")
    print("  charge de la machine (1, 5, 15 min) : {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    report = load_territories()
    state = "déjà chargés" if report.skipped else f"{report.created} créés"
    print(f"  territoires : {state} en {report.seconds:.1f} s")
    referential_seconds, _ = timed(load_referential)
    print(f"  référentiel : {referential_seconds:.1f} s")
    context_seconds, context = timed(ExtractionContext.load)
    print(f"  contexte d'extraction (répertoire des lieux, vocabulaires) : {context_seconds:.1f} s")

    print(f"Import du rapport ({len(text)} caractères, {len(data)} octets, un cœur) :")
    # A first run loads whatever the extraction loads lazily (spaCy), as a worker's first file.
    warm, analysis = timed(lambda: analyse(data, REPORT.name, context))
    print(f"  premier passage (chargements paresseux compris) : {warm:.2f} s")
    total, analysis = median_of(lambda: analyse(data, REPORT.name, context))
    print(
        f"  analyse complète   médiane {total:6.2f} s ({RUNS} essais)   "
        f"{len(text) / total:10.0f} caractères/s"
    )
    print(
        f"  {len(analysis.document.lines)} lignes, {len(analysis.segments)} passages, "
        f"{len(analysis.drafts)} propositions, {len(analysis.references)} références"
    )
    for stage, seconds in stages(data, context).items():
        print(f"    {stage:<12} {seconds:6.2f} s")
    scan = baseline(text)
    print(f"  base : str.lower() + une expression régulière   {scan:6.3f} s")
    print(f"  {'':<46} rapport {total / scan:.0f}")
    if ARGS.spacy:
        full = spacy_baseline(text)
        print(f"  base : spaCy fr_core_news_sm complet sur tout le texte   {full:6.1f} s")
        print(f"  {'':<46} rapport {total / full:.2f}")
    print_scores(analysis, text)
    print("  charge de la machine (1, 5, 15 min) : {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    verdict = "atteint" if total < TARGET_SECONDS else "MANQUÉ"
    print(f"  objectif analyse < {TARGET_SECONDS:.0f} s : {verdict} ({total:.2f} s)")


if __name__ == "__main__":
    main()
