import logging

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app as celery_app
from .database import drop_broken_connections, recent_failures, record_failure

logger = logging.getLogger(__name__)


def _database_state() -> str:
    """A real query on every call, on a connection checked first (a dead one is replaced, and counted)."""
    drop_broken_connections()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means "down" to a load balancer; the log keeps the reason
        record_failure()
        logger.exception("healthz: database unreachable")
        return "down"
    return "ok"


def _broker_state() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        logger.exception("healthz: broker unreachable")
        return "down"
    return "ok"


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For the load balancer: 200 when the database and the broker answer, 503 otherwise."""
    checks = {"database": _database_state(), "broker": _broker_state()}
    healthy = all(state == "ok" for state in checks.values())
    body: dict[str, object] = {"status": "ok" if healthy else "down", **checks}
    # The database answers now, but connections died under requests in the last minute (answered again or
    # 503): a monitor sees it even though the load balancer need not take this machine out.
    if checks["database"] == "ok" and (failures := recent_failures()):
        body["database"] = "recovering"
        body["database_errors_last_minute"] = failures
    return JsonResponse(body, status=200 if healthy else 503)
