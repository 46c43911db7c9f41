"""Load test: 50 concurrent users against gunicorn on PostgreSQL, for 60 seconds.

The demo is enlarged to a province with 200 reporting organisations (one reporter account each). Each
virtual user takes four of them in turn: it browses (home, "Việc của tôi", the task, the report form),
saves drafts, attaches the signed scan and submits, then moves to its next organisation. Afterwards the
database is counted: every submission the clients saw accepted is there exactly once, none is extra.

    python bench/load.py [--users 50] [--seconds 60] [--parties 200] [--port 8765]

Needs the PostgreSQL of the machine (PHOIHOP_BENCH_PG, default postgres://postgres@127.0.0.1:5432) and
creates/drops its own database `phoihop_load`. Prints p50/p95 latencies per kind of request.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("PHOIHOP_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "phoihop_load"
PASSWORD = "tai-thu-phoihop-2025"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
SETUP = """
from django.contrib.auth import get_user_model
from demo.seed import demo_load
from obligations.models import Obligation
from obligations.services import tasks_generate
from regulations.models import Membership, Party, Regulation
demo_load()
province = Party.objects.get(code="qn-ubnd")
regulation = Regulation.objects.get(number_symbol="4861/QCPH-UBND-HND")
User = get_user_model()
for n in range({parties}):
    party = Party.objects.create(
        code=f"load-{{n:03d}}", name=f"Tổ chức thử tải số {{n:03d}}", short_name=f"Thử tải {{n:03d}}",
        kind=Party.Kind.SOCIO_POLITICAL, level=province.level, parent=province, valid_from=province.valid_from,
    )
    regulation.signatories.add(party)
    user = User.objects.create_user(f"load{{n:03d}}", password="{password}")
    Membership.objects.create(user=user, party=party, role=Membership.Role.REPORTER)
