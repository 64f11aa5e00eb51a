"""The passages of a read document that describe a practice.

A few small named rules, each explained in French in `RULES` so the review page can say how a
passage was found:

- `fiche`: a « fiche action » — at least two headed fields (« Objectifs », « Porteurs et
  partenaires », « Description », « Faisabilité », « Moyens… », « Résultats »…) close together,
  with the title line above them; each field is mapped to its `Practice` field.
- `action_title`: a short title line naming an action (« L’action « Parcours Confiance » »,
  « Une action pilote à Lille-Fives : ») and the paragraphs under it, to the next title.
- `quoted_action`: a paragraph naming an action, project, workshop… between quotation marks
  (« le projet « L’île aux parents » »); when the paragraph opens with it, the paragraphs that
  follow and tell about it go with it.
- `unquoted_action`: a paragraph that opens with « L’action » and a capitalised name without
  quotation marks (« L’action 100 jours 100 % gagnants, mise en place… »).
- `named_place`: a paragraph naming a place of collective work (« le Jardin de Saint Caprais »,
  « le centre social de Fives »), with the whole testimony around it when it is quoted.
- `example`: a paragraph opening with « Exemple : » or « Par exemple » that names something
  concrete (a named project, a place, an organisation such as a CAF, a MSA, a CCAS).
- `testimony`: « Christine… témoigne… : » and the quoted words after it, with the short title
  above (« La parole des habitants »).
- `listed_action`: after « Exemples : » or « …en groupes de pairs : », each item that names what
  it describes (« Le « colportage culturel à domicile » : ce sont… »).
- `table_row`: a row of a table with a « SOURCE » column (it ends with its source cell) that
  gives an example, tells of an experience (« L’expérience des… ») or names an action.
- `document_entry`: in a list of documents (« …, 32 p. »), an entry whose presentation tells of
  an action (« Cette contribution présente une action réalisée… »).

One passage per practice as far as possible: a paragraph naming several actions in separate
sentences, or in the clauses of one sentence (« l’atelier « … », le projet « … » ou encore le
programme « … » »), gives one passage per action (same lines, its own sentences or clause as
text); beside a named action, a sentence of its own naming a quoted name or a participation body
(« le conseil départemental des collégiens ») is one more. A passage inside a broader one (a
fiche, an action title's passage) is dropped.

General statements without a concrete action (no place, no named project, no actor) are not
practices: every rule asks for a name, a place or an actor.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from django.utils.translation import gettext_lazy as _

from maillage.ingestion.found import FoundSegment, Line, ReadDocument
from maillage.ingestion.references import (
    is_document_entry,
    is_source_header,
    looks_like_source_cell,
)

RULES = {
    "fiche": _("fiche action : au moins deux champs titrés (« Objectifs », « Description »…)"),
    "action_title": _("titre d’action (« L’action « … » ») suivi de sa description"),
    "quoted_action": _(
        "nom d’action entre guillemets précédé de « l’action », « le projet », « l’atelier »…"
    ),
    "unquoted_action": _("paragraphe qui commence par « L’action » suivi d’un nom propre"),
    "named_place": _("lieu d’action nommé (« le Jardin de… », « le centre social de… »)"),
    "example": _("paragraphe « Exemple : » ou « Par exemple » qui nomme un lieu ou un acteur"),
    "table_row": _("ligne de tableau qui nomme une action, une expérience ou un exemple"),
    "listed_action": _("élément de liste qui nomme une action (« Le « … » : ce sont… »)"),
    "testimony": _("témoignage présenté (« … témoigne », « parle de son expérience »)"),
    "document_entry": _("document d’une liste dont la présentation décrit une action"),
}

# Headed fields of a « fiche action », as the Practice field they fill.
_FIELD_LABELS = (
    ("objectives", r"objectifs?(?: de (?:la proposition|l['’]action)[\w/ ]*)?|finalités?"),
    ("carriers_and_partners", r"porteurs?(?: et partenaires)?(?: impliqués)?|partenaires?"),
    ("description", r"description(?: de l['’]action| du projet)?|déroulement|contenu"),
    ("feasibility", r"faisabilité"),
    ("means", r"moyens(?: et impacts organisationnels| mobilisés| humains)?|budget"),
    ("results", r"résultats(?: obtenus| attendus)?|effets(?: observés)?|impacts?"),
    ("evaluation", r"évaluation|critères d['’]évaluation"),
    ("comments", r"commentaires?|remarques?"),
    # Not « Freins » nor « Limites » alone: the contributions head their arguments so.
    ("pitfalls", r"points? de vigilance|difficultés rencontrées"),
)
_FIELD = re.compile(
    r"^\s*(?:"
    + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _FIELD_LABELS)
    + r")\s*(?::\s*(?P<rest>.*))?$",
    re.I,
)
_FIELD_GAP = 25  # lines between two headed fields of one fiche
_FIELD_MAX_LINES = 15  # lines of the last field when nothing closes it
_FIELD_PROSE_LINES = 3
_TITLE_MAX_CHARS = 160
_FOLLOW_MAX_LINES = 25  # paragraphs following a named action that opens its paragraph
_TITLE_MAX_LINES = 120  # lines under an action title when no heading comes first

_NOUNS = (
    r"action|projet|programme|atelier|dispositif|opération|séjour|chantier|jardin|expérimentation"
    r"|démarche|initiative|parcours|association|plateforme|forum|café|maison|espace|lieu"
    r"|colloque|conférence|université|label|thème"
)
# A collective or a network is an actor, not an action: named only when the paragraph is about it.
_ACTOR_NOUNS = r"collectif|réseau"
# The name starts with a capital (« L’île aux parents ») : « aller vers », « hors normes » are
# notions, not actions.
_QUOTED_NAME = r"\s*[«“\"]\s*[A-ZÀÂÉÈÎÔ0-9][^»”\"]{2,80}?\s*[»”\"]"
_QUOTED_ACTION = re.compile(
    rf"\b(?i:{_NOUNS})s?(?:\s+[a-zéèêàâîôûç-]+){{0,2}}{_QUOTED_NAME}"
    rf"|^.{{0,12}}\b(?i:{_ACTOR_NOUNS}){_QUOTED_NAME}"
    # « les collectifs « Stop le contrôle au faciès », « Idées » à Sevran… »: a list of them
    rf"|\bcollectifs{_QUOTED_NAME}"
    rf"|{_QUOTED_NAME}\s+à\s+[A-ZÉ][a-zé]"  # « Alliance citoyenne » à Grenoble
)
_OPENS_PARAGRAPH = 12  # a named action within these first characters is what the paragraph is about
_TITLE = re.compile(
    rf"^(?:L['’]action|Le projet|Le programme|L['’]atelier|Le dispositif|L['’]opération"
    rf"|Une action pilote|Une expérience|Le chantier|L['’]expérimentation)\b"
    rf"|^(?:{_NOUNS})s?\s*[«“]|^La démarche (?-i:[A-Z]{{3,}})",
    re.I,
)
_UNQUOTED_ACTION = re.compile(
    r"^L['’]action\s+(?P<name>[A-Z0-9][^,;:«]{2,60}?)(?:,|\s(?:a|est|mise?|permet|propose)\b)"
)
NAMED_PLACE = re.compile(
    r"\b(?:Jardin|Maison|Café|Épicerie|Régie|Ferme|Centre social|Espace|Atelier)s?"
    r"(?: de la| des| de l['’]| du| de)\s?(?:Saint[- ]|Sainte[- ])?[A-ZÉ][\w’'-]+"
    r"|\b(?:label|Université populaire) [A-Z][\w’'-]+(?: (?:de |du |des )?[A-Z][\w’'-]+)?"
)
_EXAMPLE = re.compile(
    r"^\s*(?:Exemples?\s*:|Par exemple\b|À titre d['’]exemple\b)|\bExemple\s*:|l['’]exemple d", re.I
)
# An introduction to a list of actions: « Exemples : », « … en groupes de pairs : ».
_LIST_INTRO = re.compile(
    r"(?:^Exemples?|\b(?:actions|lieux|ateliers|groupes|dispositifs)\b.*)\s*:$", re.I
)
# An item naming what it describes: « Le « colportage culturel à domicile » : ce sont… »,
# « le groupe de parents : ce groupe permet… ».
_NAMED_ITEM = re.compile(r"^(?:Le|La|Les|L['’]|Un|Une)\s?[^:.]{3,60}\s:\s\S", re.I)
_TESTIMONY = re.compile(r"\btémoignen?t?\b|a témoigné|parle de son expérience|raconte", re.I)
# Not « des pistes d’action », « l’action des collectivités »: the document must tell of one.
_DOCUMENT_DESCRIBES_ACTION = re.compile(
    r"\b(?:une|cette)\s(?:action|expérience)\b|\bl['’](?:action|expérience)\s(?-i:[«A-Z])"
    r"|\brécits? d['’]actions?\b|\bméthode d['’]analyse en groupe",
    re.I,
)
# Something concrete: a named project, a place (« à Nanterre », « de Lille-Fives »,
# « département du Pas-de-Calais »), or an organisation that acts.
_ANCHOR = re.compile(
    r"[«“][^»”]{3,}[»”]|\b(?:à|de|du|en)\s(?:Saint-)?[A-ZÉ][a-zéè]+(?:-[A-ZÉ][a-zéè]+)*\b"
    r"|\b(?:CAF|MSA|CCAS|CIAS|ATD|CESF|centre social|centres sociaux|association)\b",
)
_MARKUP = re.compile(r"\[(?:bookmark|footnoteRef|image):[^\]]*\]|\[\d+:\s[^\]]*\]")
_HAS_QUOTES = re.compile(r"[«“\"]")  # a cheap test before the costly search for a quoted name
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÉÀ«])")
# Where a list of actions in one sentence breaks between two of them.
_CLAUSE_BREAK = re.compile(r",\s+|;\s+|\s+(?:ou encore|et)\s+")
# Named without « le projet » before it, in a sentence of its own beside a named action: a quoted
# name (« Le pouvoir d’agir »), a participation body (« le conseil départemental des collégiens »).
PARTICIPATION_BODY = re.compile(
    r"\bconseils? (?:départemental|municipal|citoyen|local)\w* des [a-zé]+"
)
NAMED_BODY = re.compile(rf"{_QUOTED_NAME}|{PARTICIPATION_BODY.pattern}")


@dataclass(frozen=True)
class _Found:
    kind: str
    rule: str
    start: int  # 0-based index in the document's lines, inclusive
    end: int
    text: str = ""  # when a paragraph is split between several actions
    fields: tuple[tuple[str, int, int], ...] = ()


def find_segments(document: ReadDocument) -> list[FoundSegment]:
    """The passages that describe a practice, in reading order, each with the name of the rule
    that found it (`rule`, a key of `RULES`)."""
    lines = document.lines
    texts = [_MARKUP.sub("", line.text).strip() for line in lines]
    headings = _heading_paths(lines, texts)
    everything = list(_all_found(lines, texts))
    fiches = [found for found in everything if found.kind == "fiche"]
    # the broadest passage first at each line, so that the narrower ones inside it are dropped
    others = sorted(
        (found for found in everything if found.kind != "fiche"),
        key=lambda found: (found.start, found.start - found.end),
    )
    kept = list(fiches)
    in_fiches = {index for found in fiches for index in range(found.start, found.end + 1)}
    covered = set(in_fiches)
    for found in others:
        span = set(range(found.start, found.end + 1))
        if not found.text and (span <= covered or span & in_fiches):
            continue  # already inside a fiche or a broader passage
        kept.append(found)
        covered |= span
    kept.sort(key=lambda found: (found.start, found.end))
    return [
        FoundSegment(
            kind=found.kind,  # type: ignore[arg-type]
            start_line=found.start + 1,
            end_line=found.end + 1,
            heading=headings[found.start],
            text=found.text or "\n".join(t for t in texts[found.start : found.end + 1] if t),
            fields=found.fields,
            rule=found.rule,
        )
        for found in kept
    ]


def _all_found(lines: list[Line], texts: list[str]) -> Iterator[_Found]:
    """Every rule's findings, overlapping ones included."""
    yield from _fiches(lines, texts)
    yield from _action_titles(lines, texts)
    yield from _testimonies(lines, texts)
    yield from _table_rows(lines, texts)
    yield from _listed_actions(lines, texts)
    yield from _document_entries(lines, texts)
    for index, text in enumerate(texts):
        yield from _in_paragraph(lines, texts, index, text)


