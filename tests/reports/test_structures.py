"""The dashboard's two views of a merger, "theo cơ cấu hiện nay" and "theo cơ cấu tại thời điểm".

A small merger, counted by hand. Tỉnh Cũ ended on 30/06/2025 and passed its duties to tỉnh Mới; so did its
Hội Nông dân, to tỉnh Mới's. Its Sở Tài chính ended without a successor. At NOW (20/12/2025):
  2024  Hội Nông dân Cũ: done on time · Sở Tài chính Cũ: done late
  2025  Hội Nông dân Cũ: done late (before the merger) · Hội Nông dân Mới: overdue · MTTQ Mới: done on time
  and a task of tỉnh Khác, which the user does not see.
"""

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from obligations.filters import TaskFilter
from obligations.models import LOCAL_TZ, Obligation, Period
from obligations.selectors import task_list
from regulations.models import Membership, Party, Regulation
from regulations.selectors import Structure, current_holders
from reports.selectors import DashboardFilters, dashboard

from .conftest import at, make_task
from .test_dashboard import listed
from .test_exports import csv_rows, xlsx_sheet

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 12, 20, 10, 0, tzinfo=LOCAL_TZ)
ENDED = datetime.date(2025, 6, 30)
STARTED = datetime.date(2025, 7, 1)


def now_view() -> DashboardFilters:
    # A fresh one each time: a filter caches who holds whose duties for its request.
    return DashboardFilters(structure=Structure.NOW)


def then_view() -> DashboardFilters:
    return DashboardFilters(structure=Structure.THEN)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def merger(db, make_party, make_user, frozen):
    state, front = Party.Kind.STATE, Party.Kind.FRONT
    new = make_party("Ủy ban nhân dân tỉnh Mới", kind=state, is_jurisdiction=True, code="moi", valid_from=STARTED)
    snv = make_party("Sở Nội vụ tỉnh Mới", kind=state, parent=new, superior=new, code="moi-snv")
    new_hnd = make_party("Hội Nông dân tỉnh Mới", parent=new, code="moi-hnd", valid_from=STARTED)
    new_mttq = make_party("Ủy ban MTTQ Việt Nam tỉnh Mới", kind=front, parent=new, code="moi-mttq")
    Party.objects.filter(pk=new.pk).update(focal_agency=snv)
    ended = {"valid_to": ENDED}
    old = make_party("Ủy ban nhân dân tỉnh Cũ", kind=state, is_jurisdiction=True, code="cu", successor=new, **ended)
    old_hnd = make_party("Hội Nông dân tỉnh Cũ", parent=old, code="cu-hnd", successor=new_hnd, **ended)
    old_stc = make_party("Sở Tài chính tỉnh Cũ", kind=state, parent=old, superior=old, code="cu-stc", **ended)
    other = make_party("Ủy ban nhân dân tỉnh Khác", kind=state, is_jurisdiction=True, code="khac")
    other_hnd = make_party("Hội Nông dân tỉnh Khác", parent=other, code="khac-hnd")

    regulation = Regulation.objects.create(
        number_symbol="1/QCPH-CU", title="Quy chế phối hợp", issuer=old, term_start=2021, term_end=2025
    )
    report = Obligation.objects.create(
        title="Báo cáo kết quả phối hợp hằng năm",
        source_regulation=regulation,
        owed_to=new,
        recurrence=Obligation.Recurrence.YEARLY,
        deliverable=Obligation.Deliverable.REPORT,
        due_day=15,
        due_month=12,
        applies_from=datetime.date(2024, 1, 1),
        applies_to=datetime.date(2025, 12, 31),
    )
    periods = {}
    for year in (2024, 2025):
        start, end = Period.bounds("year", year)
        periods[year], _created = Period.objects.get_or_create(
            kind="year", year=year, quarter=0, defaults={"start": start, "end": end}
        )
    d24, d25, before = datetime.date(2024, 12, 15), datetime.date(2025, 12, 15), datetime.date(2025, 5, 15)
    tasks = {
        "hnd24": make_task(report, old_hnd, periods[2024], d24, state="done", completed_at=at(2024, 12, 10)),
        "stc24": make_task(report, old_stc, periods[2024], d24, state="done", completed_at=at(2024, 12, 20)),
        "hnd25_old": make_task(report, old_hnd, periods[2025], before, state="done", completed_at=at(2025, 5, 20)),
        "hnd25": make_task(report, new_hnd, periods[2025], d25),
        "mttq25": make_task(report, new_mttq, periods[2025], d25, state="done", completed_at=at(2025, 12, 1)),
        "other25": make_task(report, other_hnd, periods[2025], d25),
    }
    # Sở Nội vụ follows both provinces, as the demo's does Kon Tum's and Quảng Ngãi's.
    user = make_user("focal_moi", (snv, Membership.Role.FOCAL), (old, Membership.Role.LEADER))
    parties = {
        p.code: p
        for p in Party.objects.filter(
            code__in=["moi", "moi-snv", "moi-hnd", "moi-mttq", "cu", "cu-hnd", "cu-stc", "khac", "khac-hnd"]
        )
    }
    return {"user": user, "tasks": tasks, "parties": parties}


