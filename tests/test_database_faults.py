"""A database connection killed under a request: a read is answered again on a new connection, what cannot
be answered is a Vietnamese 503 with Retry-After, a write is never repeated, and /healthz notices."""

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.urls import reverse

from obligations import selectors
from obligations.models import Task
from tests.services_required import require_postgresql


@pytest.fixture(autouse=True)
def no_counted_failures():
    cache.clear()
    yield
    cache.clear()


def _failing(monkeypatch, name: str, *, times: int, fail=None):
    """The selector `name` fails its first `times` calls (as a query on a dead connection does)."""
    original = getattr(selectors, name)
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= times:
            if fail is not None:
                fail()
            raise OperationalError("server closed the connection unexpectedly")
        return original(*args, **kwargs)

    monkeypatch.setattr(selectors, name, wrapper)
    return calls


def test_a_read_whose_connection_died_is_answered_again(client, users, monkeypatch):
    calls = _failing(monkeypatch, "task_list", times=1)
    client.force_login(users["sonoivu"])
    response = client.get(reverse("obligations:task_list"))
    assert response.status_code == 200 and calls["n"] == 2
    health = client.get("/healthz").json()
    assert health["database"] == "recovering" and health["database_errors_last_minute"] == 1


def test_a_read_that_keeps_failing_gets_a_503_in_vietnamese_with_retry_after(client, users, monkeypatch):
    calls = _failing(monkeypatch, "task_list", times=10)
    client.force_login(users["sonoivu"])
    response = client.get(reverse("obligations:task_list"))
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert "Hệ thống tạm gián đoạn" in response.content.decode() and calls["n"] == 3  # the request, two retries


def test_a_write_is_not_repeated(client, users, monkeypatch):
    calls = _failing(monkeypatch, "get_task_for_user", times=10)
    task = Task.objects.get(party__code="qn-hnd", period__year=2025)
    client.force_login(users["hnd"])
    response = client.post(reverse("obligations:task_report", args=[task.pk]), {"action": "save"})
    assert response.status_code == 503 and calls["n"] == 1
    assert "chưa được ghi" in response.content.decode()


def test_other_errors_are_not_taken_for_a_dead_connection(client, users, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(selectors, "task_list", broken)
    client.raise_request_exception = False
    client.force_login(users["sonoivu"])
    assert client.get(reverse("obligations:task_list")).status_code == 500


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backend_killed_mid_request_is_reconnected(client, users, monkeypatch):
    require_postgresql()
    original = selectors.task_list
    killed = []

    def kill_own_backend_once(*args, **kwargs):
        if not killed:  # the first time, the backend dies under the request: psycopg raises, nothing is faked
            killed.append(connection.connection)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return original(*args, **kwargs)

    monkeypatch.setattr(selectors, "task_list", kill_own_backend_once)
    client.force_login(users["sonoivu"])
    response = client.get(reverse("obligations:task_list"))
    assert response.status_code == 200 and killed
    assert connection.connection is not killed[0]  # a new connection answered
    assert client.get("/healthz").json()["database"] == "recovering"
