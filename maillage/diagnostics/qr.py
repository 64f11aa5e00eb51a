"""The QR code of a diagnosis's public link, drawn as SVG (sharp at any size, on screen and on a
printed poster) by the `segno` package."""

from __future__ import annotations

import io

import segno
from django.utils.safestring import SafeString, mark_safe


def _code(url: str) -> segno.QRCode:
    # White behind the code: it stays readable in dark mode. Level M survives a poster folded, creased or slightly torn on a notice board.
    return segno.make(url, error="m", micro=False)


def qr_svg_file(url: str, *, title: str) -> bytes:
    """A standalone SVG file, for downloading."""
    buffer = io.BytesIO()
    _code(url).save(buffer, kind="svg", scale=8, border=4, title=title, light="#fff")
    return buffer.getvalue()


def qr_svg_inline(url: str, *, title: str) -> SafeString:
    """An SVG element sized by its container (no width or height of its own)."""
    svg = _code(url).svg_inline(
        scale=1, border=4, omitsize=True, title=title, svgclass="qr-code", light="#fff"
    )
    return mark_safe(svg)  # noqa: S308 - segno escapes the title and draws the rest itself
