"""Benchmark the practice search on a large synthetic corpus.

    .venv/bin/python benchmarks/practice_search.py --practices 100000 --queries 200
    .venv/bin/python benchmarks/practice_search.py --database-url postgres://USER:PW@HOST:PORT/DB

Creates a throwaway database (a temporary SQLite file, or a fresh `<name>_bench` database on
the given PostgreSQL server, beside the URL's database `<name>`), migrates it, loads the référentiel, and writes a synthetic corpus:
French text sampled from the référentiel's definitions and, when /work/shared/corpus (or
MAILLAGE_CORPUS) is there, from the 2015 report, so words keep their real frequencies; varied
lengths; forms, themes, publics, départements, scales, periods and organisations drawn with
uneven weights. Sheets go straight to the tables (no workflow) and are indexed by the same code
as `reindex_all`, timed. Then it times the same queries (1 to 3 words, a third with a facet
filter) through `search_practices` with facet counts, through a naive `icontains` baseline
(count and first page, no facets), and through tantivy (pip install -e ".[bench]") over the
same analysed texts with the same facet counts, and prints p50/p95/max and the ratios.

The throwaway database is removed at the end, unless --reuse: then it is kept, and a later run
with --reuse and the same --practices skips writing the corpus (it still re-indexes).
"""

from __future__ import annotations

import argparse
import atexit
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")

SEED = 2015
CORPUS = Path(os.environ.get("MAILLAGE_CORPUS", "/work/shared/corpus"))
TEXT_FIELDS = ("objectives", "description", "feasibility", "means", "results", "evaluation")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--practices", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--skip-tantivy", action="store_true")
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="réutiliser et garder la base d'un essai précédent de même taille",
    )
    return parser.parse_args()


