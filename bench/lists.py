"""Benchmark: every list page at the national data size, on PostgreSQL. Prints figures; not a test.

    python bench/lists.py [--communes 3321] [--years 5] [--runs 5] [--timeout 60] [--only obligation_list,…]

Builds once (then reuses) the two-level administration of the scale issue: 34 provinces (People's Committee,
Sở Nội vụ as the focal agency, the provincial Front and 5 organisations) and 3,321 communes spread over them
(People's Committee, Front committee, 5 organisations): about 24,000 parties. A ministry issues 5 yearly
report obligations that every party owes, for `--years` years: with the defaults about 590,000 tasks (the scale
issue measured 580,000), in a mix of states. The parties and tasks are written by bulk SQL (about 25 s).

Then times each list page through Django's test client, as a sonoivu-like user (the focal agency of one
province: its whole subtree) and an hnd-like user (one commune organisation's reporter): the median of
`--runs` requests after one warm-up, and the query count. One line per page and user, then
`RESULT lists max_ms=… pages=…`.

Uses its own database (PHOIHOP_BENCH_LISTS_DB, default postgres://postgres@127.0.0.1:5432/phoihop_perf_bench).
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dashboard import setup_django

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/phoihop_perf_bench"
PROVINCES = 34
ORGANISATIONS = ["Hội Nông dân", "Hội Liên hiệp Phụ nữ", "Hội Cựu chiến binh", "Đoàn Thanh niên", "Công đoàn"]
ORG_CODES = ["hnd", "hlhpn", "hccb", "dtn", "cd"]
OBLIGATIONS = 5


def _party(code, name, short, kind, level, parent, *, jurisdiction=False):
    from regulations.models import Party
    from regulations.text import search_key

    return Party(
        code=code,
        name=name,
        short_name=short,
        kind=kind,
        level=level,
        parent=parent,
        is_jurisdiction=jurisdiction,
        search_text=search_key(f"{name} {short}"),
    )


def build_nation(communes: int, years: int) -> dict:
    """The parties, the ministry's obligations, the tasks and the two users. Idempotent."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from notifications.models import Notification
    from obligations.models import Obligation, Period
    from regulations.models import Membership, Party, Regulation

    tag = f"nat-{communes}-{years}"
    User = get_user_model()
    if Party.objects.filter(code=f"{tag}-bnv").exists():
        return {
            "tag": tag,
            "sonoivu": User.objects.get(username=f"{tag}-sonoivu"),
            "hnd": User.objects.get(username=f"{tag}-hnd"),
        }
    started = time.perf_counter()
    year_list = list(range(2026 - years, 2026))
    with transaction.atomic():
        ministry = Party.objects.create(
            code=f"{tag}-bnv",
            name="Bộ Nội vụ (thử tải)",
            short_name="BNV",
            kind="state",
            level="province",
            is_jurisdiction=True,
        )
        provinces = Party.objects.bulk_create(
            [
                _party(f"{tag}-p{p}", f"Ủy ban nhân dân tỉnh Thử {p}", f"UBND tỉnh {p}", "state", "province", None)
                for p in range(PROVINCES)
            ]
        )
        Party.objects.filter(pk__in=[p.pk for p in provinces]).update(is_jurisdiction=True)
        province_rows = []
        for p, province in enumerate(provinces):
            province_rows.append(
                _party(f"{tag}-p{p}-snv", f"Sở Nội vụ tỉnh Thử {p}", f"SNV {p}", "state", "province", province)
            )
            province_rows.append(
                _party(f"{tag}-p{p}-mttq", f"Ủy ban MTTQ tỉnh Thử {p}", f"MTTQ {p}", "front", "province", province)
            )
            for org, code in zip(ORGANISATIONS, ORG_CODES, strict=True):
                province_rows.append(
                    _party(
                        f"{tag}-p{p}-{code}",
                        f"{org} tỉnh Thử {p}",
                        f"{code.upper()} {p}",
                        "socio_political",
                        "province",
                        province,
                    )
                )
        commune_roots = [
            _party(
                f"{tag}-c{c}",
                f"Ủy ban nhân dân xã Thử {c}",
                f"UBND xã {c}",
                "state",
                "commune",
                provinces[c % PROVINCES],
                jurisdiction=True,
            )
            for c in range(communes)
        ]
        Party.objects.bulk_create(province_rows, batch_size=2000)
        commune_roots = Party.objects.bulk_create(commune_roots, batch_size=2000)
        commune_rows = []
        for c, root in enumerate(commune_roots):
            commune_rows.append(
                _party(f"{tag}-c{c}-mttq", f"Ủy ban MTTQ xã Thử {c}", f"MTTQ xã {c}", "front", "commune", root)
            )
            for org, code in zip(ORGANISATIONS, ORG_CODES, strict=True):
                commune_rows.append(
                    _party(
                        f"{tag}-c{c}-{code}",
                        f"{org} xã Thử {c}",
                        f"{code.upper()} xã {c}",
                        "socio_political",
                        "commune",
                        root,
                    )
                )
        Party.objects.bulk_create(commune_rows, batch_size=2000)
        with connection.cursor() as cursor:
            like = f"{tag}-%"
            cursor.execute(
                "UPDATE regulations_party SET path = '/' || id || '/' WHERE code LIKE %s AND parent_id IS NULL", [like]
            )
            for _level in range(2):  # provinces' children, then communes' children
                cursor.execute(
                    "UPDATE regulations_party AS c SET path = p.path || c.id || '/' FROM regulations_party AS p "
                    "WHERE c.parent_id = p.id AND c.code LIKE %s AND p.path <> '' AND c.path = ''",
                    [like],
                )
            cursor.execute(
                "UPDATE regulations_party AS p SET focal_agency_id = f.id FROM regulations_party AS f "
                "WHERE f.code = p.code || '-snv' AND p.code LIKE %s",
                [like],
            )
        regulation = Regulation.objects.create(
            number_symbol=f"{tag}/QCPH",
            title="Quy chế thử tải quốc gia",
            issuer=ministry,
            term_start=year_list[0],
            term_end=year_list[-1] + 4,
        )
        obligations = [
            Obligation.objects.create(
                title=f"Báo cáo thử tải quốc gia {k}",
                source_regulation=regulation,
                owed_to=ministry,
                recurrence="yearly",
                due_day=15,
                due_month=12,
                deliverable="report",
                applies_from=datetime.date(year_list[0], 1, 1),
                applies_to=datetime.date(year_list[-1], 12, 31),
            )
            for k in range(OBLIGATIONS)
        ]
        periods = []
        for year in year_list:
            start, end = Period.bounds("year", year)
            periods.append(
                Period.objects.get_or_create(kind="year", year=year, quarter=0, defaults={"start": start, "end": end})[
                    0
                ]
            )
        with connection.cursor() as cursor:
            # Every party below a province owes every obligation each year; a fixed mix of states by id.
            cursor.execute(
                """
                INSERT INTO obligations_task (obligation_id, party_id, period_id, nominal_due_date, due_date,
                    deadline, state, completed_at, on_time, excused_reason, handed_over_from_id,
                    created_at, updated_at)
                SELECT o.id, p.id, pe.id, make_date(pe.year, 12, 15), make_date(pe.year, 12, 15),
                    make_timestamptz(pe.year, 12, 15, 23, 59, 59, 'Asia/Ho_Chi_Minh'),
                    s.state,
                    CASE WHEN s.state = 'done' THEN make_timestamptz(pe.year, 12, 10, 9, 0, 0, 'Asia/Ho_Chi_Minh')
                    END,
                    CASE WHEN s.state = 'done' THEN (p.id + o.id) %% 4 <> 0 END,
                    CASE WHEN s.state = 'excused' THEN 'Miễn thử tải' ELSE '' END,
                    NULL, now(), now()
                FROM regulations_party AS p
                CROSS JOIN (SELECT id FROM obligations_obligation WHERE id = ANY(%s)) AS o
                CROSS JOIN (SELECT id, year FROM obligations_period WHERE id = ANY(%s)) AS pe
                CROSS JOIN LATERAL (SELECT CASE
                    WHEN pe.year < 2025 OR (p.id + o.id) %% 10 < 6 THEN 'done'
                    WHEN (p.id + o.id) %% 10 = 6 THEN 'submitted'
                    WHEN (p.id + o.id) %% 10 = 7 THEN 'returned'
                    WHEN (p.id + o.id) %% 20 = 8 THEN 'excused'
                    ELSE 'open' END AS state) AS s
                WHERE p.code LIKE %s AND p.parent_id IS NOT NULL
                """,
                [[o.pk for o in obligations], [pe.pk for pe in periods], f"{tag}-%"],
            )
        password = "bench-only-not-a-secret"
        sonoivu = User.objects.create_user(f"{tag}-sonoivu", password=password)
        Membership.objects.create(user=sonoivu, party=Party.objects.get(code=f"{tag}-p0-snv"), role="focal")
        hnd = User.objects.create_user(f"{tag}-hnd", password=password)
        Membership.objects.create(user=hnd, party=Party.objects.get(code=f"{tag}-c0-hnd"), role="reporter")
        Notification.objects.bulk_create(
            [
                Notification(recipient=user, kind="reminder", subject=f"Nhắc hạn thử tải {n}", key=f"{tag}-{n}")
                for user in (sonoivu, hnd)
                for n in range(2000)
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would: statistics and the visibility map
    print(
        f"built {tag}: {Party.objects.filter(code__startswith=tag).count()} parties, "
        f"{_task_total(tag)} tasks in {time.perf_counter() - started:.1f}s"
    )
    return {"tag": tag, "sonoivu": sonoivu, "hnd": hnd}


def _task_total(tag: str) -> int:
    from obligations.models import Task

    return Task.objects.filter(party__code__startswith=tag).count()


# page label: (url name, query string)
PAGES = [
    ("home", "home", ""),
    ("obligation_list", "obligations:obligation_list", ""),
    ("obligation_list?q", "obligations:obligation_list", "?q=thu+tai"),
    ("task_list", "obligations:task_list", ""),
    ("task_list?state", "obligations:task_list", "?status=overdue"),
    ("task_list p.3", "obligations:task_list", "?page=3"),
    ("my_tasks", "obligations:my_tasks", ""),
    ("review_list", "obligations:review_list", ""),
    ("party_list", "regulations:party_list", ""),
    ("party_list p.5", "regulations:party_list", "?page=5"),
    ("regulation_list", "regulations:regulation_list", ""),
    ("document_list", "regulations:document_list", ""),
    ("meeting_list", "regulations:meeting_list", ""),
    ("matter_list", "matters:matter_list", ""),
    ("inbox", "notifications:inbox", ""),
    ("search", "obligations:search", "?q=hoi+nong+dan"),
    ("reorganisation_list", "obligations:reorganisation_list", ""),
    ("consolidated_list", "reports:consolidated_list", ""),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=3321)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--timeout", type=int, default=60, help="seconds a query may run before it is cancelled")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated page labels")
    args = parser.parse_args()
    setup_django(os.environ.get("PHOIHOP_BENCH_LISTS_DB", DEFAULT_DB))
    world = build_nation(args.communes, args.years)

    from django.db import OperationalError, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from regulations.models import Party

    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {args.timeout * 1000}")
    print(
        f"lists: {Party.objects.filter(code__startswith=world['tag']).count()} parties, "
        f"{_task_total(world['tag'])} tasks, on {connection.vendor}"
    )
    worst, timed = 0.0, 0
    only = {label.strip() for label in args.only.split(",") if label.strip()}
    for role in ("sonoivu", "hnd"):
        client = Client()
        client.force_login(world[role])
        for label, url_name, query in PAGES:
            if only and label not in only:
                continue
            url = reverse(url_name) + query
            started = time.perf_counter()
            try:
                first = client.get(url)
            except OperationalError:  # the statement timeout: the page did not answer
                print(f"{label:22} as {role:8} over {args.timeout} s: cancelled")
                worst, timed = max(worst, args.timeout * 1000.0), timed + 1
                continue
            slow = time.perf_counter() - started > 5  # one more run is enough to tell
            if first.status_code != 200:
                print(f"{label:22} as {role:8} HTTP {first.status_code}: not this user's page")
                continue
            times, queries = [], 0
            for _ in range(1 if slow else args.runs):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
                queries = len(captured)
            median = statistics.median(times)
            worst, timed = max(worst, median), timed + 1
            print(
                f"{label:22} as {role:8} median {median:7.0f} ms (min {min(times):.0f}, max {max(times):.0f}), "
                f"{queries} queries, {len(response.content) // 1024} KB"
            )
    print(f"RESULT lists max_ms={worst:.0f} pages={timed}")


if __name__ == "__main__":
    main()
