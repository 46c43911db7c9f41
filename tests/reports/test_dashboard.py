import datetime
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from obligations.filters import TaskFilter
from obligations.models import Obligation
from obligations.selectors import task_list
from regulations.models import Regulation
from reports.selectors import DashboardFilters, dashboard

from .conftest import make_task

pytestmark = pytest.mark.django_db


def listed(user, url) -> int:
    """How many tasks the task list (/tasks/ with its filter) shows for a dashboard link."""
    assert url.startswith(reverse("obligations:task_list") + "?")
    query = dict(pair.split("=") for pair in url.split("?", 1)[1].split("&"))
    filterset = TaskFilter(query, queryset=task_list(user=user), request=SimpleNamespace(user=user))
    assert filterset.is_valid(), filterset.errors
    return filterset.qs.count()


def test_counts_and_rates_match_the_hand_computed_fixture(world, frozen):
    data = dashboard(world["users"]["focal"], DashboardFilters())
    total = data.total
    assert total.by_status == {
        "done_on_time": 2,
        "done_late": 2,
        "pending": 1,
        "overdue": 1,
        "submitted": 1,
        "returned": 0,
        "excused": 1,
    }
    assert total.expected == 7  # the excused task is not expected
    assert total.done == 4
    assert total.reporting_rate == pytest.approx(4 / 7)
    assert total.on_time_rate == pytest.approx(2 / 7)

    y2021, y2022 = data.by_year[2021], data.by_year[2022]
    assert (y2021.expected, y2021.done, y2021.done_on_time) == (3, 3, 2)
    assert y2021.reporting_rate == 1.0
    assert y2021.on_time_rate == pytest.approx(2 / 3)
    assert (y2022.expected, y2022.done, y2022.done_on_time) == (4, 1, 0)
    assert y2022.reporting_rate == 0.25
    assert y2022.on_time_rate == 0.0
    assert data.years == [2021, 2022]


def test_rates_roll_up_the_party_tree(world, frozen):
    data = dashboard(world["users"]["focal"], DashboardFilters())
    rows = {row.party.code: row for row in data.rows}
    assert data.rows[0].party.code == "root"
    root = rows["root"]
    assert root.has_children
    assert root.own.total == 0
    assert root.rolled.expected == 7 and root.rolled.done == 4
    assert rows["org-b"].own.done_late == 1 and rows["org-b"].own.submitted == 1
    assert rows["org-c"].rolled.expected == 1  # its 2021 task was excused
    assert rows["org-c"].rolled.reporting_rate == 1.0
    assert rows["org-a"].rolled_by_year[2022].overdue == 1


def test_an_empty_period_counts_nothing_and_has_no_rate(world, frozen):
    data = dashboard(world["users"]["focal"], DashboardFilters(year=2023))
    assert data.total.total == 0
    assert data.total.reporting_rate is None
    assert data.rows == []


def test_filters_by_level_kind_and_regulation(world, frozen, make_party):
    user = world["users"]["focal"]
    front = dashboard(user, DashboardFilters(kind="front"))
    assert front.total.total == 2  # the Front's two tasks
    state = dashboard(user, DashboardFilters(kind="state"))
    assert state.total.total == 2  # the focal agency's roll-ups
    assert dashboard(user, DashboardFilters(level="district")).total.total == 0
    assert dashboard(user, DashboardFilters(regulation=world["regulation"])).total.total == 8
    # Tasks of another regulation count without the filter and not with it.
    other = Regulation.objects.create(
        number_symbol="2/QCPH-THU", title="Quy chế khác", issuer=world["root"], term_start=2021, term_end=2023
    )
    extra = Obligation.objects.create(
        title="Báo cáo theo quy chế khác",
        source_regulation=other,
        owed_to=world["root"],
        recurrence=Obligation.Recurrence.YEARLY,
        deliverable=Obligation.Deliverable.REPORT,
        due_day=30,
        due_month=11,
        applies_from=datetime.date(2021, 1, 1),
        applies_to=datetime.date(2023, 12, 31),
    )
    before = dashboard(user, DashboardFilters()).total.total
    make_task(extra, world["a"], world["periods"][2022], datetime.date(2022, 11, 30))
    assert dashboard(user, DashboardFilters()).total.total == before + 1
    assert dashboard(user, DashboardFilters(regulation=world["regulation"])).total.total == 8
    assert dashboard(user, DashboardFilters(regulation=other)).total.total == 1


