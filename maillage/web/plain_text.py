"""Texts people type are stored plain and escaped on output. Markup is refused rather than
silently altered, so that what the author reads back is what she typed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

_MARKUP = re.compile(r"<\s*[a-zA-Z/!?]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: Any) -> str:
    """Without control characters, with Unix line ends, stripped."""
    text = _CONTROL.sub("", str(value or "")).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def has_markup(value: Any) -> bool:
    return bool(_MARKUP.search(str(value or "")))


def markup_message() -> str:
    return _(
        "Le texte ne peut pas contenir de balises HTML ou de code (« < » suivi d'une lettre) : "
        "écrivez du texte simple."
    )


def markup_errors(values: Mapping[str, Any], names: Iterable[str]) -> dict[str, list[str]]:
    """The fields among `names` whose value holds markup, each with the French message."""
    return {
        name: [markup_message()] for name in names if name in values and has_markup(values[name])
    }
