"""The order of the results by relevance, from the word bitmaps (`words.py`).

Each word of the query scores a sheet by the part it is found in — title 10, summary 4, body 1,
the weights bm25 gave these columns — times its rarity (log(1 + sheets / sheets holding it)),
and the scores add up. With at most `KEYED` words, the sheets fall into a few groups of equal
score (each word in the title, the summary, or only the body): the groups are taken best
first, and within a group the latest publication comes first. A page reads only the groups it
needs: no score is computed sheet by sheet, whatever the number of results.

What bm25 added besides — how often a word is repeated, how long the text is — matters little
to short fiches whose title and summary say what they are about, and computing it reads every
matching row (40 ms for a common word at 100 000 sheets, see docs/search.md)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from itertools import product

from maillage.practices.search.bitmaps import Bitmaps
from maillage.practices.search.words import Found

WEIGHTS = (10.0, 4.0, 1.0)  # title, summary, body only
# The rarest words define the groups (3 parts each: 81 groups at most); the others still
# filter the results.
KEYED = 4


def groups(found: int, located: Sequence[Found], everything: int) -> Iterator[int]:
    """The results (`found`) split into groups of equal score, best first."""
    sheets = max(everything.bit_count(), 1)
    keyed = sorted(located, key=lambda f: (f.anywhere & everything).bit_count())[:KEYED]
    choices = []
    for where in keyed:
        rarity = math.log(1 + sheets / max((where.anywhere & everything).bit_count(), 1))
        title = where.title & found
        summary = where.summary & found & ~title
        body = found & ~(title | summary)
        choices.append(
            [
                (rarity * weight, part)
                for weight, part in zip(WEIGHTS, (title, summary, body), strict=True)
            ]
        )
    scored: dict[float, list[tuple[int, ...]]] = {}
    for combination in product(*choices):
        # Rounded: two words of the same rarity in swapped parts make one group.
        score = round(sum(score for score, _ in combination), 9)
        scored.setdefault(score, []).append(tuple(part for _, part in combination))
    for score in sorted(scored, reverse=True):
        group = 0
        for parts in scored[score]:
            bitmap = found
            for part in parts:
                bitmap &= part
                if not bitmap:
                    break
            group |= bitmap
        if group:
            yield group


def page(
    found: int, located: Sequence[Found], index: Bitmaps, offset: int, limit: int
) -> list[int]:
    """`limit` ids of the results in order of relevance, after the first `offset`."""
    ids: list[int] = []
    for group in groups(found, located, index.everything):
        size = group.bit_count()
        if offset >= size:
            offset -= size
            continue
        ids += index.newest(group, offset, limit - len(ids))
        offset = 0
        if len(ids) == limit:
            break
    return ids
