"""Benchmark of the reminder pass on PostgreSQL (prints figures; not a test).

    python bench/reminders.py [--due 1000] [--tasks 10000] [--runs 3] [--escalation] [--keep]
    python bench/reminders.py --sizes 10000 1000000 [--due 1000]

Creates its own database (BENCH_DATABASE_URL, else DATABASE_URL, else the local server's
`phoihop_bench4`), loads the demo for one obligation, `--due` organisations with a reporter and a head
each, then inserts the tasks with raw SQL (generate_series / unnest), of which `--due` have a reminder
due today, and times passes of `reminders_run` with a fresh connection each (a worker's): finding the due
schedules, recording the inbox entries and deliveries, and handing the emails over. It counts the pass's
queries, then times the sending that a worker does afterwards (to Django's in-memory locmem backend), so
both are seen apart.

- default: one ordinary day (step d-7 of every due task), `--runs` times, medians;
  the last line is `RESULT due=… pass_s=… queries=… send_s=…`.
- `--escalation`: the same number due on an ordinary day and on an escalation day (step o3, which also
  goes to the focal agency, Sở Nội vụ, and the heads); the last line is
  `RESULT escalation_ratio=… due=… queries=…` (medians; the ratio is escalation pass time / ordinary pass
  time, the queries those of the escalation pass).
- `--sizes A B`: the same due work in a table of A and then B tasks (the pass must cost what is due, not
  what exists), with the EXPLAIN of the query that finds due work.

With REDIS_URL set the hand-over goes to that Redis (the queued Celery messages are purged after each
pass: the bench sends in-process instead); without it Celery runs eagerly and the sending falls inside the
pass. The database is dropped at the end unless --keep.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from collections import Counter
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
    os.environ["DJANGO_ENV"] = "test"  # locmem mail
    # With a Redis the pass hands its emails to the broker, as in production; without one Celery is eager.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0" if os.environ.get("REDIS_URL") else "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def base_data(parties: int, periods: int) -> dict:
    """The demo (for an obligation with a real source), plus `parties` organisations each with a reporter
    and a head (thủ trưởng, told on escalation), and `periods` reporting periods."""
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
    for prefix, is_head in (("bench", False), ("benchhead", True)):
        User.objects.bulk_create(
            User(username=f"{prefix}{n}", email=f"{prefix}{n}@phoihop.example", password="!") for n in range(parties)
        )
        users = list(
            User.objects.filter(username__regex=rf"^{prefix}[0-9]+$").order_by("pk").values_list("pk", flat=True)
        )
        Membership.objects.bulk_create(
            Membership(user_id=user, party_id=party, role="reporter", is_head=is_head)
            for user, party in zip(users, party_ids, strict=True)
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
    SELECT CASE WHEN q.j = 1 AND p.i <= %(due)s THEN %(today)s::date + %(offset)s
                ELSE %(today)s::date + 40 + ((p.i + q.j) %% 300)::int END AS due,
           NOT (q.j = 1 AND p.i <= %(due)s) AND (p.i + q.j) %% 5 = 0 AS done
) AS d
"""

LOAD_SCHEDULES = """
INSERT INTO reminders_reminderschedule (task_id, due_date, next_step, next_at, last_step, last_run_at)
SELECT t.id, t.due_date,
       CASE WHEN t.state = 'done' THEN '' WHEN t.due_date = %(today)s::date + %(offset)s THEN %(step)s
            ELSE 'd-30' END,
       CASE WHEN t.state = 'done' THEN NULL
            WHEN t.due_date = %(today)s::date + %(offset)s
                THEN (%(today)s::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
            ELSE (t.due_date - 30)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' END,
       '', NULL
FROM obligations_task t
WHERE t.period_id = ANY(%(periods)s::bigint[])
"""

# The due tasks' step: d-7 on an ordinary day; o3 (the default escalate_after) on an escalation day.
DAYS = {"ordinary": (7, "d-7"), "escalation": (-3, "o3")}


