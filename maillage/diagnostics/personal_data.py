"""Personal data an inhabitant may write in a contribution despite being asked not to: a
telephone number, an e-mail address, a social security number, a home address.

The text is kept as written (the moderator needs to read it) but flagged, and the moderator sees
the suspicious parts marked so that she removes them before publishing. The patterns lean
towards flagging: a moderator glancing at a false alarm costs less than a published number. A
year or a postcode never looks like one of them.

A contribution's place is published beside its text (« 12 rue des Lilas, chez Mme Martin »): both
are read, and a flag says where it was found — `phone` in the text, `place:phone` in the place."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

_SEPARATOR = r"[\s.\-]?"
_PATTERNS = {
    # 06 12 34 56 78, 06.12.34.56.78, 0612345678, +33 6 12 34 56 78, 0033 (0)6 12 34 56 78
    "phone": re.compile(
        rf"(?<![\w+])(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?|0)[1-9](?:{_SEPARATOR}\d{{2}}){{4}}(?!\d)"
    ),
    "email": re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}"),
    # sex, year, month, département (2A/2B for Corsica), commune, order, then the optional key
    "social_security": re.compile(
        rf"(?<![\w])[12]{_SEPARATOR}\d{{2}}{_SEPARATOR}(?:0[1-9]|1[0-2]|[2-9]\d){_SEPARATOR}"
        rf"(?:\d{{2}}|2[ABab]){_SEPARATOR}\d{{3}}{_SEPARATOR}\d{{3}}(?:{_SEPARATOR}\d{{2}})?(?!\d)"
    ),
    # 12 rue des Lilas, 3 bis avenue Jean-Jaurès: a number before a street names a home
    "address": re.compile(
        r"(?<![\w])\d{1,4}\s?(?:bis|ter)?,?\s+(?:rue|avenue|av\.|boulevard|bd|chemin|impasse|"
        r"allée|allee|place|route|résidence|residence|square|quai|cours|cité|cite)\b",
        re.IGNORECASE,
    ),
}
LABELS = {
    "phone": _("un numéro de téléphone"),
    "email": _("une adresse électronique"),
    "social_security": _("un numéro de sécurité sociale"),
    "address": _("une adresse postale"),
}
PLACE = "place:"


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    kind: str


def personal_data_matches(text: str) -> list[Match]:
    """The suspicious parts of `text`, in reading order, without overlaps (a social security
    number is not also read as a telephone number)."""
    found = sorted(
        (
            Match(hit.start(), hit.end(), kind)
            for kind, pattern in _PATTERNS.items()
            for hit in pattern.finditer(text)
        ),
        key=lambda match: (match.start, -match.end),
    )
    kept: list[Match] = []
    for match in found:
        if not kept or match.start >= kept[-1].end:
            kept.append(match)
    return kept


def personal_data_flags(text: str) -> list[str]:
    """The kinds of personal data found in `text` (`"phone"`, `"email"`, `"social_security"`,
    `"address"`), each once, in a stable order."""
    kinds = {match.kind for match in personal_data_matches(text)}
    return [kind for kind in _PATTERNS if kind in kinds]


def contribution_flags(text: str, place: str) -> list[str]:
    """The flags of a contribution: the kinds found in its text, then those found in its place
    prefixed with `place:`."""
    return [*personal_data_flags(text), *(PLACE + kind for kind in personal_data_flags(place))]


def place_flags(flags: list[str]) -> list[str]:
    return [flag for flag in flags if flag.startswith(PLACE)]


def text_flags(flags: list[str]) -> list[str]:
    return [flag for flag in flags if not flag.startswith(PLACE)]


def flag_labels(flags: list[str]) -> list[str]:
    labels = []
    for flag in flags:
        kind = flag.removeprefix(PLACE)
        if kind not in LABELS:
            continue
        label = str(LABELS[kind])
        labels.append(gettext("%(what)s dans le lieu") % {"what": label} if kind != flag else label)
    return labels


def marked(text: str) -> SafeString:
    """`text` escaped, its suspicious parts in `<mark>` for the moderator."""
    parts: list[str] = []
    position = 0
    for match in personal_data_matches(text):
        parts.append(escape(text[position : match.start]))
        parts.append(
            f'<mark title="{escape(LABELS[match.kind])}">{escape(text[match.start : match.end])}</mark>'
        )
        position = match.end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above
