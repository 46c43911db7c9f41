"""The in-app inbox: the bell's count, unread entries highlighted, mark one or all read, only one's own."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from notifications.models import Delivery, Notification, NotificationPreference
from notifications.services import Message, notify


@pytest.fixture
def entries(users):
    hnd = users["hnd"]
    notify(
        recipients=[hnd],
        message=Message(kind="test", subject="Nhắc việc thứ nhất", body="Nội dung một", link="/tasks/1/"),
    )
    notify(recipients=[hnd], message=Message(kind="test", subject="Nhắc việc thứ hai", body="Nội dung hai"))
    notify(recipients=[users["mttq"]], message=Message(kind="test", subject="Thư của MTTQ", body=""))
    return list(Notification.objects.filter(recipient=hnd).order_by("pk"))


def test_the_bell_counts_unread_entries(client, users, entries):
    client.force_login(users["hnd"])
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="badge badge-count">2<' in html
    # The accessible name starts with the visible word (WCAG 2.5.3, label in name).
    assert 'aria-label="Thông báo: 2 chưa đọc"' in html
    assert html.count('class="is-unread"') == 2
    assert "Thư của MTTQ" not in html
    assert "csrfmiddlewaretoken" in html


def test_opening_an_entry_marks_it_read_and_follows_its_link(client, users, entries):
    client.force_login(users["hnd"])
    response = client.post(reverse("notifications:open", args=[entries[0].pk]))
    assert response.status_code == 302 and response.url == "/tasks/1/"
    entries[0].refresh_from_db()
    assert entries[0].read_at is not None
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert html.count('class="is-unread"') == 1 and html.count('class="is-read"') == 1


def test_mark_one_then_all_read(client, users, entries):
    client.force_login(users["hnd"])
    client.post(reverse("notifications:read", args=[entries[1].pk]))
    assert Notification.objects.filter(recipient=users["hnd"]).unread().count() == 1
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "Đã đánh dấu 1 thông báo là đã đọc." in response.content.decode()
    assert Notification.objects.filter(recipient=users["hnd"]).unread().count() == 0
    assert Notification.objects.filter(recipient=users["mttq"]).unread().count() == 1


def test_someone_elses_entry_is_a_404(client, users, entries):
    client.force_login(users["mttq"])
    assert client.post(reverse("notifications:open", args=[entries[0].pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[entries[0].pk])).status_code == 404
    entries[0].refresh_from_db()
    assert entries[0].read_at is None


def test_reading_needs_a_post(client, users, entries):
    client.force_login(users["hnd"])
    assert client.get(reverse("notifications:read_all")).status_code == 405


def test_an_external_link_is_not_followed(client, users):
    notify(recipients=[users["hnd"]], message=Message(kind="test", subject="Lạ", body="", link="https://example.com/x"))
    client.force_login(users["hnd"])
    entry = Notification.objects.get(subject="Lạ")
    assert client.post(reverse("notifications:open", args=[entry.pk])).url == reverse("notifications:inbox")


def test_the_preferences_page_switches_to_the_daily_digest(client, users):
    client.force_login(users["hnd"])
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Gộp thành một thư mỗi ngày" in page and "csrfmiddlewaretoken" in page
    response = client.post(reverse("notifications:preferences"), {"mode": "digest"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=users["hnd"]).mode == "digest"
    assert client.post(reverse("notifications:preferences"), {"mode": "hourly"}).status_code == 200
    assert NotificationPreference.objects.get(user=users["hnd"]).mode == "digest"


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_inbox_query_count_does_not_grow_with_entries(client, users, django_assert_max_num_queries):
    hnd = users["hnd"]
    client.force_login(hnd)
    for n in range(3):
        notify(recipients=[hnd], message=Message(kind="test", subject=f"Thư {n}", body=""))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("notifications:inbox"))
    for n in range(30):
        notify(recipients=[hnd], message=Message(kind="test", subject=f"Thêm {n}", body=""))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("notifications:inbox"))


def test_an_entry_is_unique_per_key_and_recipient_in_the_database(users):
    hnd = users["hnd"]
    message = Message(kind="reminder", subject="Nhắc việc", body="", key="reminder:1:d-7")
    notify(recipients=[hnd, hnd], message=message)
    notify(recipients=[hnd, users["mttq"]], message=message)
    assert Notification.objects.filter(key="reminder:1:d-7", recipient=hnd).count() == 1
    assert Notification.objects.filter(key="reminder:1:d-7", recipient=users["mttq"]).count() == 1
    assert Delivery.objects.filter(notification__key="reminder:1:d-7").count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=hnd, kind="reminder", subject="Bản sao", key="reminder:1:d-7")


def test_entries_without_a_key_may_repeat(users):
    message = Message(kind="submission_submitted", subject="Đã nộp báo cáo", body="")
    notify(recipients=[users["sonoivu"]], message=message)
    notify(recipients=[users["sonoivu"]], message=message)
    assert Notification.objects.filter(recipient=users["sonoivu"], kind="submission_submitted").count() == 2
