"""Files built in the test run: DOCX and ODT written by hand with `zipfile` (no python-docx), PDFs
printed by WeasyPrint with a real text layer, a scanned-like PDF and a ZIP bomb.

`blocks` is a simple list describing the body, in order:
    [("h1", "Titre"), ("h2", "Sous-titre"), ("p", "Texte"), ("li", "Élément"),
     ("table", [["a", "b"], ["c", "d"]])]
A footnote call is written `[^n]` inside a block's text; `footnotes[n - 1]` is its text.
"""

from __future__ import annotations

import io
import logging
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

Block = tuple[str, object]

_FOOTNOTE_CALL = re.compile(r"\[\^(\d+)\]")

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def zip_bytes(entries: Iterable[tuple[str, str | bytes]], *, stored_first: bool = False) -> bytes:
    """A ZIP archive of the given parts, in order (`stored_first`: the first uncompressed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, content) in enumerate(entries):
            compress = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=compress)
    return buffer.getvalue()


# --- DOCX ---------------------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

_DOCX_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>"""

_DOCX_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>"""

_DOCX_DOCUMENT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>
</Relationships>"""


def _docx_runs(text: str) -> str:
    """A paragraph's runs, with a footnote reference where `[^n]` is written."""
    runs = []
    position = 0
    for call in _FOOTNOTE_CALL.finditer(text):
        if call.start() > position:
            runs.append(_docx_text_run(text[position : call.start()]))
        runs.append(
            '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
            f'<w:footnoteReference w:id="{int(call.group(1))}"/></w:r>'
        )
        position = call.end()
    if position < len(text):
        runs.append(_docx_text_run(text[position:]))
    return "".join(runs)


def _docx_text_run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _docx_block(kind: str, content: object, heading_style: str) -> str:
    if kind == "table":
        rows = "".join(
            "<w:tr>"
            + "".join(f"<w:tc><w:p>{_docx_runs(str(cell))}</w:p></w:tc>" for cell in row)
            + "</w:tr>"
            for row in content  # type: ignore[attr-defined]
        )
        return f"<w:tbl>{rows}</w:tbl>"
    text = str(content)
    if re.fullmatch(r"h\d", kind):
        style = heading_style.format(level=int(kind[1:]))
        return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{_docx_runs(text)}</w:p>'
    if kind == "li":
        return (
            '<w:p><w:pPr><w:pStyle w:val="ListParagraph"/>'
            '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
            f"{_docx_runs(text)}</w:p>"
        )
    return f"<w:p>{_docx_runs(text)}</w:p>"


def _docx_styles(heading_style: str) -> str:
    styles = "".join(
        f'<w:style w:type="paragraph" w:styleId="{heading_style.format(level=level)}">'
        f'<w:name w:val="{heading_style.format(level=level)}"/>'
        f'<w:pPr><w:outlineLvl w:val="{level - 1}"/></w:pPr></w:style>'
        for level in range(1, 7)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="{_W}">'
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
        f"</w:style>{styles}</w:styles>"
    )


def docx_bytes(
    blocks: Sequence[Block],
    *,
    title: str = "",
    author: str = "",
    footnotes: Sequence[str] = (),
    created: str = "",
    heading_style: str = "Heading{level}",
) -> bytes:
    """A Word document; `heading_style` names the heading styles (« Titre{level} » as a French
    Word writes them, or any custom name: styles.xml gives each its outline level)."""
    body = "".join(_docx_block(kind, content, heading_style) for kind, content in blocks)
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}">'
        f"<w:body>{body}<w:sectPr/></w:body></w:document>"
    )
    notes = "".join(
        f'<w:footnote w:id="{number}"><w:p>'
        '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
        f"{_docx_text_run(' ' + text)}</w:p></w:footnote>"
        for number, text in enumerate(footnotes, start=1)
    )
    footnotes_xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{_W}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
        f"</w:r></w:p></w:footnote>{notes}</w:footnotes>"
    )
    created_xml = (
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{escape(created)}</dcterms:created>'
        if created
        else ""
    )
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>{escape(author)}</dc:creator>"
        f"{created_xml}</cp:coreProperties>"
    )
    return zip_bytes(
        [
            ("[Content_Types].xml", _DOCX_CONTENT_TYPES),
            ("_rels/.rels", _DOCX_RELS),
            ("word/_rels/document.xml.rels", _DOCX_DOCUMENT_RELS),
            ("word/document.xml", document),
            ("word/styles.xml", _docx_styles(heading_style)),
            ("word/footnotes.xml", footnotes_xml),
            ("docProps/core.xml", core),
        ]
    )