EXPECTED = {
    "done_on_time": 2,
    "done_late": 2,
    "pending": 0,
    "overdue": 1,
    "submitted": 0,
    "returned": 0,
    "excused": 0,
}


def _rows(data) -> dict:
    return {row.party.code: row for row in data.rows}


def test_both_views_add_up_to_the_same_totals(merger):
    as_now = dashboard(merger["user"], now_view())
    as_then = dashboard(merger["user"], then_view())
    assert as_now.total.by_status == as_then.total.by_status == EXPECTED
    for year in (2024, 2025):
        assert as_now.by_year[year].by_status == as_then.by_year[year].by_status
    # The tops of the trees hold everything: one province today, two as they were.
    now_tops = [row for row in as_now.rows if row.depth == 0]
    assert [row.party.code for row in now_tops] == ["moi"]
    assert now_tops[0].rolled.by_status == EXPECTED
    then_tops = {row.party.code: row for row in as_then.rows if row.depth == 0}
    assert set(then_tops) == {"moi", "cu"}
    summed = then_tops["moi"].rolled
    summed.merge(then_tops["cu"].rolled)
    assert summed.by_status == EXPECTED


def test_as_now_the_successor_counts_the_predecessors_history(merger):
    rows = _rows(dashboard(merger["user"], now_view()))
    assert "cu" not in rows and "cu-hnd" not in rows  # the predecessors have no row of their own
    hnd = rows["moi-hnd"]
    assert [party.code for party in hnd.merged] == ["cu-hnd"]
    assert hnd.own_by_year[2024].by_status["done_on_time"] == 1  # Hội Nông dân Cũ's 2024 report
    assert (hnd.own.done_on_time, hnd.own.done_late, hnd.own.overdue) == (1, 1, 1)
    # Sở Tài chính Cũ ended without a successor: its history stays its own, under today's province.
    assert rows["cu-stc"].depth == 1 and rows["cu-stc"].own.done_late == 1
    assert rows["moi"].rolled_by_year[2024].done == 2
    assert rows["moi"].rolled.reporting_rate == pytest.approx(4 / 5)


def test_as_then_the_parties_are_as_they_were(merger):
    rows = _rows(dashboard(merger["user"], then_view()))
    assert rows["cu-hnd"].own.by_status["done_on_time"] == 1 and rows["cu-hnd"].own.done_late == 1
    assert rows["moi-hnd"].own.total == 1 and rows["moi-hnd"].merged == []
    assert rows["cu"].rolled.total == 3 and rows["moi"].rolled.total == 2
    assert 2024 not in rows["moi"].rolled_by_year


