"""PDF: the text layer, page by page, with the lines a PDF breaks only for layout joined back into
paragraphs. A PDF keeps no paragraphs, only positioned lines: a line that does not end a sentence
and is followed by one starting in lower case (or ending on a word that cannot end one, « de »,
« la »…) belongs to the same paragraph, even over a page break, and a word cut by a hyphen at the
end of a line is rejoined. Page numbers and running titles are layout, and dropped. Headings and
list items are then recognised by the plain-text rules.

A scanned PDF has pages but no text layer: it is refused with the advice to run OCR first, rather
than imported empty.
"""

from __future__ import annotations

import io
import logging
import re
import time

from django.utils.translation import gettext as _
from pypdf import PageObject, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError
from pypdf.generic import ArrayObject, IndirectObject

from ..found import DocumentMeta, ReadDocument, UnreadableDocument
from . import limits
from .budget import TextBudget
from .docx import meta_from
from .text import classify

# pypdf warns about every oddity of a damaged file; the reader gets one clear message instead.
logging.getLogger("pypdf").setLevel(logging.ERROR)

_DIGITS = re.compile(r"\d+")
_PAGE_WORD = re.compile(r"\bpage\b|\bp\.\s*\d", re.IGNORECASE)
_MIN_PAGES_FOR_RUNNING_LINES = 4
_MARGIN_LINES = 1
_MAX_RUNNING_CHARS = 120
_SENTENCE_END = tuple('.!?:;…»"”')
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*/\s*\d{1,4})?$", re.IGNORECASE)
# Some producers write a list's bullet after its item's text.
_TRAILING_BULLET = re.compile(r"\s*[•●▪◦]$")
# A hyphen-minus, the typographic hyphen (U+2010) or a soft hyphen ends the cut part of a word.
_CUT_WORD = re.compile(r"[a-zà-ÿœæ][-\u2010\u00ad]$")
# Words a French sentence never ends on: a line ending on one goes on.
_CONTINUING_WORDS = frozenset(
    (  # noqa: SIM905 — a list of words reads best as words
        "le la les l' un une des de du d' à au aux et ou en par pour avec sans sur sous dans "
        "entre vers chez que qui dont ce cette ces son sa ses leur leurs notre nos votre vos"
    ).split()
)


def damaged_pdf() -> UnreadableDocument:
    return UnreadableDocument(
        _(
            "Ce fichier PDF est endommagé ou n'est pas un vrai PDF : il ne peut pas être lu. "
            "Enregistrez-le à nouveau en PDF depuis le logiciel qui l'a produit, puis importez-le."
        )
    )


def read_pdf(data: bytes) -> ReadDocument:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _opened(reader):
            raise UnreadableDocument(
                _(
                    "Ce PDF est protégé par un mot de passe : il ne peut pas être lu. Enregistrez-en "
                    "une copie sans protection, puis importez-la."
                )
            )
        if len(reader.pages) > limits.MAX_PDF_PAGES:
            raise UnreadableDocument(
                _("Ce PDF a plus de %(pages)s pages : découpez-le, puis importez chaque partie.")
                % {"pages": f"{limits.MAX_PDF_PAGES:,}".replace(",", "\u202f")}
            )
        page_texts = _page_texts(reader)
        meta = _meta(reader)
    except UnreadableDocument:
        raise
    except (DependencyError, FileNotDecryptedError) as error:
        raise UnreadableDocument(
            _(
                "Ce PDF est protégé par un chiffrement qui empêche de le lire. Enregistrez-en une "
                "copie sans protection, puis importez-la."
            )
        ) from error
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise damaged_pdf() from error
    if not page_texts:
        raise damaged_pdf()
    characters = sum(len("".join(text.split())) for text in page_texts)
    if characters < limits.MIN_PDF_CHARACTERS_PER_PAGE * len(page_texts):
        raise UnreadableDocument(
            _(
                "Ce PDF ne contient pas de texte (document numérisé) : il faut d'abord le passer à "
                "la reconnaissance de caractères (OCR)."
            )
        )
    lines = [classify(paragraph, page=number) for paragraph, number in paragraphs(page_texts)]
    return ReadDocument(file_format="pdf", lines=lines, pages=len(page_texts), meta=meta)


