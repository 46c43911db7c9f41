"""Every list page declares what it joins: its query count is pinned to a number, and stays that number when
30 more rows of what it lists appear on it.

Each page is asked for as the role that sees the most on it, first with the demo, then with 30 more rows of
every shape a row can take (an obligation from a regulation, a document item or a meeting's conclusion; open,
returned, overdue and handed-over tasks; drafts; meetings with a notice; parties that have closed). The added
rows are found on the page itself, so a page that silently showed nothing could not pass."""

import datetime
import itertools
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from matters import services as matters
from notifications.models import Notification
from obligations.models import Obligation, Submission, SubmissionVersion, Task
from obligations.services import period_get_or_create
from obligations.source_views import SEARCH_LIMIT
from regulations.models import Conclusion, Document, DocumentItem, Meeting, MeetingAttendee, Party, Regulation
from reports.services import calendar_token_issue

MORE = 30
# The demo's reporting season: Hội Nông dân's yearly report (due 15/12/2025) is still ahead.
NOW = datetime.datetime(2025, 12, 10, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
TODAY = NOW.date()
MARK = "đếm truy vấn"  # in the name of every row added here, followed by its two-digit number

# The queries of each page: the same with the demo and with 30 more rows. A page behind a login pays 8 for
# the request itself: the session and its user (2); the user's memberships, for the scope (1); the header:
# the user's parties and the unread count (2); the session saved on every request, for the inactivity
# timeout (savepoint, update, release: 3). What the page adds is said above its number.
#
# A paginated list reads its page in three queries: the count, the page's ids (narrow rows, behind the filters
# and in the list's order), the page's rows by id (IdPaginator).
#
# The jurisdictions above Sở Nội vụ (1); the obligations Sở Nội vụ co-operates on, for the visibility (1);
# the page (3); the rows' responsible parties (1); the rows' numbers of tasks, grouped over the page's ids
# (1); whether the user writes sources, for the "Thêm nhiệm vụ từ văn bản" button (1).
QUERIES_OBLIGATION_LIST = 16
# The page (3); the signatory filter's choices (1); the rows' signatories (1); the memberships that
# write sources, for the "Thêm quy chế" button (1: editing_paths keeps its own copy, apart from the scope's).
# (Văn phòng works at the People's Committees themselves: no jurisdictions to look up.)
QUERIES_REGULATION_LIST = 14
# The page (3); the issuer filter's choices (1); the memberships that write sources, read once for
# both buttons ("Thêm văn bản", "Thêm nhiệm vụ từ văn bản") (1).
QUERIES_DOCUMENT_LIST = 13
# The page (3); the host filter's choices (1).
QUERIES_MEETING_LIST = 12
# The page, each row with its territory, superior and successor (3); the rows' predecessors and former
# names (2).
QUERIES_PARTY_LIST = 13
# One query per group: regulations, documents, meetings, obligations, parties (5); the obligations the
# user's parties co-operate on, for the obligations' visibility (1).
QUERIES_SEARCH = 14
# The jurisdictions Sở Nội vụ reviews (1); the memberships again, for the review rights (1: the rights keep
# a copy of their own, apart from the scope's); the jurisdictions above it (1); the queue's page (3).
QUERIES_REVIEW_LIST = 14
# The memberships again, for the reporting roles (1, as on the review queue); the open tasks (1).
QUERIES_MY_TASKS = 10
# The jurisdictions above Sở Nội vụ (1); the page, each row with its party, task and obligation (3).
QUERIES_MATTER_LIST = 12
# The count and rows (2).
QUERIES_INBOX = 10
# The obligations the user's parties co-operate on, for the tasks' visibility (1); the counts by status (1);
# the overdue total (1); the ten nearest deadlines and the ten latest overdue (2).
QUERIES_HOME = 13
# The obligations Hội Nông dân co-operates on, for the visibility (1); the page, each row with its party,
# obligation and period (3); the years of the period filter (1); the party filter's choices (1).
QUERIES_TASK_LIST = 14
# No session and no header: the token with its user (1), its use stamped (1), the memberships (1), the open
# tasks (1).
QUERIES_CALENDAR_FEED = 4


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _name(kind: str, n: int) -> str:
    return f"{kind} {MARK} {n:02d}"


def _shown(text: str) -> set[int]:
    """The numbers of the added rows that a page (or a row's text) shows."""
    return {int(number) for number in re.findall(rf"{MARK} (\d\d)", text)}


# --- rows of every shape ----------------------------------------------------------------------------------

_unique = itertools.count(1000)  # numbers of the sources the added rows cite: never shown as added rows


def _regulation(demo, n: int, *, title: str = "", **extra) -> Regulation:
    issuer = demo["qn-ubnd"] if n % 2 == 0 else demo["kt-ubnd"]
    regulation = Regulation.objects.create(
        number_symbol=f"{n}/QCPH-DEM" if n % 5 else "",
        title=title or _name("Quy chế phối hợp", n),
        issuer=issuer,
        signed_on=datetime.date(2025, 1, 1 + n % 28) if n % 3 else None,
        term_start=2026,
        term_end=2030,
        status=Regulation.Status.DRAFT if n % 5 == 0 else Regulation.Status.IN_FORCE,
        **extra,
    )
    signatories = ["qn-hnd", "qn-mttq", "qn-hccb"] if n % 2 == 0 else ["kt-hnd", "kt-ldld"]
    regulation.signatories.set([issuer, *(demo[code] for code in signatories)])
    return regulation


def _document(demo, n: int, *, subject: str = "") -> Document:
    draft = n % 4 == 0
    document = Document.objects.create(
        kind=[Document.Kind.DIRECTIVE, Document.Kind.CONCLUSION_NOTICE, Document.Kind.PLAN][n % 3],
        number_symbol="" if draft else f"{n}/UBND-DEM",
        is_draft=draft,
        issuer=demo["qn-ubnd"] if n % 2 == 0 else demo["kt-ubnd"],
        place="Quảng Ngãi",
        issued_on=None if draft else datetime.date(2025, 11, 1 + n % 28),
        date_text="ngày … tháng 11 năm 2025" if draft else "",
        title="THÔNG BÁO" if n % 3 == 1 else "",
        subject=subject or _name("Văn bản phối hợp", n),
    )
    DocumentItem.objects.create(document=document, order=1, label="1", text="Giao Sở Nội vụ theo dõi.")
    DocumentItem.objects.create(document=document, order=2, label="2", text="Các hội báo cáo kết quả.")
    return document


def _meeting(demo, n: int, *, title: str = "", notice: Document | None = None) -> Meeting:
    meeting = Meeting.objects.create(
        kind=[Meeting.Kind.CONFERENCE, Meeting.Kind.BRIEFING, Meeting.Kind.INTERIM_REVIEW][n % 3],
        title=title or _name("Hội nghị phối hợp", n),
        held_on=datetime.date(2025, 11, 1 + n % 28),
        host=demo["qn-ubnd"] if n % 2 == 0 else demo["kt-ubnd"],
        notice=notice,
    )
    for order, code in enumerate(["qn-mttq", "qn-hnd", "kt-hnd"], start=1):
        MeetingAttendee.objects.create(meeting=meeting, order=order, position="Chủ tịch", party=demo[code])
    for number in (1, 2):
        Conclusion.objects.create(meeting=meeting, number=number, text="Giao Sở Nội vụ theo dõi.")
    return meeting


class Sources:
    """A regulation, a document and a meeting that the added obligations cite in turn."""

    def __init__(self, demo):
        self.regulation = _regulation(demo, next(_unique), title="Quy chế nguồn")
        self.document = _document(demo, next(_unique), subject="Văn bản nguồn")
        self.meeting = _meeting(demo, next(_unique), title="Hội nghị nguồn")

    def of(self, n: int) -> dict:
        if n % 3 == 0:
            return {"source_regulation": self.regulation}
        if n % 3 == 1:
            return {"source_item": DocumentItem.objects.create(document=self.document, order=10 + n, label=f"{n}")}
        return {"source_conclusion": Conclusion.objects.create(meeting=self.meeting, number=10 + n, text=".")}


def _obligation(demo, sources: Sources, n: int, parties: list[Party]) -> Obligation:
    obligation = Obligation.objects.create(
        title=_name("Nhiệm vụ phối hợp", n),
        owed_to=demo["qn-ubnd"],
        recurrence=[Obligation.Recurrence.YEARLY, Obligation.Recurrence.ONCE][n % 2],
        due_day=15,
        due_month=12,
        due_date=datetime.date(2025, 12, 15),
        deliverable=[Obligation.Deliverable.REPORT, Obligation.Deliverable.ACTION][n % 2],
        applies_from=datetime.date(2025, 1, 1),
        applies_to=datetime.date(2025, 12, 31),
        due_wording="trước ngày 15/12" if n % 4 else "",
        # Some follow the regulation's signatories rather than naming their parties.
        responsible_rule=(
            Obligation.ResponsibleRule.SIGNATORY_ORGANISATIONS if n % 6 == 3 else Obligation.ResponsibleRule.NAMED
        ),
        **sources.of(n),
    )
    obligation.responsible_parties.set(parties)
    return obligation


def _task(obligation, party, *, due: datetime.date, state=Task.State.OPEN, **extra) -> Task:
    if state == Task.State.DONE:
        extra |= {"completed_at": NOW, "on_time": True}
    return Task.objects.create(
        obligation=obligation,
        party=party,
        period=period_get_or_create(kind="year", year=2025),
        nominal_due_date=extra.pop("nominal_due_date", due),
        due_date=due,
        state=state,
        **extra,
    )


# --- what each page lists: rows numbered n ----------------------------------------------------------------


def grow_obligations(demo, users, numbers):
    sources = Sources(demo)
    for n in numbers:
        parties = [demo["qn-hnd"], demo["qn-mttq"]] if n % 2 == 0 else [demo["kt-hnd"], demo["kt-hlhpn"]]
        obligation = _obligation(demo, sources, n, parties)
        for party in parties:
            _task(obligation, party, due=datetime.date(2025, 12, 15), state=[Task.State.OPEN, Task.State.DONE][n % 2])


def grow_regulations(demo, users, numbers):
    replaced = Regulation.objects.filter(issuer=demo["qn-ubnd"]).first()
    for n in numbers:
        _regulation(demo, n, replaces=replaced if n % 6 == 1 else None)


def grow_documents(demo, users, numbers):
    regulation = _regulation(demo, next(_unique), title="Quy chế nguồn")
    for n in numbers:
        document = _document(demo, n)
        if n % 2:
            document.regulations.set([regulation])


def grow_meetings(demo, users, numbers):
    for n in numbers:
        notice = _document(demo, next(_unique), subject="Thông báo kết luận") if n % 2 else None
        _meeting(demo, n, notice=notice)


def grow_parties(demo, users, numbers):
    for n in numbers:
        closed = n % 5 == 0
        Party.objects.create(
            code=f"dem-{n}",
            name=_name("Hội phối hợp", n),
            short_name=f"HĐ{n}",
            kind=[Party.Kind.SOCIO_POLITICAL, Party.Kind.STATE, Party.Kind.FRONT][n % 3],
            level=Party.Level.PROVINCE,
            # Under the Front of Quảng Ngãi: early in the tree's order, so all of them are on the first page.
            parent=demo["qn-mttq"],
            valid_from=datetime.date(2020, 1, 1) if n % 2 else None,
            valid_to=datetime.date(2025, 6, 30) if closed else None,
            successor=demo["qn-hnd"] if closed else None,
        )


def grow_review_queue(demo, users, numbers):
    """Reports submitted to Sở Nội vụ by the organisations of both provinces, some after the deadline."""
    sources = Sources(demo)
    reporters = ["qn-hnd", "qn-mttq", "qn-hccb", "kt-hnd", "kt-ldld", "kt-hlhpn"]
    for n in numbers:
        party = demo[reporters[n % len(reporters)]]
        due = TODAY - datetime.timedelta(days=n % 2)
        task = _task(_obligation(demo, sources, n, [party]), party, due=due, state=Task.State.SUBMITTED)
        submission = Submission.objects.create(task=task, results="Kết quả.", revision=1)
        submitted_at = NOW - datetime.timedelta(hours=n)
        SubmissionVersion.objects.create(
            submission=submission, number=1, submitted_by=users["hnd"], submitted_at=submitted_at
        )


def grow_own_tasks(demo, users, numbers):
    """Open tasks of Hội Nông dân (both provinces): the first half due in the coming days, the rest overdue;
    some returned, some handed over from a predecessor, some with the deadline moved to a working day."""
    sources = Sources(demo)
    for n in numbers:
        party = demo["qn-hnd"] if n % 2 == 0 else demo["kt-hnd"]
        if n < MORE // 2:
            due = TODAY + datetime.timedelta(days=1 + n % 4)  # before the demo's report, due 15/12
        else:
            due = TODAY - datetime.timedelta(days=1 + n % 9)
        _task(
            _obligation(demo, sources, n, [party]),
            party,
            due=due,
            nominal_due_date=due - datetime.timedelta(days=2) if n % 5 == 0 else due,
            state=Task.State.RETURNED if n % 3 == 0 else Task.State.OPEN,
            handed_over_from=demo["kt-hnd"] if n % 4 == 0 else None,
        )


def grow_matters(demo, users, numbers):
    """Matters raised by Hội Nông dân about its tasks, for Sở Nội vụ to answer."""
    grow_own_tasks(demo, users, numbers)
    for n in numbers:
        task = Task.objects.get(obligation__title=_name("Nhiệm vụ phối hợp", n))
        matters.matter_raise(
            actor=users["hnd"], party=task.party, task=task, subject=_name("Vướng mắc", n), body="Xin hướng dẫn."
        )


def grow_inbox(demo, users, numbers):
    for n in numbers:
        Notification.objects.create(
            recipient=users["hnd"],
            kind="reminder",
            subject=_name("Nhắc hạn", n),
            body="Còn 3 ngày." if n % 2 else "",
            link=reverse("obligations:my_tasks"),
            key=f"dem-{n}",
            read_at=NOW if n % 3 == 0 else None,
        )


def grow_everything(demo, users, numbers):
    """More of each thing the search finds, each with "phối hợp" in its name."""
    for grow in (grow_regulations, grow_documents, grow_meetings, grow_parties, grow_obligations):
        grow(demo, users, numbers)


# page: the role that sees the most on it, the list's address, how to add rows numbered n, the pinned count
# and whether the demo shows this role none of them (then the page is first counted with one added row, so
# that it is counted with rows both times).
PAGES = {
    "obligation_list": ("sonoivu", "obligations:obligation_list", grow_obligations, QUERIES_OBLIGATION_LIST, False),
    "regulation_list": ("vanphong", "regulations:regulation_list", grow_regulations, QUERIES_REGULATION_LIST, False),
    "document_list": ("vanphong", "regulations:document_list", grow_documents, QUERIES_DOCUMENT_LIST, False),
    # Only the admin sees the demo's one meeting (Tân Yên's).
    "meeting_list": ("admin", "regulations:meeting_list", grow_meetings, QUERIES_MEETING_LIST, False),
    "party_list": ("vanphong", "regulations:party_list", grow_parties, QUERIES_PARTY_LIST, False),
    "review_list": ("sonoivu", "obligations:review_list", grow_review_queue, QUERIES_REVIEW_LIST, True),
    "my_tasks": ("hnd", "obligations:my_tasks", grow_own_tasks, QUERIES_MY_TASKS, False),
    "task_list": ("hnd", "obligations:task_list", grow_own_tasks, QUERIES_TASK_LIST, False),
    "matter_list": ("sonoivu", "matters:matter_list", grow_matters, QUERIES_MATTER_LIST, True),
    "inbox": ("hnd", "notifications:inbox", grow_inbox, QUERIES_INBOX, True),
}


def _rows(response) -> int:
    context = response.context
    return len(context["page"].object_list) if "page" in context else len(context["tasks"])


def _get(client, url, queries, django_assert_num_queries):
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200, url
    return response


@pytest.mark.parametrize("page", PAGES)
def test_a_list_page_costs_the_same_queries_with_30_more_rows(page, demo, users, client, django_assert_num_queries):
    role, url_name, grow, queries, demo_shows_none = PAGES[page]
    first = range(MORE, MORE + 1) if demo_shows_none else range(0)
    grow(demo, users, first)
    client.force_login(users[role])
    url = reverse(url_name)
    client.get(url)  # the first request of a session also writes the session: count from the second on
    before = _get(client, url, queries, django_assert_num_queries)
    assert _shown(before.content.decode()) == set(first)
    assert _rows(before)  # counted with rows: the demo's own, or the one added first
    grow(demo, users, range(MORE))
    after = _get(client, url, queries, django_assert_num_queries)
    assert _shown(after.content.decode()) == {*first, *range(MORE)}  # every added row is on the page


def _text(row) -> str:
    return " ".join(str(getattr(row, field, "")) for field in ("title", "subject", "name"))


def test_the_search_costs_the_same_queries_with_30_more_of_everything(demo, users, client, django_assert_num_queries):
    client.force_login(users["vanphong"])
    url = reverse("obligations:search") + "?q=phoi+hop"
    client.get(url)
    before = _get(client, url, QUERIES_SEARCH, django_assert_num_queries)
    found_before = dict(before.context["groups"])
    assert found_before["regulations"]  # the demo's regulations are found already
    grow_everything(demo, users, range(MORE))
    after = _get(client, url, QUERIES_SEARCH, django_assert_num_queries)
    html = after.content.decode()
    for name, rows in after.context["groups"]:
        # Every group is full, and the added rows fill what the demo's own matches leave.
        assert len(rows) == SEARCH_LIMIT, name
        added = {n for row in rows for n in _shown(_text(row))}
        assert len(added) >= SEARCH_LIMIT - len(found_before[name]), name
        assert all(_name("", n).strip() in html for n in added), name


def test_home_costs_the_same_queries_with_30_more_open_tasks(demo, users, client, django_assert_num_queries):
    client.force_login(users["hnd"])
    client.get(reverse("home"))
    before = _get(client, reverse("home"), QUERIES_HOME, django_assert_num_queries)
    # The demo's own: its reports of the new term due soon (the seeds' 2025 report is overdue), no added row.
    assert before.context["upcoming"] and not _shown(before.content.decode())
    grow_own_tasks(demo, users, range(MORE))
    after = _get(client, reverse("home"), QUERIES_HOME, django_assert_num_queries)
    # The ten nearest deadlines and the ten latest overdue tasks: all of them added ones, all on the page.
    upcoming, overdue = list(after.context["upcoming"]), list(after.context["overdue"])
    assert len(upcoming) == len(overdue) == 10
    listed = {n for task in upcoming + overdue for n in _shown(task.obligation.title)}
    assert len(listed) == 20
    assert _shown(after.content.decode()) == listed
    assert after.context["overdue_total"] == before.context["overdue_total"] + MORE // 2


def _events(content: bytes) -> list:
    return Calendar.from_ical(content).walk("VEVENT")


def test_the_calendar_feed_costs_the_same_queries_with_30_more_open_tasks(
    demo, users, client, django_assert_num_queries
):
    url = reverse("reports:calendar_feed", args=[calendar_token_issue(user=users["hnd"]).token])
    before = _get(client, url, QUERIES_CALENDAR_FEED, django_assert_num_queries)  # the address is the credential
    # The demo's own open tasks (its new term's reports), no added row.
    assert _events(before.content) and not {n for e in _events(before.content) for n in _shown(str(e["summary"]))}
    grow_own_tasks(demo, users, range(MORE))
    after = _get(client, url, QUERIES_CALENDAR_FEED, django_assert_num_queries)
    assert {n for event in _events(after.content) for n in _shown(str(event["summary"]))} == set(range(MORE))


def test_the_obligation_list_counts_the_tasks_of_each_row(demo, users, client):
    grow_obligations(demo, users, range(4))
    without_tasks = _obligation(demo, Sources(demo), 4, [demo["qn-hnd"]])
    client.force_login(users["sonoivu"])
    rows = client.get(reverse("obligations:obligation_list")).context["page"].object_list
    counts = {row.pk: row.task_count for row in rows}
    assert counts == {row.pk: Task.objects.filter(obligation=row).count() for row in rows}
    assert counts[without_tasks.pk] == 0 and max(counts.values()) > 1


# More rows than a page holds (PAGE_SIZE = 50): the first and the second page cost what the demo's page does.
PAGED = {
    "obligation_list": ("sonoivu", "obligations:obligation_list", grow_obligations, QUERIES_OBLIGATION_LIST),
    "task_list": ("hnd", "obligations:task_list", grow_own_tasks, QUERIES_TASK_LIST),
    "review_list": ("sonoivu", "obligations:review_list", grow_review_queue, QUERIES_REVIEW_LIST),
}
MANY = 60


@pytest.mark.parametrize("page", PAGED)
def test_a_list_longer_than_a_page_costs_the_same_queries_on_each_page(
    page, demo, users, client, django_assert_num_queries
):
    role, url_name, grow, queries = PAGED[page]
    grow(demo, users, range(MANY))
    client.force_login(users[role])
    url = reverse(url_name)
    client.get(url)
    first = _get(client, url, queries, django_assert_num_queries)
    second = _get(client, url + "?page=2", queries, django_assert_num_queries)
    assert first.context["page"].paginator.num_pages >= 2
    assert len(first.context["page"].object_list) == 50
    # The two pages show different rows, and the links keep the page number.
    assert not {row.pk for row in first.context["page"]} & {row.pk for row in second.context["page"]}
    assert 'href="?page=2"' in first.content.decode() and "Trang 2/" in second.content.decode()
