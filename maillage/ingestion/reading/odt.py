"""OpenDocument texts (ODT): headings with their outline level, paragraphs, lists, table rows and
footnotes (`text:note`, called « [n] » in the body and listed after it), title and author from
meta.xml."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from ..found import DocumentMeta, Line, ReadDocument
from .archive import SafeArchive, damaged
from .docx import meta_from, parse_xml

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


def read_odt(data: bytes) -> ReadDocument:
    with SafeArchive(data, "ODT") as archive:
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

    def read_container(self, container: Element, list_depth: int) -> None:
        for child in container:
            if child.tag == f"{TEXT}h":
                level = child.get(f"{TEXT}outline-level", "1")
                self._add(child, "heading", int(level) if level.isdigit() else 1)
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
            self.lines.append(Line(text, kind, level))  # type: ignore[arg-type]

    def inline_text(self, element: Element) -> str:
        """The text of a paragraph with its spans, spaces and tabs; a note leaves its call in the
        text and its body in the footnotes."""
        parts = [element.text or ""]
        for child in element:
            if child.tag == f"{TEXT}s":
                count = child.get(f"{TEXT}c", "1")
                parts.append(" " * (int(count) if count.isdigit() else 1))
            elif child.tag in (f"{TEXT}tab", f"{TEXT}line-break"):
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
        paragraphs = body.iter(f"{TEXT}p") if body is not None else ()
        text = " ".join(" ".join(self.inline_text(paragraph).split()) for paragraph in paragraphs)
        if text.strip():
            self.footnotes.append(Line(f"[{number}] {text.strip()}", "footnote"))
        return f"[{number}]"

    def _table(self, table: Element) -> None:
        for row in table.iter(f"{TABLE}table-row"):
            cells = []
            for cell in row.findall(f"{TABLE}table-cell"):
                in_notes = {
                    id(paragraph)
                    for body in cell.iter(f"{TEXT}note-body")
                    for paragraph in body.iter(f"{TEXT}p")
                }
                texts = (
                    self.inline_text(paragraph)
                    for paragraph in cell.iter(f"{TEXT}p")
                    if id(paragraph) not in in_notes
                )
                cells.append(" ".join(" ".join(text.split()) for text in texts if text.strip()))
            if any(cells):
                self.lines.append(Line(" | ".join(cells), "table_row"))


def _meta(meta: Element) -> DocumentMeta:
    info = meta.find(f"{OFFICE}meta")
    if info is None:
        return DocumentMeta()
    authors = info.findtext(f"{_META}initial-creator") or info.findtext(f"{_DC}creator") or ""
    date = (info.findtext(f"{_META}creation-date") or info.findtext(f"{_DC}date") or "")[:10]
    return meta_from(info.findtext(f"{_DC}title") or "", authors, date)