def load(size: int, due: int, base: dict, today: datetime.date, day: str = "ordinary") -> float:
    from django.db import connection, transaction

    parties = base["parties"]
    per_party = max(1, -(-size // len(parties)))
    offset, step = DAYS[day]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE notifications_delivery, notifications_notification, reminders_reminderschedule, "
            "reminders_remindersyncstate, outbox_outboxmessage"
        )
        cursor.execute("DELETE FROM obligations_task WHERE period_id = ANY(%s::bigint[])", [base["periods"]])
        params = {
            "obligation": base["obligation"],
            "parties": parties,
            "periods": base["periods"][:per_party],
            "due": due,
            "today": today,
            "offset": offset,
            "step": step,
        }
        cursor.execute(LOAD_TASKS, params)
        cursor.execute(LOAD_SCHEDULES, params)
        # Tasks of the demo get their schedules too (as the nightly full sync would have done).
        cursor.execute(
            "INSERT INTO reminders_reminderschedule (task_id, due_date, next_step, next_at, last_step) "
            "SELECT id, due_date, '', NULL, '' FROM obligations_task t WHERE NOT EXISTS "
            "(SELECT 1 FROM reminders_reminderschedule s WHERE s.task_id = t.id)"
        )
        cursor.execute(
            "INSERT INTO reminders_remindersyncstate (id, last_task_id) SELECT 1, max(id) FROM obligations_task"
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE obligations_task")
        cursor.execute("VACUUM ANALYZE reminders_reminderschedule")
    return time.perf_counter() - started


def explain_due_query(as_of: datetime.datetime) -> str:
    from reminders.services import BATCH_SIZE, _due_schedules
    from reminders.steps import start_of

    cutoff = start_of(as_of.date() + datetime.timedelta(days=1))
    queryset = _due_schedules(cutoff).select_related("task__obligation", "task__party", "task__period")[:BATCH_SIZE]
    return queryset.explain(analyze=True, buffers=True)


def _purge_broker() -> None:
    from celery import current_app

    if not current_app.conf.task_always_eager:
        current_app.control.purge()


def one_pass(as_of: datetime.datetime) -> dict:
    """One pass on a fresh connection (timed, queries counted), then what a worker sends after it."""
    from django.core import mail
    from django.db import connection

    from notifications.services import deliveries_send, digests_send
    from reminders.services import reminders_run

    connection.close()
    mail.outbox = []
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = reminders_run(as_of=as_of)
        elapsed = time.perf_counter() - started
    _purge_broker()
    started = time.perf_counter()
    sent = deliveries_send(now=as_of).sent + digests_send(now=as_of).sent
    send_seconds = time.perf_counter() - started
    return {
        "seconds": elapsed,
        "queries": len(queries),
        "send_seconds": send_seconds,
        "result": result,
        "sent_after": sent,
        "emails": len(mail.outbox),
        "max_to_one": max(Counter(tuple(m.to) for m in mail.outbox).values(), default=0),
    }


def _report(label: str, run: dict) -> None:
    result = run["result"]
    print(
        f"{label}: pass {run['seconds']:.2f}s, {run['queries']} queries — {result.steps} steps, "
        f"{result.deliveries} deliveries; then the worker's sending {run['send_seconds']:.2f}s; "
        f"{run['emails']} emails in locmem, at most {run['max_to_one']} to one address"
    )


def timed_passes(day: str, args, base: dict, today: datetime.date, as_of: datetime.datetime) -> dict:
    runs = []
    for n in range(args.runs):
        load(args.tasks, args.due, base, today, day)
        run = one_pass(as_of)
        _report(f"{day} #{n + 1}", run)
        runs.append(run)
    return {
        "seconds": statistics.median(run["seconds"] for run in runs),
        "queries": statistics.median(run["queries"] for run in runs),
        "send_seconds": statistics.median(run["send_seconds"] for run in runs),
    }


def size_comparison(args, base: dict, today: datetime.date, as_of: datetime.datetime) -> None:
    from obligations.models import Task

    figures = {}
    for size in args.sizes:
        load_seconds = load(size, args.due, base, today)
        tasks = Task.objects.count()
        plan = explain_due_query(as_of)
        print(f"\n=== {size:,} bench tasks ({tasks:,} in all, loaded in {load_seconds:.1f}s) ===")
        run = one_pass(as_of)
        _report("one pass", run)
        figures[size] = run["seconds"]
        print("EXPLAIN ANALYZE of the due-work query:")
        print(plan)
        again = one_pass(as_of)
        print(f"a second pass the same day: {again['seconds']:.3f}s — {again['result'].steps} steps")
    small, large = args.sizes
    ratio = figures[large] / figures[small]
    print(
        f"\nRESULT: {small:,} tasks: {figures[small]:.2f}s; {large:,} tasks: {figures[large]:.2f}s; "
        f"ratio {ratio:.2f}× (goal < 2×) — {'OK' if ratio < 2 else 'OVER GOAL'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--due", type=int, default=1000, help="reminders due today (one organisation each)")
    parser.add_argument("--tasks", type=int, default=10_000, help="bench tasks in the table")
    parser.add_argument("--runs", type=int, default=3, help="passes per kind of day (medians)")
    parser.add_argument("--escalation", action="store_true", help="compare an escalation day with an ordinary one")
    parser.add_argument("--sizes", type=int, nargs=2, help="compare two table sizes with the same due work")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_URL
    recreate_database(url)
    setup_django(url)
    from django.db import connection

    from reminders.steps import LOCAL_TZ

    try:
        today = datetime.date.today()
        as_of = datetime.datetime.combine(today, datetime.time(7, 0), tzinfo=LOCAL_TZ)
        largest = max(args.sizes) if args.sizes else max(args.tasks, args.due)
        base = base_data(args.due, -(-largest // args.due))
        if args.sizes:
            size_comparison(args, base, today, as_of)
            return
        args.tasks = max(args.tasks, args.due)
        ordinary = timed_passes("ordinary", args, base, today, as_of)
        if not args.escalation:
            print(
                f"\nRESULT due={args.due} pass_s={ordinary['seconds']:.2f} queries={ordinary['queries']:.0f} "
                f"send_s={ordinary['send_seconds']:.2f}"
            )
            return
        escalation = timed_passes("escalation", args, base, today, as_of)
        ratio = escalation["seconds"] / ordinary["seconds"]
        print(
            f"\nordinary day: {ordinary['seconds']:.2f}s, {ordinary['queries']:.0f} queries "
            f"(sending after it {ordinary['send_seconds']:.2f}s); escalation day: {escalation['seconds']:.2f}s, "
            f"{escalation['queries']:.0f} queries (sending after it {escalation['send_seconds']:.2f}s)"
        )
        print(f"RESULT escalation_ratio={ratio:.2f} due={args.due} queries={escalation['queries']:.0f}")
    finally:
        connection.close()
        if not args.keep:
            drop_database(url)


if __name__ == "__main__":
    main()