# --- ODT ----------------------------------------------------------------------------------------

_ODT_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"'
)

_ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"


def _odt_inline(text: str, footnotes: Sequence[str]) -> str:
    parts = []
    position = 0
    for call in _FOOTNOTE_CALL.finditer(text):
        number = int(call.group(1))
        if number > len(footnotes):
            raise ValueError(f"footnote [^{number}] has no text in `footnotes`")
        parts.append(escape(text[position : call.start()]))
        parts.append(
            f'<text:note text:id="ftn{number}" text:note-class="footnote">'
            f"<text:note-citation>{number}</text:note-citation>"
            f"<text:note-body><text:p>{escape(footnotes[number - 1])}</text:p></text:note-body>"
            "</text:note>"
        )
        position = call.end()
    parts.append(escape(text[position:]))
    return "".join(parts)


def _odt_body(blocks: Sequence[Block], footnotes: Sequence[str]) -> str:
    out = []
    pending_items: list[str] = []

    def flush_list() -> None:
        if pending_items:
            items = "".join(
                f"<text:list-item><text:p>{item}</text:p></text:list-item>"
                for item in pending_items
            )
            out.append(f"<text:list>{items}</text:list>")
            pending_items.clear()

    for kind, content in blocks:
        if kind == "li":
            pending_items.append(_odt_inline(str(content), footnotes))
            continue
        flush_list()
        if kind == "table":
            rows = "".join(
                "<table:table-row>"
                + "".join(
                    f"<table:table-cell><text:p>{_odt_inline(str(cell), footnotes)}</text:p>"
                    "</table:table-cell>"
                    for cell in row
                )
                + "</table:table-row>"
                for row in content  # type: ignore[attr-defined]
            )
            out.append(f'<table:table table:name="Tableau">{rows}</table:table>')
        elif re.fullmatch(r"h\d", kind):
            out.append(
                f'<text:h text:outline-level="{int(kind[1:])}">'
                f"{_odt_inline(str(content), footnotes)}</text:h>"
            )
        else:
            out.append(f"<text:p>{_odt_inline(str(content), footnotes)}</text:p>")
    flush_list()
    return "".join(out)


def odt_bytes(
    blocks: Sequence[Block],
    *,
    title: str = "",
    author: str = "",
    footnotes: Sequence[str] = (),
    created: str = "",
) -> bytes:
    """An OpenDocument text, its `mimetype` stored first as the format requires."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODT_NAMESPACES}>'
        f"<office:body><office:text>{_odt_body(blocks, footnotes)}</office:text></office:body>"
        "</office:document-content>"
    )
    created_xml = f"<meta:creation-date>{escape(created)}</meta:creation-date>" if created else ""
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {_ODT_NAMESPACES}>'
        f"<office:meta><dc:title>{escape(title)}</dc:title>"
        f"<meta:initial-creator>{escape(author)}</meta:initial-creator>{created_xml}"
        "</office:meta></office:document-meta>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_ODT_MIMETYPE}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    return zip_bytes(
        [
            ("mimetype", _ODT_MIMETYPE),
            ("META-INF/manifest.xml", manifest),
            ("content.xml", content),
            ("meta.xml", meta),
        ],
        stored_first=True,
    )


# --- PDF ----------------------------------------------------------------------------------------


def pdf_bytes(html: str) -> bytes:
    """A PDF printed from HTML by WeasyPrint: its text layer is real, as from a word processor."""
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def _png(width: int, height: int) -> bytes:
    """A grey PNG, enough to stand for a scanned page."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def image_only_pdf_bytes(pages: int = 2) -> bytes:
    """A PDF whose pages hold one image each and no text, like a scanned document."""
    import base64

    source = "data:image/png;base64," + base64.b64encode(_png(60, 80)).decode()
    images = "".join(
        f'<img src="{source}" style="width: 15cm; page-break-after: always">' for _ in range(pages)
    )
    return pdf_bytes(f"<html><body>{images}</body></html>")


