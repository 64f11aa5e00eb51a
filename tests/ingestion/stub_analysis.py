"""What the stages draw from a file, set by the test: the storage tests (operations, tasks) then
assert exactly what is written, whatever the passage finder and the extraction find.

    drafts = [draft("Jardin de Saint-Caprais", 3, 5, places=[place(commune)])]
    stub_analysis(monkeypatch, drafts=drafts, references=[reference("Titre", 8)])
    import_document(actor=documentalist, data=text(…), file_name="a.txt", context=NO_CONTEXT)

The file is still read by the real reader (so unreadable files fail as they would).
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import pytest

from maillage.ingestion import operations, pipeline
from maillage.ingestion.found import (
    CandidateDraft,
    FoundReference,
    FoundSegment,
    PlaceMatch,
    Provenance,
)
from maillage.ingestion.management.commands import import_documents
from maillage.ingestion.reading import read_document
from maillage.territories.models import Territory

# The stubbed analysis needs no gazetteer.
NO_CONTEXT: Any = SimpleNamespace()


def text(*lines: str) -> bytes:
    return "\n".join(lines).encode()


def place(territory: Territory, line: int = 1) -> PlaceMatch:
    return PlaceMatch(territory.name, line, territory.level, territory.code, territory.name, "nom")


def draft(title: str, start: int, end: int, **values: Any) -> CandidateDraft:
    segment = FoundSegment("example", start, end, "Partie 2", title)
    provenance = {"title": Provenance(start, start, "premier groupe nominal")}
    return CandidateDraft(segment, title, provenance=provenance, **values)


def reference(title: str, line: int, **values: Any) -> FoundReference:
    return FoundReference(f"{values.get('authors', '')}, {title}", line, line, title, **values)


def stub_analysis(
    monkeypatch: pytest.MonkeyPatch,
    *,
    drafts: Sequence[CandidateDraft] = (),
    references: Sequence[FoundReference] = (),
) -> None:
    def analyse(data: bytes, file_name: str, context: object) -> pipeline.Analysis:
        document = read_document(data, file_name)
        passages = {d.segment for d in drafts} | {
            FoundSegment("reference", r.start_line, r.end_line, "Bibliographie", r.raw_text)
            for r in references
        }
        segments = sorted(passages, key=lambda s: (s.start_line, s.end_line, s.kind))
        return pipeline.Analysis(
            document, segments, list(references), list(drafts), pipeline.fingerprint(data)
        )

    for module in (pipeline, operations, import_documents):
        monkeypatch.setattr(module, "analyse", analyse)
