"""What a reorganisation's preview shows of the reminders: the next reminder of each task that moves.

A task's schedule moves with the task (it hangs on the task, and the pass writes to whoever works for the
task's party on the day it runs), so the successor's staff get the next step, and a step already sent is
never sent again."""

import datetime

from obligations.reorganisations import register_pending_reminders

from .models import ReminderSchedule


@register_pending_reminders
def pending_reminders(task_ids: list[int]) -> dict[int, datetime.datetime]:
    pending = ReminderSchedule.objects.filter(task_id__in=task_ids, next_at__isnull=False)
    return {task_id: next_at for task_id, next_at in pending.values_list("task_id", "next_at") if next_at is not None}
