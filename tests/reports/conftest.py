"""A small jurisdiction whose counts are computed by hand in the tests.

At NOW (20/12/2022 10:00 in Vietnam):
  2021  report: A done on time, B done late, C excused; roll-up of the focal agency: done on time.
  2022  report: A open (overdue since 15/12), B submitted, C done late; roll-up: open, due 25/12 (pending).
  2023  no task at all (an empty period).
"""

import datetime

import pytest
import time_machine
from django.urls import reverse

from obligations.models import LOCAL_TZ, Obligation, Period, Task, end_of_day
from regulations.models import Membership, Party, Regulation
from reports.models import ImportJob

NOW = datetime.datetime(2022, 12, 20, 10, 0, tzinfo=LOCAL_TZ)


def at(year, month, day, hour=9):
    return datetime.datetime(year, month, day, hour, tzinfo=LOCAL_TZ)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def make_task(obligation, party, period, due, *, state="open", completed_at=None, reason=""):
    task = Task(obligation=obligation, party=party, period=period, nominal_due_date=due, due_date=due, state=state)
    if state == Task.State.DONE:
        task.completed_at = completed_at
        task.on_time = completed_at < end_of_day(due)
    if state == Task.State.EXCUSED:
        task.excused_reason = reason or "Được miễn theo văn bản"
    task.save()
    return task


@pytest.fixture
def world(db, make_party, make_user):
    root = make_party("Ủy ban nhân dân tỉnh Thử Nghiệm", kind=Party.Kind.STATE, is_jurisdiction=True, code="root")
    focal = make_party("Sở Nội vụ tỉnh Thử Nghiệm", kind=Party.Kind.STATE, parent=root, code="focal")
    Party.objects.filter(pk=root.pk).update(focal_agency=focal)
    root.refresh_from_db()
    a = make_party("Hội Nông dân tỉnh Thử Nghiệm", parent=root, code="org-a")
    b = make_party("Hội Liên hiệp Phụ nữ tỉnh Thử Nghiệm", parent=root, code="org-b")
    c = make_party("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Thử Nghiệm", kind=Party.Kind.FRONT, parent=root, code="org-c")
    regulation = Regulation.objects.create(
        number_symbol="1/QCPH-THU", title="Quy chế phối hợp thử", issuer=root, term_start=2021, term_end=2023
    )
    regulation.signatories.set([root, a, b, c])
    common = {
        "source_regulation": regulation,
        "owed_to": root,
        "recurrence": Obligation.Recurrence.YEARLY,
        "deliverable": Obligation.Deliverable.REPORT,
        "applies_from": datetime.date(2021, 1, 1),
        "applies_to": datetime.date(2023, 12, 31),
    }
    report = Obligation.objects.create(title="Báo cáo kết quả hằng năm", due_day=15, due_month=12, **common)
    report.responsible_parties.set([a, b, c])
    rollup = Obligation.objects.create(title="Tổng hợp, báo cáo UBND tỉnh", due_day=25, due_month=12, **common)
    rollup.responsible_parties.set([focal])
    rollup.depends_on.set([report])
    periods = {}
    for year in (2021, 2022, 2023):
        start, end = Period.bounds("year", year)
        # The session's demo may hold these years already: a period is shared by every jurisdiction.
        periods[year], _created = Period.objects.get_or_create(
            kind="year", year=year, quarter=0, defaults={"start": start, "end": end}
        )
    d21, r21 = datetime.date(2021, 12, 15), datetime.date(2021, 12, 25)
    d22, r22 = datetime.date(2022, 12, 15), datetime.date(2022, 12, 25)
    p21, p22 = periods[2021], periods[2022]
    tasks = {
        "a21": make_task(report, a, p21, d21, state="done", completed_at=at(2021, 12, 10)),
        "b21": make_task(report, b, p21, d21, state="done", completed_at=at(2021, 12, 17)),
        "c21": make_task(report, c, p21, d21, state="excused"),
        "f21": make_task(rollup, focal, p21, r21, state="done", completed_at=at(2021, 12, 22)),
        "a22": make_task(report, a, p22, d22),
        "b22": make_task(report, b, p22, d22, state="submitted"),
        "c22": make_task(report, c, p22, d22, state="done", completed_at=at(2022, 12, 16)),
        "f22": make_task(rollup, focal, p22, r22),
    }
    users = {
        "focal": make_user("focal_user", (focal, Membership.Role.FOCAL)),
        "leader": make_user("leader_user", (root, Membership.Role.LEADER)),
        "reporter_a": make_user("reporter_a", (a, Membership.Role.REPORTER)),
    }
    return {
        "root": root,
        "focal": focal,
        "a": a,
        "b": b,
        "c": c,
        "regulation": regulation,
        "report": report,
        "rollup": rollup,
        "periods": periods,
        "tasks": tasks,
        "users": users,
    }


@pytest.fixture
def grow(world):
    """Add parties and tasks to the world: for checking that query counts stay flat."""

    def add(n: int):
        root = world["root"]
        for i in range(n):
            party = Party.objects.create(
                code=f"extra-{i}-{Party.objects.count()}",
                name=f"Hội thêm {i}",
                short_name=f"HT{i}",
                kind=Party.Kind.SOCIO_POLITICAL,
                level=Party.Level.PROVINCE,
                parent=root,
            )
            world["report"].responsible_parties.add(party)
            for year in (2021, 2022):
                make_task(
                    world["report"],
                    party,
                    world["periods"][year],
                    datetime.date(year, 12, 15),
                    state="done",
                    completed_at=at(year, 12, 1 + i % 28),
                )

    return add


# The import tests' users and steps (tests/reports/test_calendar_and_imports.py, test_import_jobs.py).
@pytest.fixture
def office(world, make_user):
    return make_user("office_user", (world["root"], Membership.Role.OFFICE))


@pytest.fixture
def upload_as(client, django_capture_on_commit_callbacks):
    """Post a file to the import page and follow its job: the worker's preview runs at the commit (eager
    in tests). Returns the job and its status page."""

    def upload(jurisdiction, what, file):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("reports:import"), {"jurisdiction": jurisdiction.pk, "what": what, "file": file}
            )
        assert response.status_code == 302, response.content.decode()[:2000]
        job = ImportJob.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[1])
        return job, client.get(response.url)

    return upload


@pytest.fixture
def confirm(client, django_capture_on_commit_callbacks):
    def press(job):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("reports:import_job_confirm", args=[job.pk]))
        assert response.status_code == 302
        job.refresh_from_db()
        return job

    return press
