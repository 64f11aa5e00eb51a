"""Benchmark the reports of collective actions on a département-scale data set.

    .venv/bin/python benchmarks/actions_reports.py                      # SQLite, var/bench/
    .venv/bin/python benchmarks/actions_reports.py --database-url postgres://USER:PW@HOST:PORT/DB
    .venv/bin/python benchmarks/actions_reports.py --reuse --scale 0.1

Migrates the database it is given (a SQLite file under var/bench/ by default), empties it and
writes one département's collective work: 2 000 actions of 150 carrier organisations on the
communes of one département (the real ones when the territories are loaded, else synthetic
ones), 60 000 participants (about 40 % carrying a funder's eligibility tag), their enrolments,
about 1 000 000 attendance rows, 200 000 time entries, the CAF, the MSA and the département
funding part of the actions. Big tables are written with COPY (PostgreSQL) or executemany
(SQLite), not through model instances. `--scale` multiplies every volume; `--reuse` keeps the
data of an earlier run of the same scale.

It then prints p50 and p95 of the coordinator's dashboard, a funder's report (the CAF, about
half the actions) and one action's report, each beside a baseline measured in the same run: the
same figures computed naively in Python from the rows (run fewer times: it is slow). Last, the
latency of an attendance tap (C's htmx view, through the Django test client) beside a trivial
authenticated page. Targets on PostgreSQL: dashboard and funder report under 300 ms, tap p95
under 50 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")

SEED = 2026
ACTIONS = 2_000
PARTICIPANTS = 60_000
ATTENDANCE = 1_000_000
TIME_ENTRIES = 200_000
CARRIERS = 150
PROFESSIONALS = 400
PERIOD = (date(2026, 1, 1), date(2026, 12, 31))


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reuse", action="store_true", help="garder les données d'un essai")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=30, help="mesures par rapport")
    return parser.parse_args()


ARGS = arguments()
if ARGS.database_url:
    os.environ["DATABASE_URL"] = ARGS.database_url
else:
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    sqlite_file = folder / f"actions-reports-{ARGS.scale:g}.sqlite3"
    if not ARGS.reuse:
        sqlite_file.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{sqlite_file}"

import django  # noqa: E402
from latency import summary, timings  # noqa: E402  (beside this script)

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from maillage.actions.models import (  # noqa: E402
    Activity,
    AgeBand,
    Attendance,
    CollectiveAction,
    EligibilityTag,
    Enrolment,
    Facilitator,
    Funder,
    Participant,
    Presence,
    Session,
    SessionStatus,
    TimeEntry,
)
from maillage.actions.reports.activity import action_report, funder_report  # noqa: E402
from maillage.actions.reports.dashboard import dashboard  # noqa: E402
from maillage.organisations.models import (  # noqa: E402
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from maillage.referential.loading import load_referential  # noqa: E402
from maillage.referential.models import Term  # noqa: E402
from maillage.territories.models import Level, Territory  # noqa: E402


def scaled(count: int) -> int:
    return max(1, round(count * ARGS.scale))


# --- Writing the data set ----------------------------------------------------------------------


def insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Write rows straight into `model`'s table: COPY on PostgreSQL, executemany on SQLite."""
    table = model._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            marks = ", ".join("%s" for _ in columns)
            # Table and column names come from the models, never from input.
            statement = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608
            batch: list[tuple] = []
            for row in rows:
                batch.append(row)
                if len(batch) == 20_000:
                    cursor.executemany(statement, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(statement, batch)
                count += len(batch)
    return count


def geography(rng: random.Random) -> tuple[Territory, list[Territory]]:
    """One département and its communes: the real Pas-de-Calais (or the largest loaded one) if
    the territories are loaded, else 30 synthetic EPCI and 800 communes."""
    departement = None
    counts = Counter(
        Territory.objects.filter(level=Level.COMMUNE).values_list("departement_id", flat=True)
    )
    if counts:
        departement_id, communes = counts.most_common(1)[0]
        if departement_id is not None and communes >= 100:
            departement = Territory.objects.get(pk=departement_id)
    if departement is None:
        region = Territory.objects.create(level=Level.REGION, code="R-BENCH", name="Région banc")
        departement = Territory.objects.create(
            level=Level.DEPARTEMENT, code="D-BENCH", name="Département banc", region=region
        )
        epcis = Territory.objects.bulk_create(
            Territory(
                level=Level.EPCI,
                code=f"E-BENCH-{n}",
                name=f"Communauté de communes {n}",
                departement=departement,
                region=region,
            )
            for n in range(30)
        )
        Territory.objects.bulk_create(
            Territory(
                level=Level.COMMUNE,
                code=f"C-BENCH-{n}",
                name=f"Commune {n}",
                population=int(200 + rng.paretovariate(1.2) * 500),
                departement=departement,
                region=region,
                epci=epcis[n % 30],
            )
            for n in range(800)
        )
    communes = list(Territory.objects.filter(level=Level.COMMUNE, departement=departement))
    print(f"  territoire : {departement.name} ({len(communes)} communes)")
    return departement, communes


def build(rng: random.Random) -> None:
    started = time.perf_counter()
    call_command("flush", interactive=False, verbosity=0)
    load_referential()
    departement, communes = geography(rng)
    weights = [c.population or 1000 for c in communes]
    now = datetime.now(UTC)

    def organisation(name: str, kind: str, territory: Territory | None = None) -> Organisation:
        created = Organisation.objects.create(name=name, kind=kind)
        if territory is not None:
            created.territories.add(territory)
        return created

    council = organisation(
        "Conseil départemental", OrganisationKind.CONSEIL_DEPARTEMENTAL, departement
    )
    caf = organisation("CAF", OrganisationKind.CAF, departement)
    msa = organisation("MSA", OrganisationKind.MSA, departement)
    kinds = [OrganisationKind.CCAS, OrganisationKind.CENTRE_SOCIAL, OrganisationKind.ASSOCIATION]
    carriers = [
        organisation(f"Porteur {n}", kinds[n % 3], rng.choices(communes, weights)[0])
        for n in range(scaled(CARRIERS))
    ]
    carriers.append(council)

    def user(email: str, organisation_: Organisation, role: str) -> User:
        person = User.objects.create(email=email, first_name="Prénom", last_name="Nom")
        Membership.objects.create(user=person, organisation=organisation_, role=role, team="Équipe")
        return person

    user("coordinatrice@bench.example", council, Role.COORDINATOR)
    user("caf@bench.example", caf, Role.PROFESSIONAL)
    professionals = [
        user(f"pro{n}@bench.example", carriers[n % len(carriers)], Role.PROFESSIONAL)
        for n in range(scaled(PROFESSIONALS))
    ]
    by_carrier = defaultdict(list)
    for person, membership in zip(professionals, range(len(professionals)), strict=True):
        by_carrier[carriers[membership % len(carriers)].pk].append(person)
    tags = {
        caf.pk: EligibilityTag.objects.create(organisation=caf, label="Allocataire CAF"),
        council.pk: EligibilityTag.objects.create(
            organisation=council, label="Bénéficiaire du RSA"
        ),
        msa.pk: EligibilityTag.objects.create(organisation=msa, label="Ressortissant MSA"),
    }
    forms = list(Term.objects.in_scheme("isic_form").filter(broader__isnull=True))
    phases = list(Term.objects.in_scheme("phase"))
    statuses = ["active"] * 6 + ["preparation", "suspended", "completed", "handed_over"]

    # Actions, their territory, facilitator and funders.
    action_count = scaled(ACTIONS)
    actions = []
    for pk in range(1, action_count + 1):
        carrier = rng.choice(carriers)
        start = date(2024, 1, 1) + timedelta(days=rng.randrange(900))
        actions.append(
            CollectiveAction(
                pk=pk,
                organisation=carrier,
                title=f"Action collective {pk}",
                isic_form=rng.choices(forms, [1 / (i + 1) for i in range(len(forms))])[0],
                phase=rng.choice(phases),
                status=rng.choice(statuses),
                start_date=start,
                end_date=None
                if rng.random() < 0.5
                else start + timedelta(days=rng.randint(200, 700)),
                created_by=rng.choice(by_carrier[carrier.pk] or professionals),
            )
        )
    with transaction.atomic():
        CollectiveAction.objects.bulk_create(actions, batch_size=2000)
        through = CollectiveAction.territories.through
        insert(
            through,
            ["collectiveaction_id", "territory_id"],
            (
                (action.pk, commune.pk)
                for action in actions
                for commune in {
                    c.pk: c for c in rng.choices(communes, weights, k=rng.choice((1, 1, 2)))
                }.values()
            ),
        )
        facilitators = {}
        for action in actions:
            facilitators[action.pk] = action.created_by_id
        Facilitator.objects.bulk_create(
            [
                Facilitator(action_id=a, user_id=u, function="Travailleur social")
                for a, u in facilitators.items()
            ],
            batch_size=2000,
        )
        funders = []
        for action in actions:
            for funder, share in ((caf, 0.5), (council, 0.4), (msa, 0.1)):
                if rng.random() < share:
                    supported = rng.random() < 0.3
                    funders.append(
                        Funder(
                            action=action,
                            organisation=funder,
                            amount=rng.randrange(1000, 30000, 500),
                            start_date=date(2026, 1, 1) if supported else None,
                            end_date=date(2026, 12, 31) if supported else None,
                        )
                    )
        Funder.objects.bulk_create(funders, batch_size=2000)

    # Participants, their tags and organisations; enrolments (one or two actions each).
    participant_count = scaled(PARTICIPANTS)
    bands = [band for band in AgeBand.values]
    carrier_of = {action.pk: action.organisation_id for action in actions}
    start_of = {action.pk: action.start_date for action in actions}
    enrolled: dict[int, list[int]] = defaultdict(list)
    with transaction.atomic():
        insert(
            Participant,
            ["id", "pseudonym", "age_band", "commune_id", "contact", "created_at", "updated_at"],
            (
                (
                    pk,
                    f"P{pk}",
                    rng.choice(bands),
                    None if rng.random() < 0.1 else rng.choices(communes, weights)[0].pk,
                    "",
                    now,
                    now,
                )
                for pk in range(1, participant_count + 1)
            ),
        )
        tag_rows = []
        for pk in range(1, participant_count + 1):
            draw = rng.random()
            if draw < 0.28:
                tag_rows.append((pk, tags[caf.pk].pk))
            if 0.22 < draw < 0.34:
                tag_rows.append((pk, tags[council.pk].pk))
            if 0.36 < draw < 0.40:
                tag_rows.append((pk, tags[msa.pk].pk))
        insert(
            Participant.eligibility_tags.through, ["participant_id", "eligibilitytag_id"], tag_rows
        )
        enrolments = []
        for pk in range(1, participant_count + 1):
            for action_pk in set(rng.choices(range(1, action_count + 1), k=rng.choice((1, 1, 2)))):
                joined = start_of[action_pk] + timedelta(days=rng.randrange(120))
                left = joined + timedelta(days=rng.randint(60, 400)) if rng.random() < 0.2 else None
                enrolments.append((action_pk, pk, joined, left, "self"))
                enrolled[action_pk].append(pk)
        insert(
            Enrolment,
            ["action_id", "participant_id", "joined_on", "left_on", "referral"],
            enrolments,
        )
        insert(
            Participant.organisations.through,
            ["participant_id", "organisation_id"],
            {(p, carrier_of[a]) for a, p, *_ in enrolments},
        )

    # Sessions (about 1 000 000 attendance rows over the enrolled people), then time entries.
    attendance_target = scaled(ATTENDANCE)
    # Planned, cancelled and anonymous sessions have no rows: a quarter more sessions.
    per_action = 1.25 * attendance_target / max(1, len(enrolments))
    sessions, attendance = [], []
    today = date.today()
    session_pk = 0
    for action in actions:
        people = enrolled[action.pk]
        count = max(1, round(per_action * rng.uniform(0.6, 1.4)))
        for n in range(count):
            session_pk += 1
            day = action.start_date + timedelta(days=7 * n)
            status = SessionStatus.PLANNED if day > today else SessionStatus.HELD
            if status == SessionStatus.HELD and rng.random() < 0.05:
                status = SessionStatus.CANCELLED
            anonymous = status == SessionStatus.HELD and rng.random() < 0.05
            sessions.append(
                (
                    session_pk,
                    action.pk,
                    day,
                    120,
                    "",
                    "",
                    status,
                    rng.randint(5, 20) if anonymous else None,
                    "",
                    now,
                    now,
                )
            )
            if status == SessionStatus.HELD and not anonymous:
                attendance.extend(
                    (session_pk, person, rng.choices(PRESENCES, PRESENCE_WEIGHTS)[0], 1, now)
                    for person in people
                )
    with transaction.atomic():
        insert(
            Session,
            [
                "id",
                "action_id",
                "date",
                "duration_minutes",
                "place",
                "theme",
                "status",
                "headcount",
                "note",
                "created_at",
                "updated_at",
            ],
            sessions,
        )
        insert(
            Attendance,
            ["session_id", "participant_id", "status", "version", "recorded_at"],
            attendance,
        )
        activities = list(Activity.values)
        insert(
            TimeEntry,
            [
                "action_id",
                "user_id",
                "organisation_id",
                "team",
                "date",
                "minutes",
                "activity",
                "comment",
                "created_at",
            ],
            (
                (
                    a.pk,
                    a.created_by_id,
                    a.organisation_id,
                    "Équipe",
                    a.start_date + timedelta(days=rng.randrange(700)),
                    rng.choice((30, 60, 90, 120, 180)),
                    rng.choice(activities),
                    "",
                    now,
                )
                for a in rng.choices(actions, k=scaled(TIME_ENTRIES))
            ),
        )
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [CollectiveAction, Participant, Session, Attendance, TimeEntry, Enrolment]
        ):
            cursor.execute(statement)
        # VACUUM marks the copied pages all-visible, as autovacuum soon does on a live database:
        # without it PostgreSQL cannot answer from the reports' covering indexes alone.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        f"  données écrites en {time.perf_counter() - started:.0f} s : "
        f"{CollectiveAction.objects.count()} actions, {Participant.objects.count()} participants, "
        f"{Enrolment.objects.count()} inscriptions, {Session.objects.count()} séances, "
        f"{Attendance.objects.count()} présences, {TimeEntry.objects.count()} temps"
    )


