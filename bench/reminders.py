"""Benchmark of one reminder pass on PostgreSQL (prints figures; not a test).

    .venv/bin/python bench/reminders.py [--keep] [--sizes 10000 1000000] [--due 1000]

Creates its own database (BENCH_DATABASE_URL, default the local server's `phoihop_bench4`), loads the demo
for one obligation, then for each size inserts that many tasks with raw SQL (generate_series / unnest),
of which `--due` have a reminder due today, and times one pass: finding the due schedules, recording the
deliveries and inbox entries, and sending the emails to Django's in-memory (locmem) backend. It prints both
times, their ratio (the goal is under 2×: the pass must cost what is due, not what exists) and the EXPLAIN
of the query that finds due work. The database is dropped at the end unless --keep.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/phoihop_bench4"


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit((parts.scheme.replace("postgres", "postgresql", 1), parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin_url = urlunsplit((parts.scheme.replace("postgres", "postgresql", 1), parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_ENV"] = "test"  # locmem mail, eager Celery: the pass runs here, in this process
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def base_data(parties: int, periods: int) -> dict:
    """The demo (for an obligation with a real source), plus `parties` organisations each with one user,
    and `periods` reporting periods."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from demo.seed import demo_load
    from obligations.models import Obligation, Period
    from regulations.models import Membership, Party

    call_command("migrate", verbosity=0)
    demo_load()
    province = Party.objects.get(code="qn-ubnd")
    obligation = Obligation.objects.filter(title__startswith="Báo cáo đánh giá").first()
    Party.objects.bulk_create(
        Party(
            code=f"bench-{n}",
            name=f"Tổ chức thử {n}",
            short_name=f"TC{n}",
            kind="socio_political",
            level="province",
            parent=province,
        )
        for n in range(parties)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE regulations_party SET path = %s || id || '/' WHERE code LIKE 'bench-%%'", [province.path]
        )
    party_ids = list(Party.objects.filter(code__startswith="bench-").order_by("pk").values_list("pk", flat=True))
    User = get_user_model()
    User.objects.bulk_create(
        User(username=f"bench{n}", email=f"bench{n}@phoihop.example", password="!") for n in range(parties)
    )
    users = list(User.objects.filter(username__startswith="bench").order_by("pk").values_list("pk", flat=True))
    Membership.objects.bulk_create(
        Membership(user_id=user, party_id=party, role="reporter") for user, party in zip(users, party_ids, strict=True)
    )
    Period.objects.bulk_create(
        Period(
            kind="year",
            year=3000 + n,
            quarter=0,
            start=datetime.date(2999 + n, 12, 15),
            end=datetime.date(3000 + n, 12, 14),
        )
        for n in range(periods)
    )
    period_ids = list(Period.objects.filter(year__gte=3000).order_by("year").values_list("pk", flat=True))
    return {"obligation": obligation.pk, "parties": party_ids, "periods": period_ids}


LOAD_TASKS = """
INSERT INTO obligations_task
    (obligation_id, party_id, period_id, nominal_due_date, due_date, deadline, state, completed_at, on_time,
     excused_reason, created_at, updated_at)
SELECT %(obligation)s, p.party_id, q.period_id, d.due, d.due,
       ((d.due + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'),
       CASE WHEN d.done THEN 'done' ELSE 'open' END,
       CASE WHEN d.done THEN now() END,
       CASE WHEN d.done THEN true END,
       '', now(), now()
FROM unnest(%(parties)s::bigint[]) WITH ORDINALITY AS p(party_id, i)
CROSS JOIN unnest(%(periods)s::bigint[]) WITH ORDINALITY AS q(period_id, j)
CROSS JOIN LATERAL (
    SELECT CASE WHEN q.j = 1 AND p.i <= %(due)s THEN %(today)s::date + 7
                ELSE %(today)s::date + 40 + ((p.i + q.j) %% 300)::int END AS due,
           NOT (q.j = 1 AND p.i <= %(due)s) AND (p.i + q.j) %% 5 = 0 AS done
) AS d
"""

