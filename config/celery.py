"""The Celery app, configured from Django settings (CELERY_*), with the beat schedule in one place."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("phoihop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _beat_schedule(sender, **kwargs):
    from django.conf import settings

    # Times are Asia/Ho_Chi_Minh (CELERY_TIMEZONE).
    sender.conf.beat_schedule = {
        # The reorganisations whose effective date has come: their open tasks go to the successors first.
        "reorganisations-apply": {
            "task": "obligations.tasks.apply_due_reorganisations",
            "schedule": crontab(hour=(settings.REMINDER_HOUR - 2) % 24, minute=0),
        },
        # Each period's tasks are created as the period opens (15/12, 15/03, …), before the reminder pass.
        "tasks-generate": {
            "task": "obligations.tasks.generate_opened_periods",
            "schedule": crontab(hour=(settings.REMINDER_HOUR - 2) % 24, minute=15),
        },
        # The daily reminder pass: records due reminders and hands their sending (chunks, digests) to the workers.
        "reminders-daily": {
            "task": "reminders.tasks.run_reminders",
            "schedule": crontab(hour=settings.REMINDER_HOUR, minute=settings.REMINDER_MINUTE),
        },
        # Sends the outbox a lost broker never announced, retries failed emails after their backoff, and takes
        # back claims of a worker that died.
        "reminders-retry": {
            "task": "notifications.tasks.retry_deliveries",
            "schedule": crontab(minute="*/10"),
        },
        # Hands the broker what a transaction recorded while it was down (outbox): work is delayed, never lost.
        "outbox-drain": {
            "task": "outbox.tasks.drain",
            "schedule": 60.0,
        },
        # Takes back files whose worker died mid-render (no heartbeat for REPORT_STALE_SECONDS) and runs them again.
        "files-reclaim": {
            "task": "reports.tasks.reclaim_stale_files",
            "schedule": 60.0,
        },
        # A full check that every task has a schedule (the daily pass only looks at new tasks), before the pass.
        "reminders-sync": {
            "task": "reminders.tasks.sync_schedules",
            "schedule": crontab(hour=(settings.REMINDER_HOUR - 1) % 24, minute=30),
        },
    }
