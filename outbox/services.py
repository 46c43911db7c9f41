"""The transactional outbox: `enqueue` records a task in the caller's transaction; after the commit it is handed
to the broker, and a broker that is down only delays it (the beat's `outbox.drain` hands it over later). A task
may therefore run twice (a hand-over whose acknowledgement was lost); every task started this way claims its
work first, so a second run does nothing. This app knows no domain: any app may call it."""

import datetime
import importlib
import logging
from collections.abc import Iterable

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

DRAIN_BATCH = 500
KEEP_DISPATCHED = datetime.timedelta(days=7)


def enqueue(task: str, *args) -> OutboxMessage:
    """Start `task` (its dotted Celery name) with `args` once the caller's transaction commits."""
    message = OutboxMessage.objects.create(task=task, args=list(args))
    # Robust: a failure after the commit is logged, never shown to the user whose change is already saved. In
    # eager mode (tests, CELERY_TASK_ALWAYS_EAGER) the task runs here and its errors must reach the caller.
    transaction.on_commit(lambda: dispatch(ids=[message.pk]), robust=not _eager())
    return message


def _eager() -> bool:
    return bool(current_app.conf.task_always_eager)


def _hand_over(message: OutboxMessage) -> None:
    # apply_async on the registered task honours CELERY_TASK_ALWAYS_EAGER (send_task would not). The web
    # process has not imported every tasks module (the worker does at start): the task's own module is.
    if message.task not in current_app.tasks:
        importlib.import_module(message.task.rsplit(".", 1)[0])
    current_app.tasks[message.task].apply_async(args=message.args)


def dispatch(*, ids: Iterable[int]) -> int:
    """Hand the given waiting messages to the broker; returns how many went. A broker error is logged and the
    row waits for the drain: the request that caused it never fails because of the broker."""
    sent = 0
    for message in OutboxMessage.objects.filter(pk__in=list(ids), dispatched_at__isnull=True):
        if _eager():  # no broker: the task runs now, in this process, and raises what it raises
            OutboxMessage.objects.filter(pk=message.pk).update(dispatched_at=timezone.now(), attempts=1)
            _hand_over(message)
            sent += 1
            continue
        try:
            _hand_over(message)
        except Exception as error:  # the broker is down or refuses: the row stays and the drain retries
            OutboxMessage.objects.filter(pk=message.pk).update(
                attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
            )
            logger.warning("outbox: could not hand %s over to the broker; it waits for the drain", message)
            break  # the broker is down: the next ones would fail the same way, and slowly
        OutboxMessage.objects.filter(pk=message.pk).update(dispatched_at=timezone.now(), attempts=F("attempts") + 1)
        sent += 1
    return sent


def outbox_drain(*, now: datetime.datetime | None = None) -> int:
    """Hand over what waited longer than OUTBOX_GRACE_SECONDS (its own on-commit hand-over failed or never
    ran), and forget what went out long ago. Safe to run twice at once: waiting rows are claimed with
    SKIP LOCKED."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.OUTBOX_GRACE_SECONDS)
    sent = 0
    while True:
        with transaction.atomic():
            ids = list(
                OutboxMessage.objects.filter(dispatched_at__isnull=True, created_at__lte=cutoff)
                .order_by("created_at", "pk")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:DRAIN_BATCH]
            )
            if not ids:
                break
            went = dispatch(ids=ids)
        sent += went
        if went < len(ids):  # the broker is still down: try again on the next beat
            break
    OutboxMessage.objects.filter(dispatched_at__lt=now - KEEP_DISPATCHED).delete()
    return sent


def waiting_count() -> int:
    return OutboxMessage.objects.filter(dispatched_at__isnull=True).count()