def test_the_jurisdiction_filter_follows_todays_structure(merger):
    parties, user = merger["parties"], merger["user"]
    new, old = parties["moi"], parties["cu"]
    assert dashboard(user, DashboardFilters(jurisdiction=new, structure=Structure.NOW)).total.total == 5
    assert dashboard(user, DashboardFilters(jurisdiction=new, structure=Structure.THEN)).total.total == 2
    assert dashboard(user, DashboardFilters(jurisdiction=old, structure=Structure.THEN)).total.total == 3
    # Tỉnh Cũ is tỉnh Mới today.
    assert dashboard(user, DashboardFilters(jurisdiction=old, structure=Structure.NOW)).total.total == 5
    # The level and kind are today's holder's: Hội Nông dân Cũ's tasks are a socio-political body's still.
    socio = dashboard(user, DashboardFilters(kind=Party.Kind.SOCIO_POLITICAL, structure=Structure.NOW))
    assert socio.total.total == 3 and [row.party.code for row in socio.rows] == ["moi", "moi-hnd"]


def _listed_pks(user, url) -> set[int]:
    query = dict(pair.split("=") for pair in url.split("?", 1)[1].split("&"))
    filterset = TaskFilter(query, queryset=task_list(user=user), request=SimpleNamespace(user=user))
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("pk", flat=True))


@pytest.mark.parametrize("structure", [Structure.NOW, Structure.THEN])
def test_every_number_links_to_exactly_the_tasks_it_counts(client, merger, structure):
    user, tasks = merger["user"], merger["tasks"]
    client.force_login(user)
    response = client.get(reverse("reports:dashboard"), {"co_cau": structure})
    checked = 0
    for item in response.context["rows"]:
        row = item["row"]
        for code, url in item["links"].items():
            assert listed(user, url) == row.own.by_status[code], (structure, row.party.code, code)
            checked += 1
    assert checked
    hnd = next(item for item in response.context["rows"] if item["row"].party.code == "moi-hnd")
    on_time = _listed_pks(user, hnd["links"]["done_on_time"])
    late = _listed_pks(user, hnd["links"]["done_late"])
    if structure == Structure.NOW:
        assert "co_cau=hien_nay" in hnd["links"]["done_on_time"]
        assert on_time == {tasks["hnd24"].pk} and late == {tasks["hnd25_old"].pk}
    else:
        assert on_time == set() and late == set()


def test_the_task_list_names_the_predecessors_it_takes_in(client, merger):
    client.force_login(merger["user"])
    hnd = merger["parties"]["moi-hnd"]
    page = client.get(reverse("obligations:task_list"), {"party": hnd.pk, "co_cau": "hien_nay"})
    assert {task.pk for task in page.context["page"]} == {
        merger["tasks"][key].pk for key in ("hnd24", "hnd25_old", "hnd25")
    }
    assert "Hội Nông dân tỉnh Cũ (đến 30/06/2025)" in page.content.decode()
    as_given = client.get(reverse("obligations:task_list"), {"party": hnd.pk})
    assert {task.pk for task in as_given.context["page"]} == {merger["tasks"]["hnd25"].pk}


def test_the_page_says_which_view_it_shows(client, merger):
    client.force_login(merger["user"])
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert "— Theo cơ cấu hiện nay</span></h1>" in html
    assert "gồm cả: Hội Nông dân tỉnh Cũ (đến 30/06/2025)" in html
    assert "co_cau=tai_thoi_diem" in html  # the way to the other view
    assert "tính cả các cơ quan, tổ chức thuộc địa bàn" in html and "đơn vị trực thuộc" not in html
    html = client.get(reverse("reports:dashboard"), {"co_cau": "tai_thoi_diem"}).content.decode()
    assert "— Theo cơ cấu tại thời điểm</span></h1>" in html
    assert "gồm cả:" not in html
    old = merger["parties"]["cu"]
    html = client.get(reverse("reports:dashboard"), {"jurisdiction": old.pk}).content.decode()
    assert "Ủy ban nhân dân tỉnh Mới kế thừa Ủy ban nhân dân tỉnh Cũ" in html


