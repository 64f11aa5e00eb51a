"""One file through every stage of an import, in memory: read → passages → references →
candidate sheets. Nothing is written here: `operations.import_document` stores an `Analysis`, and
`import_documents --dry-run` prints one."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from maillage.ingestion.extraction import ExtractionContext, extract_candidate
from maillage.ingestion.found import CandidateDraft, FoundReference, FoundSegment, ReadDocument
from maillage.ingestion.reading import read_document
from maillage.ingestion.reading.limits import MAX_FILE_BYTES
from maillage.ingestion.references import find_references
from maillage.ingestion.segmenting import find_segments


@dataclass(frozen=True)
class Analysis:
    document: ReadDocument
    segments: list[FoundSegment]
    references: list[FoundReference]
    drafts: list[CandidateDraft]
    sha256: str


def fingerprint(data: bytes) -> str:
    """The hash by which the same file imported twice is recognised."""
    return hashlib.sha256(data).hexdigest()


def read_file(path: Path) -> bytes:
    """A file's bytes, but never more than one past the size the reader accepts: enough for it
    to refuse a file too large without holding all of it in memory."""
    with path.open("rb") as opened:
        return opened.read(MAX_FILE_BYTES + 1)


def analyse(data: bytes, file_name: str, context: ExtractionContext) -> Analysis:
    """Everything drawn from one file; raises `UnreadableDocument` (French message) when the file
    cannot be read."""
    document = read_document(data, file_name)
    segments = find_segments(document)
    # Reference passages give library records, not practice sheets.
    drafts = [
        extract_candidate(segment, document, context)
        for segment in segments
        if segment.kind != "reference"
    ]
    return Analysis(document, segments, find_references(document), drafts, fingerprint(data))
