from __future__ import annotations

from django.db import models

from maillage.organisations.models import OrganisationOwned


class Dossier(OrganisationOwned):
    """Stands for any object owned by an organisation (actions, diagnoses…) in access tests."""

    title = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.title
