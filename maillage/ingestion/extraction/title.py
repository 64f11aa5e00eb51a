"""The title and summary of a candidate sheet, from the first words of its passage.

The title is the name the passage gives its action, tried in the order of `RULES`: the name
after « l'action », « le projet », « l'association »… (« … » or a capitalised name) in the first
line; the title of a presented document (« Organisation, Titre, 12 p. »); in the first lines, a
quoted name after such a word, a named place (« le Jardin de Saint Caprais ») or what an example
or an experience names — before a short first line that is only a heading (« La parole des
habitants ») or a recommendation; then a short first line, as in a « fiche action »; a
capitalised name in the next lines; a quoted name; else the start of the first sentence cut before
its verb or first comma. The summary is the first one or two sentences.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from maillage.ingestion.found import Provenance
from maillage.ingestion.references import is_document_entry, parse_reference
from maillage.ingestion.segmenting import NAMED_PLACE, PARTICIPATION_BODY

RULES = {
    "named": _("le nom donné à l'action"),
    "document": _("le titre du document présenté, après son auteur"),
    "named_place": _("le lieu ou l’instance nommés dans les premières lignes"),
    "example": _("ce que nomme l'exemple ou l'expérience des premières lignes"),
    "first_line": _("la première ligne, courte"),
    "quoted": _("le nom entre guillemets"),
    "first_phrase": _("le début de la première phrase"),
}

TITLE_MAX = 120
SUMMARY_MAX = 500

_NAMED = re.compile(
    r"\b(?i:l['’]action|le projet|l['’]association|le dispositif|l['’]atelier|le groupe|"
    r"l['’]expérience|l['’]opération|le collectif|le programme|la démarche)\s+"
    r"(?:(?:[a-zéèêàâîôûç-]+\s+){0,2}«\s*(?P<quoted>[^»]{3,118}?)\s*»"
    r"|(?P<capitalised>[A-ZÀ-ÖØ-Þ][\w'’-]*(?:\s+(?:(?:de|du|des|la|le|les|et|en|pour|d['’])\s+)?"
    r"[A-ZÀ-ÖØ-Þ0-9][\w'’-]*)*))"
)
_QUOTED = re.compile(r"«\s*([^»]{3,118}?)\s*»")
# « Exemple : outils pédagogiques de « Laisse ton empreinte » », « L’expérience des travailleurs
# pairs, contrat… »: what follows names the practice, up to the end of its clause.
_EXAMPLE = re.compile(
    r"(?:\bExemples?\s*:\s*|(?:^|(?<=[.!?]\s))(?=L['’]expérience d))"
    r"(?P<named>[^.;:,(]{6,118}?(?:«[^»]{2,80}»)?)\s*(?:[.;:,(]|$)"
)
_OPENING_CHARS = 600  # how far into the first lines a name still names the passage's action
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"A-ZÀ-ÖØ-Þ0-9])")
# Where a first noun phrase usually ends: a verb, a relative, a comma, a colon.
_PHRASE_END = re.compile(
    r"\s*(?:[,;:(]|\s(?:est|sont|a|ont|était|étaient|permet|vise|consiste|propose|réunit|"
    r"s['’]|se|qui|que|dont|où|a été|ont été)\s)"
)
_FOOTNOTE_MARK = re.compile(r"\[footnoteRef:\d+\]|\[\d+:[^\]]*\]|\[\d+\]")
_LEAD_IN = re.compile(r"^\s*(?:exemples?|illustrations?|encadré)\s*[:.–-]\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Worded:
    title: str
    summary: str
    provenance: dict[str, Provenance]


def clean(text: str) -> str:
    """A line without its footnote marks and « Exemple : » lead-in."""
    return _LEAD_IN.sub("", _FOOTNOTE_MARK.sub("", text)).strip()


def _shortened(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return f"{cut}…"


def word(lines: Sequence[tuple[int, str]]) -> Worded:
    """Title and summary of numbered lines (already `clean`), with their provenance."""
    lines = [(number, text) for number, text in lines if text]
    if not lines:
        return Worded("", "", {})
    title, title_line, why = _title(lines)
    # A first line that is the title is not repeated in the summary.
    body = lines[1:] if len(lines) > 1 and _is_title_line(lines[0][1]) else lines
    text = " ".join(text for _, text in body[:4])
    sentences = _SENTENCE_END.split(text)
    summary = sentences[0]
    if len(sentences) > 1 and len(summary) + len(sentences[1]) < SUMMARY_MAX:
        summary = f"{summary} {sentences[1]}"
    summary = _shortened(summary, SUMMARY_MAX)
    summary_end = body[0][0]
    consumed = 0
    for number, line_text in body[:4]:
        consumed += len(line_text) + 1
        summary_end = number
        if consumed >= len(summary):
            break
    provenance = {}
    if title:
        provenance["title"] = Provenance(title_line, title_line, why)
    if summary:
        provenance["summary"] = Provenance(
            body[0][0], summary_end, gettext("les premières phrases du passage")
        )
    return Worded(title, summary, provenance)


def _title(lines: Sequence[tuple[int, str]]) -> tuple[str, int, str]:
    first_number, first_text = lines[0]
    opening = _opening(lines[:3])
    found = (
        _named(lines[:1])
        or _named(opening, quoted_only=True)
        or _document_title(lines[0])
        or _found(opening, NAMED_PLACE, 0, "named_place")
        or _found(opening, PARTICIPATION_BODY, 0, "named_place")
        or _found(opening, _EXAMPLE, "named", "example")
    )
    if found:
        return found
    if _is_title_line(first_text):
        return first_text.rstrip(" :\u00a0"), first_number, str(RULES["first_line"])
    found = _named(lines[1:3])
    if found:
        return found
    quoted = _QUOTED.search(first_text)
    if quoted and quoted.start() < _OPENING_CHARS:
        return quoted.group(1).strip(), first_number, str(RULES["quoted"])
    sentence = _SENTENCE_END.split(first_text)[0]
    phrase = _PHRASE_END.split(sentence, maxsplit=1)[0]
    if len(phrase) < 12:
        phrase = sentence
    return _shortened(phrase.rstrip(" ."), TITLE_MAX), first_number, str(RULES["first_phrase"])


def _opening(lines: Sequence[tuple[int, str]]) -> list[tuple[int, str]]:
    """The first lines, cut after `_OPENING_CHARS` characters."""
    opening, length = [], 0
    for number, text in lines:
        if length >= _OPENING_CHARS:
            break
        opening.append((number, text[: _OPENING_CHARS - length]))
        length += len(text)
    return opening


def _found(
    lines: Sequence[tuple[int, str]], pattern: re.Pattern[str], group: int | str, rule: str
) -> tuple[str, int, str] | None:
    for number, text in lines:
        match = pattern.search(text)
        if match:
            return _shortened(match.group(group).strip(), TITLE_MAX), number, str(RULES[rule])
    return None


def _document_title(line: tuple[int, str]) -> tuple[str, int, str] | None:
    """« Conseil Général de Seine-Maritime, Mieux accompagner les usagers…, 2 p. »: the title
    of the document, not its author."""
    number, text = line
    if not is_document_entry(text):
        return None
    reference = parse_reference(text, number, number, authors_first=True)
    if reference is None or not reference.authors or reference.title == reference.authors:
        return None
    return _shortened(reference.title, TITLE_MAX), number, str(RULES["document"])


def _is_title_line(text: str) -> bool:
    return len(text) <= TITLE_MAX and not text.endswith((".", "!", "?", ";", ","))


def _named(
    lines: Sequence[tuple[int, str]], *, quoted_only: bool = False
) -> tuple[str, int, str] | None:
    """The name after « l'action », « le projet »…; `quoted_only`: only a name in « … » (a
    capitalised word after « l'association » in a later line is an organisation)."""
    for number, text in lines:
        for named in _NAMED.finditer(text):
            if quoted_only and not named.group("quoted"):
                continue
            title = (named.group("quoted") or named.group("capitalised")).strip()
            return _shortened(title, TITLE_MAX), number, str(RULES["named"])
    return None
