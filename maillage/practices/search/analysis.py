"""How text becomes search terms: folded (no accents, lower case), French stop words dropped,
each word reduced to its Snowball French stem.

The same terms go everywhere: the word bitmaps, the SQLite FTS5 tables (FTS5 has no French
stemmer) and the PostgreSQL `tsvector`s (written in binary, see backends/tsvector.py: what the
`french` configuration with `unaccent` would give). Accents are folded before stemming:
« parentalité » and « parentalite » give the same stem. The stop words are PostgreSQL's.
"""

from __future__ import annotations

import threading
import unicodedata

import numpy as np
import snowballstemmer

# PostgreSQL's french.stop (the Snowball list), folded, plus the letters left by elisions
# (« l'île » folds to « l ile »).
STOPWORDS = frozenset(
    [
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "et",
        "eux",
        "il",
        "ils",
        "je",
        "la",
        "le",
        "les",
        "leur",
        "lui",
        "ma",
        "mais",
        "me",
        "meme",
        "mes",
        "moi",
        "mon",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "c",
        "d",
        "j",
        "l",
        "a",
        "m",
        "n",
        "s",
        "t",
        "y",
        "ete",
        "etee",
        "etees",
        "etes",
        "etant",
        "etante",
        "etants",
        "etantes",
        "suis",
        "es",
        "est",
        "sommes",
        "etes",
        "sont",
        "serai",
        "seras",
        "sera",
        "serons",
        "serez",
        "seront",
        "serais",
        "serait",
        "serions",
        "seriez",
        "seraient",
        "etais",
        "etait",
        "etions",
        "etiez",
        "etaient",
        "fus",
        "fut",
        "fumes",
        "futes",
        "furent",
        "sois",
        "soit",
        "soyons",
        "soyez",
        "soient",
        "fusse",
        "fusses",
        "fut",
        "fussions",
        "fussiez",
        "fussent",
        "ayant",
        "ayante",
        "ayantes",
        "ayants",
        "eu",
        "eue",
        "eues",
        "eus",
        "ai",
        "as",
        "avons",
        "avez",
        "ont",
        "aurai",
        "auras",
        "aura",
        "aurons",
        "aurez",
        "auront",
        "aurais",
        "aurait",
        "aurions",
        "auriez",
        "auraient",
        "avais",
        "avait",
        "avions",
        "aviez",
        "avaient",
        "eut",
        "eumes",
        "eutes",
        "eurent",
        "aie",
        "aies",
        "ait",
        "ayons",
        "ayez",
        "aient",
        "eusse",
        "eusses",
        "eussions",
        "eussiez",
        "eussent",
    ]
)

_local = threading.local()


def _stemmer() -> snowballstemmer.stemmer:
    # Snowball stemmers keep the word being stemmed in the instance: one per thread.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("french")
    return stemmer


# Folded word (ASCII bytes, as `_folded` splits them) -> stem, or "" for a stop word. A corpus
# repeats a few thousand words, so the indexer looks each one up far more often than it stems it.
_STOPWORD_BYTES = frozenset(word.encode() for word in STOPWORDS)
_stems: dict[bytes, str] = dict.fromkeys(_STOPWORD_BYTES, "")
_MAX_STEMS = 500_000


# Longer « words » are no words (codes, pasted links, runs of letters): ignored like stop words,
# which also bounds every stem the word index stores.
MAX_WORD = 60


def _learn(word: bytes) -> str:
    if len(_stems) >= _MAX_STEMS:
        _stems.clear()
        _stems.update(dict.fromkeys(_STOPWORD_BYTES, ""))
    ignored = word in _STOPWORD_BYTES or len(word) > MAX_WORD
    found = _stems[word] = "" if ignored else _stemmer().stemWord(word.decode())
    return found


def _stem_of(word: bytes) -> str:
    found = _stems.get(word)
    return _learn(word) if found is None else found


def stem(word: str) -> str:
    """The stem of a folded word ("" for a stop word)."""
    return _stem_of(word.encode())


def _folding_table() -> bytes:
    """Windows-1252 byte -> its lower-case unaccented ASCII letter or digit, else a space."""
    table = bytearray(b" " * 256)
    for byte in range(256):
        char = bytes([byte]).decode("cp1252", errors="ignore")
        base = unicodedata.normalize("NFKD", char.lower()).encode("ascii", "ignore").decode()
        if len(base) == 1 and base.isascii() and base.isalnum():
            table[byte] = ord(base)
    return bytes(table)


_FOLDING = _folding_table()
_LIGATURES = (("œ", "oe"), ("Œ", "oe"), ("æ", "ae"), ("Æ", "ae"), ("ß", "ss"))


def _folded(text: str) -> bytes:
    """The text in lower-case ASCII letters and digits, accents dropped, any other sign (’ « –
    …) a space.

    The same words as `maillage.territories.folding.fold`, through one byte table instead of
    Unicode decomposition, five times faster: the indexer folds every sheet of the collection.
    French fits in Windows-1252; other letters (ł, ș, ź…) take the slower way."""
    for ligature, letters in _LIGATURES:
        if ligature in text:
            text = text.replace(ligature, letters)
    try:
        encoded = text.encode("cp1252")
    except UnicodeEncodeError:
        decomposed = unicodedata.normalize("NFKD", text)
        bare = "".join(char for char in decomposed if not unicodedata.combining(char))
        encoded = bare.encode("cp1252", errors="replace")
    return encoded.translate(_FOLDING)


def folded_words(text: str) -> list[str]:
    """Lower-case ASCII words: accents dropped, any other sign separates words."""
    return _folded(text).decode("ascii").split()


def terms(text: str) -> list[str]:
    """The stems of the words of `text` that carry meaning, in order."""
    words = _folded(text).split()  # bytes: splitting them is a third faster than text
    stems = list(map(_stems.get, words))  # whole-list operations: this runs on every word
    if None in stems:
        stems = [
            _learn(word) if found is None else found
            for word, found in zip(words, stems, strict=True)
        ]
    return list(filter(None, stems))


class Lexicon:
    """Numbers for stems, in the order first met: a rebuild handles each sheet's terms as an
    array of stem numbers (`numbers`), which the word bitmaps and the PostgreSQL vectors group
    with numpy. Every word is looked up in one dict, a loop in C; as lists of strings, analysing
    and grouping the terms took half the time of preparing a sheet."""

    def __init__(self) -> None:
        self.stems: list[str] = []  # number -> stem
        self._numbers: dict[str, int] = {}
        self._words = _WordNumbers(self)

    def number(self, stem: str) -> int:
        found = self._numbers.get(stem)
        if found is None:
            found = self._numbers[stem] = len(self.stems)
            self.stems.append(stem)
        return found

    def numbers(self, text: str) -> np.ndarray:
        """The numbers of the stems of `text`, in order: `terms(text)` as numbers."""
        words = _folded(text).split()
        found = np.fromiter(map(self._words.__getitem__, words), np.int64, len(words))
        return found[found >= 0]


class _WordNumbers(dict[bytes, int]):
    """Folded word -> the number of its stem, -1 for a word that has none (a stop word)."""

    def __init__(self, lexicon: Lexicon) -> None:
        super().__init__()
        self._lexicon = lexicon

    def __missing__(self, word: bytes) -> int:
        found = _stem_of(word)
        number = self[word] = self._lexicon.number(found) if found else -1
        return number
