"""Bibliographic references in a read document: footnotes, « Source : » lines and cells,
bibliography sections, lists of contributed documents (« …, 2014, 34 p. »), the « SOURCE »
column of tables, and in-text citations « (Jaeger, 2009) » that point to one of those.

Each reference is cut into authors, title, event, place, date and pages with a few documented
patterns, and given a `key` (`reference_key`) shared by the variants of one source, so the library
keeps one record per source however the document spells it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy as _

from maillage.ingestion.found import FoundReference, Line, ReadDocument
from maillage.territories.folding import fold

# How each reference was found, for the review and library pages.
RULES = {
    "footnote": _("note de bas de page"),
    "source": _("mention « Source : »"),
    "bibliography": _("ligne d'une bibliographie"),
    "document_list": _("entrée d'une liste de documents (« …, 34 p. »)"),
    "table_source": _("cellule de la colonne « Source » d'un tableau"),
    "author_date": _("citation (Auteur, année) renvoyant à une référence du document"),
}

_MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre"
    "|décembre|decembre"
)
_DATE = re.compile(rf"(?:\b\d{{1,2}}(?:er)?\s+)?\b(?:{_MONTHS})\s+(?:19|20)\d{{2}}\b", re.I)
_YEAR = re.compile(r"(?<![\d/])(?:19|20)\d{2}(?![\d/])")
_PAGES = re.compile(r"\b\d+\s*p\b\.?|\bpp?\.\s*\d+(?:\s*[-–]\s*\d+)?", re.I)
_URL = re.compile(r"(?:https?://|www\.)[^\s\]»)]+", re.I)
_QUOTED = re.compile(r"[«“]\s*(.+?)\s*[»”]")
_EVENT_WORDS = re.compile(
    r"colloque|journées? d['’]études?|journées? (?:du|de la|nationales?|régionales?)|assises|"
    r"séminaire|congrès|forums?\b|conférence|rencontres?\b|états généraux|\bEGTS\b",
    re.I,
)
# Cities where the French social-work literature is published or meets; a short list keeps the
# place field precise (a publisher such as « Dunod » is not a place).
_PLACES = {
    "paris", "lyon", "marseille", "lille", "rennes", "valence", "toulouse", "bordeaux", "nantes",
    "strasbourg", "montpellier", "grenoble", "nancy", "metz", "rouen", "caen", "dijon", "tours",
    "poitiers", "limoges", "amiens", "besancon", "clermont ferrand", "orleans", "nice",
    "aubervilliers", "montreal", "quebec", "sainte foy", "bruxelles", "geneve", "lausanne",
    "ann arbor", "pau",
}  # fmt: skip
_PLACE_IN_TEXT = re.compile(r"\bà ([A-ZÉ][\w-]+(?: [A-Z][\w-]+)?)")
# Words that say what kind of document a reference is, most specific first.
_TYPE_WORDS = (
    ("activity_report", re.compile(r"rapport (?:annuel|d['’]activités?)", re.I)),
    ("evaluation", re.compile(r"\bévaluation|\bevaluation", re.I)),
    ("proceedings", re.compile(r"\bactes\b|colloque|journées? d['’]études?", re.I)),
    ("repertoire", re.compile(r"répertoire|repertoire|recueil de (?:fiches|pratiques)", re.I)),
    ("contribution", re.compile(r"\bcontribution", re.I)),
    ("report", re.compile(r"\brapport|\bsynthèse|\brestitution|\bnote\b|\blivrable", re.I)),
    ("article", re.compile(r"\brevue\b|\bn°\s*\d|informations sociales|\bvie sociale\b", re.I)),
)
# A person: « Dubasque D. », « M. Dinet », « FREIRE Paulo », « Le Bossé, Y. »; or an
# organisation written in capitals (« FNARS », « ATD Quart Monde », « DRJSCS Corse »).
_INITIAL = r"[A-ZÉ](?:-[A-ZÉ])?\.(?:\s?-?[A-ZÉ]\.)*"
_NAME = r"[A-ZÉÈ][\w’'-]+(?:\s[A-ZÉÈ][\w’'-]+)?"
_PERSON = re.compile(
    rf"^(?:{_NAME}\s{_INITIAL}|{_INITIAL}\s?{_NAME}|[A-ZÉ]{{2,}}\s[A-ZÉ][a-zé]+|{_INITIAL}"
    # « Alinsky S »: an initial without its full stop
    rf"|{_NAME}\s[A-ZÉ])"
    rf"(?:\s\(.*\))?$"
)
_ORGANISATION = re.compile(
    r"^(?:[A-ZÉ][A-ZÉ&-]{1,}\b|Assises\b|(?i:contribution)\b|Livrable\b|Caisse\b|Conseil\b|"
    r"Région\b|Union\b|Fédération\b|Association\b|Département\b|Direction\b|Groupe\b|"
    r"Collectif\b|Université\b|Institut\b)"
)
_BIBLIOGRAPHY_HEADINGS = {
    "bibliographie",
    "references",
    "references bibliographiques",
    "sources",
    "sources bibliographiques",
    "documents consultes",
    "pour aller plus loin",
}
_SOURCE_LINE = re.compile(r"^\s*(?:Sources?|Source des données)\s*:\s*(.+)$", re.I | re.S)
# « Perce-bitume, Récits d’actions collectives de solidarité, 113 p. »
_DOCUMENT_LIST_ENTRY = re.compile(
    r"^[A-ZÉ][^.]*,.*,\s*\d+\s*p\s?\.\s*$|^[A-ZÉ][^,]{1,80},\s*\d+\s*p\s?\.\s*$"
)
_LEADING = re.compile(r"^[\s\-–—•●·*]+|^(?:Cf\.|Voir(?: notamment)?|Lire)\s+", re.I)
_MARKUP = re.compile(r"\[(?:bookmark|footnoteRef|image):[^\]]*\]")
# Several references in one note: « …, 1984. Sanicola L., L’intervention… » or « … ; Dumas B., … ».
_SPLIT_REFERENCES = re.compile(r"(?:(?<=\d{4})\.|;)\s+(?=[A-ZÉ][\w’'-]+,?\s[A-ZÉ](?:-[A-ZÉ])?\.)")
_INITIALS_ONLY = re.compile(rf"^{_INITIAL}$")
_ONLY_TAIL = re.compile(
    rf"\d+\s*p\b\.?|(?:\d{{1,2}}\s+)?(?:(?:{_MONTHS})\s+)?(?:19|20)\d{{2}}", re.I
)
# Who wrote a document for its author organisation, then their names alone in the next parts.
_CONTRIBUTORS = re.compile(
    r"^(?:travaux\s+)?(?:co(?:o?r)?donnés?|réalisés?|rédigés?|dirigés?)\s+par\s|^sous la direction d",
    re.I,
)
_WORD = r"[A-ZÉÈ][\w’'-]+"
_NAMES_ONLY = re.compile(
    rf"{_WORD}(?:\s{_WORD})+(?:\s(?:et|&)\s{_WORD}(?:\s{_WORD})+)*(?:\s\(.*\))?"
)
_PARENTHESES = re.compile(r"\(([^()]{6,120})\)")
# « Jaeger, 2009 », « G. Konopka, 1971 », « Bacqué, Biewener, 2013, p. 21 », « Alinsky, 1980 [1971] »
_AUTHOR_DATE = re.compile(
    r"^(?P<authors>(?:[A-ZÉ]\.\s?)*[A-ZÉ][\w’'-]+(?:\s[A-ZÉ][\w’'-]+)?"
    r"(?:(?:,\s|\set\s)[A-ZÉ][\w’'-]+)*),\s(?P<year>(?:19|20)\d{2})(?:\s\[\d{4}\])?"
    r"(?:,\s*p\.?\s*\d+)?$"
)
_OP_CIT = re.compile(r"\bop\.?\s?cit", re.I)
_ARTICLES = {"le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "et", "a", "au", "aux"}
_TITLE_KEY_WORDS = 8
_MAX_REFERENCE_CHARS = 600
_SOURCE_CELL_CHARS = 400  # proceedings cite their whole title and subtitle: « Actes de… »


@dataclass(frozen=True)
class _Candidate:
    text: str
    start_line: int
    end_line: int
    rule: str


def reference_key(authors: str, title: str) -> str:
    """One key for the variants of a source: the surnames or organisation words of the authors
    (initials, « et », parentheses dropped, sorted) — unless the title is long enough to name the
    source alone — and the first words of the title (accents, case, punctuation and articles
    dropped)."""
    authors_words = sorted(
        {
            word
            for word in fold(re.sub(r"\(.*?\)", " ", authors)).split()
            if len(word) > 1 and word not in _ARTICLES
        }
    )
    title_words = [word for word in fold(title).split() if word not in _ARTICLES]
    if len(title_words) >= _TITLE_KEY_WORDS:
        # A long title names its source alone, however its author is written (« Institut du
        # développement social » / « … de Normandie »).
        authors_words = []
    return " ".join(authors_words) + "|" + " ".join(title_words[:_TITLE_KEY_WORDS])


def find_references(document: ReadDocument) -> list[FoundReference]:
    """Every bibliographic reference of the document, in reading order, each with the name of
    the rule that found it (`rule`, a key of `RULES`)."""
    found: list[FoundReference] = []
    for candidate in _candidates(document.lines):
        parts = (
            _SPLIT_REFERENCES.split(candidate.text)
            if candidate.rule in ("footnote", "bibliography")
            else [candidate.text]
        )
        for part in parts:
            reference = parse_reference(
                part,
                candidate.start_line,
                candidate.end_line,
                authors_first=candidate.rule in ("document_list", "table_source"),
            )
            if reference is not None and (
                candidate.rule != "footnote" or _looks_bibliographic(reference)
            ):
                found.append(replace(reference, rule=candidate.rule))
    found += [
        replace(reference, rule="author_date") for reference in _author_dates(document.lines, found)
    ]
    found.sort(key=lambda reference: reference.start_line)
    return found


def _author_dates(lines: list[Line], found: list[FoundReference]) -> Iterator[FoundReference]:
    """« (Jaeger, 2009) », « (Bacqué, Biewener, 2013, p. 21) » in the text: the reference of the
    document by the same first author and year, so that the citation shares its key. A citation
    the document gives no reference for is left out: a name and a year make no library record."""
    by_author_year: dict[tuple[str, int], FoundReference] = {}
    for reference in found:
        surname = _surname(reference.authors)
        years = {reference.year, *(int(y) for y in _YEAR.findall(reference.raw_text))}
        for year in years - {None}:
            by_author_year.setdefault((surname, year), reference)
    for number, line in enumerate(lines, start=1):
        if line.kind == "footnote" or "(" not in line.text:
            continue
        for group in _PARENTHESES.finditer(line.text):
            for part in group.group(1).split(";"):
                match = _AUTHOR_DATE.match(part.strip())
                if not match:
                    continue
                surname = _surname(match.group("authors"))
                source = by_author_year.get((surname, int(match.group("year"))))
                if source is not None:
                    yield replace(source, raw_text=part.strip(), start_line=number, end_line=number)


def parse_reference(
    raw_text: str, start_line: int, end_line: int, *, authors_first: bool = False
) -> FoundReference | None:
    """Cut one reference into its parts; None when nothing like a title is left.
    `authors_first`: in lists of documents and source cells the first part is always the
    author or organisation (« Perce-bitume, Récits d’actions collectives… »)."""
    text = _MARKUP.sub("", _LEADING.sub("", " ".join(raw_text.split()))).strip(" .;")
    if not text or len(text) > _MAX_REFERENCE_CHARS:
        return None
    url_match = _URL.search(text)
    url = url_match.group(0).rstrip(".,;") if url_match else ""
    without_url = _URL.sub(" ", text)
    date_match = _DATE.search(without_url)
    years = [int(y) for y in _YEAR.findall(re.sub(r"\[.*?\]", " ", without_url))]
    pages_match = _PAGES.search(without_url)
    authors, title = _authors_and_title(without_url, authors_first=authors_first)
    if not title:
        return None
    chunks = _chunks(without_url)
    event = _event(chunks, authors, title)
    return FoundReference(
        raw_text=raw_text.strip(),
        start_line=start_line,
        end_line=end_line,
        title=title,
        authors=authors,
        event=event,
        place=_place(chunks, event),
        date_text=date_match.group(0) if date_match else (str(years[-1]) if years else ""),
        year=years[-1] if years else None,
        pages=_pages(pages_match),
        url=url,
        document_type=_document_type(text),
        key=reference_key(authors, title),
    )


def _candidates(lines: list[Line]) -> Iterator[_Candidate]:
    in_bibliography = False
    in_source_table = False
    for number, line in enumerate(lines, start=1):
        text = line.text
        if len(text) <= 40 and fold(_MARKUP.sub("", text)) in _BIBLIOGRAPHY_HEADINGS:
            in_bibliography = True
            continue
        if line.kind == "heading":
            in_bibliography = False
            in_source_table = False
        if is_source_header(text):
            in_source_table = True
            continue
        yield from _footnotes(text, number)
        if line.kind == "footnote":
            yield _Candidate(re.sub(r"^\s*\[?\d+[\].)]?\s+", "", text), number, number, "footnote")
            continue
        source = _SOURCE_LINE.match(_MARKUP.sub("", text))
        if source:
            yield _Candidate(source.group(1), number, number, "source")
        elif in_bibliography and _bibliography_entry(text, line):
            yield _Candidate(text, number, number, "bibliography")
        elif in_bibliography:
            in_bibliography = False  # a line that is no entry: the bibliography is over
        elif in_source_table and _is_cell(text, line) and looks_like_source_cell(text):
            end = _cell_end(lines, number)
            cell = " ".join(lines[i - 1].text.strip() for i in range(number, end + 1))
            yield _Candidate(cell, number, end, "table_source")
        elif len(text) <= _MAX_REFERENCE_CHARS and _DOCUMENT_LIST_ENTRY.search(text):
            yield _Candidate(text, number, number, "document_list")


def _footnotes(text: str, number: int) -> Iterator[_Candidate]:
    """Footnotes written inline as « [12: text] » (how some converters keep them)."""
    for match in re.finditer(r"\[(\d+):\s", text):
        depth, end = 1, match.end()
        while end < len(text) and depth:
            depth += {"[": 1, "]": -1}.get(text[end], 0)
            end += 1
        yield _Candidate(text[match.end() : end - 1].strip(), number, number, "footnote")


def _pages(match: re.Match[str] | None) -> str:
    """« 11 p. » even at the end of a reference whose final period was cut off."""
    if match is None:
        return ""
    pages = match.group(0).strip()
    return f"{pages}." if pages.endswith("p") else pages


def _event(chunks: list[str], authors: str, title: str) -> str:
    """The part naming a colloque, study day, assises…, outside the authors and the title
    (« …travail social. Premières préconisations issues des journées du travail social de la
    FNARS » gives « journées du travail social de la FNARS »)."""
    for chunk in chunks:
        if chunk in authors:
            continue
        rest = chunk[len(title) :] if chunk.startswith(title) else chunk
        match = _EVENT_WORDS.search(rest)
        if match:
            return rest[match.start() :].strip(" .;")
    return ""


def is_document_entry(text: str) -> bool:
    """An entry of a list of documents: « Organisation, Titre, 12 p. »."""
    return bool(re.search(r",\s*\d+\s*p\.\s*$", text))


def is_source_header(text: str) -> bool:
    """The head of a table's « SOURCE » column, which plain text keeps as a line of its own."""
    return len(text) <= 10 and fold(text) in ("source", "sources")


