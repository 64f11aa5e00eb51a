"""Places named in a passage, resolved to COG territories.

One Aho-Corasick automaton holds every commune, EPCI, département and région name (folded) and
the natural areas of `data/natural_areas.json`; a line is scanned once. A name is kept only when
the original text supports it: a capital letter, not the middle of a longer hyphenated name, and,
for names that are also common words (`data/place_stoplist.json`), a place word before it
(« à Vue », « sur Orange »). Arrondissements (« Marseille 3e », « Paris 19e-20e »,
« 3e arrondissement de Marseille ») are read by pattern; a quartier written « Lille-Fives » or
« quartier de Fives à Lille » gives its commune. Homonyms (« Saint-Denis ») go to the one whose
département or région the passage also names, else to the most populous, and `why` says which.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import ahocorasick
from django.utils.translation import gettext

from maillage.ingestion.extraction.folded import FoldedLine, fold_key, fold_line
from maillage.ingestion.found import PlaceMatch
from maillage.territories.models import Level

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

_CAPITALISED = re.compile(r"[A-ZÀ-ÖØ-Þ]")
# Words of an official name that stay in lower case: « Noisy-le-Grand », « Pas-de-Calais ».
_PARTICLES = frozenset(
    ["de", "du", "des", "d", "la", "le", "les", "l", "sur", "sous", "en", "et", "aux", "au", "lès"]
)
# A person rather than a place: « Bruno Latour », « François Dupuy », « G. Bonnemaison ».
_NAME_BEFORE = re.compile(r"(?:\b[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+|\b[A-Z]\.)\s$")
# A publisher's city in a bibliography: « Paris, Dunod, 2012 », « Montréal, Éditions… ».
_PUBLISHER_AFTER = re.compile(
    r"^\s*[,:]\s*(?:[ÉE]d(?:itions?\b|\.)|[ÉE]d\b|Documentation|PUF|Presses|La Découverte|Dunod|"
    r"ESF|[ÉE]r[eè]s|L['’]Harmattan|Seuil|Armand Colin|Fayard|Gallimard|EHESP|\d{4}\b)"
)
_NAME_AFTER = re.compile(r"^(?:\s[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+|\s[A-Z]\.|-[a-zà-öø-ÿ])")
# The words that make a doubtful name a place: « à Vue », « sur Plan », « quartier de Fives ».
# A bare « de » or « du » is not enough: « du Plan pluriannuel », « de Nicole Questiaux ».
_PLACE_WORD_BEFORE = re.compile(
    r"\b(?:à|a|sur|en|dans|vers|depuis|près de|(?:commune|ville|quartier) d(?:e|u|e la)?|"
    r"commune d['’]|ville d['’])\s*$",
    re.IGNORECASE,
)
# Before a name that is both a commune and a département, these make it the département
# (« le Nord », « en Gironde », « département de la Vienne »); « à Paris » stays the commune.
_DEPARTEMENT_WORD_BEFORE = re.compile(
    r"(?:\b(?:le|la|les|en|du|dans le|département de|département de la|département du|"
    r"département des)\s+|\bl['’]\s*|département d['’]\s*)$",
    re.IGNORECASE,
)
_QUARTIER_BEFORE = re.compile(r"\bquartiers?\b[^.;:]{0,40}\b(?:à|de|d['’])\s*$", re.IGNORECASE)
# « Lille-Fives »: a commune name glued to a capitalised word that no longer name covers.
_QUARTIER_AFTER = re.compile(r"^-(?=[A-ZÀ-ÖØ-Þ])([\w'’-]+)")
_ORDINAL = r"(\d{1,2})\s*(?:er|re|e|è|ème|eme)\b"
_MORE_ORDINALS = r"((?:\s*(?:-|–|,|et)\s*\d{1,2}\s*(?:er|re|e|è|ème|eme)?\b)*)"
_ARRONDISSEMENT_AFTER_CITY = re.compile(
    rf"\b([A-Z][a-zé]+)\s+{_ORDINAL}{_MORE_ORDINALS}(\s+arrondissements?)?"
)
_ARRONDISSEMENT_BEFORE_CITY = re.compile(
    rf"\b{_ORDINAL}{_MORE_ORDINALS}\s+arrondissements?\s+(?:de\s+)?([A-Z][a-zé]+)"
)
_NUMBER = re.compile(r"\d{1,2}")


@dataclass(frozen=True)
class Place:
    """One row of the gazetteer; `departement` and `region` are codes ("" when none)."""

    level: str
    code: str
    name: str
    population: int = 0
    departement: str = ""
    region: str = ""
    parent: str = ""


@dataclass(frozen=True)
class NaturalArea:
    name: str
    places: tuple[Place, ...]
    source: str


@dataclass(frozen=True)
class _Hit:
    line: int
    start: int
    end: int
    places: tuple[Place, ...]
    why: str = ""
    area: NaturalArea | None = None
    says_departement: bool = False  # « le Nord », « en Gironde »


def _load_json(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


class Gazetteer:
    """Every name to find, built once from territory rows (see `ExtractionContext.load`)."""

    def __init__(self, places: Iterable[Place]) -> None:
        by_key: dict[str, list[Place]] = {}
        self.by_code: dict[tuple[str, str], Place] = {}
        # (folded city name, number) → arrondissement, read from the names « Paris 19e
        # Arrondissement », so no code is written here.
        self.arrondissements: dict[tuple[str, int], Place] = {}
        for place in places:
            self.by_code[(place.level, place.code)] = place
            if place.level == Level.ARRONDISSEMENT:
                number = _NUMBER.search(place.name)
                city = place.name.split(" ")[0]
                if number:
                    self.arrondissements[(fold_key(city), int(number.group()))] = place
            else:
                by_key.setdefault(fold_key(place.name), []).append(place)
        self.stoplist = frozenset(
            fold_key(word) for word in _load_json("place_stoplist.json")["words"]
        )
        self.areas: dict[str, NaturalArea] = {}
        for area in _load_json("natural_areas.json")["areas"]:
            covered = tuple(
                self.by_code[(level, code)]
                for level, code in area["territories"]
                if (level, code) in self.by_code
            )
            if covered:
                natural = NaturalArea(area["name"], covered, area["source"])
                for name in [area["name"], *area["aliases"]]:
                    self.areas[fold_key(name)] = natural
        self.automaton = ahocorasick.Automaton()
        for key, homonyms in by_key.items():
            self.automaton.add_word(key, (key, tuple(homonyms)))
        for key in self.areas:
            self.automaton.add_word(key, (key, ()))
        if len(self.automaton):
            self.automaton.make_automaton()

    def find(self, lines: Sequence[tuple[int, str]], context: str = "") -> list[PlaceMatch]:
        """The places of numbered lines, in reading order, each territory once. `context`
        (headings, document title) only helps choose between homonyms."""
        if not len(self.automaton):
            return []
        hits: list[_Hit] = []
        for number, text in lines:
            hits.extend(self._line_hits(number, text))
        named = self._containers_named(hits) | self._containers_named(self._context_hits(context))
        texts = dict(lines)
        matches: list[PlaceMatch] = []
        seen: set[tuple[str, str]] = set()
        for hit in hits:
            text = texts.get(hit.line, "")[hit.start : hit.end]
            if hit.area is not None:
                why = gettext("zone naturelle : %(area)s (%(source)s)") % {
                    "area": hit.area.name,
                    "source": hit.area.source,
                }
                chosen = list(hit.area.places)
            else:
                place, why = self._resolve(hit, named)
                chosen = [place]
            for place in chosen:
                if (place.level, place.code) not in seen:
                    seen.add((place.level, place.code))
                    matches.append(
                        PlaceMatch(text, hit.line, place.level, place.code, place.name, why)
                    )
        return matches

    def _context_hits(self, context: str) -> list[_Hit]:
        return [hit for line in context.splitlines() for hit in self._line_hits(0, line)]

    @staticmethod
    def _containers_named(hits: Iterable[_Hit]) -> set[str]:
        """The département and région codes named without doubt, to settle homonyms."""
        codes: set[str] = set()
        for hit in hits:
            places = hit.area.places if hit.area else hit.places
            if len(places) != 1 and hit.area is None:
                continue
            for place in places:
                if place.level in (Level.DEPARTEMENT, Level.REGION):
                    codes.add(f"{place.level}:{place.code}")
                codes.add(f"{Level.DEPARTEMENT}:{place.departement}")
                codes.add(f"{Level.REGION}:{place.region}")
        return codes

    def _resolve(self, hit: _Hit, named: set[str]) -> tuple[Place, str]:
        places = hit.places
        if len(places) == 1:
            return places[0], hit.why or self._level_why(places[0])
        departements = [place for place in places if place.level == Level.DEPARTEMENT]
        communes = [place for place in places if place.level == Level.COMMUNE]
        if departements and (hit.says_departement or not communes):
            return departements[0], self._level_why(departements[0])
        if len(communes) == 1:
            return communes[0], hit.why or self._level_why(communes[0])
        if communes:
            places = tuple(communes)
        in_context = [
            place
            for place in places
            if f"{Level.DEPARTEMENT}:{place.departement}" in named
            or f"{Level.REGION}:{place.region}" in named
        ]
        if len(in_context) == 1:
            return in_context[0], gettext(
                "%(count)d homonymes : celui du département %(departement)s, cité dans le passage "
                "ou le document"
            ) % {"count": len(places), "departement": in_context[0].departement}
        pool = in_context or places
        chosen = max(pool, key=lambda place: place.population)
        return chosen, gettext(
            "%(count)d homonymes : le plus peuplé retenu (département %(departement)s)"
        ) % {"count": len(places), "departement": chosen.departement}

    @staticmethod
    def _level_why(place: Place) -> str:
        return {
            Level.COMMUNE: gettext("nom de commune"),
            Level.DEPARTEMENT: gettext("nom de département"),
            Level.REGION: gettext("nom de région"),
            Level.EPCI: gettext("nom d'intercommunalité"),
        }.get(place.level, gettext("nom de territoire"))

    def _line_hits(self, number: int, text: str) -> list[_Hit]:
        folded = fold_line(text)
        arrondissements = self._arrondissement_hits(number, text)
        candidates = [
            (*folded.original_span(end, len(key)), key, homonyms)
            for end, (key, homonyms) in self.automaton.iter(folded.padded)
        ]
        # Longest first, then drop what a longer name covers (« Calais » in « Pas-de-Calais »).
        candidates.sort(key=lambda candidate: (candidate[0], -(candidate[1] - candidate[0])))
        hits: list[_Hit] = list(arrondissements)
        covered_until = -1
        for start, end, key, homonyms in candidates:
            if start < covered_until or any(
                start < hit.end and hit.start < end for hit in arrondissements
            ):
                continue
            hit = self._accept(number, folded, start, end, key, homonyms)
            if hit is not None:
                hits.append(hit)
                covered_until = end
        hits.sort(key=lambda hit: hit.start)
        return hits

    def _accept(
        self,
        number: int,
        folded: FoldedLine,
        start: int,
        end: int,
        key: str,
        homonyms: tuple[Place, ...],
    ) -> _Hit | None:
        text = folded.original
        before = text[max(0, start - 40) : start]
        if key in self.areas:
            return _Hit(number, start, end, (), area=self.areas[key])
        written = text[start:end]
        if not self._written_as_name(written):
            return None
        if before.endswith("-") and before[-2:-1].isalnum():
            return None  # the end of a longer hyphenated name (« Aix-Marseille »)
        if _PUBLISHER_AFTER.match(text[end : end + 40]):
            return None
        doubtful = (
            key in self.stoplist
            or (written.isupper() and len(written) > 1)  # an acronym: ARS, ENS
            or _NAME_BEFORE.search(before)
            or _NAME_AFTER.match(text[end : end + 40])
        )
        if doubtful and not _PLACE_WORD_BEFORE.search(before):
            return None
        why = ""
        says_departement = bool(_DEPARTEMENT_WORD_BEFORE.search(before))
        communes = [place for place in homonyms if place.level == Level.COMMUNE]
        quartier = _QUARTIER_AFTER.match(text[end:])
        if communes and key not in self.stoplist and (quartier or _QUARTIER_BEFORE.search(before)):
            name = communes[0].name
            why = gettext("quartier de %(commune)s") % {"commune": name}
            if quartier:
                end += len(quartier.group())
            homonyms = tuple(communes)
        return _Hit(number, start, end, homonyms, why, says_departement=says_departement)

    @staticmethod
    def _written_as_name(written: str) -> bool:
        """Each word of the name capitalised, apart from « de », « le », « sur »…"""
        words = re.findall(r"[^\W\d_]+", written)
        return (
            bool(words)
            and all(_CAPITALISED.match(word) or word.lower() in _PARTICLES for word in words)
            and bool(_CAPITALISED.match(words[0]))
        )

    def _arrondissement_hits(self, number: int, text: str) -> list[_Hit]:
        hits = []
        for pattern, city_group, first_group, more_group in (
            (_ARRONDISSEMENT_AFTER_CITY, 1, 2, 3),
            (_ARRONDISSEMENT_BEFORE_CITY, 3, 1, 2),
        ):
            for match in pattern.finditer(text):
                city = fold_key(match.group(city_group))
                numbers = [int(match.group(first_group))] + [
                    int(found) for found in _NUMBER.findall(match.group(more_group) or "")
                ]
                places = tuple(
                    self.arrondissements[(city, n)]
                    for n in numbers
                    if (city, n) in self.arrondissements
                )
                if places:
                    why = gettext("arrondissement de %(city)s") % {"city": match.group(city_group)}
                    hits.extend(
                        _Hit(number, match.start(), match.end(), (place,), why) for place in places
                    )
        return hits
