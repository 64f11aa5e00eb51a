"""Counts and years written in a passage: « 25 familles », « une quinzaine de participants »,
« 3 000 habitants »; « depuis 2009 », « en 2012-2013 », « de 2010 à 2014 ».

Only a number directly before the word counted is read, so that « 25 familles » counts and
« 25 % des familles » does not; only years after a word of time (« depuis », « en », « dès »…)
or in a range make a period, so that the year of a cited book does not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext

from maillage.ingestion.found import Provenance

_APPROXIMATE = {
    "dizaine": 10,
    "douzaine": 12,
    "quinzaine": 15,
    "vingtaine": 20,
    "trentaine": 30,
    "quarantaine": 40,
    "cinquantaine": 50,
    "soixantaine": 60,
    "centaine": 100,
    "centaines": 200,
}
_SPELLED = {
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "douze": 12,
    "quinze": 15,
    "vingt": 20,
    "trente": 30,
    "cinquante": 50,
    "cent": 100,
}
_PEOPLE = (
    r"familles|participants|participantes|personnes|parents|jeunes|enfants|femmes|hommes|"
    r"mères|pères|bénévoles|adhérents|usagers|allocataires|retraités|seniors|bénéficiaires"
)
_COUNT = re.compile(
    r"(?<![\d,.%])\b(?:(?P<digits>\d{1,3}(?:[  .]\d{3})+|\d{1,6})"
    r"|(?:une?|plus d['’]une?|près d['’]une?|environ une?)\s+(?P<approx>"
    + "|".join(_APPROXIMATE)
    + r")(?:\s+de|\s+d['’])?"
    r"|(?P<spelled>" + "|".join(_SPELLED) + r"))"
    r"\s+(?:(?:de|d['’])\s*)?(?P<what>habitants|" + _PEOPLE + r")\b",
    re.IGNORECASE,
)
_YEAR = r"(19[5-9]\d|20[0-4]\d)"
_RANGE = re.compile(
    rf"\b(?:de|entre)\s+{_YEAR}\s+(?:à|et)\s+{_YEAR}\b|\b{_YEAR}\s*[-–/]\s*{_YEAR}\b"
)
_SINCE = re.compile(
    rf"\b(?:depuis|dès|à partir de|créée? en|lancée? en|démarrée? en|née? en|en|fin|début)\s+"
    rf"(?:l['’]année\s+|(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|"
    rf"octobre|novembre|décembre)\s+)?{_YEAR}\b(?!\s*[-–/]\s*\d)",
    re.IGNORECASE,
)


@dataclass
class Figures:
    participants_count: int | None = None
    inhabitants_count: int | None = None
    start_year: int | None = None
    end_year: int | None = None
    provenance: dict[str, Provenance] | None = None


def find_figures(lines: Sequence[tuple[int, str]]) -> Figures:
    """The first count of people and of inhabitants, and the period the years span."""
    figures = Figures(provenance={})
    provenance = figures.provenance
    years: list[tuple[int, int, str]] = []  # (year, line, words)
    ends: list[tuple[int, int, str]] = []
    for number, text in lines:
        for match in _COUNT.finditer(text):
            count = _count(match)
            field = (
                "inhabitants_count"
                if match.group("what").lower() == "habitants"
                else "participants_count"
            )
            if count and field not in provenance:
                setattr(figures, field, count)
                provenance[field] = Provenance(number, number, f"« {match.group(0)} »")
        for match in _RANGE.finditer(text):
            first, last = (int(year) for year in match.groups() if year)
            if first <= last:
                years.append((first, number, match.group(0)))
                ends.append((last, number, match.group(0)))
        for match in _SINCE.finditer(text):
            years.append((int(match.group(1)), number, match.group(0)))
    if years:
        year, number, words = min(years)
        figures.start_year = year
        provenance["start_year"] = Provenance(number, number, f"« {words} »")
    if ends:
        year, number, words = max(ends)
        if figures.start_year is None or year > figures.start_year:
            figures.end_year = year
            provenance["end_year"] = Provenance(
                number, number, gettext("« %(words)s » : fin de la période") % {"words": words}
            )
    return figures


def _count(match: re.Match[str]) -> int | None:
    if match.group("digits"):
        return int(re.sub(r"\D", "", match.group("digits")))
    if match.group("approx"):
        return _APPROXIMATE[match.group("approx").lower()]
    return _SPELLED.get((match.group("spelled") or "").lower())
