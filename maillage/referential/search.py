"""Search over the référentiel's labels, other names and definitions, ignoring accents and case.

The référentiel holds a few hundred terms: matching them in Python is instant and behaves the
same on SQLite and PostgreSQL, which fold accents differently.
"""

from __future__ import annotations

import re
import unicodedata

from maillage.referential.models import Term

LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "’": "'"})
NOT_A_WORD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """Lower case, no accents, ligatures spelt out, punctuation as spaces: « Mise en œuvre » →
    « mise en oeuvre »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(LIGATURES))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return NOT_A_WORD.sub(" ", bare).strip()


def search_terms(query: str) -> list[Term]:
    """Active terms with every word of the query; matches on names come before definitions."""
    words = fold(query).split()
    if not words:
        return []
    by_name: list[Term] = []
    by_definition: list[Term] = []
    terms = (
        Term.objects.active()
        .filter(scheme__is_active=True)
        .select_related("scheme")
        .order_by("scheme__position", "position")
    )
    for term in terms:
        names = fold(" ".join([term.label, *term.alt_labels])).split()
        if _all_found(words, names):
            by_name.append(term)
        elif _all_found(words, names + fold(term.definition).split()):
            by_definition.append(term)
    return by_name + by_definition


def _all_found(query_words: list[str], text_words: list[str]) -> bool:
    # Words match from their start, so that « age » finds « âgées » but not « partage ».
    return all(any(word.startswith(query) for word in text_words) for query in query_words)
