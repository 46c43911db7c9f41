"""Reorganisations: one service records a merge, split, rename, move or end, applies it on its effective
date and undoes it until then."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from notifications.models import Notification
from obligations.models import Handover, Obligation, Task, TaskEvent
from obligations.reorganisations import (
    NewParty,
    Plan,
    ReorganisationError,
    reorganisation_preview,
    reorganisation_record,
    reorganisation_undo,
    reorganisations_apply_due,
)
from obligations.services import period_get_or_create, tasks_generate
from regulations.models import Membership, Party, Regulation, Reorganisation, SourceEvent
from reminders.models import ReminderSchedule
from reminders.services import reminders_run, schedule_refresh

D = datetime.date
# The decisions a test records (the demo's own are of 2025); never iterated, so each use asks again.
TESTED = Reorganisation.objects.filter(decided_on__year__gte=2026)
Kind = Reorganisation.Kind
STATE = Party.Kind.STATE
LOCAL = datetime.timezone(datetime.timedelta(hours=7))


def _obligation(title, owed_to, *named, **extra):
    regulation, _ = Regulation.objects.get_or_create(
        issuer=owed_to,
        number_symbol=f"1/QCPH-{owed_to.code}",
        defaults={"title": "Quy chế thử", "term_start": 2024, "term_end": 2030},
    )
    obligation = Obligation.objects.create(
        title=title,
        owed_to=owed_to,
        source_regulation=regulation,
        recurrence=extra.pop("recurrence", Obligation.Recurrence.YEARLY),
        due_day=extra.pop("due_day", 14),
        due_month=extra.pop("due_month", 12),
        deliverable=Obligation.Deliverable.REPORT,
        applies_from=extra.pop("applies_from", D(2024, 1, 1)),
        applies_to=D(2030, 12, 31),
        **extra,
    )
    obligation.responsible_parties.set(named)
    return obligation


def _task(obligation, party, due, state=Task.State.OPEN):
    from obligations.models import end_of_day

    period = period_get_or_create(kind="year", year=due.year)
    return Task.objects.create(
        obligation=obligation,
        party=party,
        period=period,
        nominal_due_date=due,
        due_date=due,
        deadline=end_of_day(due),
        state=state,
        completed_at=end_of_day(due) - datetime.timedelta(days=2) if state == Task.State.DONE else None,
        on_time=True if state == Task.State.DONE else None,
    )


def _merge(world, **extra):
    values = {
        "kind": Kind.MERGE,
        "number_symbol": "202/2026/QH15",
        "decided_on": D(2026, 6, 12),
        "effective_on": D(2026, 7, 1),
        "sources": [world["hnd_a"]],
        "target": world["hnd_b"],
    }
    return Plan(**{**values, **extra})


def _state(world):
    return {key: Task.objects.values_list("party__code", "state").get(pk=t.pk) for key, t in world["tasks"].items()}


def test_a_merge_moves_open_and_returned_tasks_and_keeps_submitted_done_and_earlier_ones(world):
    record = reorganisation_record(actor=world["office"], plan=_merge(world), today=D(2026, 7, 1))
    assert record.state == Reorganisation.State.APPLIED
    assert _state(world) == {
        "done-2025": ("hnd-a", Task.State.DONE),
        "overdue-2025": ("hnd-a", Task.State.OPEN),
        "open": ("hnd-b", Task.State.OPEN),
        "returned": ("hnd-b", Task.State.RETURNED),
        "submitted": ("hnd-a", Task.State.SUBMITTED),
        "duplicate": ("hnd-a", Task.State.EXCUSED),
        "b-own": ("hnd-b", Task.State.OPEN),
    }
    moved = Task.objects.get(pk=world["tasks"]["open"].pk)
    assert moved.handed_over_from == world["hnd_a"]
    hnd_a = Party.objects.get(pk=world["hnd_a"].pk)
    assert (hnd_a.valid_to, hnd_a.successor) == (D(2026, 6, 30), world["hnd_b"])
    # The trail: the decision, then each task's hand-over.
    assert list(SourceEvent.objects.filter(object_id=record.pk).values_list("action", flat=True)) == [
        SourceEvent.Action.CREATED,
        SourceEvent.Action.APPLIED,
    ]
    event = TaskEvent.objects.get(task=moved, action=TaskEvent.Action.HANDED_OVER)
    assert "202/2026/QH15" in event.message and event.actor == world["office"]
    # Members of the ended body work for the successor from now on (and still read their history).
    assert Membership.objects.filter(user=world["staff_a"], party=world["hnd_b"]).exists()
    assert Membership.objects.filter(user=world["staff_a"], party=world["hnd_a"]).exists()


def test_the_preview_lists_what_moves_and_applying_writes_nothing_else(world):
    preview = reorganisation_preview(_merge(world))
    assert [c.task.pk for c in preview.moved] == [world["tasks"]["returned"].pk, world["tasks"]["open"].pk]
    assert [c.task.pk for c in preview.excused] == [world["tasks"]["duplicate"].pk]
    assert [t.pk for t in preview.staying] == [world["tasks"]["submitted"].pk]
    assert {(c.obligation.title, c.role) for c in preview.obligations} >= {
        ("Báo cáo chung", "responsible"),
        ("Báo cáo riêng của A", "responsible"),
    }
    assert [m.user.username for m, _to in preview.memberships] == ["staff-a"]
    # The reminders app shows the next reminder of each task that moves.
    assert {task.pk for task, _at in preview.reminders} == {world["tasks"]["open"].pk, world["tasks"]["returned"].pk}
    assert _state(world)["open"] == ("hnd-a", Task.State.OPEN)  # a preview writes nothing


def test_reminders_go_to_the_successors_staff_from_the_effective_date_and_never_twice(world):
    task = world["tasks"]["open"]
    ReminderSchedule.objects.all().delete()
    schedule_refresh(task=task, today=D(2026, 11, 1))  # as planned when the task opened
    # 30 days before the due date, before the merge is applied: A's staff hear of it.
    reminders_run(as_of=datetime.datetime(2026, 11, 14, 8, tzinfo=LOCAL))
    first = list(Notification.objects.filter(key__startswith=f"reminder:{task.pk}:"))
    assert {n.recipient.username for n in first} == {"staff-a"}
    reorganisation_record(actor=world["office"], plan=_merge(world), today=D(2026, 11, 20))
    reminders_run(as_of=datetime.datetime(2026, 11, 20, 8, tzinfo=LOCAL))  # the same step again: nothing
    assert Notification.objects.filter(key__startswith=f"reminder:{task.pk}:").count() == 1
    reminders_run(as_of=datetime.datetime(2026, 11, 30, 8, tzinfo=LOCAL))  # the 14-day step
    later = Notification.objects.filter(key__startswith=f"reminder:{task.pk}:").exclude(pk__in=[n.pk for n in first])
    # The successor's staff, now including A's, who became members of B's union with the merge.
    assert {n.recipient.username for n in later} == {"staff-a", "staff-b"}
    assert {n.key for n in later} == {f"reminder:{task.pk}:d-14"}
    keys = list(Notification.objects.filter(key__startswith=f"reminder:{task.pk}:").values_list("key", "recipient"))
    assert len(keys) == len(set(keys))


def test_a_decision_waits_for_its_effective_date_then_the_daily_job_applies_it(world):
    record = reorganisation_record(actor=world["office"], plan=_merge(world), today=D(2026, 6, 20))
    assert record.state == Reorganisation.State.SCHEDULED
    assert _state(world)["open"] == ("hnd-a", Task.State.OPEN)
    assert Party.objects.get(pk=world["hnd_a"].pk).valid_to is None
    assert reorganisations_apply_due(today=D(2026, 6, 30)) == 0
    assert reorganisations_apply_due(today=D(2026, 7, 1)) == 1
    assert _state(world)["open"] == ("hnd-b", Task.State.OPEN)
    assert reorganisations_apply_due(today=D(2026, 7, 2)) == 0  # once


def test_the_command_applies_what_is_due(world):
    from io import StringIO

    from django.core.management import call_command

    reorganisation_record(actor=world["office"], plan=_merge(world, effective_on=D(2026, 7, 10)), today=D(2026, 7, 1))
    out = StringIO()
    call_command("apply_reorganisations", "--date", "2026-07-10", stdout=out)
    assert "Đã thực hiện 1 quyết định" in out.getvalue()
    assert _state(world)["open"] == ("hnd-b", Task.State.OPEN)


def test_undo_before_the_effective_date_restores_everything(world):
    before_tasks = _state(world)
    before_party = Party.objects.filter(pk=world["hnd_a"].pk).values().get()
    before_members = set(Membership.objects.values_list("user_id", "party_id", "role"))
    record = reorganisation_record(actor=world["office"], plan=_merge(world), today=D(2026, 6, 20))
    reorganisation_undo(actor=world["office"], reorganisation=record, today=D(2026, 6, 25))
    assert Reorganisation.objects.get(pk=record.pk).state == Reorganisation.State.UNDONE
    assert reorganisations_apply_due(today=D(2026, 7, 1)) == 0
    assert _state(world) == before_tasks
    assert Party.objects.filter(pk=world["hnd_a"].pk).values().get() == before_party
    assert set(Membership.objects.values_list("user_id", "party_id", "role")) == before_members
    # The body can be reorganised again once the first decision is undone.
    reorganisation_record(actor=world["office"], plan=_merge(world), today=D(2026, 6, 26))


def test_undo_on_or_after_the_effective_date_is_refused(world):
    record = reorganisation_record(actor=world["office"], plan=_merge(world), today=D(2026, 7, 1))
    with pytest.raises(ReorganisationError, match="đã có hiệu lực từ ngày 01/07/2026"):
        reorganisation_undo(actor=world["office"], reorganisation=record, today=D(2026, 7, 1))


def test_a_merge_into_a_new_body_creates_it_on_the_effective_date(world):
    new = NewParty(
        code="hnd-ab", name="Hội Nông dân tỉnh AB", short_name="HND AB", kind=Party.Kind.SOCIO_POLITICAL,
        level=Party.Level.PROVINCE, parent=world["b"],
    )  # fmt: skip
    plan = _merge(world, target=None, new_party=new)
    plan.sources = [world["hnd_a"], world["hnd_b"]]
    reorganisation_record(actor=world["office"], plan=plan, today=D(2026, 7, 1))
    merged = Party.objects.get(code="hnd-ab")
    assert merged.valid_from == D(2026, 7, 1)
    assert Party.objects.get(pk=world["hnd_b"].pk).successor == merged
    # B's own task and A's copy of the same duty become one task of the new body.
    both = Task.objects.filter(obligation=world["both"], period__year=2026)
    assert sorted(both.values_list("state", flat=True)) == [Task.State.EXCUSED, Task.State.OPEN]
    assert both.get(state=Task.State.OPEN).party == merged
    assert "Hội Nông dân tỉnh AB" in both.get(state=Task.State.EXCUSED).excused_reason


def test_a_split_assigns_each_task_exactly_once_and_later_periods_follow(make_party, make_user):
    ubnd = make_party("Ủy ban nhân dân tỉnh C", kind=STATE, is_jurisdiction=True)
    office = make_user("vp-c", (ubnd, Membership.Role.OFFICE))
    old = make_party("Sở Lao động - Thương binh và Xã hội tỉnh C", kind=STATE, parent=ubnd)
    home = make_party("Sở Nội vụ tỉnh C", kind=STATE, parent=ubnd)
    health = make_party("Sở Y tế tỉnh C", kind=STATE, parent=ubnd)
    labour = _obligation("Báo cáo lao động", ubnd, old, applies_from=D(2026, 1, 1))
    welfare = _obligation("Báo cáo bảo trợ", ubnd, old, applies_from=D(2026, 1, 1))
    tasks_generate(obligations=[labour, welfare], up_to=D(2026, 3, 1))
    plan = Plan(
        kind=Kind.SPLIT, number_symbol="45/2026/NĐ-CP", decided_on=D(2026, 2, 28), effective_on=D(2026, 3, 1),
        sources=[old], targets=[home, health], assignments={labour.pk: home},
    )  # fmt: skip
    with pytest.raises(ReorganisationError, match="chưa giao cho cơ quan kế thừa: Báo cáo bảo trợ") as error:
        reorganisation_record(actor=office, plan=plan, today=D(2026, 3, 1))
    assert "assignments" in error.value.field_errors
    assert not TESTED.exists() and Task.objects.filter(party=old).count() == 2  # nothing written
    plan.assignments[welfare.pk] = health
    reorganisation_record(actor=office, plan=plan, today=D(2026, 3, 1))
    assert sorted(
        Task.objects.filter(obligation__in=[labour, welfare]).values_list("obligation__title", "party__short_name")
    ) == [
        ("Báo cáo bảo trợ", health.short_name),
        ("Báo cáo lao động", home.short_name),
    ]
    assert Handover.objects.filter(predecessor=old).count() == 2
    # Next year's tasks follow the split: generated for the successor each duty was given to.
    tasks_generate(obligations=[labour, welfare], up_to=D(2027, 3, 1))
    assert sorted(
        Task.objects.filter(period__year=2027, obligation__in=[labour, welfare]).values_list(
            "obligation__title", "party__short_name"
        )
    ) == [
        ("Báo cáo bảo trợ", health.short_name),
        ("Báo cáo lao động", home.short_name),
    ]


def test_a_rename_keeps_the_old_name_for_history_and_search(world):
    plan = Plan(
        kind=Kind.RENAME, number_symbol="12/QĐ-UBND", decided_on=D(2026, 5, 1), effective_on=D(2026, 6, 1),
        sources=[world["hnd_a"]], new_name="Hội Nông dân Việt Nam tỉnh A", new_short_name="HNDVN A",
    )  # fmt: skip
    reorganisation_record(actor=world["office"], plan=plan, today=D(2026, 6, 1))
    party = Party.objects.get(pk=world["hnd_a"].pk)
    assert party.name == "Hội Nông dân Việt Nam tỉnh A"
    assert party.name_on(D(2026, 5, 31)) == "Hội Nông dân tỉnh A"
    assert party.name_on(D(2026, 6, 1)) == "Hội Nông dân Việt Nam tỉnh A"
    assert Party.objects.filter(search_text__contains="hoi nong dan tinh a").get() == party


def test_a_move_changes_the_territory_and_keeps_the_tasks(world):
    plan = Plan(
        kind=Kind.MOVE, number_symbol="13/QĐ-UBND", decided_on=D(2026, 5, 1), effective_on=D(2026, 6, 1),
        sources=[world["hnd_a"]], new_parent=world["b"],
    )  # fmt: skip
    reorganisation_record(actor=world["office"], plan=plan, today=D(2026, 6, 1))
    party = Party.objects.get(pk=world["hnd_a"].pk)
    assert party.parent == world["b"] and party.path.startswith(world["b"].path)
    assert _state(world)["open"] == ("hnd-a", Task.State.OPEN)


def test_an_end_excuses_the_open_tasks_due_after_it(world):
    plan = Plan(
        kind=Kind.END, number_symbol="14/QĐ-UBND", decided_on=D(2026, 5, 1), effective_on=D(2026, 7, 1),
        sources=[world["hnd_a"]],
    )  # fmt: skip
    reorganisation_record(actor=world["office"], plan=plan, today=D(2026, 7, 1))
    task = Task.objects.get(pk=world["tasks"]["open"].pk)
    assert task.state == Task.State.EXCUSED and "chấm dứt hoạt động từ ngày 01/07/2026" in task.excused_reason
    assert Party.objects.get(pk=world["hnd_a"].pk).successor is None


# --- bad input: a clear Vietnamese message, and nothing written ---------------------------------------


def _parties():
    return list(Party.objects.values_list("pk", "valid_to", "successor_id", "name", "parent_id"))


def _refused(world, plan, match, today=None):
    today = today or D(2026, 7, 1)
    before = (_state(world), _parties())
    with pytest.raises(ReorganisationError, match=match):
        reorganisation_record(actor=world["office"], plan=plan, today=today)
    assert not TESTED.exists()
    assert (
        _state(world),
        list(Party.objects.values_list("pk", "valid_to", "successor_id", "name", "parent_id")),
    ) == before


def test_a_party_merged_into_itself_is_refused(world):
    _refused(world, _merge(world, target=world["hnd_a"]), "Không thể sáp nhập Hội Nông dân tỉnh A vào chính nó")


def test_a_cycle_of_successors_is_refused(world, make_party):
    # hnd_b already passed its duties to hnd_c, which passed them to hnd_a: merging hnd_a into hnd_b loops.
    hnd_c = make_party("Hội Nông dân tỉnh C", parent=world["b"], code="hnd-c")
    Party.objects.filter(pk=world["hnd_b"].pk).update(valid_to=D(2026, 12, 31), successor=hnd_c)
    Party.objects.filter(pk=hnd_c.pk).update(valid_to=D(2026, 12, 31), successor=world["hnd_a"])
    world["hnd_b"].refresh_from_db()
    _refused(world, _merge(world), "Vòng kế thừa không hợp lệ: Hội Nông dân tỉnh A → Hội Nông dân tỉnh B")


def test_an_effective_date_before_the_party_existed_is_refused(world):
    Party.objects.filter(pk=world["hnd_a"].pk).update(valid_from=D(2026, 8, 1))
    world["hnd_a"].refresh_from_db()
    _refused(world, _merge(world), "không sau ngày Hội Nông dân tỉnh A bắt đầu hoạt động \\(01/08/2026\\)")


def test_an_effective_date_before_the_decision_and_a_missing_number_are_refused(world):
    _refused(world, _merge(world, decided_on=D(2026, 7, 2)), "không được trước ngày ban hành")
    _refused(world, _merge(world, number_symbol=" "), "số, ký hiệu")


def test_a_second_decision_on_a_body_with_one_waiting_is_refused(world):
    reorganisation_record(actor=world["office"], plan=_merge(world), today=D(2026, 6, 1))
    with pytest.raises(ReorganisationError, match="chờ hiệu lực ngày 01/07/2026"):
        reorganisation_record(actor=world["office"], plan=_merge(world), today=D(2026, 6, 1))


def test_only_the_office_of_every_territory_involved_may_record_it(world, make_user):
    office_a = make_user("vp-a", (world["a"], Membership.Role.OFFICE))
    reporter = world["staff_a"]
    for actor in (office_a, reporter, None):
        with pytest.raises(PermissionDenied):
            reorganisation_record(actor=actor, plan=_merge(world), today=D(2026, 7, 1))
    assert not TESTED.exists()


def test_a_renamed_body_is_still_found_by_its_old_name_in_search_and_extraction(world, client):
    from obligations.extraction.parties import parties_match

    plan = Plan(
        kind=Kind.RENAME, number_symbol="12/QĐ-UBND", decided_on=D(2026, 5, 1), effective_on=D(2026, 6, 1),
        sources=[world["hnd_a"]], new_name="Hội Nông dân Việt Nam tỉnh A", new_short_name="HNDVN A",
    )  # fmt: skip
    reorganisation_record(actor=world["office"], plan=plan, today=D(2026, 6, 1))
    assert parties_match(names=["Hội Nông dân tỉnh A"], jurisdiction=world["a"]) == ["hnd-a"]
    client.force_login(world["office"])
    page = client.get(reverse("obligations:search"), {"q": "hoi nong dan tinh a"}).content.decode()
    assert "Hội Nông dân Việt Nam tỉnh A" in page