def _heading_paths(lines: list[Line], texts: list[str]) -> list[str]:
    paths, stack = [], []
    for line, text in zip(lines, texts, strict=True):
        if line.kind == "heading" and text:
            level = max(line.level, 1)
            stack = [*stack[: level - 1], text]
        paths.append(" › ".join(stack))
    return paths


def _field_name(text: str) -> str | None:
    if len(text) > 80 and ":" not in text[:60]:
        return None
    match = _FIELD.match(text.lstrip("●•·-– \t"))
    if not match or (match.group("rest") and ":" not in text[:60]):
        return None
    return next(name for name, _pattern in _FIELD_LABELS if match.group(name))


def _is_boundary(line: Line, text: str) -> bool:
    """Where a passage stops: a heading, or a new table cell."""
    return line.kind in ("heading", "table_row") or _looks_like_heading(text)


def _fiches(lines: list[Line], texts: list[str]) -> Iterator[_Found]:
    labels = [(i, name) for i, t in enumerate(texts) if t and (name := _field_name(t))]
    groups: list[list[tuple[int, str]]] = []
    for label in labels:
        if groups and label[0] - groups[-1][-1][0] <= _FIELD_GAP:
            groups[-1].append(label)
        else:
            groups.append([label])
    for group in groups:
        if len(group) < 2:
            continue
        last = group[-1][0]
        end = last
        while (
            end + 1 < len(lines)
            and end + 1 - last <= _FIELD_MAX_LINES
            # the last field is its list, or a few lines when it is written as prose
            and (lines[end + 1].kind == "list_item" or end + 1 - last <= _FIELD_PROSE_LINES)
            and not _is_boundary(lines[end + 1], texts[end + 1])
            and not _field_name(texts[end + 1])
        ):
            end += 1
            if looks_like_source_cell(texts[end]):
                break  # a fiche in a table ends with its « SOURCE » cell
        fields = tuple(
            (name, index + 1, (group[n + 1][0] if n + 1 < len(group) else end + 1))
            for n, (index, name) in enumerate(group)
        )
        yield _Found("fiche", "fiche", _title_above(lines, texts, group[0][0]), end, fields=fields)