def test_the_export_follows_the_view(client, merger):
    client.force_login(merger["user"])
    new = merger["parties"]["moi"]
    url = reverse("reports:export", args=["tasks", "xlsx"])
    response = client.get(url, {"co_cau": "hien_nay", "jurisdiction": new.pk})
    assert "nhiem-vu-co-cau-hien-nay.xlsx" in response["Content-Disposition"]
    title, headers, *rows = xlsx_sheet(response.content)
    assert title[0] == "Danh sách nhiệm vụ — Theo cơ cấu hiện nay (Ủy ban nhân dân tỉnh Mới)"
    party, holder = headers.index("Đơn vị thực hiện"), headers.index("Cơ quan, tổ chức theo cơ cấu hiện nay")
    assert len(rows) == 5
    assert {(row[party], row[holder]) for row in rows} == {
        ("Hội Nông dân tỉnh Cũ", "Hội Nông dân tỉnh Mới"),
        ("Sở Tài chính tỉnh Cũ", "Sở Tài chính tỉnh Cũ"),
        ("Hội Nông dân tỉnh Mới", "Hội Nông dân tỉnh Mới"),
        ("Ủy ban MTTQ Việt Nam tỉnh Mới", "Ủy ban MTTQ Việt Nam tỉnh Mới"),
    }
    response = client.get(url, {"co_cau": "tai_thoi_diem", "jurisdiction": new.pk})
    assert "nhiem-vu-co-cau-tai-thoi-diem.xlsx" in response["Content-Disposition"]
    title, headers, *rows = xlsx_sheet(response.content)
    assert title[0] == "Danh sách nhiệm vụ — Theo cơ cấu tại thời điểm (Ủy ban nhân dân tỉnh Mới)"
    assert "Cơ quan, tổ chức theo cơ cấu hiện nay" not in headers
    assert {row[headers.index("Đơn vị thực hiện")] for row in rows} == {
        "Hội Nông dân tỉnh Mới",
        "Ủy ban MTTQ Việt Nam tỉnh Mới",
    }
    # The dashboard's export links carry its view.
    html = client.get(reverse("reports:dashboard"), {"co_cau": "tai_thoi_diem"}).content.decode()
    assert f"{reverse('reports:export', args=['tasks', 'csv'])}?co_cau=tai_thoi_diem" in html
    rows = csv_rows(client.get(reverse("reports:export", args=["tasks", "csv"]), {"co_cau": "hien_nay"}).content)
    assert rows[0][0] == "Mã" and len(rows) == 1 + 5  # a CSV stays data only: its name says the view


def test_current_holders_follow_the_chain_and_stop_at_a_cycle(db, make_party, frozen):
    ended = {"valid_to": datetime.date(2025, 1, 1)}
    c = make_party("C", code="chain-c")
    b = make_party("B", code="chain-b", successor=c, **ended)
    a = make_party("A", code="chain-a", successor=b, **ended)
    later = make_party("Còn hoạt động", code="chain-later", successor=c, valid_to=datetime.date(2026, 1, 1))
    x = make_party("X", code="cycle-x", **ended)
    y = make_party("Y", code="cycle-y", successor=x, **ended)
    Party.objects.filter(pk=x.pk).update(successor=y)
    holders = current_holders()
    assert holders.of(a.pk) == holders.of(b.pk) == c.pk
    assert holders.merged_into(c.pk)[0] == c.pk and set(holders.merged_into(c.pk)) == {c.pk, b.pk, a.pk}
    assert holders.of(later.pk) == later.pk  # it has not ended yet
    assert holders.of(x.pk) == x.pk and holders.of(y.pk) == y.pk  # a cycle leads nowhere


def test_who_sees_only_the_predecessor_keeps_its_rows_in_both_views(client, merger, make_user):
    """Today's holder is out of this user's sight: the predecessor's tasks stay on its own row, and link there."""
    user = make_user("leader_cu", (merger["parties"]["cu"], Membership.Role.LEADER))
    as_now, as_then = dashboard(user, now_view()), dashboard(user, then_view())
    assert as_now.total.by_status == as_then.total.by_status and as_now.total.total == 3
    assert set(_rows(as_now)) == set(_rows(as_then)) == {"cu", "cu-hnd", "cu-stc"}
    client.force_login(user)
    for item in client.get(reverse("reports:dashboard")).context["rows"]:
        for code, url in item["links"].items():
            if item["row"].party.code != "cu-stc":  # the ones that passed their duties on: their own tasks
                assert "co_cau" not in url
            assert listed(user, url) == item["row"].own.by_status[code]
