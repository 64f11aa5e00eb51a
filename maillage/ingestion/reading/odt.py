"""OpenDocument texts (ODT): headings with their outline level, paragraphs, lists, table rows and
footnotes (`text:note`, called « [n] » in the body and listed after it), title and author from
meta.xml."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from ..found import DocumentMeta, Line, ReadDocument
from .archive import SafeArchive, damaged
from .budget import TextBudget
from .docx import meta_from, parse_xml, small_number

TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
_DC = "{http://purl.org/dc/elements/1.1/}"

# Elements whose children are read in order as blocks (sections, index bodies…).
_CONTAINERS = frozenset(
    {
        f"{TEXT}section",
        f"{TEXT}table-of-content",
        f"{TEXT}index-body",
        f"{TABLE}table-header-rows",
        f"{TABLE}table-rows",
        f"{TEXT}soft-page-break",
    }
)


# Where a table's rows sit, directly or grouped.
_ROW_GROUPS = frozenset(
    {f"{TABLE}table-header-rows", f"{TABLE}table-rows", f"{TABLE}table-row-group"}
)
_CELLS = frozenset({f"{TABLE}table-cell", f"{TABLE}covered-table-cell"})
# What a cell holds around its paragraphs.
_CELL_CONTAINERS = (
    frozenset({f"{TEXT}list", f"{TEXT}list-item", f"{TEXT}list-header"}) | _CONTAINERS
)


def read_odt(archive: SafeArchive) -> ReadDocument:
    content = archive.read("content.xml")
    meta = archive.read("meta.xml")
    if content is None:
        raise damaged("ODT")
    text = parse_xml(content, "ODT").find(f"{OFFICE}body/{OFFICE}text")
    if text is None:
        raise damaged("ODT")
    reader = _OdtReader()
    try:
        reader.read_container(text, list_depth=0)
    except RecursionError as error:  # nesting no word processor writes
        raise damaged("ODT") from error
    return ReadDocument(
        file_format="odt",
        lines=reader.lines + reader.footnotes,
        meta=_meta(parse_xml(meta, "ODT")) if meta else DocumentMeta(),
    )


class _OdtReader:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.footnotes: list[Line] = []
        self.budget = TextBudget()

    def read_container(self, container: Element, list_depth: int) -> None:
        for child in container:
            if child.tag == f"{TEXT}h":
                level = small_number(child.get(f"{TEXT}outline-level", "1"))
                self._add(child, "heading", level or 1)
            elif child.tag == f"{TEXT}p":
                if list_depth:
                    self._add(child, "list_item", list_depth)
                else:
                    self._add(child, "paragraph", 0)
            elif child.tag == f"{TEXT}list":
                self.read_container(child, list_depth + 1)
            elif child.tag in (f"{TEXT}list-item", f"{TEXT}list-header"):
                self.read_container(child, list_depth)
            elif child.tag == f"{TABLE}table":
                self._table(child)
            elif child.tag in _CONTAINERS:
                self.read_container(child, list_depth)

    def _add(self, element: Element, kind: str, level: int) -> None:
        text = " ".join(self.inline_text(element).split())
        if text:
            self.budget.spend(text)
            self.lines.append(Line(text, kind, level))  # type: ignore[arg-type]

    def inline_text(self, element: Element) -> str:
        """The text of a paragraph with its spans, spaces and tabs; a note leaves its call in the
        text and its body in the footnotes."""
        parts = [element.text or ""]
        for child in element:
            # Runs of spaces are collapsed afterwards: one stands for any count (`text:c`), which a
            # hostile file sets to billions.
            if child.tag in (f"{TEXT}s", f"{TEXT}tab", f"{TEXT}line-break"):
                parts.append(" ")
            elif child.tag == f"{TEXT}note":
                parts.append(self._note(child))
            elif child.tag not in (f"{OFFICE}annotation", f"{TEXT}bookmark-ref"):
                parts.append(self.inline_text(child))
            parts.append(child.tail or "")
        return "".join(parts)

    def _note(self, note: Element) -> str:
        citation = (note.findtext(f"{TEXT}note-citation") or "").strip()
        number = citation or str(len(self.footnotes) + 1)
        body = note.find(f"{TEXT}note-body")
        texts: list[str] = []
        if body is not None:
            self._block_texts(body, texts, [])
        text = " ".join(texts)
        if text:
            self.budget.spend(text)
            self.footnotes.append(Line(f"[{number}] {text}", "footnote"))
        return f"[{number}]"

    def _table(self, table: Element) -> None:
        """One line a row, then the tables nested in it: only direct children are read, so an
        inner table's text is read once, not again for every row around it."""
        for row in _rows(table):
            cells = []
            inner: list[Element] = []
            for cell in row:
                if cell.tag in _CELLS:
                    texts: list[str] = []
                    self._block_texts(cell, texts, inner)
                    cells.append(self.budget.spend(" ".join(texts)))
            if any(cells):
                self.lines.append(Line(" | ".join(cells), "table_row"))
            for table_inside in inner:
                self._table(table_inside)

    def _block_texts(self, container: Element, texts: list[str], tables: list[Element]) -> None:
        """The paragraphs' texts of a cell or note, each once; its tables set aside in `tables`."""
        for child in container:
            if child.tag in (f"{TEXT}p", f"{TEXT}h"):
                text = " ".join(self.inline_text(child).split())
                if text:
                    texts.append(text)
            elif child.tag == f"{TABLE}table":
                tables.append(child)
            elif child.tag in _CELL_CONTAINERS:
                self._block_texts(child, texts, tables)


def _rows(table: Element) -> list[Element]:
    rows: list[Element] = []
    for child in table:
        if child.tag == f"{TABLE}table-row":
            rows.append(child)
        elif child.tag in _ROW_GROUPS:
            rows += _rows(child)
    return rows


def _meta(meta: Element) -> DocumentMeta:
    info = meta.find(f"{OFFICE}meta")
    if info is None:
        return DocumentMeta()
    authors = info.findtext(f"{_META}initial-creator") or info.findtext(f"{_DC}creator") or ""
    date = (info.findtext(f"{_META}creation-date") or info.findtext(f"{_DC}date") or "")[:10]
    return meta_from(info.findtext(f"{_DC}title") or "", authors, date)