def _title_above(lines: list[Line], texts: list[str], first_field: int) -> int:
    """The line naming the fiche: the nearest short non-empty line above its first field."""
    for index in range(first_field - 1, max(first_field - 4, -1), -1):
        text = texts[index].strip("() ")
        if len(text) > 3 and len(text) <= _TITLE_MAX_CHARS and not _field_name(text):
            return index
    return first_field


def _is_title(text: str) -> bool:
    return (
        bool(text)
        and len(text) <= _TITLE_MAX_CHARS
        and not text.endswith((".", ";", ","))
        and bool(_TITLE.search(text))
    )


def _action_titles(lines: list[Line], texts: list[str]) -> Iterator[_Found]:
    for index, text in enumerate(texts):
        if not _is_title(text):
            continue
        end = index
        while (
            end + 1 < len(lines)
            and end + 1 - index < _TITLE_MAX_LINES
            and not _is_title(texts[end + 1])
            and lines[end + 1].kind != "heading"
            and not _looks_like_heading(texts[end + 1])
        ):
            end += 1
        yield _Found("named_action", "action_title", index, end)


def _is_short_title(text: str) -> bool:
    """A short line without final punctuation (« L’emprise des logiques gestionnaires »)."""
    return 0 < len(text) <= 80 and text[:1].isupper() and not text.endswith((".", "»", "!", "?"))


