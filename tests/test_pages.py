"""Every page renders for every role; what a role may not see is a 404, judged against an oracle written
from the demo's codes rather than from the selectors under test."""

import pytest
from django.urls import reverse

from obligations.models import Obligation, Task
from regulations.models import Document, Meeting, Party, Regulation

ROLES = [
    "admin",
    "vanphong",
    "sonoivu",
    "lanhdao",
    "mttq",
    "hccb",
    "ldld",
    "hlhpn",
    "hnd",
    "tanyen",
    "noivu_tanyen",
    "outsider",
]
LIST_PAGES = [
    "home",
    "obligations:task_list",
    "obligations:obligation_list",
    "regulations:regulation_list",
    "regulations:document_list",
    "regulations:meeting_list",
    "regulations:party_list",
    "obligations:search",
]

# Which parties' tasks each account must see: its own, or the whole province for oversight roles.
KON_TUM_AND_SUCCESSORS = ("kt-", "qn-")
REPORTER_PARTIES = {
    "mttq": {"kt-mttq", "qn-mttq"},
    "hccb": {"kt-hccb", "qn-hccb"},
    "ldld": {"kt-ldld", "qn-ldld"},
    "hlhpn": {"kt-hlhpn", "qn-hlhpn"},
    "hnd": {"kt-hnd", "qn-hnd"},
}


def expected_task_visible(username: str, party_code: str) -> bool:
    if username == "admin":
        return True
    if username in ("vanphong", "sonoivu", "lanhdao"):
        return party_code.startswith(KON_TUM_AND_SUCCESSORS)
    if username in ("tanyen", "noivu_tanyen"):
        return party_code.startswith("ty-")
    return party_code in REPORTER_PARTIES.get(username, set())


# What each list page is for: its heading, and the rows it lists, with what identifies a row on the page.
PAGE_PURPOSE = {
    "obligations:task_list": ("Nhiệm vụ theo kỳ", lambda t: t.obligation.title),
    "obligations:obligation_list": ("Nhiệm vụ phối hợp theo quy chế và văn bản", lambda o: o.title),
    "regulations:regulation_list": ("Quy chế phối hợp", lambda r: r.title),
    "regulations:document_list": ("Văn bản", lambda d: d.number_symbol),
    "regulations:meeting_list": ("Hội nghị, giao ban", lambda m: m.title),
    "regulations:party_list": ("Cơ quan, tổ chức", lambda p: p.name),
}


# The demo's only meeting is Tân Yên's, and Tân Yên has no regulation on record.
NOTHING_THERE = {
    "regulations:meeting_list": set(ROLES) - {"admin", "tanyen", "noivu_tanyen"},
    "regulations:regulation_list": {"tanyen", "noivu_tanyen"},
}


def _visible_party_codes(username: str) -> set[str]:
    return {code for code in Party.objects.values_list("code", flat=True) if expected_task_visible(username, code)}


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize("page", list(PAGE_PURPOSE))
def test_each_list_page_lists_what_the_role_may_see(demo, users, client, username, page):
    client.force_login(users[username])
    response = client.get(reverse(page))
    html = response.content.decode()
    heading, label = PAGE_PURPOSE[page]
    assert response.status_code == 200 and f"<h1>{heading}</h1>" in html
    rows = list(response.context["page"].object_list)
    for row in rows:
        assert str(label(row)).replace("&", "&amp;")[:60] in html.replace("&#x27;", "'")
    if page == "obligations:task_list":
        visible = [t for t in Task.objects.select_related("party") if expected_task_visible(username, t.party.code)]
        assert response.context["page"].paginator.count == len(visible)
        assert {t.party.code for t in rows} <= {t.party.code for t in visible}
    elif page == "regulations:party_list":
        assert {p.code for p in rows} <= _visible_party_codes(username)
        assert response.context["page"].paginator.count == len(_visible_party_codes(username))
    if username == "outsider":
        assert rows == []  # someone who works nowhere sees nothing
    elif username == "admin":
        model = response.context["page"].paginator.object_list.model
        assert response.context["page"].paginator.count == model.objects.count()
    elif username in NOTHING_THERE.get(page, ()):
        assert rows == []
    else:
        assert rows, "every other demo role has something on this page"


@pytest.mark.parametrize("username", ROLES)
def test_the_home_page_counts_exactly_the_tasks_the_role_may_see(demo, users, client, username):
    client.force_login(users[username])
    response = client.get(reverse("home"))
    assert response.status_code == 200 and "<h1>Tổng quan</h1>" in response.content.decode()
    counted = sum(n for _status, _label, n in response.context["counts"])
    visible = sum(1 for t in Task.objects.select_related("party") if expected_task_visible(username, t.party.code))
    assert counted == visible


@pytest.mark.parametrize("username", ROLES)
def test_the_search_finds_only_what_the_role_may_see(demo, users, client, username):
    client.force_login(users[username])
    response = client.get(reverse("obligations:search"), {"q": "hoi nong dan"})
    assert response.status_code == 200 and "<h1>Tìm kiếm</h1>" in response.content.decode()
    parties = dict(response.context["groups"]).get("parties", [])
    expected = {code for code in _visible_party_codes(username) if "hnd" in code}
    assert {p.code for p in parties} == expected


