import os

import pytest
from django.db import connection

from config.celery import app as celery_app


def test_healthz_answers_200_with_database_and_broker_state(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_answers_503_when_the_broker_is_down(client, db, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["database"] == "ok"


@pytest.mark.skipif(not os.environ.get("PHOIHOP_REQUIRE_SERVICES"), reason="CI proves the real stack")
def test_ci_runs_on_postgresql_and_redis(db):
    """In CI every test runs on PostgreSQL and the broker is Redis: a missing service fails here."""
    assert connection.vendor == "postgresql"
    assert celery_app.conf.broker_url.startswith("redis://")
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=3)
