"""Celery tasks: thin wrappers that take dates, re-read, and call the services."""

import datetime

from celery import shared_task


def _as_of(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


@shared_task(soft_time_limit=1500, time_limit=1800)
def run_reminders(as_of: str | None = None) -> dict:
    """The daily pass (beat, at REMINDER_HOUR:REMINDER_MINUTE Asia/Ho_Chi_Minh)."""
    from .services import reminders_run

    result = reminders_run(as_of=_as_of(as_of))
    return {
        "steps": result.steps,
        "deliveries": result.deliveries,
        "skipped": result.skipped,
        "handed_over": result.handed_over,
    }


@shared_task(soft_time_limit=1500, time_limit=1800)
def sync_schedules() -> int:
    """Nightly safety net: give a schedule to any task the incremental sync could have missed."""
    from .services import schedules_sync

    return schedules_sync(full=True)
