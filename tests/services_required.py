"""Tests that need PostgreSQL or Redis skip on a bare machine and fail in CI (PHOIHOP_REQUIRE_SERVICES=1)."""

import os

import pytest
from django.db import connection


def _missing(reason: str):
    if os.environ.get("PHOIHOP_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (PHOIHOP_REQUIRE_SERVICES=1: this test must run here)")
    pytest.skip(reason)


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        _missing("needs PostgreSQL: set DATABASE_URL")


def require_redis() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        _missing("needs Redis: set REDIS_URL")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        _missing(f"Redis at REDIS_URL does not answer: {error}")
    return url
