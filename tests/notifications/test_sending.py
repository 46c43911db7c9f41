"""The workers' sending: immediate emails claimed, sent and marked a chunk at a time."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications import services
from notifications.models import Delivery
from notifications.services import Message, notify_many


@pytest.fixture
def seven_pending(make_user, db):
    people = []
    for n in range(7):
        user = make_user(f"nguoinhan{n}")
        user.email = f"nguoinhan{n}@phoihop.example"
        user.save(update_fields=["email"])
        people.append(user)
    notify_many(
        messages=[
            (user, Message(kind="test", subject=f"Thông báo {user.username}", body="Nội dung")) for user in people
        ],
        queue_email=False,
    )
    return people


def _marking_sent(captured) -> list[str]:
    return [
        q["sql"] for q in captured if q["sql"].startswith('UPDATE "notifications_delivery"') and "'sent'" in q["sql"]
    ]


def test_each_claimed_chunk_is_marked_sent_with_one_update(seven_pending, monkeypatch):
    monkeypatch.setattr(services, "SEND_CHUNK", 3)
    with CaptureQueriesContext(connection) as captured:
        result = services.deliveries_send()
    assert result.sent == 7 and len(mail.outbox) == 7
    assert len(_marking_sent(captured.captured_queries)) == 3  # chunks of 3, 3 and 1
    # Claim (select, update), read, mark per chunk, and one claim that finds nothing: no query per email.
    statements = [q for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) == 3 * 4 + 1
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_a_refused_address_in_a_chunk_is_retried_and_the_others_are_marked_sent(seven_pending, monkeypatch, settings):
    real = services._send_each

    def refuse_one(emails):
        sent, _refused = real(emails)
        bounced = [item for item in sent if item.recipient.username == "nguoinhan2"]
        return [item for item in sent if item not in bounced], [(item, OSError("550 User unknown")) for item in bounced]

    monkeypatch.setattr(services, "_send_each", refuse_one)
    result = services.deliveries_send()
    assert (result.sent, result.retried) == (6, 1)
    bounced = Delivery.objects.get(recipient__username="nguoinhan2")
    assert bounced.status == Delivery.Status.PENDING and "550 User unknown" in bounced.last_error
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 6