def _is_cell(text: str, line: Line) -> bool:
    # Plain text loses the table: in a « SOURCE » table every line may be a cell.
    return line.kind in ("table_row", "paragraph") or text.startswith("\t")


def _cell_end(lines: list[Line], number: int) -> int:
    """A cell cut after a comma goes on over the next line (« Assises interrégion Sud, » /
    « Atelier Compétences des usagers »)."""
    end = number
    while end < len(lines) and end - number < 2 and lines[end - 1].text.rstrip().endswith(","):
        end += 1
    return end


def looks_like_source_cell(text: str) -> bool:
    """A cell of a « SOURCE » column: « DRJSCS Corse, ANSA, Restitution…, EGTS 2014. »,
    « Livrable interrégion Ouest » — it opens with an organisation."""
    stripped = text.strip()
    first = _chunks(stripped)[0] if stripped else ""
    return (
        bool(stripped)
        and len(stripped) < _SOURCE_CELL_CHARS
        and not stripped.endswith(":")
        and bool(_ORGANISATION.match(stripped))
        and len(first.split()) <= 8
        and (" " in stripped or "," in stripped)
    )


def _bibliography_entry(text: str, line: Line) -> bool:
    """A list item of a bibliography, or a line that opens with its authors."""
    stripped = _LEADING.sub("", text.strip())
    listed = line.kind == "list_item" or text.strip()[:1] in "-–—•●·*"
    authored = bool(_authors_and_title(stripped)[0])
    return (listed or authored) and 0 < len(stripped) <= _MAX_REFERENCE_CHARS and "," in stripped


