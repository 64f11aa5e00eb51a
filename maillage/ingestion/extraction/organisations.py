"""Organisations named in a passage: CAF, MSA, CCAS/CIAS, conseil départemental, centres
sociaux, associations, each with the rule that found it.

Patterns for the institutions every practice sheet names (with the département or commune
written after them: « la CAF du Nord », « le CCAS d'Arras »), « l'association X » and a short
list of national associations and networks in `data/organisations.json`.

spaCy's `fr_core_news_sm` NER (ORG entities) was measured on the 43 passages the 2015 report
gives and not kept: 3.5 s for their 68 000 characters (7.8 s more to load it), and of the 56 ORG
names it adds beyond these rules about half are fiche headings or sentence starts (« Porteurs »,
« Description », « Faire »); the useful ones (CNLAPS, CARSAT, régies de quartier…) are now in
the list.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from maillage.ingestion.extraction.places import DATA_DIR
from maillage.ingestion.found import Provenance

# A proper name after an institution: « du Nord », « de la Gironde », « d'Arras », « de Lille ».
_OF_PLACE = (
    r"(?:\s+(?P<link>de la|de l['’]|des|du|de|d['’])\s*"
    r"(?P<place>[A-ZÀ-ÖØ-Þ][\w’'-]*(?:[ -](?:de|du|des|la|et|sur|en)?[ -]?[A-ZÀ-ÖØ-Þ][\w’'-]*)*))?"
)
# The name of an association: between « » or capitalised words (« ATD Quart Monde »).
_ASSOCIATION_NAME = (
    r"(?:«\s*(?P<quoted>[^»]{2,80}?)\s*»"
    r"|(?P<capitalised>[A-ZÀ-ÖØ-Þ][\w’'-]*(?:\s+(?:de|du|des|la|le|les|et|pour|d['’]\s*)?\s*"
    r"[A-ZÀ-ÖØ-Þ0-9][\w’'-]*)*))"
)


@dataclass(frozen=True)
class _Rule:
    kind: str
    pattern: re.Pattern[str]
    label: str | Promise  # the organisation's name when `place` is empty, as people write it


_RULES = (
    _Rule(
        "caf",
        re.compile(rf"\b(?:CAF|Caf|[Cc]aisses? d['’]allocations familiales){_OF_PLACE}"),
        "CAF",
    ),
    _Rule(
        "msa",
        re.compile(rf"\b(?:MSA|[Mm]utualité sociale agricole){_OF_PLACE}"),
        "MSA",
    ),
    _Rule("ccas", re.compile(rf"\bCCAS{_OF_PLACE}"), "CCAS"),
    _Rule("cias", re.compile(rf"\bCIAS{_OF_PLACE}"), "CIAS"),
    _Rule(
        "departement",
        re.compile(rf"\b[Cc]onseils? (?:départementa(?:l|ux)|généra(?:l|ux)){_OF_PLACE}"),
        _("Conseil départemental"),
    ),
    _Rule(
        "centre_social",
        re.compile(
            r"\b[Cc]entre social\b(?:\s+(?P<link>de la|de l['’]|du|des|de|d['’])?\s*"
            r"(?P<place>«[^»]{2,60}»|[A-ZÀ-ÖØ-Þ][\w’'-]*(?:\s+[A-ZÀ-ÖØ-Þ][\w’'-]*)*))?"
        ),
        _("Centre social"),
    ),
    _Rule(
        "association",
        re.compile(rf"\b[Ll]['’]\s*association\s+{_ASSOCIATION_NAME}"),
        "",
    ),
)


def _known_organisations() -> tuple[dict[str, tuple[str, str]], re.Pattern[str]]:
    """Each way of writing a known organisation → (its name, its kind), and one pattern for all
    of them, so that a line is searched once."""
    data = json.loads((DATA_DIR / "organisations.json").read_text(encoding="utf-8"))
    written = {
        spelling: (entry["name"], entry["kind"])
        for entry in data["organisations"]
        for spelling in entry["written"]
    }
    spellings = sorted(written, key=len, reverse=True)
    return written, re.compile(r"\b(?:" + "|".join(map(re.escape, spellings)) + r")\b")


_KNOWN, _KNOWN_PATTERN = _known_organisations()


@dataclass(frozen=True)
class Organisations:
    items: list[dict[str, str]]
    provenance: Provenance | None


def find_organisations(lines: Sequence[tuple[int, str]]) -> Organisations:
    """Each organisation once, first mention first, with its kind and the rule in `why`."""
    found: dict[str, dict[str, str]] = {}
    numbers: list[int] = []
    for number, text in lines:
        for name, kind, why in _line_organisations(text):
            if name.casefold() not in found:
                found[name.casefold()] = {"name": name, "kind": kind, "why": why}
                numbers.append(number)
    if not found:
        return Organisations([], None)
    why = ", ".join(item["name"] for item in list(found.values())[:3])
    return Organisations(list(found.values()), Provenance(min(numbers), max(numbers), why))


def _line_organisations(text: str) -> Iterable[tuple[str, str, str]]:
    for match in _KNOWN_PATTERN.finditer(text):
        name, kind = _KNOWN[match.group(0)]
        yield name, kind, gettext("organisation connue")
    for rule in _RULES:
        for match in rule.pattern.finditer(text):
            groups = match.groupdict()
            if rule.kind == "association":
                name = (groups.get("quoted") or groups.get("capitalised") or "").strip()
                if not name:
                    continue
                yield name, rule.kind, gettext("« l'association » suivi d'un nom")
                continue
            place = (groups.get("place") or "").strip("« »")
            label = str(rule.label)
            name = f"{label} {_joined(groups.get('link') or '', place)}" if place else label
            yield name, rule.kind, gettext("sigle ou nom d'institution")


def _joined(link: str, place: str) -> str:
    """« du Nord », « d'Arras », « de la Gironde », as written; « Les Oliviers » alone."""
    if link.endswith(("'", "’")):
        return f"{link}{place}"
    return f"{link} {place}".strip()
