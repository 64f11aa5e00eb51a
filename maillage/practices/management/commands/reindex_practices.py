from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from maillage.practices.search import reindex_all


class Command(BaseCommand):
    help = "Reconstruit l'index de recherche des fiches publiées et affiche le débit."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        count = reindex_all()
        seconds = time.perf_counter() - started
        rate = count / seconds if seconds else 0.0
        self.stdout.write(f"{count} fiche(s) indexée(s) en {seconds:.2f} s ({rate:.0f} fiches/s).")