# --- Hostile files ------------------------------------------------------------------------------


def zip_bomb_docx_bytes(expanded_megabytes: int = 120) -> bytes:
    """A small DOCX whose document expands past the limits (zeros compress about a thousandfold)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_CONTENT_TYPES)
        archive.writestr("_rels/.rels", _DOCX_RELS)
        with archive.open("word/document.xml", "w") as entry:
            chunk = b"\x00" * (1 << 20)
            for _ in range(expanded_megabytes):
                entry.write(chunk)
    return buffer.getvalue()


def lying_zip_bomb_docx_bytes(expanded_megabytes: int = 120) -> bytes:
    """A ZIP bomb whose headers declare tiny sizes: only counting while inflating catches it."""
    data = bytearray(zip_bomb_docx_bytes(expanded_megabytes))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    # Rewrite the uncompressed size in the central directory and the local header to 1 000 bytes.
    real = struct.pack("<I", info.file_size)
    fake = struct.pack("<I", 1000)
    return bytes(data).replace(real, fake)


def many_entries_docx_bytes(entries: int = 2500) -> bytes:
    """A DOCX holding more parts than any real document."""
    files: list[tuple[str, str | bytes]] = [
        ("[Content_Types].xml", _DOCX_CONTENT_TYPES),
        ("_rels/.rels", _DOCX_RELS),
    ]
    files += [(f"word/media/part{number}.xml", "<a/>") for number in range(entries)]
    return zip_bytes(files)


def raw_docx_bytes(body_xml: str) -> bytes:
    """A DOCX whose body is the given WordprocessingML, written as is (for hostile markup)."""
    document = (
        f'<?xml version="1.0"?><w:document xmlns:w="{_W}"><w:body>{body_xml}</w:body></w:document>'
    )
    return zip_bytes(
        [
            ("[Content_Types].xml", _DOCX_CONTENT_TYPES),
            ("_rels/.rels", _DOCX_RELS),
            ("word/document.xml", document),
        ]
    )


def raw_odt_bytes(text_xml: str) -> bytes:
    """An ODT whose `office:text` is the given markup, written as is (for hostile markup)."""
    content = (
        f'<?xml version="1.0"?><office:document-content {_ODT_NAMESPACES}>'
        f"<office:body><office:text>{text_xml}</office:text></office:body>"
        "</office:document-content>"
    )
    return zip_bytes([("mimetype", _ODT_MIMETYPE), ("content.xml", content)], stored_first=True)


def nested_tables_docx_bytes(words: Sequence[str]) -> bytes:
    """A table per word, each nested in the single cell of the one before."""
    opening = "".join(f"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>{w}</w:t></w:r></w:p>" for w in words)
    return raw_docx_bytes(opening + "</w:tc></w:tr></w:tbl>" * len(words))


def nested_tables_odt_bytes(words: Sequence[str]) -> bytes:
    opening = "".join(
        f"<table:table><table:table-row><table:table-cell><text:p>{w}</text:p>" for w in words
    )
    return raw_odt_bytes(
        opening + "</table:table-cell></table:table-row></table:table>" * len(words)
    )


def lying_directory_docx_bytes(entries: int = 1000, name_length: int = 700) -> bytes:
    """A DOCX whose central directory is far larger than its end record's one entry suggests:
    long part names make it weigh more than 2 000 ordinary entries."""
    files: list[tuple[str, str | bytes]] = [
        ("[Content_Types].xml", _DOCX_CONTENT_TYPES),
        ("word/document.xml", f'<w:document xmlns:w="{_W}"><w:body/></w:document>'),
    ]
    files += [(f"{number:06d}".ljust(name_length, "x"), b"") for number in range(entries)]
    data = bytearray(zip_bytes(files))
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = struct.pack("<HH", 1, 1)
    return bytes(data)


def shared_stream_pdf_bytes(pages: int, text: str = "Le projet du quartier des Tilleuls") -> bytes:
    """A PDF written by hand whose pages all draw the same content stream."""
    stream = zlib.compress(f"BT /F1 12 Tf 72 700 Td ({text}) Tj ET\n".encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(b"%d 0 R" % (5 + page) for page in range(pages))
        + b"] /Count %d >>" % pages,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
    ] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
