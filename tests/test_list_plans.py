"""The plans of the two biggest lists, the obligations and the tasks, on PostgreSQL: what each page asks for
is explained, and the plan must not test the visibility once per task.

With 20,000 tasks GET /obligations/ took 61 s: the visibility of each obligation was a join of every task
with its party, whose path was compared row by row, and each row's number of tasks a subquery run once per
row. Each query of these pages is explained here (the page's own queries, as it sent them), and:
- no subquery runs once per row (a correlated "SubPlan"; a "hashed SubPlan", built once, is fine);
- a party's path is compared only while the parties are read (a semi-join of party ids), never on a row
  that carries a task, nor on a join that has tasks below it.
The speed itself is measured in bench/lists.py, not here."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.services_required import require_postgresql

TASK_TABLE = "obligations_task"
# A subplan's use in an expression: "(hashed SubPlan 2)" is built once, "(SubPlan 1)" runs for each row.
PER_ROW_SUBPLAN = re.compile(r"(?<!hashed )\bSubPlan \d+")
CONDITIONS = ("Filter", "Join Filter", "Hash Cond", "Merge Cond", "Index Cond", "Recheck Cond", "One-Time Filter")


def _nodes(node, parent=None):
    yield node, parent
    for child in node.get("Plans", []):
        yield from _nodes(child, node)


def _scans_tasks(node) -> bool:
    return any(n.get("Relation Name") == TASK_TABLE for n, _ in _nodes(node))


def _explain(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (VERBOSE, FORMAT JSON) " + sql)
        raw = cursor.fetchone()[0]
    return (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]


def plan_faults(plan: dict) -> list[str]:
    """What in a plan tests the visibility once per row: correlated subplans, and path comparisons on rows
    that carry a task."""
    faults = []
    task_aliases = {n["Alias"] for n, _ in _nodes(plan) if n.get("Relation Name") == TASK_TABLE and "Alias" in n}
    for node, _parent in _nodes(plan):
        for key, value in node.items():
            texts = value if isinstance(value, list) else [value]
            for text in texts:
                if key != "Subplan Name" and isinstance(text, str) and PER_ROW_SUBPLAN.search(text):
                    faults.append(f"a subquery run once per row: {node['Node Type']} {key}: {text}")
        for key in CONDITIONS:
            condition = node.get(key, "")
            if "~~" not in condition:
                continue
            if _scans_tasks(node) or any(f"{alias}." in condition for alias in task_aliases):
                faults.append(f"a party's path compared on each task: {node['Node Type']} {key}: {condition}")
    return faults


def _page_plans(client, user, url) -> list[tuple[str, dict]]:
    client.force_login(user)
    client.get(url)  # the first request of a session also writes the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    selects = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    listing = [sql for sql in selects if TASK_TABLE in sql or "obligations_obligation" in sql]
    assert listing, "the page reads neither tasks nor obligations"
    return [(sql, _explain(sql)) for sql in listing]


@pytest.fixture
def postgresql():
    require_postgresql()


@pytest.mark.parametrize("role", ["sonoivu", "hnd"])
@pytest.mark.parametrize(
    "url_name", ["obligations:obligation_list", "obligations:task_list", "obligations:task_list?status=overdue"]
)
def test_a_big_list_never_tests_the_visibility_once_per_task(postgresql, url_name, role, users, client):
    name, _, query = url_name.partition("?")
    plans = _page_plans(client, users[role], reverse(name) + (f"?{query}" if query else ""))
    faults = {sql[:160]: plan_faults(plan) for sql, plan in plans}
    assert not {sql: found for sql, found in faults.items() if found}


def test_the_plan_check_finds_a_visibility_test_per_task(postgresql, users):
    """The check itself: the shape the obligation list had (a join of the tasks with their parties, the path
    compared on each, and a count per row) is found."""
    sql = (
        "SELECT o.id, (SELECT COUNT(*) FROM obligations_task t2 WHERE t2.obligation_id = o.id) AS n "
        "FROM obligations_obligation o JOIN obligations_task t ON t.obligation_id = o.id "
        "JOIN regulations_party p ON p.id = t.party_id WHERE p.path LIKE '/1/%' OR t.party_id = 1"
    )
    faults = plan_faults(_explain(sql))
    assert any("once per row" in fault for fault in faults)
    assert any("path compared on each task" in fault for fault in faults)
