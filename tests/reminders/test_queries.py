"""Recording the due reminders costs a fixed number of queries per batch, not per task."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Delivery
from notifications.services import SendResult
from obligations.models import Task
from regulations.models import Membership
from reminders import services

from .conftest import run_on


def _add_due_tasks(report_task, make_party, make_user, count, start):
    tasks = []
    for n in range(start, start + count):
        party = make_party(f"Tổ chức đếm truy vấn {n}", parent=report_task.party.parent)
        user = make_user(f"dem{n}", (party, Membership.Role.REPORTER))
        user.email = f"dem{n}@phoihop.example"
        user.save(update_fields=["email"])
        tasks.append(
            Task(
                obligation=report_task.obligation,
                party=party,
                period=report_task.period,
                nominal_due_date=report_task.nominal_due_date,
                due_date=report_task.due_date,
                deadline=report_task.deadline,
            )
        )
    Task.objects.bulk_create(tasks)


def _queries_of_recording(monkeypatch, day):
    monkeypatch.setattr(services, "deliveries_send", lambda **kwargs: SendResult())
    monkeypatch.setattr(services, "digests_send", lambda **kwargs: SendResult())
    with CaptureQueriesContext(connection) as captured:
        result = run_on(day)
    return len(captured.captured_queries), result


def test_recording_queries_do_not_grow_with_due_tasks(report_task, make_party, make_user, monkeypatch):
    _add_due_tasks(report_task, make_party, make_user, 3, 0)
    run_on(datetime.date(2025, 11, 1))  # schedules for everyone; nothing due yet
    few, result = _queries_of_recording(monkeypatch, datetime.date(2025, 11, 15))
    assert result.steps >= 4
    _add_due_tasks(report_task, make_party, make_user, 20, 100)
    run_on(datetime.date(2025, 11, 20))
    many, result = _queries_of_recording(monkeypatch, datetime.date(2025, 12, 1))
    assert result.steps >= 24
    # The one extra query is the source label of a second obligation (Sở Nội vụ's roll-up is due too).
    assert many <= few + 1


def _escalated_parties(report_task, make_party, make_user, count):
    """`count` organisations whose 2025 report is open, each with a reporter and a head: three days after
    the due date (the default escalate_after) every one of them escalates to Sở Nội vụ and to its head."""
    tasks = []
    for n in range(count):
        party = make_party(f"Tổ chức quá hạn {n}", parent=report_task.party.parent)
        for username, is_head in ((f"cb{n}", False), (f"tt{n}", True)):
            user = make_user(username, (party, Membership.Role.REPORTER))
            user.email = f"{username}@phoihop.example"
            user.save(update_fields=["email"])
            user.memberships.update(is_head=is_head)
        tasks.append(
            Task(
                obligation=report_task.obligation,
                party=party,
                period=report_task.period,
                nominal_due_date=report_task.nominal_due_date,
                due_date=report_task.due_date,
                deadline=report_task.deadline,
            )
        )
    Task.objects.bulk_create(tasks)


# The reminder pass on an escalation day, sending left out (it costs one UPDATE per email, by design: a
# worker killed mid-batch must not resend what it had recorded as sent). Members, focal agencies and heads
# are read once per batch, so the count is the same for 5 and for 50 escalated parties. 23 since the staff of
# the obligations' co-operating parties are reminded too: one more query per batch, for all its obligations.
QUERIES_ESCALATION_DAY = 23


@pytest.mark.parametrize("escalated", [5, 50])
def test_an_escalation_day_costs_the_same_queries_for_5_and_50_parties(
    report_task, make_party, make_user, monkeypatch, escalated
):
    _escalated_parties(report_task, make_party, make_user, escalated)
    run_on(datetime.date(2025, 11, 1))  # schedules for everyone; nothing due yet
    queries, result = _queries_of_recording(monkeypatch, datetime.date(2025, 12, 18))
    escalations = Delivery.objects.filter(notification__kind="escalation", recipient__username__startswith="tt")
    assert escalations.count() == escalated  # every head heard of their party's overdue report
    assert Delivery.objects.filter(notification__kind="escalation", recipient__username="sonoivu").count() >= escalated
    assert result.steps >= escalated
    assert queries == QUERIES_ESCALATION_DAY
