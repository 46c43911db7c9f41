"""Two sessions at once, on PostgreSQL, made to collide every time rather than by luck.

`first` runs in a transaction that stays open after it wrote; meanwhile `second` runs in another thread and
connection: it sees nothing committed, so it passes every check and its insert waits on the unique index.
Then `first` commits, and `second` meets the clash for real. Each returns what it returned or raised."""

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from tests.services_required import require_postgresql


def collide(first: Callable[[], Any], second: Callable[[], Any], *, hold: float = 0.5) -> tuple[Any, Any]:
    require_postgresql()
    wrote, release = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def run_first():
        try:
            with transaction.atomic():
                outcome["first"] = first()
                wrote.set()
                release.wait(timeout=30)
        except Exception as error:  # returned, so that the test can say what happened
            outcome["first"] = error
            wrote.set()
        finally:
            connection.close()

    def run_second():
        try:
            outcome["second"] = second()
        except Exception as error:
            outcome["second"] = error
        finally:
            connection.close()

    one = threading.Thread(target=run_first)
    one.start()
    assert wrote.wait(timeout=30)
    two = threading.Thread(target=run_second)
    two.start()
    time.sleep(hold)  # the second is now waiting on the first's uncommitted row
    release.set()
    one.join(timeout=60)
    two.join(timeout=60)
    return outcome.get("first"), outcome.get("second")


def at_once(action: Callable[[], Any], sessions: int = 8) -> list[Any]:
    """`sessions` threads start `action` together; what each returned or raised."""
    require_postgresql()
    barrier = threading.Barrier(sessions)
    results: list[Any] = [None] * sessions

    def run(n):
        try:
            barrier.wait(timeout=30)
            results[n] = action()
        except Exception as error:
            results[n] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
