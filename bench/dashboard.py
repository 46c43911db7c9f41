"""Benchmark (a): the dashboard of a big province on PostgreSQL. Prints figures; not a test.

    python bench/dashboard.py [--parties 3000] [--periods 5] [--obligations 10] [--runs 5]

3,000 parties × 5 yearly periods × 10 obligations = 150,000 tasks, in a mix of statuses. Measures the
whole page (GET /reports/ as Sở Nội vụ: grouped counts, the tree roll-up, the matrix, the overdue list,
the month calendar, the chart) and the selector alone: median time and number of queries.

Uses its own database (PHOIHOP_BENCH_DB, default postgres://postgres@127.0.0.1:5432/phoihop_bench5),
created if missing and filled once (a second run with the same sizes reuses it). bench/export.py and
bench/pdf.py import the helpers below.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/phoihop_bench5"


def setup_django(db_url: str | None = None) -> None:
    """Point the settings at the bench database (created if missing), migrate, and start Django."""
    db_url = db_url or os.environ.get("PHOIHOP_BENCH_DB", DEFAULT_DB)
    base, name = db_url.rsplit("/", 1)
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_ENV", "development")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def create_province(tag: str, name: str):
    """A province's People's Committee and its Sở Nội vụ as the focal agency (bench data)."""
    from regulations.models import Party

    root = Party.objects.create(
        code=f"{tag}-root",
        name=f"Ủy ban nhân dân tỉnh {name}",
        short_name=f"UBND tỉnh {name}",
        kind="state",
        level="province",
        is_jurisdiction=True,
    )
    focal = Party.objects.create(
        code=f"{tag}-snv",
        name=f"Sở Nội vụ tỉnh {name}",
        short_name=f"SNV {name}",
        kind="state",
        level="province",
        parent=root,
    )
    Party.objects.filter(pk=root.pk).update(focal_agency=focal)
    root.refresh_from_db()
    return root, focal


def build_world(parties: int, periods: int, obligations: int) -> dict:
    """A province (root jurisdiction + focal agency), `parties` organisations under district jurisdictions
    of 100, `obligations` yearly report obligations and their tasks for `periods` years. Idempotent."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from obligations.models import Obligation, Period, Task, end_of_day
    from regulations.models import Membership, Party, Regulation

    tag = f"bench-{parties}-{periods}-{obligations}"
    User = get_user_model()
    root = Party.objects.filter(code=f"{tag}-root").first()
    years = list(range(2021, 2021 + periods))
    if root is not None:
        user = User.objects.get(username=f"{tag}-focal")
        return {"root": root, "user": user, "years": years, "tag": tag}
    random.seed(5)
    started = time.perf_counter()
    with transaction.atomic():
        root, focal = create_province(tag, "Thử Tải")
        districts = []
        for d in range((parties + 99) // 100):
            districts.append(
                Party.objects.create(
                    code=f"{tag}-d{d}",
                    name=f"Ủy ban nhân dân huyện Thử {d}",
                    short_name=f"UBND huyện {d}",
                    kind="state",
                    level="district",
                    parent=root,
                    is_jurisdiction=True,
                )
            )
        kinds = ["socio_political", "front", "state", "party_committee"]
        orgs = Party.objects.bulk_create(
            [
                Party(
                    code=f"{tag}-o{n}",
                    name=f"Hội Nông dân xã Thử Tải số {n}",
                    short_name=f"HND {n}",
                    kind=kinds[n % 4],
                    level="commune",
                    parent=districts[n // 100],
                    search_text=f"hoi nong dan {n}",
                )
                for n in range(parties)
            ],
            batch_size=2000,
        )
        for org in orgs:
            org.path = f"{districts[int(org.code.rsplit('o', 1)[1]) // 100].path}{org.pk}/"
        Party.objects.bulk_update(orgs, ["path"], batch_size=2000)
        regulation = Regulation.objects.create(
            number_symbol=f"{tag}/QCPH", title="Quy chế thử tải", issuer=root, term_start=years[0], term_end=years[-1]
        )
        obligation_rows = [
            Obligation.objects.create(
                title=f"Báo cáo thử tải {k}",
                source_regulation=regulation,
                owed_to=root,
                recurrence="yearly",
                due_day=15,
                due_month=12,
                deliverable="report",
                applies_from=datetime.date(years[0], 1, 1),
                applies_to=datetime.date(years[-1], 12, 31),
            )
            for k in range(obligations)
        ]
        period_rows = []
        for year in years:
            start, end = Period.bounds("year", year)
            period_rows.append(
                Period.objects.get_or_create(kind="year", year=year, quarter=0, defaults={"start": start, "end": end})[
                    0
                ]
            )
        tz = datetime.timezone(datetime.timedelta(hours=7))
        batch = []
        for period in period_rows:
            due = datetime.date(period.year, 12, 15)
            for obligation in obligation_rows:
                for org in orgs:
                    roll = random.random()
                    task = Task(
                        obligation=obligation,
                        party=org,
                        period=period,
                        nominal_due_date=due,
                        due_date=due,
                        deadline=end_of_day(due),
                    )
                    if roll < 0.6:
                        task.state, task.on_time = "done", True
                        task.completed_at = datetime.datetime(period.year, 12, 10, 9, tzinfo=tz)
                    elif roll < 0.75:
                        task.state, task.on_time = "done", False
                        task.completed_at = datetime.datetime(period.year, 12, 20, 9, tzinfo=tz)
                    elif roll < 0.78:
                        task.state, task.excused_reason = "excused", "Miễn thử tải"
                    elif roll < 0.82:
                        task.state = "submitted"
                    batch.append(task)
                    if len(batch) >= 5000:
                        Task.objects.bulk_create(batch)
                        batch = []
        Task.objects.bulk_create(batch)
        user = User.objects.create_user(f"{tag}-focal", password="bench-only-not-a-secret")
        Membership.objects.create(user=user, party=focal, role="focal")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"built {tag}: {Task.objects.filter(party__path__startswith=root.path).count()} tasks "
        f"in {time.perf_counter() - started:.1f}s"
    )
    return {"root": root, "user": user, "years": years, "tag": tag}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parties", type=int, default=3000)
    parser.add_argument("--periods", type=int, default=5)
    parser.add_argument("--obligations", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    world = build_world(args.parties, args.periods, args.obligations)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from reports.selectors import DashboardFilters, dashboard

    user = world["user"]
    client = Client()
    client.force_login(user)
    url = reverse("reports:dashboard")
    params = {"jurisdiction": world["root"].pk}

    def measure(label, call):
        times, queries = [], 0
        call()  # warm up
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                call()
                times.append(time.perf_counter() - started)
            queries = len(captured)
        print(
            f"{label}: median {statistics.median(times) * 1000:.0f} ms "
            f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}) over {args.runs} runs, {queries} queries"
        )

    from obligations.models import Task

    total = Task.objects.filter(party__path__startswith=world["root"].path).count()
    print(
        f"dashboard: {args.parties} parties × {args.periods} periods × {args.obligations} obligations "
        f"= {total} tasks, on {connection.vendor}"
    )
    filters = DashboardFilters(jurisdiction=world["root"])
    measure("selector (counts, roll-up)", lambda: dashboard(user, filters))
    measure(
        "selector, one year",
        lambda: dashboard(user, DashboardFilters(jurisdiction=world["root"], year=world["years"][-1])),
    )

    def page(extra=None):
        response = client.get(url, {**params, **(extra or {})})
        assert response.status_code == 200, response.status_code
        return response

    measure("whole page GET /reports/", page)
    measure("whole page, one year", lambda: page({"year": world["years"][-1]}))


if __name__ == "__main__":
    main()
