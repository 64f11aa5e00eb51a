"""What each stage of an import hands to the next, before anything is stored: the lines read from
a file, the passages found in them, and what is drawn from each passage.

Line numbers are 1-based positions in `ReadDocument.lines`, the same numbering as the stored
`Document.text` (one line per entry); every provenance is a range of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

LineKind = Literal["heading", "paragraph", "list_item", "table_row", "footnote"]


class UnreadableDocument(Exception):
    """A file that cannot be read; `message` says why in French, for the person who sent it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Line:
    text: str
    kind: LineKind = "paragraph"
    level: int = 0  # heading level (1 = top), list depth; 0 otherwise
    page: int | None = None


@dataclass(frozen=True)
class DocumentMeta:
    title: str = ""
    authors: str = ""
    year: int | None = None
    date: str = ""  # ISO date when the file says one


@dataclass(frozen=True)
class ReadDocument:
    file_format: str  # docx, odt, pdf, txt, md
    lines: list[Line]
    encoding: str = ""  # for text files: how they were decoded, in French words
    pages: int | None = None
    meta: DocumentMeta = field(default_factory=DocumentMeta)


SegmentKindName = Literal["fiche", "example", "named_action", "table_row", "reference"]


@dataclass(frozen=True)
class FoundSegment:
    kind: SegmentKindName
    start_line: int
    end_line: int
    heading: str  # the headings above it, « Partie 2 › Les groupes »
    text: str
    # For a « fiche action »: each headed field found, as (Practice field name, start, end).
    fields: tuple[tuple[str, int, int], ...] = ()
    rule: str = ""  # the key of `segmenting.RULES` that found it, shown to the reviewer


@dataclass(frozen=True)
class FoundReference:
    raw_text: str
    start_line: int
    end_line: int
    title: str
    authors: str = ""
    event: str = ""
    place: str = ""
    date_text: str = ""
    year: int | None = None
    pages: str = ""
    url: str = ""
    document_type: str = "other"  # a DocumentType value
    key: str = ""  # folded authors + title: variants of one source share it
    rule: str = ""  # the key of `references.RULES` that found it


@dataclass(frozen=True)
class PlaceMatch:
    text: str  # as written: « Marseille 3e », « le bassin minier »
    line: int
    level: str  # a territories Level value
    code: str
    name: str
    why: str = ""  # « nom de commune », « arrondissement », « zone naturelle : bassin minier »…


@dataclass(frozen=True)
class Provenance:
    start_line: int
    end_line: int
    why: str = ""  # the rule or the words that found it, in French


@dataclass
class CandidateDraft:
    """A practice sheet drawn from one passage, with where each field came from."""

    segment: FoundSegment
    title: str
    summary: str = ""
    fields: dict[str, str] = field(default_factory=dict)  # Practice text fields
    isic_forms: list[str] = field(default_factory=list)  # référentiel codes
    publics: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    places: list[PlaceMatch] = field(default_factory=list)
    organisations: list[dict[str, str]] = field(default_factory=list)  # {"name", "kind"}
    start_year: int | None = None
    end_year: int | None = None
    participants_count: int | None = None
    inhabitants_count: int | None = None
    provenance: dict[str, Provenance] = field(default_factory=dict)