@pytest.mark.parametrize("page", [*LIST_PAGES, "admin:index"])
def test_anonymous_visitors_are_sent_to_the_login_page(demo, client, page):
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("username", ROLES)
def test_task_pages_are_visible_exactly_to_the_parties_allowed(demo, users, client, username):
    client.force_login(users[username])
    for task in Task.objects.select_related("party"):
        expected = 200 if expected_task_visible(username, task.party.code) else 404
        assert client.get(task.get_absolute_url()).status_code == expected, (username, task.party.code)


def test_reporting_organisation_lists_only_its_own_tasks(demo, users, client):
    client.force_login(users["hnd"])
    response = client.get(reverse("obligations:task_list"))
    listed = {task.party.code for task in response.context["page"].object_list}
    assert listed == {"kt-hnd", "qn-hnd"}
    own = Task.objects.filter(party__code__in=["kt-hnd", "qn-hnd"])
    assert response.context["page"].paginator.count == own.count()
    assert own.filter(obligation__is_illustrative=False).count() == 5  # the seeds' five years; the rest invented


def test_so_noi_vu_sees_the_2025_reports_and_its_roll_up(demo, users, client):
    client.force_login(users["sonoivu"])
    response = client.get(reverse("obligations:task_list"), {"year": 2025})
    rows = [(t.party.short_name, t.due_date.strftime("%d/%m/%Y")) for t in response.context["page"].object_list]
    assert sorted(rows) == sorted(
        [
            ("Ủy ban MTTQ Quảng Ngãi", "15/12/2025"),
            ("HCCB Quảng Ngãi", "15/12/2025"),
            ("LĐLĐ Quảng Ngãi", "15/12/2025"),
            ("HLHPN Quảng Ngãi", "15/12/2025"),
            ("HND Quảng Ngãi", "15/12/2025"),
            ("Sở Nội vụ Quảng Ngãi", "24/12/2025"),
        ]
    )
    page = response.content.decode()
    assert "15/12/2025" in page and "24/12/2025" in page


def test_task_list_filters_by_status_and_due_window(demo, users, client):
    client.force_login(users["sonoivu"])
    late = client.get(reverse("obligations:task_list"), {"status": Task.Status.DONE_LATE}).context["page"]
    # The seeds' term (the invented new term adds a late report of its own, whose period depends on the load date).
    assert {(t.party.code, t.period.year) for t in late.object_list if not t.obligation.is_illustrative} == {
        ("kt-hlhpn", 2021),
        ("kt-hccb", 2022),
        ("kt-hnd", 2023),
        ("kt-snv", 2023),
        ("qn-hccb", 2025),
    }
    window = client.get(reverse("obligations:task_list"), {"due_from": "20/12/2022", "due_to": "31/12/2023"})
    assert {t.due_date.isoformat() for t in window.context["page"].object_list} == {
        "2022-12-26",
        "2023-12-14",
        "2023-12-25",
    }
    party = Party.objects.get(code="kt-hnd")
    by_party = client.get(reverse("obligations:task_list"), {"party": party.pk}).context["page"]
    assert {t.party_id for t in by_party.object_list} == {party.pk}


def test_a_filter_on_a_party_outside_the_scope_is_refused_not_obeyed(demo, users, client):
    client.force_login(users["hnd"])
    foreign = Party.objects.get(code="kt-mttq")
    response = client.get(reverse("obligations:task_list"), {"party": foreign.pk})
    assert response.status_code == 200
    assert "party" in response.context["filter"].errors
    assert not any(t.party_id == foreign.pk for t in response.context["page"].object_list)


OBJECT_CASES = [
    # (username, kind, key, expected status)
    ("hnd", "regulation", "4861/QCPH-UBND-HND", 200),
    ("hnd", "regulation", "4857/QCPH-UBND-UBMTTQVN", 404),
    ("mttq", "regulation", "4857/QCPH-UBND-UBMTTQVN", 200),
    ("sonoivu", "regulation", "4861/QCPH-UBND-HND", 200),
    ("lanhdao", "regulation", "4859/QCPH-UBND-LĐLĐ", 200),
    ("tanyen", "regulation", "4857/QCPH-UBND-UBMTTQVN", 404),
    ("outsider", "regulation", "4861/QCPH-UBND-HND", 404),
    ("hnd", "document", "106/UBND-KGVX", 200),
    ("tanyen", "document", "106/UBND-KGVX", 404),
    ("tanyen", "document", "/TB-UBND", 200),
    ("noivu_tanyen", "document", "/TB-UBND", 200),
    ("sonoivu", "document", "/TB-UBND", 404),
    ("outsider", "document", "106/UBND-KGVX", 404),
    ("tanyen", "meeting", None, 200),
    ("admin", "meeting", None, 200),
    ("sonoivu", "meeting", None, 404),
    ("hnd", "meeting", None, 404),
    ("hnd", "party", "kt-hnd", 200),
    ("hnd", "party", "kt-mttq", 404),
    ("sonoivu", "party", "kt-mttq", 200),
    ("sonoivu", "party", "ty-ubnd", 404),
    ("noivu_tanyen", "party", "ty-hnd", 200),
    ("hnd", "obligation", "Báo cáo đánh giá kết quả triển khai", 200),
    ("hnd", "obligation", "Hoàn thiện Quy chế", 404),
    ("noivu_tanyen", "obligation", "Hoàn thiện Quy chế", 200),
    ("noivu_tanyen", "obligation", "Báo cáo đánh giá kết quả triển khai", 404),
    ("outsider", "obligation", "Báo cáo đánh giá kết quả triển khai", 404),
]