PRESENCES = [Presence.PRESENT, Presence.ABSENT, Presence.EXCUSED, Presence.UNKNOWN]
PRESENCE_WEIGHTS = [65, 20, 10, 5]


# --- Naive baselines: the same figures from the rows, in Python ------------------------------


def naive_dashboard(user: User) -> dict:
    from maillage.actions.reports.dashboard import area_actions, running_during

    start, end = PERIOD
    ids = set(area_actions(user).filter(running_during(start, end)).values_list("pk", flat=True))
    by_form: Counter = Counter()
    by_phase: Counter = Counter()
    by_status: Counter = Counter()
    for action in CollectiveAction.objects.filter(pk__in=ids).select_related("isic_form", "phase"):
        by_form[action.isic_form.label] += 1
        by_phase[action.phase.label if action.phase else ""] += 1
        by_status[action.status] += 1
    by_territory: dict[int, set[int]] = defaultdict(set)
    for link in CollectiveAction.territories.through.objects.filter(
        collectiveaction_id__in=ids
    ).select_related("territory"):
        by_territory[link.territory.departement_id or link.territory_id].add(
            link.collectiveaction_id
        )
    people = {
        e.participant_id
        for e in Enrolment.objects.filter(action_id__in=ids)
        if e.joined_on <= end and (e.left_on is None or e.left_on >= start)
    }
    held = sum(
        1
        for s in Session.objects.filter(action_id__in=ids)
        if s.status == SessionStatus.HELD and start <= s.date <= end
    )
    by_month: Counter = Counter()
    by_org: Counter = Counter()
    for entry in TimeEntry.objects.filter(action_id__in=ids):
        if start <= entry.date <= end:
            by_month[entry.date.replace(day=1)] += entry.minutes
            by_org[entry.organisation_id] += entry.minutes
    return {"people": len(people), "held": held, "months": by_month, "orgs": by_org}


