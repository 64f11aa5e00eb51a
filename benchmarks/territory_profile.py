"""Benchmark territorial profiles on the full French geography with one value per commune for
50 indicators (about 1.75 million values).

    .venv/bin/python benchmarks/territory_profile.py                      # SQLite, var/bench/
    .venv/bin/python benchmarks/territory_profile.py --database-url postgres://USER:PW@HOST:PORT/DB
    .venv/bin/python benchmarks/territory_profile.py --reuse

Migrates the database it is given (a SQLite file under var/bench/ by default), loads the real
territories (`load_territories`) and writes 50 sum indicators with a value in every current
commune (one INSERT … SELECT in the database, not through model instances; a third of them miss
about 2 % of the communes, as statistical secrecy does) and 15 ratios of them, then the national
totals. `--reuse` keeps the data of an earlier run.

It then prints p50 and p95 of a département profile (every département: 65 indicators, with
France), of an EPCI profile (a sample, with its département and France), the total time of every
EPCI's profile at once (`epci_profiles`), each beside a baseline measured in the same run: the
per-EPCI loop of `territory_profile`, and a naive profile that reads each indicator's values as
objects and averages the communes' ratios (run on a few départements: it is slow, and wrong).
Targets: a département profile under 200 ms, all EPCI profiles under 30 s.

Last, it imports a file of 5 indicators for every commune through the real import (reading,
validation report, upsert, national totals) and prints its throughput beside a bare bulk upsert
of the same values (the baseline).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")

SEED = 2015
SUMS = 50
RATIOS = 15
# One indicator in three misses the communes where (commune id × 13 + indicator id) % 50 == 0.
PARTIAL_EVERY = 3
NAIVE_DEPARTEMENTS = 5
EPCI_SAMPLE = 100


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reuse", action="store_true", help="garder les données d'un essai")
    return parser.parse_args()


ARGS = arguments()
if ARGS.database_url:
    os.environ["DATABASE_URL"] = ARGS.database_url
else:
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    sqlite_file = folder / "territory-profile.sqlite3"
    if not ARGS.reuse:
        sqlite_file.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{sqlite_file}"

import django  # noqa: E402
from latency import summary, timings  # noqa: E402  (beside this script)

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from maillage.diagnostics.indicator_files import read_indicator_table  # noqa: E402
from maillage.diagnostics.models import Aggregation, Indicator, IndicatorValue, Theme  # noqa: E402
from maillage.diagnostics.operations.indicators import (  # noqa: E402
    import_indicator_values,
    refresh_ratio_totals,
)
from maillage.diagnostics.profiles import epci_profiles, territory_profile  # noqa: E402
from maillage.territories.loading import load_territories  # noqa: E402
from maillage.territories.models import Level, Territory  # noqa: E402

CODE_PREFIX = "banc_"
IMPORTED = 5


# --- Writing the data set ----------------------------------------------------------------------


def build() -> None:
    started = time.perf_counter()
    IndicatorValue.objects.all().delete()
    Indicator.objects.filter(aggregation=Aggregation.RATIO).delete()
    Indicator.objects.all().delete()
    themes = list(Theme.values)
    sums = Indicator.objects.bulk_create(
        Indicator(
            code=f"{CODE_PREFIX}somme_{n:02d}",
            label=f"Indicateur de banc n° {n}",
            theme=themes[n % len(themes)],
            unit="personnes",
            is_sample=True,
        )
        for n in range(SUMS)
    )
    Indicator.objects.bulk_create(
        Indicator(
            code=f"{CODE_PREFIX}taux_{n:02d}",
            label=f"Taux de banc n° {n}",
            theme=themes[n % len(themes)],
            unit="%",
            aggregation=Aggregation.RATIO,
            numerator=sums[2 * n + 1],
            denominator=sums[2 * n],
            scale=100,
            is_sample=True,
        )
        for n in range(RATIOS)
    )
    values = IndicatorValue._meta.db_table
    territories = Territory._meta.db_table
    indicators = Indicator._meta.db_table
    # Every value in one statement: the ratios' denominators about the population, the other
    # indicators a varying share of it, so that each commune has its own ratio.
    statement = f"""
        INSERT INTO {values} (indicator_id, commune_id, value)
        SELECT i.id, t.id,
               (COALESCE(t.population, 100) + 1) * (1 + (t.id * 31 + i.id * 17) %% 97 / 100.0)
               * CASE WHEN i.id IN (SELECT denominator_id FROM {indicators}) THEN 1.0
                      ELSE 0.05 + (t.id %% 40) / 100.0 END
        FROM {territories} t CROSS JOIN {indicators} i
        WHERE t.level = %s AND t.is_current AND i.aggregation = %s
          AND NOT (i.id %% {PARTIAL_EVERY} = 0 AND (t.id * 13 + i.id) %% 50 = 0)
    """  # noqa: S608  (table names from the models, numbers from this file)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [Level.COMMUNE, Aggregation.SUM])
        totals = IndicatorValue.objects.values("indicator").annotate(
            total=Sum("value"), count=Count("pk")
        )
        for row in totals:
            Indicator.objects.filter(pk=row["indicator"]).update(
                national_total=row["total"], national_count=row["count"]
            )
        refresh_ratio_totals(Indicator.objects.filter(aggregation=Aggregation.RATIO))
    with connection.cursor() as cursor:
        # As autovacuum soon does on a live database: without it PostgreSQL cannot answer from
        # the covering index alone.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        f"  données écrites en {time.perf_counter() - started:.0f} s : "
        f"{IndicatorValue.objects.count()} valeurs, {Indicator.objects.count()} indicateurs"
    )


# --- Naive baseline: objects in Python, ratios averaged ----------------------------------------


def naive_profile(territory: Territory) -> dict[int, float | None]:
    communes = list(Territory.objects.communes_of(territory).values_list("pk", flat=True))
    figures: dict[int, float | None] = {}
    by_indicator: dict[int, dict[int, float]] = {}
    for indicator in Indicator.objects.all():
        if indicator.is_ratio:
            continue
        by_indicator[indicator.pk] = {
            value.commune_id: value.value
            for value in IndicatorValue.objects.filter(indicator=indicator, commune_id__in=communes)
        }
        figures[indicator.pk] = sum(by_indicator[indicator.pk].values())
    for indicator in Indicator.objects.filter(aggregation=Aggregation.RATIO):
        numerators = by_indicator[indicator.numerator_id]
        denominators = by_indicator[indicator.denominator_id]
        ratios = [
            indicator.scale * numerators[commune] / denominators[commune]
            for commune in numerators
            if denominators.get(commune)
        ]
        figures[indicator.pk] = statistics.mean(ratios) if ratios else None
    return figures


# --- Measuring ---------------------------------------------------------------------------------


def query_plan(territory: Territory) -> str:
    with CaptureQueriesContext(connection) as captured:
        territory_profile(territory, compare=False)
    aggregate = next(query["sql"] for query in captured.captured_queries if "SUM(" in query["sql"])
    explain = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
    with connection.cursor() as cursor:
        cursor.execute(f"{explain} {aggregate}")
        lines = [str(row[-1]).strip() for row in cursor.fetchall()]
    return "; ".join(line for line in lines if "SubPlan" not in line)[:400]


def seconds(run: object) -> float:
    started = time.perf_counter()
    run()  # type: ignore[operator]
    return time.perf_counter() - started


def import_throughput() -> tuple[float, float, int]:
    """Seconds of the real import of a wide CSV (5 indicators × every current commune), seconds
    of a bare bulk upsert of the same values, and the number of values."""
    indicators = list(Indicator.objects.filter(aggregation=Aggregation.SUM).order_by("code"))[
        :IMPORTED
    ]
    communes = list(
        Territory.objects.filter(level=Level.COMMUNE, is_current=True).values_list("pk", "code")
    )
    lines = ["CODGEO;" + ";".join(indicator.code for indicator in indicators)]
    lines += [
        f"{code};" + ";".join(f"{(pk * 7 + n) % 5000},5" for n in range(IMPORTED))
        for pk, code in communes
    ]
    data = "\n".join(lines).encode()
    started = time.perf_counter()
    report = import_indicator_values(
        actor=None, table=read_indicator_table(data, "banc.csv"), file_name="banc.csv"
    )
    real = time.perf_counter() - started
    rows = [
        IndicatorValue(indicator=indicator, commune_id=pk, value=(pk * 7 + n) % 5000 + 0.5)
        for pk, _code in communes
        for n, indicator in enumerate(indicators)
    ]
    started = time.perf_counter()
    with transaction.atomic():
        IndicatorValue.objects.bulk_create(
            rows,
            batch_size=5000,
            update_conflicts=True,
            unique_fields=["indicator", "commune"],
            update_fields=["value"],
        )
    bare = time.perf_counter() - started
    return real, bare, report.values_written


def main() -> None:
    call_command("migrate", interactive=False, verbosity=0)
    print(f"Base : {connection.vendor}")
    print("  charge de la machine (1, 5, 15 min) : {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    report = load_territories()
    state = "déjà chargés" if report.skipped else f"{report.created} créés"
    print(f"  territoires : {state} en {report.seconds:.0f} s")
    expected = Territory.objects.filter(level=Level.COMMUNE, is_current=True).count() * SUMS
    existing = IndicatorValue.objects.count()
    if ARGS.reuse and expected * 0.95 < existing <= expected:
        print(f"  données réutilisées ({existing} valeurs)")
    else:
        build()
    departements = list(Territory.objects.filter(level=Level.DEPARTEMENT).order_by("code"))
    epcis = list(Territory.objects.filter(level=Level.EPCI).select_related("departement"))
    sample = random.Random(SEED).sample(epcis, min(EPCI_SAMPLE, len(epcis)))
    pas_de_calais = next(d for d in departements if d.code == "62")
    profile = territory_profile(pas_de_calais)
    print(
        f"  profil du Pas-de-Calais : {profile.communes} communes, {len(profile.rows)} indicateurs"
    )
    print(f"  plan de l'agrégat : {query_plan(pas_de_calais)}")

    print("Profil d'un territoire :")
    departement_p95 = summary(
        f"département ({len(departements)}, France)",
        timings(territory_profile, departements, warm=5),
    )
    summary(
        f"EPCI ({len(sample)}, département et France)",
        timings(territory_profile, sample, warm=5),
    )
    naive_sample = departements[:: max(1, len(departements) // NAIVE_DEPARTEMENTS)][
        :NAIVE_DEPARTEMENTS
    ]
    naive = summary(
        f"département naïf ({len(naive_sample)}, base)",
        timings(naive_profile, naive_sample, warm=0),
    )
    print(f"  {'':<40} rapport p95 {departement_p95 / naive:.3f}")

    print("Profils de toutes les EPCI :")
    grouped = [seconds(epci_profiles) for _ in range(3)]
    loop = seconds(lambda: [territory_profile(epci, compare=False) for epci in epcis])
    all_epcis = statistics.median(grouped)
    print(f"  epci_profiles ({len(epcis)} EPCI)           médiane {all_epcis:8.2f} s (3 essais)")
    print(f"  boucle de territory_profile (base)      {loop:8.2f} s")
    print(f"  {'':<40} rapport {all_epcis / loop:.3f}")
    print("Import d'un fichier (5 indicateurs × toutes les communes) :")
    real, bare, written = import_throughput()
    print(
        f"  import complet (lecture, rapport, écriture)  {real:6.1f} s  {written / real:8.0f} valeurs/s"
    )
    print(
        f"  upsert en bloc seul (base)                   {bare:6.1f} s  {written / bare:8.0f} valeurs/s"
    )
    print(f"  {'':<40} rapport {real / bare:.2f}")
    print("  charge de la machine (1, 5, 15 min) : {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    for label, measured, limit, unit in (
        ("profil de département p95", departement_p95, 200, "ms"),
        ("profils de toutes les EPCI", all_epcis, 30, "s"),
    ):
        verdict = "atteint" if measured < limit else "MANQUÉ"
        print(f"  objectif {label} < {limit} {unit} : {verdict} ({measured:.1f} {unit})")


if __name__ == "__main__":
    main()