def _page_texts(reader: PdfReader) -> list[str]:
    """The text of each page, within the limits: characters per page and in all, and time
    (checked between pages; one page's extraction itself is not interrupted)."""
    budget = TextBudget()
    started = time.monotonic()
    known: dict[tuple[object, ...], str] = {}
    texts = []
    for page in reader.pages:
        if time.monotonic() - started > limits.MAX_PDF_SECONDS:
            raise UnreadableDocument(
                _(
                    "Ce PDF est trop long à lire : sa lecture a dépassé %(seconds)s secondes. "
                    "Découpez-le, ou enregistrez-le à nouveau en PDF, puis importez-le."
                )
                % {"seconds": limits.MAX_PDF_SECONDS}
            )
        key = _content_key(page)
        text = known.get(key) if key is not None else None
        if text is None:
            text = page.extract_text() or ""
            if key is not None:
                known[key] = text
        if len(text) > limits.MAX_PDF_PAGE_CHARACTERS:
            raise UnreadableDocument(
                _(
                    "Une page de ce PDF contient plus de %(characters)s caractères : ce n'est pas "
                    "une page de texte ordinaire, et le fichier n'a pas été lu."
                )
                % {"characters": f"{limits.MAX_PDF_PAGE_CHARACTERS:,}".replace(",", "\u202f")}
            )
        texts.append(budget.spend(text))
    return texts


def _content_key(page: PageObject) -> tuple[object, ...] | None:
    """What a page's text depends on: its content streams (by reference) and its resources. Pages repeating one huge stream are then read
    once; None when a page has contents of its own, written inline."""
    if "/Contents" not in page:
        return None
    contents = page.raw_get("/Contents")
    streams = contents if isinstance(contents, ArrayObject) else [contents]
    if not all(isinstance(stream, IndirectObject) for stream in streams):
        return None
    resources = page.raw_get("/Resources") if "/Resources" in page else None
    if isinstance(resources, IndirectObject):
        shared_resources: object = (resources.idnum, resources.generation)
    else:  # a small dictionary naming shared fonts and images, compared as written
        shared_resources = repr(resources)
    return (*((stream.idnum, stream.generation) for stream in streams), shared_resources)


def _opened(reader: PdfReader) -> bool:
    """Many PDFs are encrypted only to restrict printing or copying, with an empty password."""
    return bool(reader.decrypt(""))


def paragraphs(page_texts: list[str]) -> list[tuple[str, int]]:
    """The paragraphs of the pages with their (first) page: breaks that are only layout removed
    (see the module's note), also across a page break, and running headers and footers dropped."""
    pages = [[" ".join(raw.split()) for raw in text.splitlines()] for text in page_texts]
    pages = [[line for line in page if line] for page in pages]
    running = _running_lines(pages)
    joined: list[tuple[str, int]] = []
    for number, page in enumerate(pages, start=1):
        for position, line in enumerate(page):
            if _PAGE_NUMBER.match(line) or (
                _in_margin(position, page) and _running_key(line) in running
            ):
                continue
            if _TRAILING_BULLET.search(line):
                line = "• " + _TRAILING_BULLET.sub("", line)
            if joined and _continues(joined[-1][0], line):
                previous, first_page = joined[-1]
                if _CUT_WORD.search(previous):
                    joined[-1] = (previous[:-1] + line, first_page)
                elif previous.endswith(("'", "’")):
                    joined[-1] = (previous + line, first_page)
                else:
                    joined[-1] = (f"{previous} {line}", first_page)
            else:
                joined.append((line, number))
    return joined


def _in_margin(position: int, page: list[str]) -> bool:
    return position < _MARGIN_LINES or position >= len(page) - _MARGIN_LINES


def _running_key(line: str) -> str:
    """Running lines repeat exactly, except a page number: « Fiche 3 » atop each page is text."""
    return _DIGITS.sub("#", line) if _PAGE_WORD.search(line) else line


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Lines repeated at the top or bottom of most pages (« Rapport 2015 – page 3 »): layout, not
    text. Only the margins count: a fiche label repeated on every page is text."""
    if len(pages) < _MIN_PAGES_FOR_RUNNING_LINES:
        return set()
    counts: dict[str, int] = {}
    for page in pages:
        margin = page[:_MARGIN_LINES] + page[-_MARGIN_LINES:]
        for key in {_running_key(line) for line in margin if len(line) <= _MAX_RUNNING_CHARS}:
            counts[key] = counts.get(key, 0) + 1
    return {key for key, count in counts.items() if count >= len(pages) / 2}


def _continues(previous: str, line: str) -> bool:
    if previous.endswith(_SENTENCE_END):
        return False
    if line[:1].islower():
        return True
    last_word = previous.rsplit(" ", 1)[-1].lower()
    return last_word in _CONTINUING_WORDS or last_word.endswith(("'", "’"))


def _meta(reader: PdfReader) -> DocumentMeta:
    info = reader.metadata
    if info is None:
        return DocumentMeta()
    created = info.creation_date
    return meta_from(
        str(info.title or ""),
        str(info.author or ""),
        created.date().isoformat() if created else "",
    )