def naive_funder(
    user: User, funder: Organisation, start: date | None = None, end: date | None = None
) -> dict:
    from maillage.actions import access

    supports = {
        f.action_id: f
        for f in Funder.objects.filter(
            organisation=funder, action__in=access.funder_report_actions(user, funder)
        )
    }
    eligible_people = set(
        Participant.eligibility_tags.through.objects.filter(
            eligibilitytag__organisation=funder
        ).values_list("participant_id", flat=True)
    )

    def inside(action_id: int, day: date) -> bool:
        support = supports[action_id]
        return (
            (support.start_date is None or day >= support.start_date)
            and (support.end_date is None or day <= support.end_date)
            and (start is None or day >= start)
            and (end is None or day <= end)
        )

    people: dict[int, set[int]] = defaultdict(set)
    for e in Enrolment.objects.filter(action_id__in=supports):
        support = supports[e.action_id]
        first = max(filter(None, (support.start_date, start)), default=None)
        last = min(filter(None, (support.end_date, end)), default=None)
        if (last is None or e.joined_on <= last) and (
            first is None or e.left_on is None or e.left_on >= first
        ):
            people[e.action_id].add(e.participant_id)
    held: Counter = Counter()
    presences: Counter = Counter()
    sessions = {s.pk: s for s in Session.objects.filter(action_id__in=supports)}
    for s in sessions.values():
        if s.status == SessionStatus.HELD and inside(s.action_id, s.date):
            held[s.action_id] += 1
    for a in Attendance.objects.filter(session__action_id__in=supports).only(
        "session_id", "status"
    ):
        s = sessions[a.session_id]
        if (
            a.status == Presence.PRESENT
            and s.status == SessionStatus.HELD
            and inside(s.action_id, s.date)
        ):
            presences[s.action_id] += 1
    minutes: Counter = Counter()
    for t in TimeEntry.objects.filter(action_id__in=supports):
        if inside(t.action_id, t.date):
            minutes[t.action_id] += t.minutes
    everyone = set().union(*people.values()) if people else set()
    return {
        "eligible": len(everyone & eligible_people),
        "all": len(everyone),
        "presences": sum(presences.values()),
    }