def test_dashboard_page_shows_the_numbers(client, world, frozen):
    client.force_login(world["users"]["focal"])
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "57%" in html  # 4/7 reporting rate
    assert "29%" in html  # 2/7 on time
    assert "Hội Nông dân tỉnh Thử Nghiệm" in html
    assert "<svg" in html
    # The overdue list names A's 2022 report.
    assert response.context["overdue"][0] == world["tasks"]["a22"]
    # The calendar of December 2022 shows the roll-up due on the 25th (A's overdue report on the 15th too).
    days = {day.day: tasks for week in response.context["calendar"].weeks for day, tasks in week if day.month == 12}
    assert world["tasks"]["f22"] in days[25]


def test_every_number_links_to_the_tasks_it_counts(client, world, frozen):
    """Follow each link of the party table to the task list's filter: it lists exactly that many tasks."""
    user = world["users"]["focal"]
    client.force_login(user)
    response = client.get(reverse("reports:dashboard"), {"year": 2022})
    checked = 0
    for item in response.context["rows"]:
        row = item["row"]
        for code, url in item["links"].items():
            assert listed(user, url) == row.own.by_status[code], (row.party.code, code)
            checked += 1
    assert checked > 0
    for code, url in response.context["total_links"].items():
        assert listed(user, url) == response.context["data"].total.by_status[code]


def test_demo_dashboard_numbers_match_the_task_list(client, users):
    user = users["sonoivu"]
    client.force_login(user)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    data = response.context["data"]
    assert data.years == [2021, 2022, 2023, 2024, 2025, 2026]  # the seeds' term, then the invented new one
    for code, url in response.context["total_links"].items():
        assert listed(user, url) == data.total.by_status[code]
    for item in response.context["rows"]:
        for code, url in item["links"].items():
            assert listed(user, url) == item["row"].own.by_status[code]


def test_a_reporting_organisation_cannot_open_the_dashboard(client, world):
    client.force_login(world["users"]["reporter_a"])
    assert client.get(reverse("reports:dashboard")).status_code == 403


def test_the_dashboard_of_a_jurisdiction_outside_the_scope_is_404(client, world, make_party):
    other = make_party("UBND tỉnh Khác", kind="state", is_jurisdiction=True)
    client.force_login(world["users"]["focal"])
    assert client.get(reverse("reports:dashboard"), {"jurisdiction": other.pk}).status_code == 404
    assert client.get(reverse("reports:dashboard"), {"jurisdiction": world["root"].pk}).status_code == 200


def test_leader_sees_the_dashboard(client, world, frozen):
    client.force_login(world["users"]["leader"])
    assert client.get(reverse("reports:dashboard")).status_code == 200


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


@pytest.mark.parametrize("structure", ["", "hien_nay", "tai_thoi_diem"])
def test_dashboard_query_count_is_pinned_and_flat(client, world, grow, frozen, django_assert_num_queries, structure):
    client.force_login(world["users"]["focal"])
    url = reverse("reports:dashboard")
    params = {"co_cau": structure} if structure else {}
    expected = QUERIES_DASHBOARD_THEN if structure == "tai_thoi_diem" else QUERIES_DASHBOARD
    client.get(url)  # warm the session
    small = _queries(client, url, params)
    grow(30)
    large = _queries(client, url, params)
    assert small == large == expected
    with django_assert_num_queries(expected):
        client.get(url, params)


# Whatever the number of parties and tasks: session and scope, one grouped count, the parties, the overdue
# list, the calendar month and the filters' choices (bench/dashboard.py counts one more for its own user)…
QUERIES_DASHBOARD_THEN = 16
# …and in "hiện nay" (the default), who holds whose duties today, read once for the counts, the overdue list,
# the calendar and the links.
QUERIES_DASHBOARD = QUERIES_DASHBOARD_THEN + 1


def test_the_dashboard_speaks_english_too(client, world, frozen):
    client.force_login(world["users"]["leader"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert "Reporting rate" in html and "Tỷ lệ hoàn thành" not in html


def test_the_menu_shows_the_dashboard_only_to_oversight_roles(client, world, frozen):
    client.force_login(world["users"]["leader"])
    assert reverse("reports:dashboard") in client.get(reverse("obligations:my_tasks")).content.decode()
    client.force_login(world["users"]["reporter_a"])
    page = client.get(reverse("obligations:my_tasks")).content.decode()
    assert f'href="{reverse("reports:dashboard")}"' not in page
    assert reverse("reports:calendar_settings") in page


def test_the_chart_coordinates_use_a_decimal_point_in_vietnamese(client, world, frozen):
    """SVG reads "212.0": the Vietnamese decimal comma ("212,0") drew no bar at all."""
    client.force_login(world["users"]["focal"])
    html = client.get(reverse("reports:dashboard")).content.decode()
    chart = html[html.index('<section aria-labelledby="chart-title"') :]
    svg = chart[chart.index("<svg") : chart.index("</svg>")]
    assert "<rect" in svg
    assert not re.search(r'(?:x|y|width|height|y1|y2)="\d+,\d', svg)
