# Placeholder written by the lead so the tree imports; the territories engineer replaces it.
from __future__ import annotations

from typing import Any

from django import forms

from maillage.territories.models import Territory


class TerritoryMultipleChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, *, levels: set[str] | None = None, **kwargs: Any) -> None:
        super().__init__(queryset=Territory.objects.all(), **kwargs)
