"""Removing participants' first names from free texts (logbook, session notes) before they
leave the group's professionals: in a practice sheet, to readers who do not see participants,
or after a person's erasure."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from maillage.actions import access
from maillage.actions.models import CollectiveAction, Participant
from maillage.organisations.models import User

# A hyphen belongs to the word: « Marie » must not be cut out of « Sainte-Marie ».
WORD_CHARACTER = r"[\w-]"
# Punctuation that may stick to a word of a pseudonym (« Yasmina B. ») without being part of it.
WORD_PUNCTUATION = ".,;:!?()«»\"'’"
# Words of two letters or fewer (initials, « de ») would cut ordinary words out of texts.
SHORTEST_WORD = 3


def name_redactor(names: Iterable[str]) -> Callable[[str], str]:
    """A function replacing each of `names` (whole words, any case) by « [prénom retiré] »."""
    # Longest first, so that « Marie-Claire » goes before « Marie » can cut it in two.
    words = sorted({name.strip() for name in names if len(name.strip()) > 1}, key=len, reverse=True)
    if not words:
        return lambda text: text
    pattern = re.compile(
        rf"(?<!{WORD_CHARACTER})(?:"
        + "|".join(re.escape(word) for word in words)
        + rf")(?!{WORD_CHARACTER})",
        re.IGNORECASE,
    )
    replacement = _("[prénom retiré]")
    return lambda text: pattern.sub(replacement, text)


def participant_name_redactor(pseudonyms: Iterable[str]) -> Callable[[str], str]:
    """Redact each pseudonym whole (« Yasmina B. ») and by each of its words longer than two
    letters (« Yasmina »), the way people write about each other in a group."""
    names: set[str] = set()
    for pseudonym in pseudonyms:
        names.add(pseudonym.strip())
        for word in pseudonym.split():
            word = word.strip(WORD_PUNCTUATION)
            if len(word) >= SHORTEST_WORD:
                names.add(word)
    return name_redactor(names)


def group_redactor(action: CollectiveAction) -> Callable[[str], str]:
    """Redact the names of the action's participants (erased ones no longer have one)."""
    return participant_name_redactor(
        Participant.objects.filter(enrolments__action=action, erased_at__isnull=True)
        .values_list("pseudonym", flat=True)
        .distinct()
    )


def reader_redactor(user: User | AnonymousUser, action: CollectiveAction) -> Callable[[str], str]:
    """The action's free texts as `user` may read them: whole for its professionals, without the
    participants' names for the others (partners, coordinators). Decided at the first non-empty
    text, once, so that a list without texts costs no query."""
    chosen: list[Callable[[str], str]] = []

    def redact(text: str) -> str:
        if not text:
            return text
        if not chosen:
            sees = access.can_see_participants(user, action)
            chosen.append(str if sees else group_redactor(action))
        return chosen[0](text)

    return redact