def throwaway_database(url: str, size: int, reuse: bool) -> None:
    if not url:
        folder = Path(tempfile.gettempdir()) if reuse else Path(tempfile.mkdtemp())
        if not reuse:
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / f"maillage-bench-practices-{size}.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return
    import psycopg

    name = bench_name(url)
    with psycopg.connect(url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not (reuse and exists.fetchone()):
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
            admin.execute(f"CREATE DATABASE {name}")
    if not reuse:
        atexit.register(drop_database, url)
    os.environ["DATABASE_URL"] = re.sub(r"/[^/]*$", f"/{name}", url)


def bench_name(url: str) -> str:
    """The throwaway database beside the URL's: several people may share one server."""
    return re.sub(r"\W", "", url.rsplit("/", 1)[-1].split("?")[0]) + "_bench"


def drop_database(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {bench_name(url)}")


ARGS = arguments()
throwaway_database(ARGS.database_url, ARGS.practices, ARGS.reuse)

import django  # noqa: E402
from latency import summary, timings  # noqa: E402  (beside this script)

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Q  # noqa: E402

from maillage.organisations.models import Organisation, OrganisationKind, User  # noqa: E402
from maillage.practices.models import Practice, PracticeRevision, Status  # noqa: E402
from maillage.practices.search import SearchQuery, reindex_all, search_practices  # noqa: E402
from maillage.practices.search.analysis import Lexicon, terms  # noqa: E402
from maillage.practices.search.documents import build_document  # noqa: E402
from maillage.practices.search.facets import isic_ancestors, key_of  # noqa: E402
from maillage.referential.loading import load_referential  # noqa: E402
from maillage.referential.models import Term  # noqa: E402
from maillage.territories.models import Level, Territory  # noqa: E402

WORD = re.compile(r"[A-Za-zÀ-ÿœŒ'-]{2,}")


def vocabulary() -> list[str]:
    """Running words (with repetitions, so sampling keeps their frequencies)."""
    texts = list(Term.objects.values_list("definition", flat=True))
    texts += list(Term.objects.values_list("label", flat=True))
    if CORPUS.is_dir():
        texts += [path.read_text(errors="ignore") for path in sorted(CORPUS.glob("*.txt"))]
    else:
        print(f"  ({CORPUS} absent : vocabulaire du seul référentiel)")
    return [word.strip("'-") for text in texts for word in WORD.findall(text) if len(word) > 2]


def sentence(rng: random.Random, words: list[str], length: int) -> str:
    text = " ".join(rng.choices(words, k=length))
    return text[:1].upper() + text[1:] + "."


def paragraph(rng: random.Random, words: list[str], length: int) -> str:
    sentences, left = [], length
    while left > 0:
        size = min(left, rng.randint(8, 25))
        sentences.append(sentence(rng, words, size))
        left -= size
    return " ".join(sentences)


def geography() -> list[tuple[str, str, str]]:
    """(département code, name, région code): the real codes, synthetic names."""
    codes = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]
    regions = [str(code) for code in (11, 24, 27, 28, 32, 44, 52, 53, 75, 76, 84, 93, 94)]
    rows = [
        (code, f"Département {code}", regions[i % len(regions)]) for i, code in enumerate(codes)
    ]
    Territory.objects.bulk_create(
        [Territory(level=Level.REGION, code=code, name=f"Région {code}") for code in regions]
    )
    region_ids = dict(Territory.objects.filter(level=Level.REGION).values_list("code", "pk"))
    Territory.objects.bulk_create(
        [
            Territory(level=Level.DEPARTEMENT, code=code, name=name, region_id=region_ids[region])
            for code, name, region in rows
        ]
    )
    return rows


def term_dict(term: Term) -> dict[str, str]:
    return {"code": term.code, "label": term.label}


def generate(count: int, rng: random.Random) -> dict:
    words = vocabulary()
    print(f"  vocabulaire : {len(words)} mots courants, {len(set(words))} distincts")
    departements = geography()
    dep_ids = dict(Territory.objects.filter(level=Level.DEPARTEMENT).values_list("code", "pk"))
    author = User.objects.create_user(email="bench@example.org", password="x" * 20)
    kinds = list(OrganisationKind.values)
    Organisation.objects.bulk_create(
        [Organisation(name=f"Organisation {n}", kind=rng.choice(kinds)) for n in range(300)]
    )
    organisations = list(Organisation.objects.values_list("pk", "name", "kind"))
    schemes = {
        scheme: list(Term.objects.in_scheme(scheme))
        for scheme in ("isic_form", "theme", "public", "scale")
    }
    # Uneven popularity, as in real collections: a few forms and themes dominate.
    weights = {scheme: [1 / (i + 1) for i in range(len(t))] for scheme, t in schemes.items()}
    dep_weights = [1 / (i + 1) ** 0.5 for i in range(len(departements))]
    through = {
        name: getattr(Practice, name).through
        for name in ("isic_forms", "themes", "publics", "territories")
    }
    links = {name: [] for name in through}
    practices, revisions = [], []
    start = datetime(2016, 1, 1, tzinfo=UTC)
    for pk in range(1, count + 1):
        forms = set(rng.choices(schemes["isic_form"], weights["isic_form"], k=rng.randint(1, 2)))
        themes = set(rng.choices(schemes["theme"], weights["theme"], k=rng.randint(1, 3)))
        publics = set(rng.choices(schemes["public"], weights["public"], k=rng.randint(0, 2)))
        scale = rng.choice(schemes["scale"])
        deps = set(rng.choices(departements, dep_weights, k=rng.choice((1, 1, 1, 2))))
        orgs = rng.sample(organisations, rng.randint(1, 3))
        started = date(rng.randint(1990, 2025), rng.randint(1, 12), 1)
        text = {
            "title": sentence(rng, words, rng.randint(3, 9))[:-1],
            "summary": paragraph(rng, words, rng.randint(25, 70)),
            **{name: paragraph(rng, words, rng.choice((0, 40, 120, 400))) for name in TEXT_FIELDS},
        }
        content = {
            **text,
            "isic_forms": [term_dict(t) for t in forms],
            "themes": [term_dict(t) for t in themes],
            "publics": [term_dict(t) for t in publics],
            "methods": [],
            "participation_level": None,
            "scale": term_dict(scale),
            "territories": [
                {"level": "departement", "code": c, "name": n, "departements": [c], "regions": [r]}
                for c, n, r in deps
            ],
            "organisations": [
                {"id": o, "name": name, "kind": kind, "role": "carrier"} for o, name, kind in orgs
            ],
            "start_date": started.isoformat(),
            "ongoing": rng.random() < 0.3,
        }
        published = start + timedelta(minutes=pk)
        practices.append(
            Practice(
                pk=pk,
                author=author,
                status=Status.PUBLISHED,
                published_at=published,
                published_revision_id=pk,
                start_date=started,
                **text,
            )
        )
        revisions.append(
            PracticeRevision(
                pk=pk,
                practice_id=pk,
                number=1,
                event="published",
                content=content,
                created_by=author,
            )
        )
        links["isic_forms"] += [(pk, t.pk) for t in forms]
        links["themes"] += [(pk, t.pk) for t in themes]
        links["publics"] += [(pk, t.pk) for t in publics]
        links["territories"] += [(pk, dep_ids[c]) for c, _, _ in deps]
    with transaction.atomic():  # foreign keys are checked at commit
        Practice.objects.bulk_create(practices, batch_size=2000)
        PracticeRevision.objects.bulk_create(revisions, batch_size=2000)
        for name, model in through.items():
            target = "territory_id" if name == "territories" else "term_id"
            model.objects.bulk_create(
                [model(practice_id=p, **{target: t}) for p, t in links[name]], batch_size=5000
            )
    return {"words": words, "schemes": schemes, "departements": departements}


def sample_of_existing() -> dict:
    """What `queries` needs, for a corpus generated by an earlier run."""
    return {
        "words": vocabulary(),
        "schemes": {s: list(Term.objects.in_scheme(s)) for s in ("isic_form", "theme")},
        "departements": list(
            Territory.objects.filter(level=Level.DEPARTEMENT).values_list(
                "code", "name", "region__code"
            )
        ),
    }


def queries(count: int, rng: random.Random, corpus: dict) -> list[SearchQuery]:
    content_words = [w for w in corpus["words"] if len(w) > 3 and terms(w)]
    distinct = sorted(set(content_words))
    departements = sorted(corpus["departements"])
    made = []
    for index in range(count):
        pool = content_words if index % 2 else distinct  # half by frequency, half uniformly
        text = " ".join(rng.sample(pool, rng.choice((1, 1, 2, 2, 3)))) + " "
        filters: dict[str, list[str]] = {}
        match index % 6:
            case 1:
                filters["theme"] = [rng.choice(corpus["schemes"]["theme"]).code]
            case 3:
                filters["departement"] = [rng.choice(departements)[0]]
            case 5:
                filters["isic_form"] = [rng.choice(corpus["schemes"]["isic_form"]).code]
        made.append(SearchQuery(text=text, filters=filters))
    return made


def naive(query: SearchQuery) -> object:
    found = Practice.objects.filter(status=Status.PUBLISHED)
    for word in query.text.split():
        found = found.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(description__icontains=word)
        )
    for facet, values in query.filters.items():
        if facet == "departement":
            found = found.filter(territories__code__in=values)
        elif facet == "isic_form":
            found = found.filter(
                Q(isic_forms__code__in=values) | Q(isic_forms__broader__code__in=values)
            )
        else:
            found = found.filter(themes__code__in=values)
    found = found.distinct()
    return found.count(), list(found.order_by("-published_at")[:20])


