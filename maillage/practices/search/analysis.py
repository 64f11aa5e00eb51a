"""How text becomes search terms: folded (no accents, lower case), French stop words dropped,
each word reduced to its Snowball French stem.

The same terms go everywhere: the word bitmaps, the SQLite FTS5 tables (FTS5 has no French
stemmer) and the PostgreSQL `tsvector`s (written as literals: what the `french` configuration
with `unaccent` would give, see backends/postgresql.py). Accents are folded before stemming:
« parentalité » and « parentalite » give the same stem. The stop words are PostgreSQL's.
"""

from __future__ import annotations

import threading
import unicodedata

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


def stem(word: str) -> str:
    """The stem of a folded word ("" for a stop word)."""
    key = word.encode()
    found = _stems.get(key)
    return _learn(key) if found is None else found


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
