"""From a passage to a candidate practice sheet, every field with where it came from.

    context = ExtractionContext.load()          # once per process: gazetteer and vocabularies
    draft = extract_candidate(segment, document, context)

`ExtractionContext.load()` reads the territories and the référentiel once and keeps them; a test
that creates territories afterwards calls `ExtractionContext.load(refresh=True)` (or builds one
from rows with `ExtractionContext.build`). Extraction itself queries nothing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import ClassVar

from django.utils.translation import gettext

from maillage.ingestion.extraction.figures import find_figures
from maillage.ingestion.extraction.organisations import find_organisations
from maillage.ingestion.extraction.places import Gazetteer, Place
from maillage.ingestion.extraction.title import clean, word
from maillage.ingestion.extraction.vocabulary import SCHEMES, TermRow, Vocabulary
from maillage.ingestion.found import (
    CandidateDraft,
    FoundSegment,
    PlaceMatch,
    Provenance,
    ReadDocument,
)

__all__ = ["ExtractionContext", "Place", "TermRow", "extract_candidate"]

_GAZETTEER_LEVELS = ("region", "departement", "epci", "commune", "arrondissement")
# How far above a passage that names no place to look for the paragraph that introduces it.
LOOK_ABOVE = 60


@dataclass(frozen=True)
class ExtractionContext:
    gazetteer: Gazetteer
    vocabulary: Vocabulary

    _cached: ClassVar[ExtractionContext | None] = None
    _lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def build(cls, places: list[Place], terms: list[TermRow]) -> ExtractionContext:
        return cls(Gazetteer(places), Vocabulary(terms))

    @classmethod
    def load(cls, *, refresh: bool = False) -> ExtractionContext:
        """The territories and référentiel terms of the database, read once per process
        (about half a second for the 36 000 territories)."""
        with cls._lock:
            if cls._cached is None or refresh:
                cls._cached = cls.build(_database_places(), _database_terms())
            return cls._cached


def _database_places() -> list[Place]:
    from maillage.territories.models import Territory

    rows = Territory.objects.filter(level__in=_GAZETTEER_LEVELS).values_list(
        "level", "code", "name", "population", "departement__code", "region__code", "parent__code"
    )
    return [
        Place(level, code, name, population or 0, departement or "", region or "", parent or "")
        for level, code, name, population, departement, region, parent in rows
    ]


def _database_terms() -> list[TermRow]:
    from maillage.referential.models import Term

    rows = Term.objects.filter(scheme__code__in=SCHEMES).values_list(
        "scheme__code", "code", "label"
    )
    return [TermRow(scheme, code, label) for scheme, code, label in rows]


def extract_candidate(
    segment: FoundSegment, document: ReadDocument, context: ExtractionContext
) -> CandidateDraft:
    """The candidate sheet a passage describes. Each filled field has a `provenance` entry
    (line range and a French `why`); empty fields have none."""
    numbered = [
        (number, document.lines[number - 1].text)
        for number in range(segment.start_line, min(segment.end_line, len(document.lines)) + 1)
    ]
    if segment.start_line == segment.end_line and segment.text:
        # a paragraph naming several actions is split into one passage per action: its own part
        numbered = [(segment.start_line, segment.text)]
    if not numbered:  # a passage given without its document's lines: its own text
        numbered = [
            (segment.start_line + offset, text)
            for offset, text in enumerate(segment.text.splitlines())
        ]
    field_lines = {line for _, start, end in segment.fields for line in range(start, end + 1)}
    # In a « fiche action » the title and summary come from what precedes the first field; notes
    # stay out of them, but their places and organisations count.
    lead = [(n, clean(text)) for n, text in numbered if n not in field_lines] or [
        (n, clean(text)) for n, text in numbered
    ]
    worded = word(lead)
    draft = CandidateDraft(segment=segment, title=worded.title, summary=worded.summary)
    draft.provenance.update(worded.provenance)
    _fill_fields(draft, segment, numbered)

    tagged = context.vocabulary.tag(numbered, segment.heading, segment.start_line)
    for scheme, attribute in zip(SCHEMES, ("isic_forms", "publics", "themes"), strict=True):
        setattr(draft, attribute, tagged[scheme].codes)
        if tagged[scheme].provenance:
            draft.provenance[attribute] = tagged[scheme].provenance

    place_context = "\n".join([segment.heading.replace("›", "\n"), document.meta.title])
    draft.places = context.gazetteer.find(numbered, place_context) or _places_above(
        segment, document, context, place_context
    )
    if draft.places:
        lines = [place.line for place in draft.places]
        why = ", ".join(dict.fromkeys(place.text for place in draft.places[:4]))
        if min(lines) < segment.start_line:
            why = gettext("cité juste avant le passage : %(places)s") % {"places": why}
        draft.provenance["places"] = Provenance(min(lines), max(lines), why)

    organisations = find_organisations(numbered)
    draft.organisations = organisations.items
    if organisations.provenance:
        draft.provenance["organisations"] = organisations.provenance

    figures = find_figures(numbered)
    draft.participants_count = figures.participants_count
    draft.inhabitants_count = figures.inhabitants_count
    draft.start_year = figures.start_year
    draft.end_year = figures.end_year
    draft.provenance.update(figures.provenance or {})
    return draft


def _places_above(
    segment: FoundSegment, document: ReadDocument, context: ExtractionContext, place_context: str
) -> list[PlaceMatch]:
    """A passage that names no place often sits under the paragraph that does (« Une action
    pilote à Lille-Fives : » then each of its actions, under headings of their own): the
    places of the nearest line above, within `LOOK_ABOVE` lines."""
    for number in range(segment.start_line - 1, max(0, segment.start_line - LOOK_ABOVE) - 1, -1):
        if number > len(document.lines):
            continue
        line = document.lines[number - 1]
        places = context.gazetteer.find([(number, line.text)], place_context)
        if places:
            return [
                replace(place, why=gettext("%(why)s, cité plus haut") % {"why": place.why})
                for place in places
            ]
    return []


def _fill_fields(
    draft: CandidateDraft, segment: FoundSegment, numbered: list[tuple[int, str]]
) -> None:
    texts = dict(numbered)
    for name, start, end in segment.fields:
        lines = [texts.get(number, "") for number in range(start, end + 1)]
        # The field's own heading (« Objectifs ») when it stands on its first line.
        if len(lines) > 1 and len(lines[0]) <= 60 and not lines[0].endswith("."):
            lines, start = lines[1:], start + 1
        text = "\n".join(line for line in lines if line).strip()
        if text:
            draft.fields[name] = f"{draft.fields[name]}\n{text}" if name in draft.fields else text
            draft.provenance[name] = Provenance(
                draft.provenance[name].start_line if name in draft.provenance else start,
                end,
                gettext("rubrique de la fiche"),
            )