def _surname(authors: str) -> str:
    """The first author's surname, folded: its first word that is not an initial."""
    return next((word for word in fold(authors).split() if len(word) > 1), "")


def _looks_bibliographic(reference: FoundReference) -> bool:
    """A footnote is a reference when it names a source (authors, a quoted title, a URL) and
    dates or locates it; a footnote that explains is not."""
    if reference.url:
        return True
    named = bool(reference.authors) or _LEADING.sub("", reference.raw_text)[:1] in "«“"
    dated = (
        reference.year is not None
        or bool(reference.pages)
        or bool(_OP_CIT.search(reference.raw_text))
    )
    return named and dated


def _chunks(text: str) -> list[str]:
    """Comma-separated parts, not splitting inside parentheses or quotes."""
    chunks, depth, current = [], 0, []
    for char in text:
        if char in "([«“":
            depth += 1
        elif char in ")]»”" and depth:
            depth -= 1
        if char == "," and not depth:
            chunks.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    chunks.append("".join(current).strip())
    return [chunk for chunk in chunks if chunk]


def _authors_and_title(text: str, *, authors_first: bool = False) -> tuple[str, str]:
    chunks = _chunks(text)
    authors: list[str] = []
    index = 0
    while index < len(chunks) - 1:
        chunk = chunks[index]
        if _INITIALS_ONLY.match(chunks[index + 1]) and re.fullmatch(_NAME, chunk):
            # « Ninacs, W. A., … », « Le Bossé, Y. … »: the surname, then the initials.
            authors.append(f"{chunk} {chunks[index + 1]}")
            index += 2
        elif _is_author(chunk, first=index == 0):
            authors.append(chunk)
            index += 1
        else:
            break
    if not authors and authors_first:
        authors, index = [chunks[0]], 1
    if authors and index < len(chunks) and _CONTRIBUTORS.match(chunks[index]):
        # « …, travaux coordonnés par D. Vaneste, C. Routier et J.-P. Cobbaut (Université…), Titre »
        authors.append(chunks[index])
        index += 1
        while index < len(chunks) - 1 and _NAMES_ONLY.fullmatch(chunks[index]):
            authors.append(chunks[index])
            index += 1
    rest = ", ".join(chunks[index:])
    if not authors and len(chunks) > 1 and _PERSON.match(chunks[1]):
        # « Histoire des centres sociaux…, R. DURAND, La Découverte, 2006 »: the title first.
        authors, rest = [chunks[1]], chunks[0]
    quoted = _QUOTED.match(rest)
    if quoted:
        return ", ".join(authors), quoted.group(1).strip(" ,.")
    rest = _OP_CIT.sub("", rest)
    sentence = re.split(r"(?<![A-Z])\.\s+(?=[A-ZÉ])", rest, maxsplit=1)[0]
    title_chunks = _chunks(sentence)[:1]
    for chunk in _chunks(sentence)[1:]:
        # « L’empowerment, une pratique émancipatrice »: a part in lower case goes on the title.
        if not chunk[:1].islower() or _is_tail(chunk):
            break
        title_chunks.append(chunk)
    title = ", ".join(title_chunks).strip(" ,.;:")
    if authors and (not title or _ONLY_TAIL.fullmatch(title) or _EVENT_WORDS.match(title)):
        # « CFDT Santé-Sociaux, 42 p. », « CFDT Santé sociaux, États généraux du travail social »:
        # no title but the organisation's, so that both variants share a key.
        title = ", ".join(authors)
    return ", ".join(authors), title


