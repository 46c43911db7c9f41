"""Celery tasks of the outbox: the periodic drain (config/celery.py schedules it every minute)."""

from celery import shared_task


@shared_task(soft_time_limit=110, time_limit=120)
def drain() -> int:
    from .services import outbox_drain

    return outbox_drain()
