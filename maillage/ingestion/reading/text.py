"""Plain text and Markdown: decoding whatever the encoding, then one line per non-empty line.

Plain text says nothing of its structure, so headings are recognised conservatively — only where
the line itself shows it: a numbering (« 1.4.2. », « II. », « A) », « Levier 4 », « Annexe 3.2 »),
a table-of-contents bookmark left by a word-processor export, or capitals — and never when the
line ends like a sentence. A false heading would mislead the section context of every passage
below it; a missed one only loses that context. PDFs reuse the same rules (`classify`).
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from django.utils.translation import gettext as _

from ..found import DocumentMeta, Line, ReadDocument, UnreadableDocument

# --- Decoding -----------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
# Text has tabs and line breaks but hardly any other control character; binary has plenty.
_MAX_CONTROL_SHARE = 0.01
_TEXT_CONTROLS = frozenset("\t\n\r\f\v")


def not_text() -> UnreadableDocument:
    return UnreadableDocument(
        _(
            "Ce fichier n'est pas un texte lisible : son contenu est binaire (une image, un "
            "programme ou un document d'un autre format renommé en .txt). Importez le document "
            "d'origine (DOCX, ODT, PDF) ou enregistrez-le au format texte."
        )
    )


def decode(data: bytes) -> tuple[str, str]:
    """The text and how it was decoded, in French words: a byte-order mark first, then strict
    UTF-8, else Windows-1252 (the usual encoding of texts saved by older French Windows)."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(codec)), label
            except UnicodeDecodeError as error:
                raise not_text() from error
    if b"\x00" in data:
        raise not_text()
    try:
        return _checked(data.decode("utf-8")), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return _checked(data.decode("cp1252")), _("Windows-1252 (détecté)")
    except UnicodeDecodeError as error:
        raise not_text() from error


def _checked(text: str) -> str:
    controls = sum(
        1 for char in text if unicodedata.category(char) == "Cc" and char not in _TEXT_CONTROLS
    )
    if controls > _MAX_CONTROL_SHARE * max(len(text), 1) or "\x00" in text:
        raise not_text()
    return text


# --- Plain lines --------------------------------------------------------------------------------

# Marks a word-processor export leaves in the text: « [bookmark: _Toc411342162] », « [image: ] »,
# a footnote call « [footnoteRef:14] » and, further on the same line, the note « [14:  texte] ».
_EXPORT_MARK = re.compile(r"\[(?:bookmark|image):[^\]]*\]")
_NOTE_CALL = re.compile(r"\[footnoteRef:(\d+)\]")
_NOTE_START = re.compile(r"\[(\d+):\s")
_MAX_NOTE_LINES = 3
_TOC_BOOKMARK = re.compile(r"\[bookmark:\s*_Toc")

_BULLET = re.compile(r"^[·•●▪■◦○–—\-*\uf0b7\uf0a7\uf0d8o]\s+(?=\S)")
_LOWER_ITEM = re.compile(r"^[a-z]\)\s+")
# « 1. », « 2) », « 1.4.2. », « 1.4.2 » — never « 20 personnes » or « 2015 ».
_DECIMAL = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+\.?|\d{1,2}[.)])\s+(?=\S)")
_ROMAN = re.compile(r"^([IVX]{1,5})[.)]\s+(?=\S)")
_LETTER = re.compile(r"^[A-H][.)]\s+(?=[A-ZÉÈÀÂ])")
_KEYWORD = re.compile(
    r"^(partie|chapitre|titre|annexe|levier|axe|fiche|action|orientation|objectif)\s+"
    r"(\d{1,2}(?:\.\d{1,2})*|[IVX]{1,5})\b\s*([.:)–-])?",
    re.IGNORECASE,
)
_TOP_KEYWORDS = frozenset({"partie", "chapitre", "titre", "annexe"})

_MAX_HEADING_CHARS = 200
_MAX_CAPS_HEADING_CHARS = 80
_SENTENCE_END = tuple('.,;!…»"”:')


def clean(raw: str) -> str:
    """The line without export marks, its spaces (tabs, no-break spaces…) made single spaces as
    the other formats' readers do."""
    return " ".join(_EXPORT_MARK.sub("", raw).split())


