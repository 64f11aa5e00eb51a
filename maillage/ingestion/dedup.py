"""Is a drafted sheet one we already hold? A candidate close to an existing practice sheet or to
another candidate is flagged with its match (`similar_practice` / `similar_candidate`,
`similarity`, status « doublon probable »), so that a documentalist merges instead of writing the
same practice twice.

The score (0–100) is rapidfuzz's `token_set_ratio` on the titles folded without their
articles and prepositions (`_title_words`), plus a bonus for each territory and organisation both
name:

- `token_set_ratio` scores 100 when the words of one title are all in the other (« Jardin de
  Saint-Caprais » / « Le jardin partagé de Saint-Caprais »), which is how reports shorten or
  lengthen the name of one action. A one-word title would match every title holding the word, so
  it is compared whole (`ratio`) instead.
- Sharing a territory adds `TERRITORY_BONUS` (twice at most), an organisation
  `ORGANISATION_BONUS`: two « Groupe de parents » in the same commune are more likely one action
  than two in different départements.
- Sheets are often titled « Name » : what it does (« « 100 jours 100 % gagnants » : des adultes
  volontaires parrainent… »), reports name the action alone: the name before the colon is
  compared too, and the better score kept (`_title_forms`).
- `THRESHOLD` (90): a name shortened, lengthened or respelled (accents, hyphens, articles)
  scores 90 to 100; different actions sharing words score less (« Atelier cuisine des parents » /
  « Atelier d'écriture des parents » 81, « Groupe de parents du quartier nord » / « Groupe de
  jeunes du quartier nord » 87) unless they also share their territory. The tests hold both
  sides.

Candidates are never found by a loop over every sheet: the practices search index (published
sheets) returns the few whose title and summary share the title's key words, and stored
candidates are narrowed by their title's words in SQL; only those few are scored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from rapidfuzz import fuzz

from maillage.ingestion.found import CandidateDraft
from maillage.ingestion.models import CandidatePractice, CandidateStatus, Document
from maillage.practices.models import Practice
from maillage.practices.search.similar import sharing, title_key_words
from maillage.territories.folding import fold

THRESHOLD = 90.0
TERRITORY_BONUS = 5.0
ORGANISATION_BONUS = 5.0
SHORT_TITLE_WORDS = 1
# Words that make two titles look alike without saying anything of the action.
STOP_WORDS = frozenset(
    {"a", "au", "aux", "avec", "d", "dans", "de", "des", "du", "en", "et", "l", "la"}
    | {"le", "les", "par", "pour", "sur", "un", "une"}
)
# How many sheets or candidates the cheap prefilter hands to the scoring.
PREFILTER_LIMIT = 20
# The longest words of a title are the rarest as a rule: they narrow the prefilter most.
KEY_WORDS = 4
MIN_KEY_WORD_LENGTH = 4


def _title_words(title: str) -> str:
    return " ".join(word for word in fold(title).split() if word not in STOP_WORDS)


def _title_forms(title: str) -> tuple[str, ...]:
    """The whole title and, when it has one, its name before the colon, as compared."""
    whole = _title_words(title)
    head = _title_words(title.split(":", 1)[0]) if ":" in title else ""
    return (whole, head) if head and head != whole else (whole,)


@dataclass(frozen=True)
class Comparable:
    """What the score compares: folded title forms, territory codes, folded organisation
    names."""

    titles: tuple[str, ...]
    territories: frozenset[str]
    organisations: frozenset[str]

    @classmethod
    def of_draft(cls, draft: CandidateDraft) -> Comparable:
        return cls(
            _title_forms(draft.title),
            frozenset(f"{place.level}:{place.code}" for place in draft.places),
            frozenset(fold(item.get("name", "")) for item in draft.organisations) - {""},
        )


def _title_score(one: str, other: str) -> float:
    short = min(len(one.split()), len(other.split())) <= SHORT_TITLE_WORDS
    return (fuzz.ratio if short else fuzz.token_set_ratio)(one, other)


def score(one: Comparable, other: Comparable) -> float:
    """How alike two sheets are, 0–100 (see the module's note)."""
    base = max(
        (_title_score(a, b) for a in one.titles for b in other.titles if a and b), default=0.0
    )
    if not base:
        return 0.0
    bonus = TERRITORY_BONUS * min(2, len(one.territories & other.territories))
    if one.organisations & other.organisations:
        bonus += ORGANISATION_BONUS
    return min(100.0, base + bonus)


def _best(
    draft: Comparable, rows: Sequence[tuple[object, Comparable]]
) -> tuple[object, float] | None:
    scored = [(row, score(draft, comparable)) for row, comparable in rows]
    scored = [pair for pair in scored if pair[1] >= THRESHOLD]
    return max(scored, key=lambda pair: pair[1]) if scored else None


def similar_practice(draft: CandidateDraft) -> tuple[Practice, float] | None:
    """The published sheet most like `draft`, with its score, when it reaches the threshold."""
    words = title_key_words(draft.title)[:KEY_WORDS]
    if not words:
        return None
    if not (ids := sharing(words, PREFILTER_LIMIT)):
        return None
    practices = Practice.objects.filter(pk__in=ids).prefetch_related("territories", "organisations")
    rows = [
        (
            practice,
            Comparable(
                _title_forms(practice.title),
                frozenset(f"{t.level}:{t.code}" for t in practice.territories.all()),
                frozenset(fold(o.name) for o in practice.organisations.all()),
            ),
        )
        for practice in practices
    ]
    return _best(Comparable.of_draft(draft), rows)  # type: ignore[return-value]


def similar_candidate(
    draft: CandidateDraft, *, among: QuerySet[Document]
) -> tuple[CandidatePractice, float] | None:
    """The stored candidate (of another document among `among`, still open or accepted) most
    like `draft`. `among` is the documents of the same owner: a match with another
    organisation's candidate would show its title to people who may not read it."""
    words = [word for word in draft.title.split() if len(fold(word)) >= MIN_KEY_WORD_LENGTH]
    words = sorted(set(words), key=lambda word: (-len(word), word))[:KEY_WORDS]
    if not words:
        return None
    matching = Q()
    for word in words:
        matching |= Q(title__icontains=word.strip(".,;:!?«»()\"'"))
    stored = (
        CandidatePractice.objects.filter(matching, document__in=among)
        .exclude(status__in=[CandidateStatus.REJECTED, CandidateStatus.MERGED])
        .prefetch_related("territories")
        .order_by("-pk")[:PREFILTER_LIMIT]
    )
    rows = [
        (
            candidate,
            Comparable(
                _title_forms(candidate.title),
                frozenset(f"{t.level}:{t.code}" for t in candidate.territories.all()),
                frozenset(fold(item.get("name", "")) for item in candidate.organisations) - {""},
            ),
        )
        for candidate in stored
    ]
    return _best(Comparable.of_draft(draft), rows)  # type: ignore[return-value]


def similar_drafts(drafts: Sequence[CandidateDraft]) -> dict[int, tuple[int, float]]:
    """Within one document: for each draft that repeats an earlier one, {its index: (the earlier
    draft's index, score)}. Only drafts sharing a title word are scored."""
    comparables = [Comparable.of_draft(draft) for draft in drafts]
    by_word: dict[str, list[int]] = defaultdict(list)
    found: dict[int, tuple[int, float]] = {}
    for index, comparable in enumerate(comparables):
        earlier = {
            other
            for word in set(comparable.titles[0].split())
            if len(word) >= MIN_KEY_WORD_LENGTH
            for other in by_word[word]
        }
        best = _best(comparable, [(other, comparables[other]) for other in sorted(earlier)])
        if best is not None:
            found[index] = best  # type: ignore[assignment]
        for word in set(comparable.titles[0].split()):
            by_word[word].append(index)
    return found
