"""A database connection that dies under a request (a restarted PostgreSQL, a killed backend, a failover) is
not a 500: a read request is answered again on a new connection, and what cannot be answered gets a 503 with
Retry-After. Nothing is half-written: a failed write was rolled back by the database, and it is not repeated
(the user sees the 503 and decides). /healthz reports the failures of the last minute."""

import logging
import time

from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

logger = logging.getLogger(__name__)

RETRIES = 2
BACKOFF_SECONDS = (0.1, 0.5)
RETRY_AFTER_SECONDS = 10
SAFE_METHODS = ("GET", "HEAD")


def _minute_key(minute: int) -> str:
    return f"phoihop:db-errors:{minute}"


def record_failure() -> None:
    """Count the failure in the shared cache (every web process's /healthz sees it), per minute."""
    key = _minute_key(int(timezone.now().timestamp() // 60))
    try:
        cache.add(key, 0, timeout=180)
        cache.incr(key)
    except Exception:  # the cache is Redis, and it may be down too: the log still has the failure
        logger.warning("could not count a database failure in the cache", exc_info=True)


def recent_failures() -> int:
    """Failures counted in this minute and the previous one."""
    minute = int(timezone.now().timestamp() // 60)
    try:
        return sum(cache.get(_minute_key(m), 0) for m in (minute - 1, minute))
    except Exception:
        return 0


def drop_broken_connections() -> None:
    """Close every connection that failed, so the next query opens a new one."""
    for conn in connections.all(initialized_only=True):
        if conn.in_atomic_block:
            continue  # the transaction's owner decides (a test, or a view still inside atomic)
        try:
            if conn.connection is not None and (conn.errors_occurred or not conn.is_usable()):
                conn.close()
        except Exception:  # closing a dead socket can fail too; the connection is dropped either way
            conn.connection = None


def unavailable_response(request) -> HttpResponse:
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseRetryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        record_failure()
        drop_broken_connections()
        attempt = getattr(request, "_database_retries", 0)
        if request.method in SAFE_METHODS and attempt < RETRIES:
            request._database_retries = attempt + 1
            logger.warning(
                "database error on %s %s (%s); answering again on a new connection (retry %s)",
                request.method,
                request.path,
                exception,
                attempt + 1,
            )
            time.sleep(BACKOFF_SECONDS[attempt])
            # The rest of the chain runs again; a second failure comes back here with the count raised.
            return self.get_response(request)
        logger.error("database error on %s %s (%s); answered 503", request.method, request.path, exception)
        return unavailable_response(request)
