import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import TestCase

from notifications.models import Delivery
from obligations.models import Task
from reminders.services import reminders_run
from reminders.steps import LOCAL_TZ

DUE = datetime.date(2025, 12, 15)  # the demo's open 2025 report of Hội Nông dân tỉnh Quảng Ngãi


def at(day: datetime.date, hour: int = 7, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LOCAL_TZ)


def days(start: datetime.date, end: datetime.date):
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


def run_on(day: datetime.date, hour: int = 7, *, send: bool = True, **kwargs):
    """One pass on a day, at the scheduled hour, with the clock frozen there. With `send` the jobs it hands
    over after each commit run too (Celery is eager in tests: the workers' chunked sending and the digests);
    without, they are dropped, as if no worker were running."""
    with time_machine.travel(at(day, hour), tick=False):
        if not send:
            return reminders_run(**kwargs)
        with TestCase.captureOnCommitCallbacks(execute=True):
            return reminders_run(**kwargs)


def steps_to(user, task) -> list[tuple[str, datetime.date]]:
    """(step, local day it was sent) of each email this user got about this task, in order."""
    rows = Delivery.objects.filter(
        recipient=user, notification__key__startswith=f"reminder:{task.pk}:", status=Delivery.Status.SENT
    ).order_by("sent_at", "pk")
    return [
        (row.notification.key.split(":")[2], row.sent_at.astimezone(LOCAL_TZ).date())
        for row in rows.select_related("notification")
    ]


@pytest.fixture
def report_task(demo):
    return Task.objects.select_related("obligation", "party").get(party__code="qn-hnd", period__year=2025)


@pytest.fixture
def hnd(users):
    return users["hnd"]


@pytest.fixture
def sonoivu(users):
    return users["sonoivu"]


@pytest.fixture
def head_of_hnd(demo):
    from regulations.models import Membership

    user = get_user_model().objects.create_user(
        "chutich_hnd", email="chutich_hnd@phoihop.example", password="x-test-pass-123", first_name="Chủ tịch HND"
    )
    Membership.objects.create(user=user, party=demo["qn-hnd"], role=Membership.Role.REPORTER, is_head=True)
    return user
