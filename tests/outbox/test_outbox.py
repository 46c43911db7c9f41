"""A lost broker delays work, never loses it nor shows a 500: what a transaction needs done is recorded in
the same transaction (the outbox), handed over after the commit, and drained by the beat when the broker
was down."""

import datetime

import pytest
from celery import current_app
from celery.app.task import Task as CeleryTask
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from matters.models import Matter
from notifications.models import Delivery
from obligations.models import Task
from outbox import services
from outbox.models import OutboxMessage
from regulations.models import Document
from reports.models import GeneratedFile


@pytest.fixture
def broker(monkeypatch):
    """A broker the test can stop: the tasks handed over are recorded (and run, as a worker would)."""

    class Broker:
        up = True
        handed: list[tuple[str, tuple]] = []

    state = Broker()
    original = CeleryTask.apply_async

    def apply_async(task, args=None, kwargs=None, **options):
        if not state.up:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        state.handed.append((task.name, tuple(args or ())))
        # The fake broker delivers at once: the task runs in this process, as the worker would run it.
        current_app.conf.task_always_eager = True
        try:
            return original(task, args=args, kwargs=kwargs, **options)
        finally:
            current_app.conf.task_always_eager = False

    before = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = False  # the outbox now talks to a broker, as in production
    monkeypatch.setattr(CeleryTask, "apply_async", apply_async)
    yield state
    current_app.conf.task_always_eager = before


def _age_outbox(seconds=120):
    OutboxMessage.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=seconds))


def test_a_task_is_handed_over_after_the_commit_and_marked(db, broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.enqueue("notifications.tasks.send_pending_deliveries")
        assert broker.handed == []  # nothing before the commit
    message.refresh_from_db()
    assert broker.handed == [("notifications.tasks.send_pending_deliveries", ())]
    assert message.dispatched_at is not None and message.attempts == 1


def test_a_broker_that_is_down_leaves_the_task_waiting_and_the_drain_hands_it_over(
    db, broker, django_capture_on_commit_callbacks
):
    broker.up = False
    with django_capture_on_commit_callbacks(execute=True):
        message = services.enqueue("notifications.tasks.send_pending_deliveries")
    message.refresh_from_db()
    assert message.dispatched_at is None and message.attempts == 1
    assert "Connection refused" in message.last_error
    assert services.outbox_drain() == 0  # too fresh: its own hand-over may still be on its way
    _age_outbox()
    assert services.outbox_drain() == 0  # still down: it waits, it is not dropped
    assert services.waiting_count() == 1
    broker.up = True
    assert services.outbox_drain() == 1
    message.refresh_from_db()
    assert message.dispatched_at is not None and message.attempts == 3
    assert services.outbox_drain() == 0  # handed over once


def test_the_drain_forgets_what_went_out_a_week_ago(db, broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.enqueue("notifications.tasks.send_pending_deliveries")
    OutboxMessage.objects.update(dispatched_at=timezone.now() - datetime.timedelta(days=8))
    services.outbox_drain()
    assert not OutboxMessage.objects.exists()


def test_a_pdf_asked_for_while_the_broker_is_down_is_queued_and_made_when_it_returns(
    client, users, broker, django_capture_on_commit_callbacks
):
    broker.up = False
    directive = Document.objects.get(number_symbol="106/UBND-KGVX")
    client.force_login(users["sonoivu"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:document_pdf", args=[directive.pk]))
    assert response.status_code == 302  # not a 500: the request is saved
    generated = GeneratedFile.objects.get()
    assert generated.status == GeneratedFile.Status.PENDING
    page = client.get(response["Location"]).content.decode()
    assert "Đang xếp hàng" in page and "yêu cầu của bạn đã được ghi lại" in page
    broker.up = True
    _age_outbox()
    assert services.outbox_drain() == 1
    generated.refresh_from_db()
    assert generated.status == GeneratedFile.Status.DONE and generated.file.read().startswith(b"%PDF")


def test_a_matter_raised_while_the_broker_is_down_is_saved_once_and_its_email_waits(
    client, users, broker, django_capture_on_commit_callbacks, mailoutbox
):
    broker.up = False
    task = Task.objects.get(party__code="qn-hnd", period__year=2025)
    client.force_login(users["hnd"])
    data = {"task": task.pk, "party": task.party_id, "subject": "Vướng mắc", "body": "Đề nghị hướng dẫn."}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matters:matter_raise"), data)
    assert response.status_code == 302
    matter = Matter.objects.get()
    emails = Delivery.objects.filter(notification__link=matter.get_absolute_url(), channel="email")
    assert emails.exists() and not emails.exclude(status=Delivery.Status.PENDING).exists()
    assert services.waiting_count() == 1 and mailoutbox == []
    broker.up = True
    _age_outbox()
    services.outbox_drain()
    assert not emails.exclude(status__in=[Delivery.Status.SENT, Delivery.Status.SKIPPED]).exists()
    assert len(mailoutbox) == emails.filter(status=Delivery.Status.SENT).count() > 0


@pytest.fixture
def real_broker(monkeypatch):
    """The app publishes to a real Redis broker (not eager), whose address the test can change."""
    from tests.services_required import require_redis

    url = require_redis()

    def point_at(address: str) -> None:
        current_app.conf.broker_url = address
        current_app._pool = None  # publishing connections are pooled per broker address
        current_app.amqp._producer_pool = None

    before_url, before_eager = current_app.conf.broker_url, current_app.conf.task_always_eager
    current_app.conf.task_always_eager = False
    point_at(url)
    yield point_at, url
    point_at(before_url)
    current_app.conf.task_always_eager = before_eager


def test_with_redis_stopped_a_pdf_request_answers_and_its_task_reaches_redis_once_it_is_back(
    client, users, real_broker, django_capture_on_commit_callbacks
):
    import redis

    point_at, url = real_broker
    queue = redis.Redis.from_url(url)
    queue.delete("celery")
    point_at("redis://127.0.0.1:1/0")  # nothing listens there: what a stopped Redis looks like
    directive = Document.objects.get(number_symbol="106/UBND-KGVX")
    client.force_login(users["sonoivu"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:document_pdf", args=[directive.pk]))
    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert message.dispatched_at is None and message.last_error
    assert GeneratedFile.objects.get().status == GeneratedFile.Status.PENDING

    point_at(url)  # Redis is back
    _age_outbox()
    assert services.outbox_drain() == 1
    assert queue.llen("celery") == 1  # the worker will find it: handed over once
    queue.delete("celery")