def _looks_like_heading(text: str) -> bool:
    """A numbered title (« 2.3. Structurer le bénévolat ») in a file that marks no headings."""
    return bool(re.match(r"^(?:\d+\.)+\d*\s+\S", text)) and len(text) <= _TITLE_MAX_CHARS


def _in_paragraph(lines: list[Line], texts: list[str], index: int, text: str) -> Iterator[_Found]:
    if not text:
        return
    is_cell = lines[index].kind == "table_row" or lines[index].text.startswith("\t")
    quoted = list(_QUOTED_ACTION.finditer(text)) if _HAS_QUOTES.search(text) else []
    if quoted:
        kind = "table_row" if is_cell else "named_action"
        rule = "table_row" if is_cell else "quoted_action"
        parts = _split_by_action(text, quoted)
        if len(parts) > 1:
            for part in parts:
                yield _Found(kind, rule, index, index, text=part)
            return
        # a footnote tells of its action in its own line only
        opens = quoted[0].start() <= _OPENS_PARAGRAPH and lines[index].kind != "footnote"
        end = _following(lines, texts, index) if opens else index
        yield _Found(kind, rule, _document_entry_above(texts, index), end)
        return
    if _UNQUOTED_ACTION.match(text):
        yield _Found("named_action", "unquoted_action", index, _following(lines, texts, index))
        return
    if NAMED_PLACE.search(text):
        start, end = _testimony(texts, index)
        yield _Found("named_action", "named_place", start, end)
        return
    example = _EXAMPLE.search(text)
    if example and _ANCHOR.search(text[example.end() :]):
        kind = "table_row" if is_cell else "example"
        yield _Found(kind, "table_row" if is_cell else "example", index, index)


