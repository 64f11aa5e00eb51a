"""Forms of intervention, publics and themes named in a passage, as référentiel codes.

The terms' own labels (« Travail social de groupe », « Santé ») and the phrases of
`data/vocabulary.json` (« groupe de parole », « jardin partagé ») are matched as whole folded
words in one Aho-Corasick pass. The form of intervention is also read from the headings above the
passage: a practice told in the section « Le travail social de groupe » is one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick
from django.utils.translation import gettext

from maillage.ingestion.extraction.folded import fold_key, fold_line
from maillage.ingestion.extraction.places import DATA_DIR
from maillage.ingestion.found import Provenance

SCHEMES = ("isic_form", "public", "theme")
_WORDS_SHOWN = 3  # in `why`: enough to check the tag, short enough to read beside it


@dataclass(frozen=True)
class TermRow:
    scheme: str
    code: str
    label: str


@dataclass(frozen=True)
class _Found:
    code: str
    phrase: str
    line: int


@dataclass(frozen=True)
class Tagged:
    codes: list[str]
    provenance: Provenance | None


class Vocabulary:
    def __init__(self, terms: Iterable[TermRow]) -> None:
        phrases: dict[str, set[tuple[str, str]]] = {}
        known: set[tuple[str, str]] = set()
        for term in terms:
            if term.scheme in SCHEMES:
                known.add((term.scheme, term.code))
                phrases.setdefault(fold_key(term.label), set()).add((term.scheme, term.code))
        synonyms = json.loads((DATA_DIR / "vocabulary.json").read_text(encoding="utf-8"))
        for scheme in SCHEMES:
            for phrase, code in synonyms.get(scheme, {}).items():
                # A synonym of a term this database has not got (an older référentiel) is dropped.
                if (scheme, code) in known:
                    phrases.setdefault(fold_key(phrase), set()).add((scheme, code))
        self.automaton = ahocorasick.Automaton()
        for key, tags in phrases.items():
            self.automaton.add_word(key, (len(key), tuple(sorted(tags))))
        if len(self.automaton):
            self.automaton.make_automaton()

    def _scan(self, number: int, text: str) -> Iterable[tuple[str, _Found]]:
        if not len(self.automaton):
            return
        folded = fold_line(text)
        spans = [
            (*folded.original_span(end, length), tags)
            for end, (length, tags) in self.automaton.iter(folded.padded)
        ]
        # The longest phrase only: « familles monoparentales » is not also « familles ».
        spans.sort(key=lambda span: (span[0], span[0] - span[1]))
        covered_until = -1
        for start, stop, tags in spans:
            if stop <= covered_until:
                continue
            covered_until = max(covered_until, stop)
            for scheme, code in tags:
                yield scheme, _Found(code, text[start:stop], number)

    def tag(
        self, lines: Sequence[tuple[int, str]], heading: str, first_line: int
    ) -> dict[str, Tagged]:
        """For each scheme, the codes found (first mention first) and where. The headings give
        the form of intervention only when the passage's own words give none: a whole chapter
        may be titled « développement social » while its examples are group work."""
        found: dict[str, list[_Found]] = {scheme: [] for scheme in SCHEMES}
        for number, text in lines:
            for scheme, hit in self._scan(number, text):
                found[scheme].append(hit)
        heading_hits = 0
        if not found["isic_form"]:
            found["isic_form"] = [
                hit for scheme, hit in self._scan(first_line, heading) if scheme == "isic_form"
            ]
            heading_hits = len(found["isic_form"])
        return {
            scheme: self._tagged(hits, heading_hits if scheme == "isic_form" else 0)
            for scheme, hits in found.items()
        }

    @staticmethod
    def _tagged(hits: list[_Found], from_heading: int) -> Tagged:
        if not hits:
            return Tagged([], None)
        codes = list(dict.fromkeys(hit.code for hit in hits))
        shown: list[str] = []
        for index, hit in enumerate(hits):
            if len(shown) == _WORDS_SHOWN:
                break
            if index < from_heading:
                shown.append(gettext("rubrique « %(words)s »") % {"words": hit.phrase})
            else:
                shown.append(
                    gettext("« %(words)s » (L%(line)d)") % {"words": hit.phrase, "line": hit.line}
                )
        shown = list(dict.fromkeys(shown))
        lines = [hit.line for hit in hits]
        return Tagged(codes, Provenance(min(lines), max(lines), ", ".join(shown)))