def naive_action(action: CollectiveAction) -> dict:
    people = {
        e.participant_id: e
        for e in Enrolment.objects.filter(action=action).select_related("participant")
    }
    bands = Counter(e.participant.age_band for e in people.values())
    communes = Counter(e.participant.commune_id for e in people.values())
    presences = sum(
        1
        for a in Attendance.objects.filter(session__action=action).select_related("session")
        if a.status == Presence.PRESENT and a.session.status == SessionStatus.HELD
    )
    minutes = sum(t.minutes for t in TimeEntry.objects.filter(action=action))
    return {
        "people": len(people),
        "bands": bands,
        "communes": communes,
        "presences": presences,
        "minutes": minutes,
    }


# --- Measuring ---------------------------------------------------------------------------------


def measure(
    label: str, run: Callable[[], object], baseline: Callable[[], object], runs: int
) -> float:
    fast = timings(lambda _: run(), list(range(runs)), warm=3)
    # The naive baseline takes seconds to a minute at full scale: three runs, no warm-up.
    slow = timings(lambda _: baseline(), [0, 1, 2], warm=0)
    p50 = statistics.median(fast)
    p95 = summary(label, fast)
    base = summary(f"{label} (base naïve)", slow)
    print(f"  {'':<40} rapport p50 {p50 / statistics.median(slow):.3f}   p95 {p95 / base:.3f}")
    return p95


