"""End to end: a real Celery worker subprocess on the local Redis runs a reminder pass against the test
database (PostgreSQL), hands the sending over to the broker, takes that job back and records the delivery
as sent. A distinct Redis db and a queue of its own keep it
apart from any other worker."""

import datetime
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from demo.seed import demo_load
from notifications.models import Delivery, Notification
from obligations.models import Task
from reminders.services import reminder_key
from tests.services_required import require_postgresql, require_redis

from .conftest import at

TEST_REDIS_DB = os.environ.get("PHOIHOP_TEST_CELERY_REDIS_DB", "14")


def _redis_db(url: str, db: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")  # send_task goes to the broker: wanted
def test_a_real_worker_runs_the_reminder_pass_end_to_end():
    require_postgresql()
    broker = _redis_db(require_redis(), TEST_REDIS_DB)
    demo_load()
    task = Task.objects.get(party__code="qn-hnd", period__year=2025)
    queue = f"phoihop-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DJANGO_ENV": "test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker,
        "REDIS_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        # The pass hands its sending to the broker: to this worker's queue, so that this worker sends it.
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
        cwd=Path(settings.BASE_DIR), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        from config.celery import app

        with app.connection_for_write(broker) as broker_connection:
            app.send_task(
                "reminders.tasks.run_reminders",
                kwargs={"as_of": at(datetime.date(2025, 12, 8)).isoformat()},
                queue=queue,
                connection=broker_connection,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if Delivery.objects.filter(
                notification__key=reminder_key(task.pk, "d-7"), status=Delivery.Status.SENT
            ).exists():
                break
            if worker.poll() is not None:
                break
            time.sleep(0.5)
        row = Delivery.objects.filter(notification__key=reminder_key(task.pk, "d-7"), recipient__username="hnd").first()
        if row is None or row.status != Delivery.Status.SENT:
            worker.terminate()
            output = worker.communicate(timeout=20)[0]
            pytest.fail(f"the worker did not send the reminder; its log:\n{output[-4000:]}")
        assert (
            Notification.objects.filter(
                link=task.get_absolute_url(), recipient__username="hnd", kind="reminder"
            ).count()
            == 1
        )
    finally:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=10)
