"""Benchmark the territory picker's search on the full French geography.

    .venv/bin/python benchmarks/territory_search.py              # SQLite file in the temp folder
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/territory_search.py

Loads the territories if needed (the load is skipped when already done), then times the picker
query on 200 realistic prefixes — the first 2 to 6 letters of random commune names, some
without their accents, some starting at a later word, some postal codes — and the same prefixes
through a naive `name__icontains` search, and prints p50, p95 and max in milliseconds.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
# Never the development database: a file of its own in the temporary folder, kept between runs.
os.environ.setdefault(
    "DATABASE_URL",
    f"sqlite:///{Path(tempfile.gettempdir()) / 'maillage-benchmark-territories.sqlite3'}",
)

import django
from latency import summary, timings

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from maillage.territories.loading import load_territories  # noqa: E402
from maillage.territories.models import Level, Territory  # noqa: E402
from maillage.territories.search import search_territories  # noqa: E402

QUERIES = 200
SEED = 2015


def without_accents(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def realistic_queries(count: int, rng: random.Random) -> list[str]:
    communes = list(
        Territory.objects.filter(level=Level.COMMUNE)
        .order_by("code")
        .values_list("name", "postal_codes")
    )
    queries = []
    for index in range(count):
        name, postal_codes = rng.choice(communes)
        length = rng.randint(2, 6)
        words = name.replace("-", " ").replace("'", " ").split()
        match index % 10:
            case 0 | 1 if postal_codes:
                queries.append(rng.choice(postal_codes)[: rng.randint(2, 5)])
            case 2 | 3:
                queries.append(without_accents(name)[:length].lower())
            case 4 if len(words) > 1:
                queries.append(rng.choice(words[1:])[:length])
            case _:
                queries.append(name[:length])
    return queries


def picker(query: str) -> object:
    return search_territories(query, limit=10)


def naive(query: str) -> object:
    return list(Territory.objects.filter(name__icontains=query).order_by("-population")[:10])


def main() -> None:
    print(f"Base : {connection.vendor} ({connection.settings_dict['NAME']})")
    call_command("migrate", verbosity=0)
    report = load_territories()
    state = "déjà chargés" if report.skipped else f"{report.created} créés"
    print(f"Territoires : {state} en {report.seconds:.1f} s")
    print(
        f"  {Territory.objects.count()} territoires, dont "
        f"{Territory.objects.filter(level=Level.COMMUNE).count()} communes"
    )

    queries = realistic_queries(QUERIES, random.Random(SEED))
    print(f"{len(queries)} requêtes, par exemple : {', '.join(repr(q) for q in queries[:12])}")

    with CaptureQueriesContext(connection) as captured:
        search_territories("arra", limit=10)
    explain = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
    with connection.cursor() as cursor:
        cursor.execute(f"{explain} {captured.captured_queries[0]['sql']}")
        plan = "; ".join(str(row[-1]).strip() for row in cursor.fetchall())
    print(f"Plan de la recherche : {plan}")

    print("Temps par requête :")
    fast = summary("sélecteur (search_territories)", timings(picker, queries, warm=20))
    slow = summary("naïf (name__icontains)", timings(naive, queries, warm=20))
    print(f"Rapport des p95 naïf / sélecteur : {slow / fast:.1f}×")


if __name__ == "__main__":
    main()
