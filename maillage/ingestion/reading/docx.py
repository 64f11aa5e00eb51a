"""Word documents (DOCX): the body's paragraphs, headings, list items and tables in order, the
footnotes after the body, the title and author from the document properties.

A heading is known by its style: the outline level styles.xml gives it (what Word's navigation
pane uses, whatever the style is called), else a style named « Heading 2 », « Titre 2 »…
Every XML part is parsed with defusedxml: a hostile file must not expand entities or reach out.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from ..found import DocumentMeta, Line, ReadDocument
from .archive import SafeArchive, damaged
from .budget import TextBudget

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Markup compatibility: a drawing's text is written twice, as the shape and as a fallback.
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_DC = "{http://purl.org/dc/elements/1.1/}"
_DCTERMS = "{http://purl.org/dc/terms/}"

_HEADING_NAME = re.compile(r"^(?:heading|titre|berschrift)\s*(\d)$", re.IGNORECASE)
# outlineLvl 9 means « body text » in Word.
_BODY_OUTLINE_LEVEL = 9
# Elements wrapping ordinary paragraphs, rows or cells (content controls, custom XML).
_WRAPPERS = frozenset((f"{W}sdt", f"{W}sdtContent", f"{W}customXml"))


def small_number(value: str) -> int | None:
    """A level written in the file, or None: « ² » is a digit to `isdigit` but not to `int`, and
    a level of a million digits is no level."""
    return int(value) if value.isdecimal() and len(value) <= 3 else None


def parse_xml(data: bytes, format_label: str) -> Element:
    try:
        return ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as error:
        raise damaged(format_label) from error


def read_docx(archive: SafeArchive) -> ReadDocument:
    document = archive.read("word/document.xml")
    if document is None:
        raise damaged("DOCX")
    styles = archive.read("word/styles.xml")
    footnotes = archive.read("word/footnotes.xml")
    core = archive.read("docProps/core.xml")
    styles_root = parse_xml(styles, "DOCX") if styles else None
    reader = _DocxReader(
        _heading_levels(styles_root) if styles_root is not None else {},
        _list_styles(styles_root) if styles_root is not None else set(),
    )
    body = parse_xml(document, "DOCX").find(f"{W}body")
    if body is None:
        raise damaged("DOCX")
    try:
        reader.read_container(body)
        notes = _footnote_lines(parse_xml(footnotes, "DOCX"), reader) if footnotes else []
    except RecursionError as error:  # nesting no word processor writes
        raise damaged("DOCX") from error
    lines = reader.lines + notes
    return ReadDocument(
        file_format="docx",
        lines=lines,
        meta=_meta(parse_xml(core, "DOCX")) if core else DocumentMeta(),
    )


def _list_styles(styles: Element) -> set[str]:
    """Styles that number their paragraphs themselves (« List Bullet »…): list items without
    numbering of their own."""
    return {
        style.get(f"{W}styleId", "")
        for style in styles.iter(f"{W}style")
        if style.find(f"{W}pPr/{W}numPr") is not None
    }


def _heading_levels(styles: Element) -> dict[str, int]:
    """Style id → heading level (1 = top), following `basedOn` for styles that inherit it."""
    own: dict[str, int] = {}
    based_on: dict[str, str] = {}
    for style in styles.iter(f"{W}style"):
        style_id = style.get(f"{W}styleId", "")
        outline = style.find(f"{W}pPr/{W}outlineLvl")
        name = style.find(f"{W}name")
        named = _HEADING_NAME.match(
            (name.get(f"{W}val", "") if name is not None else style_id).replace(" ", "")
        ) or _HEADING_NAME.match(style_id)
        value = small_number(outline.get(f"{W}val", "")) if outline is not None else None
        if value is not None:
            if value < _BODY_OUTLINE_LEVEL:
                own[style_id] = value + 1
        elif named:
            own[style_id] = int(named.group(1))
        parent = style.find(f"{W}basedOn")
        if parent is not None:
            based_on[style_id] = parent.get(f"{W}val", "")
    levels = dict(own)
    for style_id in based_on:
        ancestor, seen = style_id, set()
        while ancestor not in own and ancestor in based_on and ancestor not in seen:
            seen.add(ancestor)
            ancestor = based_on[ancestor]
        if ancestor in own:
            levels[style_id] = own[ancestor]
    return levels


class _DocxReader:
    def __init__(self, heading_levels: dict[str, int], list_styles: set[str]) -> None:
        self.heading_levels = heading_levels
        self.list_styles = list_styles
        self.lines: list[Line] = []
        self.budget = TextBudget()
        # Word numbers footnotes in the order they are called, whatever their ids.
        self.footnote_numbers: dict[str, int] = {}

    def read_container(self, container: Element) -> None:
        for child in container:
            if child.tag == f"{W}p":
                self._paragraph(child)
            elif child.tag == f"{W}tbl":
                self._table(child)
            elif child.tag in _WRAPPERS:
                self.read_container(child)

    def add(self, line: Line) -> None:
        self.budget.spend(line.text)
        self.lines.append(line)

    def paragraph_text(self, paragraph: Element) -> str:
        parts: list[str] = []
        self._collect(paragraph, parts)
        return " ".join("".join(parts).split())

    def _collect(self, element: Element, parts: list[str]) -> None:
        for node in element:
            if node.tag == _FALLBACK:
                continue
            if node.tag == f"{W}t":
                parts.append(node.text or "")
            elif node.tag in (f"{W}tab", f"{W}br", f"{W}cr"):
                parts.append(" ")
            elif node.tag == f"{W}noBreakHyphen":
                parts.append("-")
            elif node.tag == f"{W}footnoteReference":
                note_id = node.get(f"{W}id", "")
                number = self.footnote_numbers.setdefault(note_id, len(self.footnote_numbers) + 1)
                parts.append(f"[{number}]")
            else:
                self._collect(node, parts)

    def _paragraph(self, paragraph: Element) -> None:
        text = self.paragraph_text(paragraph)
        if not text:
            return
        properties = paragraph.find(f"{W}pPr")
        style = properties.find(f"{W}pStyle") if properties is not None else None
        style_id = style.get(f"{W}val", "") if style is not None else ""
        outline = properties.find(f"{W}outlineLvl") if properties is not None else None
        numbering = properties.find(f"{W}numPr") if properties is not None else None
        value = small_number(outline.get(f"{W}val", "")) if outline is not None else None
        if value is not None and value < _BODY_OUTLINE_LEVEL:
            self.add(Line(text, "heading", value + 1))
            return
        if style_id in self.heading_levels:
            self.add(Line(text, "heading", self.heading_levels[style_id]))
        elif numbering is not None or style_id in self.list_styles:
            depth = numbering.find(f"{W}ilvl") if numbering is not None else None
            value = small_number(depth.get(f"{W}val", "0")) if depth is not None else 0
            self.add(Line(text, "list_item", value + 1 if value is not None else 1))
        else:
            self.add(Line(text, "paragraph"))

    def _table(self, table: Element) -> None:
        """One line a row, then the tables nested in it: only direct children are read, so an
        inner table's text is read once, not again for every row around it."""
        for row in _children(table, f"{W}tr"):
            cells = []
            inner: list[Element] = []
            for cell in _children(row, f"{W}tc"):
                texts = (self.paragraph_text(paragraph) for paragraph in _children(cell, f"{W}p"))
                cells.append(self.budget.spend(" ".join(text for text in texts if text)))
                inner += _children(cell, f"{W}tbl")
            if any(cells):
                self.lines.append(Line(" | ".join(cells), "table_row"))
            for table_inside in inner:
                self._table(table_inside)

    def block_texts(self, container: Element) -> list[str]:
        """The texts of the paragraphs of a container, those in its tables included, each once."""
        texts: list[str] = []
        for child in container:
            if child.tag == f"{W}p":
                texts.append(self.budget.spend(self.paragraph_text(child)))
            elif child.tag in (f"{W}tbl", f"{W}tr", f"{W}tc") or child.tag in _WRAPPERS:
                texts += self.block_texts(child)
        return texts


