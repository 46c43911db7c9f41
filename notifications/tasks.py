"""Celery tasks: thin wrappers that take dates and call the services."""

import datetime

from celery import shared_task
from django.utils import timezone


def _as_of(value: str | None) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value) if value else timezone.now()


@shared_task(soft_time_limit=500, time_limit=600)
def send_pending_deliveries(as_of: str | None = None) -> dict:
    """Send the outbox now, a claimed chunk at a time (queued after a transaction that wrote emails commits;
    a reminder pass queues one per batch, so several workers share its emails). `as_of`: the emails due by
    then (a pass run for another day, `send_reminders --date`, hands over its own moment)."""
    from .services import deliveries_send

    result = deliveries_send(now=_as_of(as_of))
    return {"sent": result.sent, "retried": result.retried, "failed": result.failed}


@shared_task(soft_time_limit=500, time_limit=600)
def send_digests(as_of: str | None = None) -> dict:
    """The digests and the gathered messages (a pass's escalations): one email per recipient, queued by the
    reminder pass once its batches are recorded."""
    from .services import digests_send

    result = digests_send(now=_as_of(as_of))
    return {"sent": result.sent, "retried": result.retried, "failed": result.failed}


@shared_task(soft_time_limit=500, time_limit=600)
def retry_deliveries() -> dict:
    """Emails a lost broker never announced, emails whose backoff is over, and claims a dead worker left."""
    from .services import deliveries_retry

    result = deliveries_retry(now=timezone.now())
    return {"sent": result.sent, "retried": result.retried, "failed": result.failed}