def _object(kind, key):
    if kind == "regulation":
        return Regulation.objects.get(number_symbol=key)
    if kind == "document":
        return Document.objects.get(number_symbol=key)
    if kind == "meeting":
        return Meeting.objects.get()
    if kind == "party":
        return Party.objects.get(code=key)
    return Obligation.objects.get(title__startswith=key)


@pytest.mark.parametrize(("username", "kind", "key", "expected"), OBJECT_CASES)
def test_detail_pages_answer_404_for_foreign_objects(demo, users, client, username, kind, key, expected):
    client.force_login(users[username])
    assert client.get(_object(kind, key).get_absolute_url()).status_code == expected


def test_detail_pages_show_the_source_wording_next_to_the_due_date(demo, users, client):
    client.force_login(users["hnd"])
    task = Task.objects.get(party__code="qn-hnd", obligation__is_illustrative=False)
    page = client.get(task.get_absolute_url()).content.decode()
    assert "15/12/2025" in page
    assert "hoàn thành trước ngày 15/12" in page
    assert "HND Kon Tum" in page  # handed over from


def test_document_page_renders_the_directive(demo, users, client):
    client.force_login(users["vanphong"])
    page = client.get(Document.objects.get(number_symbol="106/UBND-KGVX").get_absolute_url()).content.decode()
    for text in ("106/UBND-KGVX", "Y Ngọc", "KT. CHỦ TỊCH", "Kính gửi", "Nơi nhận", "12/01/2021"):
        assert text in page


def test_meeting_page_shows_figures_and_conclusions(demo, users, client):
    client.force_login(users["tanyen"])
    page = client.get(Meeting.objects.get().get_absolute_url()).content.decode()
    for text in ("28/02/2023", "Phan Thế Vinh", "14,6", "17", "05/3/2023"):
        assert text in page


def test_missing_file_is_a_404_not_an_error(demo, users, client):
    client.force_login(users["admin"])
    regulation = Regulation.objects.get(number_symbol="4861/QCPH-UBND-HND")
    assert client.get(reverse("regulations:regulation_file", args=[regulation.pk])).status_code == 404


def test_task_list_query_count_does_not_grow_with_rows(demo, users, client, django_assert_num_queries, make_party):
    client.force_login(users["sonoivu"])
    client.get(reverse("obligations:task_list"))  # warm the session and the scope
    with django_assert_num_queries(QUERIES_TASK_LIST) as first:
        client.get(reverse("obligations:task_list"))
    # Forty more reporting organisations in the province: five more tasks each.
    kon_tum = Party.objects.get(code="kt-ubnd")
    regulation = Regulation.objects.get(number_symbol="4861/QCPH-UBND-HND")
    for n in range(40):
        org = make_party(f"Tổ chức thêm {n}", parent=kon_tum)
        regulation.signatories.add(org)
    from obligations.services import tasks_generate

    assert tasks_generate().created == 200
    with django_assert_num_queries(QUERIES_TASK_LIST) as second:
        response = client.get(reverse("obligations:task_list"))
    assert len(response.context["page"].object_list) == 50
    assert len(first.captured_queries) == len(second.captured_queries)


# Session, user, scope memberships (+1 per oversight jurisdiction), the obligations the user's parties
# co-operate on, filter choices, count, page's ids, page of rows, years,
# the header (the user's parties, the inbox's unread count) and the session renewed for the inactivity
# timeout (savepoint, update, release).
QUERIES_TASK_LIST = 15


LIST_OF_KIND = {
    "regulation": "regulations:regulation_list",
    "document": "regulations:document_list",
    "meeting": "regulations:meeting_list",
    "party": "regulations:party_list",
    "obligation": "obligations:obligation_list",
}


@pytest.mark.parametrize(("username", "kind", "key", "expected"), OBJECT_CASES)
def test_list_pages_show_exactly_what_the_detail_pages_allow(demo, users, client, username, kind, key, expected):
    """A list that forgot its scope would still answer 200: check which rows it holds."""
    client.force_login(users[username])
    page = client.get(reverse(LIST_OF_KIND[kind])).context["page"]
    listed = set(page.paginator.object_list.values_list("pk", flat=True))
    assert (_object(kind, key).pk in listed) == (expected == 200)


@pytest.mark.parametrize("page", [*LIST_OF_KIND.values(), "obligations:task_list"])
def test_an_outsider_lists_nothing(demo, users, client, page):
    client.force_login(users["outsider"])
    assert client.get(reverse(page)).context["page"].paginator.count == 0