LOAD_SCHEDULES = """
INSERT INTO notifications_reminderschedule (task_id, due_date, next_step, next_at, last_step, last_run_at)
SELECT t.id, t.due_date,
       CASE WHEN t.state = 'done' THEN '' WHEN t.due_date = %(today)s::date + 7 THEN 'd-7' ELSE 'd-30' END,
       CASE WHEN t.state = 'done' THEN NULL
            WHEN t.due_date = %(today)s::date + 7 THEN (%(today)s::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
            ELSE (t.due_date - 30)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' END,
       '', NULL
FROM obligations_task t
WHERE t.period_id = ANY(%(periods)s::bigint[])
"""


def load(size: int, due: int, base: dict, today: datetime.date) -> float:
    from django.db import connection, transaction

    parties = base["parties"]
    per_party = size // len(parties)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE notifications_delivery, notifications_notification, notifications_reminderschedule, "
            "notifications_remindersyncstate"
        )
        cursor.execute("DELETE FROM obligations_task WHERE period_id = ANY(%s::bigint[])", [base["periods"]])
        params = {
            "obligation": base["obligation"],
            "parties": parties,
            "periods": base["periods"][:per_party],
            "due": due,
            "today": today,
        }
        cursor.execute(LOAD_TASKS, params)
        cursor.execute(LOAD_SCHEDULES, params)
        # Tasks of the demo get their schedules too (as the nightly full sync would have done).
        cursor.execute(
            "INSERT INTO notifications_reminderschedule (task_id, due_date, next_step, next_at, last_step) "
            "SELECT id, due_date, '', NULL, '' FROM obligations_task t WHERE NOT EXISTS "
            "(SELECT 1 FROM notifications_reminderschedule s WHERE s.task_id = t.id)"
        )
        cursor.execute(
            "INSERT INTO notifications_remindersyncstate (id, last_task_id) SELECT 1, max(id) FROM obligations_task"
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE obligations_task")
        cursor.execute("VACUUM ANALYZE notifications_reminderschedule")
    return time.perf_counter() - started


def explain_due_query(as_of: datetime.datetime) -> str:
    from reminders.services import BATCH_SIZE, _due_schedules
    from reminders.steps import start_of

    cutoff = start_of(as_of.date() + datetime.timedelta(days=1))
    queryset = _due_schedules(cutoff).select_related("task__obligation", "task__party", "task__period")[:BATCH_SIZE]
    return queryset.explain(analyze=True, buffers=True)


def one_pass(as_of: datetime.datetime):
    from django.core import mail

    from reminders.services import reminders_run

    mail.outbox = []
    started = time.perf_counter()
    result = reminders_run(as_of=as_of)
    elapsed = time.perf_counter() - started
    return elapsed, result, len(mail.outbox)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs=2, default=[10_000, 1_000_000])
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    recreate_database(url)
    setup_django(url)
    from django.db import connection

    from reminders.steps import LOCAL_TZ

    try:
        today = datetime.date.today()
        as_of = datetime.datetime.combine(today, datetime.time(7, 0), tzinfo=LOCAL_TZ)
        parties = args.due
        periods = max(args.sizes) // parties
        base = base_data(parties, periods)
        figures = {}
        for size in args.sizes:
            load_seconds = load(size, args.due, base, today)
            from obligations.models import Task

            tasks = Task.objects.count()
            plan = explain_due_query(as_of)
            connection.close()  # a fresh connection, like a worker's
            elapsed, result, emails = one_pass(as_of)
            figures[size] = elapsed
            print(f"\n=== {size:,} bench tasks ({tasks:,} in all, loaded in {load_seconds:.1f}s) ===")
            print(
                f"one pass: {elapsed:.2f}s — {result.steps} steps, {result.deliveries} deliveries, "
                f"{result.sent} sent, {emails} emails in locmem"
            )
            print("EXPLAIN ANALYZE of the due-work query:")
            print(plan)
            second, again, emails_again = one_pass(as_of)
            print(f"a second pass the same day: {second:.3f}s — {again.steps} steps, {emails_again} emails")
        small, large = args.sizes
        ratio = figures[large] / figures[small]
        print(
            f"\nRESULT: {small:,} tasks: {figures[small]:.2f}s; {large:,} tasks: {figures[large]:.2f}s; "
            f"ratio {ratio:.2f}× (goal < 2×) — {'OK' if ratio < 2 else 'OVER GOAL'}"
        )
    finally:
        connection.close()
        if not args.keep:
            drop_database(url)


if __name__ == "__main__":
    main()