def _split_by_action(text: str, matches: list[re.Match[str]]) -> list[str]:
    """One part per named action when each has its own sentences — or its own clause of a list
    (« l’atelier « … » où…, le projet « … » et…, ou encore le programme « … » ») — the sentences
    after one going with it. A sentence of its own may also name a body (`NAMED_BODY`) or a
    quoted name without « le projet » before it. The whole paragraph when two names share a
    clause."""
    sentences = _SENTENCE_END.split(text)
    extra = [m for m in NAMED_BODY.finditer(text) if not any(_overlap(m, n) for n in matches)]
    pieces: list[tuple[str, int]] = []  # (text, index of its name)
    names: list[re.Match[str]] = []
    offset = 0
    for sentence in sentences:
        position = text.index(sentence, offset)
        offset = position + len(sentence)
        named = [m for m in matches if position <= m.start() < offset]
        if not named:
            named = [m for m in extra if position <= m.start() < offset][:1]
        if not named:
            pieces.append((sentence, pieces[-1][1] if pieces else 0))
            continue
        # a quoted name's match starts with the space before it, which may be part of a break
        spans = [(m.start() + len(m.group()) - len(m.group().lstrip()), m.end()) for m in named]
        clauses = _clauses(sentence, [(start - position, end - position) for start, end in spans])
        if clauses is None:
            return [text]
        for clause in clauses:
            names.append(named[0])
            pieces.append((clause, len(names) - 1))
    return [
        " ".join(piece for piece, owner in pieces if owner == number)
        for number in range(max(len(names), 1))
    ]


def _overlap(one: re.Match[str], other: re.Match[str]) -> bool:
    return one.start() < other.end() and other.start() < one.end()


def _clauses(sentence: str, spans: list[tuple[int, int]]) -> list[str] | None:
    """The sentence cut between its names at the last break (« , », « et », « ou encore »)
    between each two; None when two names have no break between them."""
    cuts = [(0, 0)]
    for (_start, before_end), (after_start, _end) in pairwise(spans):
        breaks = list(_CLAUSE_BREAK.finditer(sentence, before_end, after_start))
        if not breaks:
            return None
        best = max(breaks, key=lambda found: (found.group().strip() == "ou encore", found.start()))
        cuts.append((best.start(), best.end()))
    cuts.append((len(sentence), len(sentence)))
    return [sentence[cut[1] : following[0]].strip(" ,;") for cut, following in pairwise(cuts)]


def _following(lines: list[Line], texts: list[str], index: int) -> int:
    """The paragraphs after one that opens with a named action, up to the next heading, title or
    named action (« Deux parrains témoignent : » and the testimonies under it)."""
    end = index
    while (
        end + 1 < len(lines)
        and end + 1 - index < _FOLLOW_MAX_LINES
        and lines[end + 1].kind != "heading"
        and not _looks_like_heading(texts[end + 1])
        and not _is_title(texts[end + 1])
        and not _QUOTED_ACTION.search(texts[end + 1])
        and not _UNQUOTED_ACTION.match(texts[end + 1])
        and not lines[end + 1].text.startswith("\t\t")
        and not is_document_entry(texts[end + 1])
    ):
        end += 1
    return end


