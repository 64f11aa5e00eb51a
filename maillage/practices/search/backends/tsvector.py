"""PostgreSQL's binary form of a `tsvector`, as `tsvectorrecv` reads it in a binary COPY, built
with numpy from a document's terms grouped by stem (`IndexDocument.grouped`).

The text form (`'jardin':1A,7C …`) cost the server 240 µs a sheet to parse, more than anything
else in a rebuild; the binary form costs it 35 µs. It is: the number of lexemes (int32), then
for each one its bytes and a NUL, the number of its positions (uint16) and the positions
(uint16: the weight in the top two bits — A 3 for the title, B 2 the summary, C 1 the body —
and the position below). All integers are big-endian. PostgreSQL sorts the lexemes itself
when they do not come in its order."""

from __future__ import annotations

import struct
import weakref
from collections.abc import Iterable

import numpy as np

from maillage.practices.search.analysis import Lexicon
from maillage.practices.search.documents import IndexDocument

# PostgreSQL stores positions past this one as this one, and keeps the first 256 of a lexeme.
LAST_POSITION = 16383
MAX_POSITIONS = 256
_WEIGHT_SHIFT = 14
_TITLE_WEIGHT = 3

# A binary COPY: signature, flags and header extension; each row its number of fields then
# each field's length and bytes; -1 as the number of fields ends it.
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
COPY_TRAILER = b"\xff\xff"
_ROW = struct.Struct(">hiqi")  # 2 fields; 8 bytes of id (bigint), the id; the vector's length


class _Lexemes:
    """The stems of a lexicon as the binary form has them (the bytes and a NUL), with their
    lengths, extended as the lexicon learns stems."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._stems = lexicon.stems
        self.encoded: list[bytes] = []
        self.lengths = np.empty(1 << 12, np.int64)

    def update(self) -> None:
        known = len(self.encoded)
        if new := [stem.encode() + b"\0" for stem in self._stems[known:]]:
            self.encoded += new
            if len(self.encoded) > len(self.lengths):
                grown = np.empty(2 * len(self.encoded), np.int64)
                grown[:known] = self.lengths[:known]
                self.lengths = grown
            self.lengths[known : len(self.encoded)] = [len(lexeme) for lexeme in new]


_lexemes: weakref.WeakKeyDictionary[Lexicon, _Lexemes] = weakref.WeakKeyDictionary()


def _lexemes_of(lexicon: Lexicon) -> _Lexemes:
    found = _lexemes.get(lexicon)
    if found is None:
        found = _lexemes[lexicon] = _Lexemes(lexicon)
    found.update()
    return found


def encode(document: IndexDocument) -> bytes:
    """The `tsvector` of a document's title, summary and body, in binary: each stem with its
    positions, title from 1 then a gap before the summary and another before the body, so that
    a phrase does not run from one part into the next."""
    grouped = document.grouped
    count = len(grouped.stems)
    if not count:
        return bytes(4)
    keys, parts = grouped.stems, grouped.parts
    positions = np.minimum(grouped.places + 1 + parts, LAST_POSITION)
    starts, counts = _groups(keys)
    if count + 2 > LAST_POSITION or counts.max() > MAX_POSITIONS:
        keys, positions, parts = _as_postgresql_keeps(keys, positions, parts, starts, counts)
        starts, counts = _groups(keys)
    entries = (_TITLE_WEIGHT - parts) << _WEIGHT_SHIFT | positions
    return _assembled(keys[starts], starts, counts, entries, _lexemes_of(document.lexicon))


def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of equal keys starts, and its length."""
    first = np.empty(len(keys), bool)
    first[0] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.empty(len(starts), np.int64)
    counts[:-1] = starts[1:] - starts[:-1]
    counts[-1] = len(keys) - starts[-1]
    return starts, counts


def _as_postgresql_keeps(
    keys: np.ndarray,
    positions: np.ndarray,
    parts: np.ndarray,
    starts: np.ndarray,
    counts: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Past `LAST_POSITION`, a stem's positions collapse into one; past `MAX_POSITIONS`
    positions, the others are dropped. (Documents of 16 000 words, or a word 256 times.)"""
    rank = np.arange(len(keys)) - np.repeat(starts, counts)
    keep = rank < MAX_POSITIONS
    keep[1:] &= (keys[1:] != keys[:-1]) | (positions[1:] != positions[:-1])
    return keys[keep], positions[keep], parts[keep]


def _assembled(
    stems: np.ndarray,
    starts: np.ndarray,
    counts: np.ndarray,
    entries: np.ndarray,
    lexemes: _Lexemes,
) -> bytes:
    """The binary form of lexemes `stems`, whose positions are `entries[starts[i]:][:counts[i]]`:
    the lexemes' bytes joined in C, each one's count and positions in one numpy array, the two
    interleaved by numpy (a Python loop over the lexemes took twice as long)."""
    lexeme_count = len(stems)
    names = np.frombuffer(b"".join(map(lexemes.encoded.__getitem__, stems.tolist())), np.uint8)
    # Each lexeme's count then positions, in one big-endian array.
    tails = np.empty(lexeme_count + len(entries), ">u2")
    heads = starts + np.arange(lexeme_count)
    tails[heads] = counts
    in_positions = np.ones(len(tails), bool)
    in_positions[heads] = False
    tails[in_positions] = entries
    # Which bytes of the result are a lexeme's: runs of its length, then of its tail's.
    runs = np.empty(2 * lexeme_count, np.int64)
    runs[0::2] = lexemes.lengths[stems]
    runs[1::2] = 2 + 2 * counts
    is_name = np.zeros(2 * lexeme_count, bool)
    is_name[0::2] = True
    in_names = np.repeat(is_name, runs)
    out = np.empty(4 + len(in_names), np.uint8)
    out[:4] = np.frombuffer(lexeme_count.to_bytes(4, "big"), np.uint8)
    body = out[4:]
    body[in_names] = names
    body[~in_names] = tails.view(np.uint8)
    return out.tobytes()


def copy_data(rows: Iterable[tuple[int, bytes]]) -> bytes:
    """A binary COPY of (id, tsvector) rows."""
    parts = [COPY_HEADER]
    for pk, vector in rows:
        parts += (_ROW.pack(2, 8, pk, len(vector)), vector)
    parts.append(COPY_TRAILER)
    return b"".join(parts)
