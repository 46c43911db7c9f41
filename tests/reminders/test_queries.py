"""Recording the due reminders costs a fixed number of queries per batch, not per task."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Delivery
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


def _queries_of_pass(day, **kwargs):
    """The pass alone: recording, moving the schedules and handing the sending over (not the sending)."""
    with CaptureQueriesContext(connection) as captured:
        result = run_on(day, send=False, **kwargs)
    return len(captured.captured_queries), result


def _escalated_parties(report_task, make_party, make_user, count, start=0):
    """`count` organisations whose 2025 report is open, each with a reporter and a head: three days after
    the due date (the default escalate_after) every one of them escalates to Sở Nội vụ and to its head."""
    tasks = []
    for n in range(start, start + count):
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


# One pass, sending left to the workers: the due schedules, per batch the policies, the members, focal
# agencies, heads and co-operating parties of all its tasks, the schedules moved (one UPDATE per distinct
# outcome: two here), the entries and deliveries in bulk and one job
# for the workers; then one job for the digests. The same for 5 as for 15 due tasks: a fixed number of
# queries per batch, however many parties and recipients, escalating or not.
QUERIES_ORDINARY_DAY = 25
QUERIES_ESCALATION_DAY = 28
ORDINARY_DAY, ESCALATION_DAY = datetime.date(2025, 12, 8), datetime.date(2025, 12, 18)  # d-7, o3


@pytest.mark.parametrize("due", [5, 15])
def test_an_ordinary_day_costs_the_same_queries_for_n_and_3n_due_tasks(report_task, make_party, make_user, due):
    _add_due_tasks(report_task, make_party, make_user, due, 0)
    run_on(datetime.date(2025, 11, 1))  # schedules for everyone; nothing due yet
    queries, result = _queries_of_pass(ORDINARY_DAY)
    assert result.steps == due + 2  # and hnd's own report, and Sở Nội vụ's roll-up
    assert Delivery.objects.filter(notification__key__endswith=":d-7").count() >= due
    assert queries == QUERIES_ORDINARY_DAY


@pytest.mark.parametrize("escalated", [5, 15])
def test_an_escalation_day_costs_the_same_queries_for_n_and_3n_parties(report_task, make_party, make_user, escalated):
    _escalated_parties(report_task, make_party, make_user, escalated)
    run_on(datetime.date(2025, 11, 1))  # schedules for everyone; nothing due yet
    queries, result = _queries_of_pass(ESCALATION_DAY)
    escalations = Delivery.objects.filter(notification__kind="escalation", recipient__username__startswith="tt")
    assert escalations.count() == escalated  # every head heard of their party's overdue report
    assert Delivery.objects.filter(notification__kind="escalation", recipient__username="sonoivu").count() >= escalated
    assert result.steps >= escalated
    assert queries == QUERIES_ESCALATION_DAY


# In batches of 4 on the escalation day. A batch costs 13 queries (lock the schedules, members,
# jurisdictions, focal agencies, heads, the entries, the deliveries, the job for the workers…) plus one UPDATE
# per distinct outcome of its schedules (the tasks of a batch mostly share a due date: one or two), and up to
# 3 more when it brings an obligation not seen before in the pass (its policy, its source label, its
# co-operating parties: Sở Nội vụ's roll-up, due too, falls in one of the batches).
QUERIES_IN_BATCHES_OF_4 = {5: 45, 15: 83}  # 2 batches; 5 batches: 14 a batch after the first


@pytest.mark.parametrize("escalated", [5, 15])
def test_queries_grow_with_the_batches_only(report_task, make_party, make_user, monkeypatch, escalated):
    monkeypatch.setattr(services, "BATCH_SIZE", 4)
    _escalated_parties(report_task, make_party, make_user, escalated)
    run_on(datetime.date(2025, 11, 1))
    queries, result = _queries_of_pass(ESCALATION_DAY)
    batches = -(-result.schedules // 4)
    assert batches == (2 if escalated == 5 else 5)
    assert queries == QUERIES_IN_BATCHES_OF_4[escalated]
