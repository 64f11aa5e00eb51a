"""A passage made of a few lines, and the extraction context over the test database, for the
extraction tests.

    context = fresh_context()                 # after creating the territories a test needs
    draft = extract(context, "Une action pilote à Lille-Fives :", "…")
"""

from __future__ import annotations

from maillage.ingestion.extraction import ExtractionContext, extract_candidate
from maillage.ingestion.found import CandidateDraft, FoundSegment, Line, ReadDocument
from tests.practices.factories import term


def fresh_context() -> ExtractionContext:
    """The context rebuilt from this test's territories and the real référentiel."""
    term("isic_form", "travail_social_de_groupe")  # loads the référentiel once
    return ExtractionContext.load(refresh=True)


def passage(*texts: str, heading: str = "", kind: str = "named_action") -> tuple:
    document = ReadDocument("txt", [Line(text) for text in texts])
    segment = FoundSegment(kind, 1, len(texts), heading, "\n".join(texts))  # type: ignore[arg-type]
    return segment, document


def extract(context: ExtractionContext, *texts: str, heading: str = "") -> CandidateDraft:
    segment, document = passage(*texts, heading=heading)
    return extract_candidate(segment, document, context)


def codes(draft: CandidateDraft) -> set[tuple[str, str]]:
    return {(place.level, place.code) for place in draft.places}
