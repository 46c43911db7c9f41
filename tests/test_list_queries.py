"""Every list page declares what it joins: its query count is pinned to a number, and stays that number when
30 more rows of what it lists appear on it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from obligations.models import Obligation, Task
from obligations.services import period_get_or_create
from regulations.models import Conclusion, Document, DocumentItem, Meeting, MeetingAttendee, Party, Regulation
from reports.services import calendar_token_issue

MORE = 30
DUE = datetime.date(2026, 12, 15)  # after "today" in these tests: open tasks are still in time


@pytest.fixture(autouse=True)
def today(settings):
    import time_machine

    with time_machine.travel(datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


def _regulation(demo, n):
    regulation = Regulation.objects.create(
        number_symbol=f"{900 + n}/QCPH-DEM",
        title=f"Quy chế đếm truy vấn {n}",
        issuer=demo["qn-ubnd"],
        term_start=2026,
        term_end=2030,
    )
    regulation.signatories.set([demo["qn-ubnd"], demo["qn-hnd"], demo["qn-mttq"]])
    return regulation


def _obligation(demo, regulation, n, parties):
    obligation = Obligation.objects.create(
        title=f"Nhiệm vụ đếm truy vấn {n}",
        source_regulation=regulation,
        owed_to=demo["qn-ubnd"],
        recurrence=Obligation.Recurrence.YEARLY,
        due_day=15,
        due_month=12,
        deliverable=Obligation.Deliverable.REPORT,
        applies_from=datetime.date(2026, 1, 1),
        applies_to=datetime.date(2026, 12, 31),
        due_wording="trước ngày 15/12",
    )
    obligation.responsible_parties.set(parties)
    return obligation


def _task(obligation, party, *, state=Task.State.OPEN):
    period = period_get_or_create(kind="year", year=2026)
    return Task.objects.create(
        obligation=obligation, party=party, period=period, nominal_due_date=DUE, due_date=DUE, state=state
    )


def grow_obligations(demo):
    regulation = _regulation(demo, 0)
    for n in range(MORE):
        _task(_obligation(demo, regulation, n, [demo["qn-hnd"], demo["qn-mttq"]]), demo["qn-hnd"])
    return "Nhiệm vụ đếm truy vấn 7"


def grow_regulations(demo):
    for n in range(MORE):
        _regulation(demo, n)
    return "Quy chế đếm truy vấn 7"


def grow_documents(demo):
    for n in range(MORE):
        document = Document.objects.create(
            kind=Document.Kind.DIRECTIVE,
            number_symbol=f"{800 + n}/UBND-DEM",
            issuer=demo["qn-ubnd"],
            place="Quảng Ngãi",
            issued_on=datetime.date(2026, 3, 1),
            subject=f"Văn bản đếm truy vấn {n}",
        )
        document.regulations.set([_regulation(demo, n)])
        DocumentItem.objects.create(document=document, order=1, label="1", text="Giao Sở Nội vụ theo dõi.")
    return "Văn bản đếm truy vấn 7"


def grow_meetings(demo):
    for n in range(MORE):
        meeting = Meeting.objects.create(
            kind=Meeting.Kind.BRIEFING,
            title=f"Hội nghị đếm truy vấn {n}",
            held_on=datetime.date(2026, 3, 1),
            host=demo["qn-ubnd"],
        )
        MeetingAttendee.objects.create(meeting=meeting, order=1, name="Đại biểu", party=demo["qn-mttq"])
        Conclusion.objects.create(meeting=meeting, number=1, text="Giao Sở Nội vụ theo dõi.")
    return "Hội nghị đếm truy vấn 7"


def grow_parties(demo):
    for n in range(MORE):
        Party.objects.create(
            code=f"dem-{n}",
            name=f"Hội đếm truy vấn {n}",
            short_name=f"HĐ{n}",
            kind=Party.Kind.SOCIO_POLITICAL,
            level=Party.Level.PROVINCE,
            parent=demo["qn-ubnd"],
        )
    return "Hội đếm truy vấn 7"


def grow_search(demo):
    grow_parties(demo)
    grow_regulations(demo)
    return "Hội đếm truy vấn 7"


def grow_review_queue(demo):
    regulation = _regulation(demo, 0)
    obligation = _obligation(demo, regulation, 0, [])
    for n in range(MORE):
        party = Party.objects.create(
            code=f"nop-{n}",
            name=f"Hội nộp báo cáo {n}",
            short_name=f"HN{n}",
            kind=Party.Kind.SOCIO_POLITICAL,
            level=Party.Level.PROVINCE,
            parent=demo["qn-ubnd"],
        )
        obligation.responsible_parties.add(party)
        _task(obligation, party, state=Task.State.SUBMITTED)
    return "Hội nộp báo cáo 7"


def grow_own_tasks(demo):
    return grow_obligations(demo)


def _calendar_url(users):
    return reverse("reports:calendar_feed", args=[calendar_token_issue(user=users["hnd"]).token])


# page, role, url, how to add rows, the number of queries (with the demo, and with 30 more rows)
PAGES = {
    "obligation_list": ("sonoivu", lambda users: reverse("obligations:obligation_list"), grow_obligations, 12),
    "regulation_list": ("vanphong", lambda users: reverse("regulations:regulation_list"), grow_regulations, 12),
    "document_list": ("vanphong", lambda users: reverse("regulations:document_list"), grow_documents, 11),
    # The admin sees the demo's one meeting (Tân Yên's): a page with rows before and after.
    "meeting_list": ("admin", lambda users: reverse("regulations:meeting_list"), grow_meetings, 11),
    "party_list": ("vanphong", lambda users: reverse("regulations:party_list"), grow_parties, 10),
    "search": ("vanphong", lambda users: reverse("obligations:search") + "?q=dem+truy+van", grow_search, 13),
    "review_list": ("sonoivu", lambda users: reverse("obligations:review_list"), grow_review_queue, 12),
    "my_tasks": ("hnd", lambda users: reverse("obligations:my_tasks"), grow_own_tasks, 10),
    "home": ("hnd", lambda users: reverse("home"), grow_own_tasks, 12),
    "calendar_feed": (None, _calendar_url, grow_own_tasks, 4),
}


def _count(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries), response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_a_list_page_costs_the_same_queries_with_30_more_rows(page, demo, users, client):
    role, url_of, grow, expected = PAGES[page]
    if role:
        client.force_login(users[role])
    url = url_of(users)
    client.get(url)  # the first request of a session also writes the session: count from the second on
    few, _html = _count(client, url)
    marker = grow(demo)
    many, html = _count(client, url)
    assert marker in html  # the new rows are on the page: the count is of a page that shows them
    assert (few, many) == (expected, expected)
