"""The one normal form in which territory names, codes and queries are compared.

« Saint-Étienne-du-Rouvray », « st etienne du rouvray » and « SAINT ETIENNE » all fold to words
of lower-case ASCII letters and digits separated by single spaces.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# Ligatures that Unicode decomposition keeps whole, and typographic apostrophes, which the ASCII
# step would otherwise delete and glue the words together (« d’Ornon » → « dornon »).
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "’": " ", "‘": " ", "ʼ": " "})
# People write « St-Omer » and « Ste-Catherine »; the official names spell them out.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def fold(text: str) -> str:
    """Lower-case ASCII words: no accents, hyphens, apostrophes or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub(" ", ascii_text).strip()


def fold_words(text: str) -> list[str]:
    """The folded words of a name, with « st »/« ste » spelled out."""
    return [_ABBREVIATIONS.get(word, word) for word in fold(text).split()]


def fold_query(text: str) -> str:
    """Fold what a person typed. The last word may be unfinished (« st » may be starting
    « Strasbourg »), so only the words followed by a separator are spelled out."""
    words = fold(text).split()
    if not words:
        return ""
    last_word_finished = not fold(text[-1:])
    complete, unfinished = (words, []) if last_word_finished else (words[:-1], words[-1:])
    return " ".join([_ABBREVIATIONS.get(word, word) for word in complete] + unfinished)
