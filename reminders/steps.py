"""The reminder steps of one task under one policy: pure date arithmetic, no database.

A step is named by its distance to the due date: "d-30" … "d-1", "d0" (the due day), then "o3", "o6", …
(days overdue). A step falls due at the start of its day in Vietnam; the daily pass sends the steps of
its day. Overdue steps from `escalate_after` days on also go to the focal agency and the party's head.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.conf import settings

LOCAL_TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Step:
    code: str
    day: datetime.date
    days_left: int  # negative when overdue
    escalation: bool

    @property
    def at(self) -> datetime.datetime:
        return start_of(self.day)


def start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=LOCAL_TZ)


def steps_for(
    due: datetime.date, *, offsets: list[int], overdue_every: int, escalate_after: int, stop_after: int | None = None
) -> list[Step]:
    stop_after = settings.REMINDER_OVERDUE_STOP_AFTER_DAYS if stop_after is None else stop_after
    steps = [
        Step(code=f"d-{n}" if n else "d0", day=due - datetime.timedelta(days=n), days_left=n, escalation=False)
        for n in sorted(set(offsets), reverse=True)
    ]
    overdue_days = set(range(overdue_every, stop_after + 1, overdue_every))
    if escalate_after <= stop_after:
        overdue_days.add(escalate_after)  # escalation happens even when it is not on the overdue rhythm
    for n in sorted(overdue_days):
        steps.append(
            Step(code=f"o{n}", day=due + datetime.timedelta(days=n), days_left=-n, escalation=n >= escalate_after)
        )
    return steps


def policy_steps(due: datetime.date, policy) -> list[Step]:
    return steps_for(
        due, offsets=policy.offset_list, overdue_every=policy.overdue_every, escalate_after=policy.escalate_after
    )


def first_step_on_or_after(steps: list[Step], day: datetime.date) -> Step | None:
    return next((step for step in steps if step.day >= day), None)


def step_by_code(steps: list[Step], code: str) -> Step | None:
    return next((step for step in steps if step.code == code), None)
