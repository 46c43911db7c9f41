"""Two passes at once on PostgreSQL, each in its own thread and connection: every reminder goes out once."""

import datetime
import threading

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection

from demo.seed import demo_load
from notifications.models import Delivery, Notification
from obligations.models import Task
from regulations.models import Membership, Party
from reminders.services import reminders_run
from tests.services_required import require_postgresql

from .conftest import at

PARTIES = 60


def _many_parties_due_on_the_same_day():
    """60 more organisations under UBND tỉnh Quảng Ngãi, each with a user and the 2025 report due 15/12."""
    template = Task.objects.get(party__code="qn-hnd", period__year=2025)
    province = Party.objects.get(code="qn-ubnd")
    User = get_user_model()
    tasks = []
    for n in range(PARTIES):
        party = Party.objects.create(
            code=f"qn-extra-{n}",
            name=f"Tổ chức thử {n}",
            short_name=f"TC{n}",
            kind="socio_political",
            level="province",
            parent=province,
        )
        user = User.objects.create_user(f"extra{n}", email=f"extra{n}@phoihop.example", password="x-test-pass-123")
        Membership.objects.create(user=user, party=party, role=Membership.Role.REPORTER)
        tasks.append(
            Task(
                obligation=template.obligation,
                party=party,
                period=template.period,
                nominal_due_date=template.nominal_due_date,
                due_date=template.due_date,
                deadline=template.deadline,
            )
        )
    Task.objects.bulk_create(tasks)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_passes_at_once_send_each_reminder_once():
    require_postgresql()
    demo_load()
    _many_parties_due_on_the_same_day()
    barrier = threading.Barrier(2)
    errors, results = [], []

    def one_pass():
        try:
            barrier.wait(timeout=30)
            results.append(reminders_run())
        except Exception as error:  # reported below: a thread's failure must fail the test
            errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(at(datetime.date(2025, 12, 8)), tick=False):
        threads = [threading.Thread(target=one_pass) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert errors == []
    assert len(results) == 2
    deliveries = Delivery.objects.filter(notification__key__endswith=":d-7")
    assert deliveries.count() == PARTIES + 1  # the 60 new organisations and hnd
    assert set(deliveries.values_list("status", flat=True)) == {"sent"}
    sent = [(message.to[0], message.subject) for message in mail.outbox]
    assert len(sent) == len(set(sent)) == PARTIES + 1
    assert sum(result.steps for result in results) == PARTIES + 1  # each step recorded by exactly one pass
    assert Notification.objects.filter(kind="reminder").count() == PARTIES + 1