def classify(
    text: str, *, indented: bool = False, toc: bool = False, page: int | None = None
) -> Line:
    """One line of plain text as a heading, a list item or a paragraph (see the module's note).
    `indented` lines are table cells or quotations in exports, never capital headings; `toc` says
    a table-of-contents bookmark marked the line."""
    ends_sentence = text.endswith(_SENTENCE_END)
    keyword = _KEYWORD.match(text)
    # « Levier 1. Renforcer le portage… . » is a heading even with its final stop, its numbering
    # set apart; « Action 3 a réuni 40 personnes. » is a sentence.
    if (
        keyword
        and len(text) <= _MAX_HEADING_CHARS
        and (not ends_sentence or (keyword.group(3) and text.endswith(".")))
    ):
        level = 1 if keyword.group(1).lower() in _TOP_KEYWORDS else 2
        return Line(text, "heading", level, page)
    decimal = _DECIMAL.match(text)
    if decimal:
        depth = len(re.findall(r"\d+", decimal.group(1)))
        rest = text[decimal.end() :]
        if not ends_sentence and len(text) <= _MAX_HEADING_CHARS and rest[:1].isupper():
            return Line(text, "heading", depth, page)
        if depth == 1:
            return Line(text, "list_item", 1, page)
    roman = _ROMAN.match(text)
    if roman and not ends_sentence and len(text) <= _MAX_HEADING_CHARS:
        return Line(text, "heading", 1, page)
    if _LETTER.match(text) and not ends_sentence and len(text) <= _MAX_HEADING_CHARS:
        return Line(text, "heading", 2, page)
    bullet = _BULLET.match(text)
    if bullet:
        return Line(text[bullet.end() :], "list_item", 1, page)
    if _LOWER_ITEM.match(text):
        return Line(text, "list_item", 1, page)
    if toc and not ends_sentence and len(text) <= _MAX_HEADING_CHARS:
        return Line(text, "heading", 1, page)
    if not indented and not ends_sentence and _is_capitals(text):
        return Line(text, "heading", 1, page)
    return Line(text, "paragraph", 0, page)


