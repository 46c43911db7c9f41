"""Celery tasks: thin wrappers that take ids or dates, re-read, and call the services."""

import datetime

from celery import shared_task
from django.utils import timezone

from .models import Notification


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=8,
    soft_time_limit=60,
    time_limit=90,
)
def send_notification_email(self, notification_pk: int) -> None:
    from .services import email_for

    entry = Notification.objects.select_related("recipient").filter(pk=notification_pk).first()
    if entry is None or not entry.recipient.email:
        return
    email_for(entry).send()


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
        "sent": result.sent,
        "retried": result.retried,
        "failed": result.failed,
        "digests": result.digests,
    }


@shared_task(soft_time_limit=500, time_limit=600)
def retry_deliveries() -> dict:
    """Emails whose backoff is over, and claims a dead worker left behind."""
    from .services import deliveries_retry

    result = deliveries_retry(now=timezone.now())
    return {"sent": result.sent, "retried": result.retried, "failed": result.failed}


@shared_task(soft_time_limit=1500, time_limit=1800)
def sync_schedules() -> int:
    """Nightly safety net: give a schedule to any task the incremental sync could have missed."""
    from .services import schedules_sync

    return schedules_sync(full=True)
