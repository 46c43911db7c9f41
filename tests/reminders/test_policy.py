"""A reminder policy: offsets before the due date, the overdue rhythm and escalation, validated."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from reminders.models import ReminderPolicy, parse_offsets
from reminders.steps import steps_for


def test_offsets_are_parsed_and_sorted_latest_first():
    assert parse_offsets("1, 30,7 ,0") == [30, 7, 1, 0]


@pytest.mark.parametrize(
    ("offsets", "message"),
    [
        ("30, -1", "Số ngày nhắc trước hạn không được âm (-1)."),
        ("7, 3, 7", "Số ngày nhắc trước hạn bị trùng (7)."),
        ("7, ba", "“ba” không phải là số ngày."),
    ],
)
def test_a_policy_with_bad_offsets_is_refused_in_vietnamese(demo, offsets, message):
    from obligations.models import Obligation

    policy = ReminderPolicy(obligation=Obligation.objects.first(), offsets=offsets, overdue_every=3, escalate_after=3)
    with pytest.raises(ValidationError) as refused:
        policy.full_clean()
    assert refused.value.message_dict["offsets"] == [message]


def test_zero_overdue_rhythm_is_refused(demo):
    from obligations.models import Obligation

    policy = ReminderPolicy(obligation=Obligation.objects.first(), offsets="7", overdue_every=0, escalate_after=3)
    with pytest.raises(ValidationError) as refused:
        policy.full_clean()
    assert "overdue_every" in refused.value.message_dict


def test_default_steps_are_30_14_7_3_1_0_days_before_then_every_3_days_overdue(settings):
    settings.REMINDER_OVERDUE_STOP_AFTER_DAYS = 9
    due = datetime.date(2025, 12, 15)
    steps = steps_for(due, offsets=[30, 14, 7, 3, 1, 0], overdue_every=3, escalate_after=3)
    assert [(s.code, s.day.strftime("%d/%m"), s.escalation) for s in steps] == [
        ("d-30", "15/11", False),
        ("d-14", "01/12", False),
        ("d-7", "08/12", False),
        ("d-3", "12/12", False),
        ("d-1", "14/12", False),
        ("d0", "15/12", False),
        ("o3", "18/12", True),
        ("o6", "21/12", True),
        ("o9", "24/12", True),
    ]


def test_escalation_off_the_overdue_rhythm_still_happens_once(settings):
    settings.REMINDER_OVERDUE_STOP_AFTER_DAYS = 12
    steps = steps_for(datetime.date(2025, 12, 15), offsets=[0], overdue_every=5, escalate_after=4)
    assert [(s.code, s.escalation) for s in steps] == [
        ("d0", False),
        ("o4", True),
        ("o5", True),
        ("o10", True),
    ]