def _children(element: Element, tag: str) -> list[Element]:
    """The children with this tag, those inside content controls or custom XML included."""
    found: list[Element] = []
    for child in element:
        if child.tag == tag:
            found.append(child)
        elif child.tag in _WRAPPERS:
            found += _children(child, tag)
    return found


def _footnote_lines(footnotes: Element, reader: _DocxReader) -> list[Line]:
    texts = {}
    for note in footnotes.iter(f"{W}footnote"):
        note_id = note.get(f"{W}id", "")
        if note_id in reader.footnote_numbers:
            paragraphs = reader.block_texts(note)
            texts[reader.footnote_numbers[note_id]] = " ".join(text for text in paragraphs if text)
    return [
        Line(f"[{number}] {text}", "footnote") for number, text in sorted(texts.items()) if text
    ]


def _meta(core: Element) -> DocumentMeta:
    title = core.findtext(f"{_DC}title") or ""
    authors = core.findtext(f"{_DC}creator") or ""
    date = (core.findtext(f"{_DCTERMS}created") or core.findtext(f"{_DCTERMS}issued") or "")[:10]
    return meta_from(title, authors, date)


def meta_from(title: str, authors: str, date: str) -> DocumentMeta:
    """Document properties as given, with the date kept only when it is an ISO date."""
    date = date if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else ""
    return DocumentMeta(
        title=" ".join(title.split()),
        authors=" ".join(authors.split()),
        year=int(date[:4]) if date else None,
        date=date,
    )
