"""Numbers read from a page's query string (`?annee=2015`, `?document=12`, `?lignes=3-8`)."""

from __future__ import annotations

# Enough digits for any number a filter compares with: a longer one is not a number anyone
# typed, and `int()` refuses strings of more than 4 300 digits.
MAX_DIGITS = 18


def whole_number(text: str) -> int | None:
    """`text` as a whole number, or None for anything else (empty, a sign, a decimal point, a
    superscript « ² », too many digits): a filter that is not a number filters nothing."""
    text = text.strip()
    if not text.isdecimal() or len(text) > MAX_DIGITS:
        return None
    return int(text)