def _is_author(chunk: str, *, first: bool) -> bool:
    people = re.split(r"\s(?:et|&)\s", chunk)  # « Dinet M. et Thierry M. »
    if all(_PERSON.match(person) for person in people) or re.fullmatch(r"\(.*\)", chunk):
        return True
    words = chunk.split()
    if re.fullmatch(r"[A-ZÉ]{2,}(?:\s[A-ZÉ][\w-]+){0,2}", chunk):
        return True  # a second organisation: « DRJSCS Corse, ANSA, … »
    return (
        first
        and bool(_ORGANISATION.match(chunk))
        and len(words) <= 8
        and not _QUOTED.search(chunk)
        and not _YEAR.search(chunk)
    )


def _is_tail(chunk: str) -> bool:
    """The parts after a title: a date, pages."""
    return bool(_YEAR.search(chunk) or _DATE.search(chunk) or _PAGES.search(chunk))


def _place(chunks: list[str], event: str) -> str:
    for chunk in chunks:
        if fold(chunk) in _PLACES:
            return chunk
    match = _PLACE_IN_TEXT.search(event)
    return match.group(1) if match and fold(match.group(1)) in _PLACES else ""


def _document_type(text: str) -> str:
    return next((name for name, words in _TYPE_WORDS if words.search(text)), "other")
