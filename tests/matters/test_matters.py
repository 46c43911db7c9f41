"""Matters (phản ánh, kiến nghị): a party raises one, the focal agency answers or forwards it to the
People's Committee; each step is on the trail and tells the people concerned; others get a 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matters import services
from matters.models import Matter, MatterEvent
from notifications.models import Notification
from obligations.models import Task
from regulations.models import Membership, Party


@pytest.fixture
def task(demo):
    return Task.objects.get(party__code="qn-hnd", period__year=2025)


@pytest.fixture
def matter(users, task):
    return services.matter_raise(
        actor=users["hnd"],
        party=task.party,
        task=task,
        subject="Chưa rõ mẫu biểu báo cáo",
        body="Đề nghị Sở Nội vụ hướng dẫn mẫu biểu số liệu năm 2025.",
    )


def test_a_party_raises_a_matter_on_its_task_through_the_page(client, users, task):
    client.force_login(users["hnd"])
    url = reverse("matters:matter_raise") + f"?task={task.pk}"
    page = client.get(url)
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
    response = client.post(
        reverse("matters:matter_raise"),
        {"task": task.pk, "party": task.party_id, "subject": "Vướng mắc số liệu", "body": "Xin hướng dẫn."},
    )
    matter = Matter.objects.get()
    assert response.status_code == 302 and response.url == matter.get_absolute_url()
    assert (matter.status, matter.raised_by_party, matter.jurisdiction.code) == ("open", task.party, "qn-ubnd")
    assert Notification.objects.filter(recipient=users["sonoivu"], kind="matter").count() == 1
    assert [e.action for e in matter.events.all()] == [MatterEvent.Action.RAISED]


def test_another_partys_task_cannot_be_raised_on(client, users, task):
    client.force_login(users["mttq"])
    assert client.get(reverse("matters:matter_raise") + f"?task={task.pk}").status_code in (403, 404)
    client.force_login(users["outsider"])
    assert client.get(reverse("matters:matter_raise") + f"?task={task.pk}").status_code == 404


@pytest.mark.parametrize(("username", "status"), [("hnd", 200), ("sonoivu", 200), ("mttq", 404), ("outsider", 404)])
def test_who_sees_an_open_matter(client, users, matter, username, status):
    client.force_login(users[username])
    assert client.get(matter.get_absolute_url()).status_code == status
    listed = client.get(reverse("matters:matter_list")).content.decode()
    assert (matter.subject in listed) == (status == 200)


def test_the_peoples_committee_sees_it_only_once_forwarded(client, users, matter):
    client.force_login(users["vanphong"])
    assert client.get(matter.get_absolute_url()).status_code == 404
    services.matter_forward(matter=matter, actor=users["sonoivu"], message="Vượt thẩm quyền của Sở.")
    assert client.get(matter.get_absolute_url()).status_code == 200
    assert Notification.objects.filter(recipient=users["vanphong"], kind="matter").count() == 1
    assert Notification.objects.filter(recipient=users["hnd"], kind="matter").count() == 1


def test_the_focal_agency_answers_and_the_party_is_told(client, users, matter):
    client.force_login(users["sonoivu"])
    page = client.get(matter.get_absolute_url()).content.decode()
    assert "Gửi trả lời" in page and "Chuyển UBND" in page
    response = client.post(reverse("matters:matter_answer", args=[matter.pk]), {"answer": "Dùng mẫu kèm Công văn 106."})
    assert response.status_code == 302
    matter.refresh_from_db()
    assert (matter.status, matter.answer, matter.answered_by) == (
        "answered",
        "Dùng mẫu kèm Công văn 106.",
        users["sonoivu"],
    )
    told = Notification.objects.get(recipient=users["hnd"], kind="matter")
    assert "Đã có trả lời phản ánh" in told.subject
    assert [e.action for e in matter.events.all()] == ["raised", "answered"]


def test_the_raising_party_cannot_answer_or_forward(client, users, matter):
    client.force_login(users["hnd"])
    page = client.get(matter.get_absolute_url()).content.decode()
    assert "Gửi trả lời" not in page and "Chuyển UBND" not in page
    assert client.post(reverse("matters:matter_answer", args=[matter.pk]), {"answer": "x"}).status_code == 403
    assert client.post(reverse("matters:matter_forward", args=[matter.pk]), {}).status_code == 403
    client.force_login(users["mttq"])
    assert client.post(reverse("matters:matter_answer", args=[matter.pk]), {"answer": "x"}).status_code == 404
    matter.refresh_from_db()
    assert matter.status == "open"


def test_forwarded_matter_is_answered_by_the_committee_then_closed(client, users, matter):
    services.matter_forward(matter=matter, actor=users["sonoivu"])
    client.force_login(users["vanphong"])
    client.post(reverse("matters:matter_answer", args=[matter.pk]), {"answer": "UBND tỉnh đã chỉ đạo."})
    client.force_login(users["hnd"])
    client.post(reverse("matters:matter_close", args=[matter.pk]), {"message": "Đã rõ."})
    matter.refresh_from_db()
    assert matter.status == "closed"
    assert [e.action for e in matter.events.all()] == ["raised", "forwarded", "answered", "closed"]


def test_an_empty_answer_is_refused(client, users, matter):
    client.force_login(users["sonoivu"])
    response = client.post(reverse("matters:matter_answer", args=[matter.pk]), {"answer": "  "})
    assert response.status_code == 400 and 'class="errorlist' in response.content.decode()
    matter.refresh_from_db()
    assert matter.status == "open"


def test_a_matter_on_an_obligation(users, task):
    matter = services.matter_raise(
        actor=users["hnd"], party=task.party, obligation=task.obligation, subject="Kiến nghị", body="Sửa hạn nộp."
    )
    assert matter.task is None and matter.obligation == task.obligation


def test_a_reporter_of_the_focal_agency_may_read_but_not_answer_or_forward(client, users, matter, make_user):
    """Answering speaks for Sở Nội vụ: an oversight role there, not any account that belongs to it."""
    clerk = make_user("van-thu-snv", (Party.objects.get(code="qn-snv"), Membership.Role.REPORTER))
    client.force_login(clerk)
    assert client.post(reverse("matters:matter_answer", args=[matter.pk]), {"answer": "x"}).status_code == 403
    assert client.post(reverse("matters:matter_forward", args=[matter.pk]), {"message": "x"}).status_code == 403
    matter.refresh_from_db()
    assert matter.status == Matter.Status.OPEN and not matter.answer


def test_the_matter_list_costs_the_same_queries_for_more_matters(client, users, task, django_assert_max_num_queries):
    def raise_some(n):
        for i in range(n):
            services.matter_raise(actor=users["hnd"], party=task.party, task=task, subject=f"Vướng mắc {i}", body=".")

    raise_some(2)
    client.force_login(users["sonoivu"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("matters:matter_list")).status_code == 200
    raise_some(20)
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse("matters:matter_list")).content.decode()
    assert page.count(task.obligation.title) >= 20


def test_a_matter_raised_from_the_english_interface_reaches_the_focal_agency_in_vietnamese(client, users, task):
    client.force_login(users["hnd"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(
        reverse("matters:matter_raise"),
        {"task": task.pk, "party": task.party_id, "subject": "Vướng mắc số liệu", "body": "Xin hướng dẫn."},
    )
    entry = Notification.objects.get(recipient=users["sonoivu"], kind="matter")
    assert entry.subject.startswith("Phản ánh, kiến nghị mới của ")
