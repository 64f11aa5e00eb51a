"""The text of a CSV file as people send it: UTF-8 with or without a byte order mark, UTF-16 with
its mark, or Windows-1252 as the French Excel saves a CSV (Latin-1 for the few bytes Windows-1252
leaves undefined, so that a text file always reads)."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from django.utils.translation import gettext as _

# Where NUL bytes are looked for: a text has none, an image or a workbook has some early.
_SNIFFED_BYTES = 65536


class BinaryData(ValueError):
    """The data is not text (NUL bytes without a UTF-16 mark): an image, a workbook, or a text
    saved as UTF-16 without its mark. Callers say so in their own words (which formats they
    read)."""


@dataclass(frozen=True)
class DecodedCsv:
    text: str
    encoding: str  # how it was read, in words, for a report


def decode_csv(data: bytes) -> DecodedCsv:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return DecodedCsv(data.decode("utf-16"), _("UTF-16"))
        except UnicodeDecodeError as error:
            raise BinaryData from error
    if b"\x00" in data[:_SNIFFED_BYTES]:
        raise BinaryData
    marked = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8) :] if marked else data
    try:
        return DecodedCsv(body.decode("utf-8"), _("UTF-8 avec BOM") if marked else _("UTF-8"))
    except UnicodeDecodeError:
        pass
    try:
        return DecodedCsv(body.decode("cp1252"), _("Windows-1252 (Excel en français)"))
    except UnicodeDecodeError:
        return DecodedCsv(body.decode("latin-1"), _("Latin-1 (ISO-8859-1)"))
