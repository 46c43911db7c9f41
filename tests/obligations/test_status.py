"""A task's displayed status has one rule: the database annotation and the Python property agree."""

import datetime
import itertools

import pytest
from django.utils import timezone

from obligations.models import Task

STATES = [choice for choice, _label in Task.State.choices]


@pytest.fixture
def task(demo):
    return Task.objects.get(party__code="qn-hnd", period__year=2025)


@pytest.mark.parametrize(
    ("state", "on_time", "past_deadline"),
    [
        (state, on_time, past)
        for state, on_time, past in itertools.product(STATES, (True, False), (True, False))
        if state == "done" or on_time is True  # on_time only matters once done
    ],
)
def test_the_annotation_and_the_property_give_the_same_status(task, state, on_time, past_deadline):
    task.state = state
    task.on_time = on_time if state == "done" else None
    task.completed_at = timezone.now() if state == "done" else None
    task.excused_reason = "Sáp nhập." if state == "excused" else ""
    task.save()
    now = task.deadline + datetime.timedelta(seconds=1 if past_deadline else -1)
    from_database = Task.objects.with_status(now).get(pk=task.pk).status_code
    assert task.status_at(now) == from_database
    assert Task.objects.with_status_code(from_database, now).filter(pk=task.pk).exists()


def test_a_returned_report_past_its_deadline_is_returned_everywhere_not_overdue(task):
    task.state = Task.State.RETURNED
    task.save()
    later = task.deadline + datetime.timedelta(days=3)
    annotated = Task.objects.with_status(later).get(pk=task.pk)
    assert annotated.status_code == Task.Status.RETURNED
    assert task.status_at(later) == Task.Status.RETURNED
    assert not Task.objects.with_status_code(Task.Status.OVERDUE, later).filter(pk=task.pk).exists()
    assert annotated.is_overdue is False


def test_an_open_task_past_its_deadline_is_overdue_in_both(task):
    assert task.state == Task.State.OPEN
    later = task.deadline + datetime.timedelta(seconds=1)
    assert task.status_at(later) == Task.Status.OVERDUE
    assert Task.objects.with_status(later).get(pk=task.pk).status_code == Task.Status.OVERDUE
