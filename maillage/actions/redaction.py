"""Removing participants' first names from free texts (logbook, session notes) before they
leave the group's professionals: in a practice sheet, or after a person's erasure."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _


def name_redactor(names: Iterable[str]) -> Callable[[str], str]:
    """A function replacing each of `names` (whole words, any case) by « [prénom retiré] »."""
    # Longest first, so that « Marie-Claire » goes before « Marie » can cut it in two.
    words = sorted({name.strip() for name in names if len(name.strip()) > 1}, key=len, reverse=True)
    if not words:
        return lambda text: text
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(word) for word in words) + r")(?!\w)", re.IGNORECASE
    )
    replacement = _("[prénom retiré]")
    return lambda text: pattern.sub(replacement, text)