def tantivy_runner(count: int) -> Callable[[SearchQuery], object] | None:
    try:
        import tantivy
    except ImportError:
        print('  tantivy absent (pip install -e ".[bench]") : comparaison sautée')
        return None
    builder = tantivy.SchemaBuilder()
    for name in ("title", "summary", "body"):
        builder.add_text_field(name, tokenizer_name="whitespace")
    builder.add_text_field("facets", tokenizer_name="raw", fast=True)
    builder.add_integer_field("id", stored=True, fast=True)
    schema = builder.build()
    folder = tempfile.mkdtemp(prefix="maillage-tantivy-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    index = tantivy.Index(schema, path=folder)
    writer = index.writer(heap_size=256_000_000)
    ancestors, lexicon = isic_ancestors(), Lexicon()
    started = time.perf_counter()
    rows = Practice.objects.values_list("pk", "published_revision__content", "published_at")
    for pk, content, published_at in rows.iterator(chunk_size=2000):
        doc = build_document(pk, content, published_at, ancestors, lexicon)
        title, summary_text, body = doc.analysed
        writer.add_document(
            tantivy.Document(
                id=pk,
                title=title,
                summary=summary_text,
                body=body,
                facets=doc.facets,
            )
        )
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    print(f"  tantivy : {count} fiches indexées en {time.perf_counter() - started:.1f} s")
    searcher = index.searcher()
    boosts = {"title": 10.0, "summary": 4.0, "body": 1.0}
    Occur = tantivy.Occur

    def run(query: SearchQuery) -> object:
        clauses = []
        for stem in terms(query.text):
            fields = [
                (
                    Occur.Should,
                    tantivy.Query.boost_query(tantivy.Query.term_query(schema, f, stem), b),
                )
                for f, b in boosts.items()
            ]
            clauses.append((Occur.Must, tantivy.Query.boolean_query(fields)))
        for facet, values in query.filters.items():
            either = [
                (Occur.Should, tantivy.Query.term_query(schema, "facets", key_of(facet, v)))
                for v in values
            ]
            clauses.append((Occur.Must, tantivy.Query.boolean_query(either)))
        built = tantivy.Query.boolean_query(clauses)
        result = searcher.search(built, limit=20, count=True)
        facets = searcher.aggregate(built, {"f": {"terms": {"field": "facets", "size": 1000}}})
        return result.count, result.hits, facets

    return run


def main() -> None:
    rng = random.Random(SEED)
    print(f"Base : {connection.vendor} ({connection.settings_dict['NAME']})")
    call_command("migrate", verbosity=0)
    load_referential()
    started = time.perf_counter()
    if Practice.objects.count() == ARGS.practices:
        corpus = sample_of_existing()
        print(f"Corpus : {ARGS.practices} fiches de l'essai précédent (--reuse)")
    else:
        corpus = generate(ARGS.practices, rng)
        print(f"Corpus : {ARGS.practices} fiches écrites en {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    indexed = reindex_all()
    seconds = time.perf_counter() - started
    print(
        f"Indexation (reindex_all) : {indexed} fiches en {seconds:.1f} s, {indexed / seconds:.0f} fiches/s"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE practices_searchdocument")
            cursor.execute("VACUUM ANALYZE practices_searchword")
            cursor.execute("VACUUM ANALYZE practices_searchvector")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    asked = queries(ARGS.queries, random.Random(SEED + 1), corpus)
    print(
        f"{len(asked)} requêtes, par exemple : "
        + ", ".join(
            repr(q.text.strip()) + (f" {dict(q.filters)}" if q.filters else "") for q in asked[:6]
        )
    )
    sizes = [search_practices(q).total for q in asked]
    print(f"  résultats par requête : médiane {statistics.median(sizes):.0f}, max {max(sizes)}")

    print("Temps par requête :")
    browse = [SearchQuery(), *(SearchQuery(filters=q.filters) for q in asked if q.filters)]
    summary("Maillage, sans mots (accueil, filtres)", timings(search_practices, browse))
    mine = summary("Maillage (search_practices + facettes)", timings(search_practices, asked))
    if not ARGS.skip_naive:
        slow = summary("naïf (icontains, sans facettes)", timings(naive, asked))
        print(f"Rapport des p95 naïf / Maillage : {slow / mine:.1f}×")
    if not ARGS.skip_tantivy and (run := tantivy_runner(ARGS.practices)):
        fast = summary("tantivy (BM25 + facettes)", timings(run, asked))
        print(f"Rapport des p95 Maillage / tantivy : {mine / fast:.1f}×")


if __name__ == "__main__":
    main()