def _is_capitals(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return (
        len(letters) >= 4
        and len(text) <= _MAX_CAPS_HEADING_CHARS
        and not any(char.isdigit() for char in text)
        and all(char.isupper() for char in letters)
    )


def _split_notes(raw: str) -> tuple[str, list[tuple[str, str]]]:
    """The line without the notes written into it, and the notes as (number, text); a note's text
    may hold brackets of its own, so its end is found by counting them. A note still open at the
    end of the line runs to it (its next lines are `_note_continuations`)."""
    notes = []
    kept = []
    position = 0
    while start := _NOTE_START.search(raw, position):
        depth, end = 0, len(raw)
        for index in range(start.start(), len(raw)):
            depth += {"[": 1, "]": -1}.get(raw[index], 0)
            if depth == 0:
                end = index
                break
        kept.append(raw[position : start.start()])
        notes.append((start.group(1), clean(raw[start.end() : end])))
        position = end + 1
    kept.append(raw[position:])
    return _NOTE_CALL.sub(r"[\1]", "".join(kept)), notes


def physical_line(raw: str) -> list[Line]:
    """The lines one line of the file gives: none when it is empty or holds only export marks, else
    its text, followed by the notes a word-processor export wrote into it as footnote lines (so a
    reference stays next to the passage that cites it). Counting them maps a line number of the
    file to a `ReadDocument.lines` number."""
    body, notes = _split_notes(raw) if "[" in raw else (raw, [])
    cleaned = clean(body)
    lines = []
    if any(char.isalnum() for char in cleaned):
        lines.append(
            classify(
                cleaned,
                indented=raw.startswith(("\t", "    ")),
                toc=bool(_TOC_BOOKMARK.search(raw)),
            )
        )
    lines.extend(Line(f"[{number}] {note}", "footnote") for number, note in notes if note)
    return lines


def _open_note(raw: str) -> str | None:
    """The number of the note left open at the end of the line, if any."""
    last = None
    for start in _NOTE_START.finditer(raw):
        depth = 0
        for char in raw[start.start() :]:
            depth += {"[": 1, "]": -1}.get(char, 0)
            if depth == 0:
                break
        last = start.group(1) if depth else last
    return last


def _note_end(raw: str) -> int | None:
    """Where a bracket closes that this line never opened, when nothing but spaces follows."""
    depth = 0
    for index, char in enumerate(raw):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if depth < 0:
            return index if not raw[index + 1 :].strip() else None
    return None


def _note_continuations(raws: list[str], per_line: list[list[Line]]) -> None:
    """An export may write a note over several lines: the lines up to the one closing it (within
    a few) are the note's, and become footnote lines — one each, so line counts do not change."""
    for index, raw in enumerate(raws):
        number = _open_note(raw) if "[" in raw else None
        if number is None:
            continue
        following = range(index + 1, min(index + 1 + _MAX_NOTE_LINES, len(raws)))
        end = next((later for later in following if _note_end(raws[later]) is not None), None)
        if end is None:
            continue
        for later in range(index + 1, end + 1):
            raw_text = raws[later][: _note_end(raws[later])] if later == end else raws[later]
            if len(per_line[later]) == 1:
                per_line[later] = [Line(f"[{number}] {clean(raw_text)}", "footnote")]


def plain_lines(text: str) -> list[Line]:
    raws = text.splitlines()
    per_line = [physical_line(raw) for raw in raws]
    _note_continuations(raws, per_line)
    return [line for lines in per_line for line in lines]


# --- Markdown -----------------------------------------------------------------------------------

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_SETEXT = re.compile(r"^(=+|-+)\s*$")
_MD_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
_MD_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_FOOTNOTE = re.compile(r"^\[\^([^\]]+)\]:\s*(.*)$")
_MD_FOOTNOTE_CALL = re.compile(r"\[\^([^\]]+)\]")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|`)")


def _inline(text: str) -> str:
    text = _MD_FOOTNOTE_CALL.sub(r"[\1]", text)
    text = _MD_LINK.sub(lambda link: f"{link.group(1)} ({link.group(2)})", text)
    return " ".join(_MD_EMPHASIS.sub("", text).split())


def markdown_lines(text: str) -> list[Line]:
    """Markdown blocks as lines: a paragraph's soft line breaks are only layout, so its lines are
    joined; footnote definitions go after the body, as in the other formats."""
    lines: list[Line] = []
    footnotes: list[Line] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            lines.append(Line(_inline(" ".join(paragraph)), "paragraph"))
            paragraph.clear()

    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped:
            flush()
            continue
        if paragraph and len(paragraph) == 1 and _MD_SETEXT.match(stripped):
            level = 1 if stripped.startswith("=") else 2
            lines.append(Line(_inline(paragraph.pop()), "heading", level))
            continue
        heading = _MD_HEADING.match(stripped)
        item = _MD_ITEM.match(raw)
        footnote = _MD_FOOTNOTE.match(stripped)
        if heading:
            flush()
            lines.append(Line(_inline(heading.group(2)), "heading", len(heading.group(1))))
        elif footnote:
            flush()
            footnotes.append(
                Line(f"[{footnote.group(1)}] {_inline(footnote.group(2))}", "footnote")
            )
        elif stripped.startswith("|"):
            flush()
            if not _MD_TABLE_SEPARATOR.match(stripped):
                cells = [_inline(cell) for cell in stripped.strip("|").split("|")]
                lines.append(Line(" | ".join(cells), "table_row"))
        elif item:
            flush()
            depth = len(item.group(1).expandtabs(4)) // 2 + 1
            lines.append(Line(_inline(item.group(2)), "list_item", depth))
        else:
            paragraph.append(stripped)
    flush()
    return [line for line in lines + footnotes if line.text]


def read_text(data: bytes, file_format: str) -> ReadDocument:
    text, encoding = decode(data)
    if file_format != "md":
        return ReadDocument(file_format=file_format, lines=plain_lines(text), encoding=encoding)
    lines = markdown_lines(text)
    # A Markdown document's title is its first top-level heading, as its renderers show it.
    title = next((line.text for line in lines if line.kind == "heading" and line.level == 1), "")
    return ReadDocument(
        file_format=file_format, lines=lines, encoding=encoding, meta=DocumentMeta(title=title)
    )
