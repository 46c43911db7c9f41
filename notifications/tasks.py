"""Celery tasks: thin wrappers that call the services."""

from celery import shared_task
from django.utils import timezone


@shared_task(soft_time_limit=500, time_limit=600)
def send_pending_deliveries() -> dict:
    """Send the outbox now (queued after a transaction that wrote emails commits)."""
    from .services import deliveries_send

    result = deliveries_send(now=timezone.now())
    return {"sent": result.sent, "retried": result.retried, "failed": result.failed}


@shared_task(soft_time_limit=500, time_limit=600)
def retry_deliveries() -> dict:
    """Emails a lost broker never announced, emails whose backoff is over, and claims a dead worker left."""
    from .services import deliveries_retry

    result = deliveries_retry(now=timezone.now())
    return {"sent": result.sent, "retried": result.retried, "failed": result.failed}