def attendance_tap(runs: int) -> float:
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    session = (
        Session.objects.filter(
            status=SessionStatus.HELD, headcount__isnull=True, attendances__isnull=False
        )
        .order_by("-date")
        .first()
    )
    worker = User.objects.get(
        pk=Facilitator.objects.filter(action_id=session.action_id).values("user_id")[:1]
    )
    people = list(
        Enrolment.objects.filter(action_id=session.action_id, left_on__isnull=True).values_list(
            "participant_id", flat=True
        )
    )
    client = Client()
    client.force_login(worker)
    url = reverse("actions:attendance", args=[session.action_id, session.pk])
    statuses = [Presence.PRESENT, Presence.ABSENT]

    def tap(n: int) -> None:
        person = people[n % len(people)]
        response = client.post(
            url,
            {"participant": person, f"status-{person}": statuses[(n // len(people)) % 2]},
            headers={"HX-Request": "true"},
        )
        if response.status_code != 200:
            raise RuntimeError(f"pointage refusé : {response.status_code}")

    def page(_: int) -> None:
        response = client.get(reverse("web:account"))
        if response.status_code != 200:
            raise RuntimeError(f"page refusée : {response.status_code}")

    taps = timings(tap, list(range(runs * 5)), warm=5)
    pages = timings(page, list(range(runs * 5)), warm=5)
    p95 = summary("pointage d'une présence (htmx)", taps)
    base = summary("page authentifiée triviale (base)", pages)
    print(f"  {'':<40} rapport p95 {p95 / base:.3f}   ({len(people)} inscrits dans la séance)")
    return p95


def main() -> None:
    call_command("migrate", interactive=False, verbosity=0)
    rng = random.Random(SEED)
    print(f"Base : {connection.vendor}, échelle {ARGS.scale:g}")
    # Other work on the machine slows every figure: the load is printed beside them.
    print("  charge de la machine (1, 5, 15 min) : {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    existing = CollectiveAction.objects.count()
    if ARGS.reuse and existing == scaled(ACTIONS):
        print(f"  données réutilisées ({existing} actions, {Attendance.objects.count()} présences)")
    else:
        build(rng)
    coordinator = User.objects.get(email="coordinatrice@bench.example")
    caf_member = User.objects.get(email="caf@bench.example")
    caf = Organisation.objects.get(name="CAF")
    action = CollectiveAction.objects.annotate(n=models.Count("enrolments")).order_by("-n").first()
    start, end = PERIOD
    runs = ARGS.runs
    board = dashboard(coordinator, start=start, end=end)
    report = funder_report(user=caf_member, funder=caf)
    print(
        f"  tableau de bord : {board.actions} actions, {board.participants} participants, "
        f"{board.sessions_held} séances tenues ; bilan CAF : {len(report.lines)} actions, "
        f"{report.eligible_participants} allocataires sur {report.participants} participants"
    )
    results = {
        "dashboard": measure(
            "tableau de bord (coordinatrice, 2026)",
            lambda: dashboard(coordinator, start=start, end=end),
            lambda: naive_dashboard(coordinator),
            runs,
        ),
        "funder": measure(
            "bilan annuel du financeur (CAF, 2026)",
            lambda: funder_report(user=caf_member, funder=caf, start=start, end=end),
            lambda: naive_funder(caf_member, caf, start, end),
            runs,
        ),
        "funder_all": measure(
            "bilan du financeur (CAF, depuis le début)",
            lambda: funder_report(user=caf_member, funder=caf),
            lambda: naive_funder(caf_member, caf),
            runs,
        ),
        "action": measure(
            "bilan d'une action", lambda: action_report(action), lambda: naive_action(action), runs
        ),
        "tap": attendance_tap(runs),
    }
    print("  charge de la machine (1, 5, 15 min) : {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    targets = {"dashboard": 300, "funder": 300, "tap": 50}
    for name, limit in targets.items():
        verdict = "atteint" if results[name] < limit else "MANQUÉ"
        print(f"  objectif {name} p95 < {limit} ms : {verdict} ({results[name]:.1f} ms)")


if __name__ == "__main__":
    main()
