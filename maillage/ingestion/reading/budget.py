"""The count of characters a reader has produced, refused past `MAX_TEXT_CHARACTERS` as soon as
it is reached rather than after a hostile file has filled the memory."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..found import UnreadableDocument
from . import limits


def too_much_text() -> UnreadableDocument:
    return UnreadableDocument(
        _(
            "Ce document contient plus de %(characters)s caractères de texte : il est trop long "
            "pour être importé. Découpez-le, puis importez chaque partie."
        )
        % {"characters": f"{limits.MAX_TEXT_CHARACTERS:,}".replace(",", "\u202f")}
    )


class TextBudget:
    def __init__(self) -> None:
        self.characters = 0

    def spend(self, text: str) -> str:
        """`text`, counted; raises `UnreadableDocument` once the document holds too much."""
        self.characters += len(text)
        if self.characters > limits.MAX_TEXT_CHARACTERS:
            raise too_much_text()
        return text
