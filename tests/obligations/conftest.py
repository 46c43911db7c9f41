"""The obligations tests' shared scene: two provinces whose Farmers' Unions merge."""

import pytest

from obligations.models import Task
from regulations.models import Membership

from .test_reorganisations import STATE, D, _obligation, _task


@pytest.fixture
def world(make_party, make_user):
    """Two provinces: A's Farmers' Union merges into B's (existing) on 01/07/2026."""
    a = make_party("Ủy ban nhân dân tỉnh A", kind=STATE, is_jurisdiction=True, code="ubnd-a")
    b = make_party("Ủy ban nhân dân tỉnh B", kind=STATE, is_jurisdiction=True, code="ubnd-b")
    hnd_a = make_party("Hội Nông dân tỉnh A", parent=a, code="hnd-a")
    hnd_b = make_party("Hội Nông dân tỉnh B", parent=b, code="hnd-b")
    office = make_user("vp", (a, Membership.Role.OFFICE), (b, Membership.Role.OFFICE))
    staff_a = make_user("staff-a", (hnd_a, Membership.Role.REPORTER))
    staff_b = make_user("staff-b", (hnd_b, Membership.Role.REPORTER))
    both = _obligation("Báo cáo chung", a, hnd_a, hnd_b)
    own = _obligation("Báo cáo riêng của A", a, hnd_a)
    tasks = {
        "done-2025": _task(own, hnd_a, D(2025, 12, 15), Task.State.DONE),
        "overdue-2025": _task(both, hnd_a, D(2025, 12, 16)),  # before the merge: history
        "open": _task(own, hnd_a, D(2026, 12, 14)),
        "returned": _task(_obligation("Báo cáo bị trả lại", a, hnd_a), hnd_a, D(2026, 10, 10), Task.State.RETURNED),
        "submitted": _task(_obligation("Báo cáo đã nộp", a, hnd_a), hnd_a, D(2026, 11, 10), Task.State.SUBMITTED),
        "duplicate": _task(both, hnd_a, D(2026, 12, 15)),
        "b-own": _task(both, hnd_b, D(2026, 12, 15)),
    }
    return {
        "a": a, "b": b, "hnd_a": hnd_a, "hnd_b": hnd_b, "office": office, "staff_a": staff_a,
        "staff_b": staff_b, "tasks": tasks, "both": both, "own": own,
    }  # fmt: skip
