"""Commune codes as files write them: INSEE's five characters (`62041`, `2A004`), often with the
leading zero a spreadsheet dropped (`1053` for `01053`), spaces or a text apostrophe typed in."""

from __future__ import annotations

import re

# Spaces (also the narrow and non-breaking ones of French numbers) and typed apostrophes.
SPACES = re.compile(r"[\s\u00a0\u202f']")
_COMMUNE_CODE = re.compile(r"(\d{2}|2[AB])\d{3}")


def normalise_commune_code(raw: object) -> str:
    """`1001` or `1001.0` → `01001`, `2a004` → `2A004`; other text kept as typed, in upper case
    and without spaces, for the caller to refuse."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    code = SPACES.sub("", str(raw if raw is not None else "")).upper()
    return f"0{code}" if code.isdigit() and len(code) == 4 else code


def is_commune_code(code: str) -> bool:
    """Is `code` shaped like a commune code (whether a commune bears it is another question)?"""
    return bool(_COMMUNE_CODE.fullmatch(code))