print("created", tasks_generate().created)
"""


def django_env(port: int) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": f"{PG}/{DB}",
        "DJANGO_ENV": "development",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "EMAIL_URL": "memorymail://",
        "PHOIHOP_VAR_DIR": str(ROOT / "var" / "load"),
        "LOG_LEVEL": "WARNING",
        "AXES_ENABLED": "false",  # fifty users log in from one address: throttling is not what is measured
        "REDIS_URL": "",
    }


def prepare(parties: int, env: dict[str, str]) -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    code = SETUP.format(parties=parties, password=PASSWORD)
    subprocess.run([*manage, "shell", "-c", code], env=env, check=True, cwd=ROOT)


class VirtualUser(threading.Thread):
    def __init__(self, base: str, accounts: list[str], deadline: float, record):
        super().__init__(daemon=True)
        self.base, self.accounts, self.deadline, self.record = base, accounts, deadline, record
        self.submitted: list[str] = []
        self.errors: list[str] = []

    def call(self, kind: str, session: requests.Session, method: str, path: str, **kwargs):
        start = time.perf_counter()
        response = session.request(method, self.base + path, allow_redirects=False, timeout=30, **kwargs)
        self.record(kind, time.perf_counter() - start)
        if response.status_code >= 400:
            self.errors.append(f"{kind} {path} {response.status_code}")
        return response

    def run(self):
        for username in self.accounts:
            if time.monotonic() > self.deadline:
                return
            session = requests.Session()
            self.call("login_form", session, "GET", "/accounts/login/")
            token = session.cookies.get("csrftoken")
            self.call(
                "login",
                session,
                "POST",
                "/accounts/login/",
                data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            )
            mine = self.call("my_tasks", session, "GET", "/my-tasks/").text
            match = re.search(r'href="/tasks/(\d+)/report/"', mine)
            if not match:
                self.errors.append(f"{username}: no task to report")
                continue
            task = match.group(1)
            for n in range(4):
                if time.monotonic() > self.deadline:
                    return
                self.call("home", session, "GET", "/")
                self.call("task", session, "GET", f"/tasks/{task}/")
                form = self.call("report_form", session, "GET", f"/tasks/{task}/report/").text
                revision = re.search(r'name="revision" value="(\d+)"', form).group(1)
                data = {
                    "csrfmiddlewaretoken": session.cookies.get("csrftoken"),
                    "revision": revision,
                    "results": f"Kết quả đạt được, bản nháp {n}.",
                    "limitations": "Một số cơ sở chưa chủ động.",
                    "directions": "Tiếp tục phối hợp năm tới.",
                    "proposals": "",
                    "fig_joint_activities": str(10 + n),
                    "fig_plans_signed": "3",
                    "fig_supervision_sessions": "2",
                }
                last = n == 3
                files = {"upload": ("bao-cao.pdf", PDF, "application/pdf")} if last else None
                if last:
                    data |= {"action": "submit", "upload_kind": "signed_scan"}
                else:
                    data["action"] = "save"
                response = self.call(
                    "submit" if last else "save_draft",
                    session,
                    "POST",
                    f"/tasks/{task}/report/",
                    data=data,
                    files=files,
                )
                if last and response.status_code == 302 and response.headers["Location"].endswith(f"/tasks/{task}/"):
                    self.submitted.append(task)
                elif last:
                    self.errors.append(f"{username}: submit answered {response.status_code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--parties", type=int, default=200)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    env = django_env(args.port)
    print(f"Chuẩn bị dữ liệu: demo + {args.parties} tổ chức báo cáo …", flush=True)
    prepare(args.parties, env)
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                if requests.get(base + "/healthz", timeout=5).status_code in (200, 503):
                    break
            except requests.RequestException:
                time.sleep(0.2)
        timings: dict[str, list[float]] = defaultdict(list)
        lock = threading.Lock()

        def record(kind, seconds):
            with lock:
                timings[kind].append(seconds)

        accounts = [f"load{n:03d}" for n in range(args.parties)]
        deadline = time.monotonic() + args.seconds
        users = [VirtualUser(base, accounts[i :: args.users], deadline, record) for i in range(args.users)]
        started = time.monotonic()
        for user in users:
            user.start()
        for user in users:
            user.join()
        elapsed = time.monotonic() - started
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)

    claimed = [task for user in users for task in user.submitted]
    errors = [error for user in users for error in user.errors]
    with psycopg.connect(f"{PG}/{DB}") as conn:
        versions = conn.execute(
            "SELECT s.task_id, count(v.id) FROM obligations_submissionversion v "
            "JOIN obligations_submission s ON s.id = v.submission_id JOIN obligations_task t ON t.id = s.task_id "
            "JOIN regulations_party p ON p.id = t.party_id WHERE p.code LIKE 'load-%%' GROUP BY s.task_id"
        ).fetchall()
    per_task = {str(task_id): count for task_id, count in versions}
    lost = [task for task in claimed if per_task.get(task, 0) == 0]
    duplicated = [task for task, count in per_task.items() if count > 1]
    extra = [task for task in per_task if task not in set(claimed)]
    total = sum(len(v) for v in timings.values())
    print(f"\n{args.users} người dùng đồng thời, {elapsed:.0f} s, {total} yêu cầu ({total / elapsed:.0f}/s)")
    print(f"{'loại yêu cầu':<14}{'số lượng':>9}{'p50 ms':>9}{'p95 ms':>9}")
    everything = []
    for kind, values in sorted(timings.items()):
        everything += values
        p95 = statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]
        print(f"{kind:<14}{len(values):>9}{statistics.median(values) * 1000:>9.0f}{p95 * 1000:>9.0f}")
    p95_all = statistics.quantiles(everything, n=20)[-1]
    print(f"{'tất cả':<14}{len(everything):>9}{statistics.median(everything) * 1000:>9.0f}{p95_all * 1000:>9.0f}")
    print(
        f"lỗi: {len(errors)}; báo cáo đã nộp (phía người dùng): {len(claimed)}; trong CSDL: {len(per_task)}; "
        f"mất: {len(lost)}; trùng: {len(duplicated)}; thừa: {len(extra)}"
    )
    for error in errors[:10]:
        print("  ", error)
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    sys.exit(1 if errors or lost or duplicated or extra else 0)


if __name__ == "__main__":
    main()