def _document_entry_above(texts: list[str], index: int) -> int:
    """In a list of documents, the entry (« CAF des Deux-Sèvres, Parents solos, 12 p. ») that a
    describing paragraph belongs to."""
    return index - 1 if index > 0 and is_document_entry(texts[index - 1]) else index


def _testimony(texts: list[str], index: int) -> tuple[int, int]:
    """A quoted testimony from its introduction (« Christine… témoigne ») to its closing »."""
    start = index
    if index > 0 and len(texts[index - 1]) < 250 and re.search(r"témoign", texts[index - 1]):
        start = index - 1
    end = index
    opened = texts[index].count("«") - texts[index].count("»")
    while (
        opened > 0
        and end + 1 < len(texts)
        and end - index < _FOLLOW_MAX_LINES
        and not _is_short_title(texts[end + 1])
    ):
        end += 1
        opened += texts[end].count("«") - texts[end].count("»")
    return start, end


def _testimonies(lines: list[Line], texts: list[str]) -> Iterator[_Found]:
    """« Christine… témoigne… » or « Sabrina… parle de son expérience… : » and the quoted words
    after it, with the short title above (« La parole des habitants »)."""
    for index, text in enumerate(texts):
        if not _TESTIMONY.search(text) or len(text) > 300 or index + 1 >= len(texts):
            continue
        following = texts[index + 1 : index + 4]
        if not text.endswith(":") and not any(t.startswith(("«", '"')) for t in following):
            continue
        start = index - 1 if index > 0 and _is_short_title(texts[index - 1]) else index
        end = index
        while (
            end + 1 < len(texts)
            and end - index < _FOLLOW_MAX_LINES
            and not _is_boundary(lines[end + 1], texts[end + 1])
            # the source of the quotation may come first (« Extrait tiré du rapport… »)
            and (end == index or not _is_short_title(texts[end + 1]))
            and not _introduces_testimony(texts[end + 1])  # the next witness
        ):
            end += 1
            if texts[end].rstrip().endswith(("»", "» ")) and texts[end].count("«") <= 1:
                break  # the quotation closes
        if end > index + 1 or (end > index and not _is_short_title(texts[end])):
            yield _Found("named_action", "testimony", start, end)


def _introduces_testimony(text: str) -> bool:
    return len(text) <= 300 and text.endswith(":") and bool(_TESTIMONY.search(text))


def _table_rows(lines: list[Line], texts: list[str]) -> Iterator[_Found]:
    """Rows of a table with a « SOURCE » column (each row ends with its source cell) that tell of
    an experience, give an example or name an action."""
    in_table, row_start = False, 0
    for index, text in enumerate(texts):
        if is_source_header(text):
            in_table, row_start = True, index + 1
        elif lines[index].kind == "heading":
            in_table = False
        elif in_table and looks_like_source_cell(text):
            row = " ".join(texts[row_start : index + 1])
            if _ROW_NAMES_ACTION.search(row) or _QUOTED_ACTION.search(row):
                yield _Found("table_row", "table_row", row_start, index)
            row_start = index + 1


# A row tells of a practice when it gives an example or an experience, or names an action; the
# other rows are recommendations.
_ROW_NAMES_ACTION = re.compile(r"\bExemple\s*:.*?(?:[«“]|\bà [A-Z])|\bL['’]expérience d")


def _listed_actions(lines: list[Line], texts: list[str]) -> Iterator[_Found]:
    """The items after « Exemples : » or « …en groupes de pairs : » that each name an action."""
    for index, text in enumerate(texts):
        if not _LIST_INTRO.search(text) or len(text) > 300:
            continue
        for item in range(index + 1, min(index + 8, len(texts))):
            if _NAMED_ITEM.match(texts[item]):
                yield _Found("example", "listed_action", item, item)
            elif lines[item].kind != "list_item":
                break


def _document_entries(lines: list[Line], texts: list[str]) -> Iterator[_Found]:
    """In a list of documents, an entry whose presentation says it describes an action."""
    for index, text in enumerate(texts[:-1]):
        if lines[index].kind == "footnote" or not is_document_entry(text):
            continue
        if _DOCUMENT_DESCRIBES_ACTION.search(f"{text} {texts[index + 1]}"):
            yield _Found("named_action", "document_entry", index, index + 1)
