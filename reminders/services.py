"""Reminders: each task's stored schedule, and the daily pass that records due steps as inbox entries and
emails (through the notifications layer) and moves the schedules on. Views, Celery tasks and the
`send_reminders` command call these."""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.models import Delivery
from notifications.services import Message, notify_many
from obligations.models import Obligation, Task
from obligations.selectors import cooperating_members_of_obligations
from outbox.services import enqueue
from regulations.selectors import focal_users_for_parties, heads_of_parties, members_of_parties

from .models import ReminderPolicy, ReminderSchedule, ReminderSyncState
from .steps import LOCAL_TZ, Step, first_step_on_or_after, policy_steps, start_of

logger = logging.getLogger(__name__)

ACTIVE_STATES = (Task.State.OPEN, Task.State.RETURNED)
BATCH_SIZE = 500
# Tasks are numbered in commit order only roughly: the incremental sync looks this far back below its mark.
SYNC_OVERLAP = 1000


# --- Policies and schedules --------------------------------------------------------------------------


def policy_for(obligation_id: int) -> ReminderPolicy:
    return ReminderPolicy.objects.filter(obligation_id=obligation_id).first() or ReminderPolicy.default()


def policies_for(obligation_ids: Iterable[int]) -> dict[int, ReminderPolicy]:
    ids = set(obligation_ids)
    found = {policy.obligation_id: policy for policy in ReminderPolicy.objects.filter(obligation_id__in=ids)}
    return {pk: found.get(pk) or ReminderPolicy.default() for pk in ids}


def _fresh_schedule_values(task: Task, policy: ReminderPolicy, today: datetime.date) -> dict:
    if task.state not in ACTIVE_STATES:
        return {"due_date": task.due_date, "next_step": "", "next_at": None}
    step = first_step_on_or_after(policy_steps(task.due_date, policy), today)
    return {
        "due_date": task.due_date,
        "next_step": step.code if step else "",
        "next_at": step.at if step else None,
    }


def schedule_refresh(*, task: Task, today: datetime.date | None = None) -> ReminderSchedule:
    """Bring a task's schedule in line with its state: stopped once submitted, done or excused; restarted
    from today's step when it opens again (a returned report); moved when the due date moves. An
    unchanged running schedule is left alone, so saving a task never skips or repeats a step."""
    today = today or timezone.localdate()
    schedule = ReminderSchedule.objects.filter(task=task).first()
    if (
        schedule is not None
        and task.state in ACTIVE_STATES
        and schedule.next_at is not None
        and schedule.due_date == task.due_date
    ):
        return schedule
    if schedule is not None and task.state not in ACTIVE_STATES and schedule.next_at is None:
        return schedule
    values = _fresh_schedule_values(task, policy_for(task.obligation_id), today)
    schedule, _created = ReminderSchedule.objects.update_or_create(task=task, defaults=values)
    return schedule


def policy_apply(*, policy: ReminderPolicy, today: datetime.date | None = None) -> int:
    """After a policy changes, re-plan the running schedules of its obligation's unfinished tasks."""
    today = today or timezone.localdate()
    count = 0
    tasks = Task.objects.filter(obligation_id=policy.obligation_id, state__in=ACTIVE_STATES)
    for task in tasks:
        values = _fresh_schedule_values(task, policy, today)
        ReminderSchedule.objects.update_or_create(task=task, defaults=values)
        count += 1
    return count


def schedules_sync(*, full: bool = False, today: datetime.date | None = None) -> int:
    """Give a schedule to tasks that have none (bulk-created tasks send no post_save signal).

    Incremental by default: only tasks numbered after the last mark (less a small overlap) are looked at,
    so the daily pass does not scan every task; `full=True` checks them all."""
    today = today or timezone.localdate()
    state, _created = ReminderSyncState.objects.get_or_create(pk=1)
    tasks = Task.objects.filter(reminder_schedule__isnull=True)
    if not full:
        tasks = tasks.filter(pk__gt=state.last_task_id - SYNC_OVERLAP)
    created = 0
    highest = state.last_task_id
    last_pk = 0
    while True:
        batch = list(
            tasks.filter(pk__gt=last_pk).order_by("pk").only("pk", "state", "due_date", "obligation_id")[:BATCH_SIZE]
        )
        if not batch:
            break
        policies = policies_for(task.obligation_id for task in batch)
        rows = [
            ReminderSchedule(task=task, **_fresh_schedule_values(task, policies[task.obligation_id], today))
            for task in batch
        ]
        ReminderSchedule.objects.bulk_create(rows, ignore_conflicts=True)
        created += len(rows)
        last_pk = batch[-1].pk
        highest = max(highest, last_pk)
    top = Task.objects.aggregate(top=Max("pk"))["top"] or 0
    update = {"last_task_id": max(highest, top if full else highest)}
    if full:
        update["full_sync_at"] = timezone.now()
    ReminderSyncState.objects.filter(pk=1).update(**update)
    return created


# --- The reminder pass -------------------------------------------------------------------------------


@dataclass
class PlannedReminder:
    task_id: int
    step: str
    day: datetime.date
    recipients: list[str]
    skipped_steps: list[str]


@dataclass
class PassResult:
    as_of: datetime.datetime
    schedules: int = 0
    steps: int = 0
    deliveries: int = 0
    skipped: int = 0
    # Chunked sending jobs handed to the workers (one per batch that wrote immediate emails, one for the
    # digests and gathered escalations): the pass records, the workers send.
    handed_over: int = 0
    planned: list[PlannedReminder] = field(default_factory=list)


class _PassContext:
    """What a pass reads once per batch and reuses across tasks: the members, focal agencies and heads of
    the batch's parties, the members of its obligations' co-operating parties, policies and source labels.
    A fixed number of queries per batch, however many parties it touches and whether or not it is an
    escalation day."""

    def __init__(self, now: datetime.datetime, today: datetime.date):
        self.now, self.today = now, today
        self._members: dict[int, list] = {}
        self._escalation: dict[int, list] = {}
        self._cooperating: dict[int, list] = {}
        self._labels: dict[int, str] = {}
        self.policies: dict[int, ReminderPolicy] = {}

    def prefetch(self, tasks: Iterable[Task], *, escalation: bool) -> None:
        """Read the people of every party of the batch at once (members; focal agency and heads when a
        step escalates), and the source labels of its obligations."""
        tasks = list(tasks)
        self._read_people([task.party for task in tasks], escalation=escalation)
        self._read_cooperating({task.obligation_id for task in tasks})
        labels = {task.obligation_id for task in tasks} - set(self._labels)
        if labels:
            for obligation in Obligation.objects.with_sources().filter(pk__in=labels):
                self._labels[obligation.pk] = str(obligation.source_label)

    def _read_people(self, parties: list, *, escalation: bool) -> None:
        by_pk = {party.pk: party for party in parties}
        missing = set(by_pk) - set(self._members)
        if missing:
            self._members.update(members_of_parties(missing))
        missing = set(by_pk) - set(self._escalation) if escalation else set()
        if missing:
            focal = focal_users_for_parties([by_pk[pk] for pk in missing])
            heads = heads_of_parties(missing)
            for pk in missing:
                seen: dict[int, object] = {}
                for user in [*focal.get(pk, []), *heads.get(pk, [])]:
                    seen.setdefault(user.pk, user)
                self._escalation[pk] = list(seen.values())

    def _read_cooperating(self, obligation_ids: set[int]) -> None:
        missing = obligation_ids - set(self._cooperating)
        if missing:
            self._cooperating.update(cooperating_members_of_obligations(missing))

    def cooperating(self, obligation_id: int) -> list:
        """Every user of the obligation's co-operating parties: reminded of the lead's task, on its steps."""
        self._read_cooperating({obligation_id})
        return self._cooperating[obligation_id]

    def members(self, party) -> list:
        """Every user of the party, inactive ones included: they are recorded as skipped, not forgotten."""
        self._read_people([party], escalation=False)
        return self._members[party.pk]

    def escalation(self, party) -> list:
        self._read_people([party], escalation=True)
        return self._escalation[party.pk]

    def source_label(self, task: Task) -> str:
        if task.obligation_id not in self._labels:
            self.prefetch([task], escalation=False)
        return self._labels[task.obligation_id]

    def policy(self, obligation_id: int) -> ReminderPolicy:
        if obligation_id not in self.policies:
            self.policies.update(policies_for([obligation_id]))
        return self.policies[obligation_id]


def _local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(LOCAL_TZ).date()


def _due_step(schedule: ReminderSchedule, steps: list[Step], today: datetime.date) -> tuple[Step | None, list[Step]]:
    """The latest step whose day has come (sent), and the older ones a late pass leaves out."""
    if schedule.next_at is None:  # a finished schedule is never read as due (the query wants next_at)
        return None, []
    since = _local_day(schedule.next_at)
    due = [step for step in steps if since <= step.day <= today]
    return (due[-1], due[:-1]) if due else (None, [])


def reminder_facts(task: Task, *, source: str, today: datetime.date) -> dict:
    days_left = (task.due_date - today).days
    return {
        "title": task.obligation.title,
        "party": task.party.name,
        "period": str(task.period) if task.period_id else "",
        "source": source,
        "due": task.due_date.strftime("%d/%m/%Y"),
        "wording": task.obligation.due_wording,
        "days_left": days_left,
        "days": abs(days_left),
    }


def reminder_fact_rows(facts: dict) -> list[tuple[str, str]]:
    """The facts table of a reminder email, in the site's language, counted from the pass's own day."""
    with translation.override(settings.LANGUAGE_CODE):
        due = facts["due"] + (f" ({facts['wording']})" if facts.get("wording") else "")
        if facts["days_left"] > 0:
            left = _("%(days)s ngày") % facts
        elif facts["days_left"] == 0:
            left = _("Hạn là hôm nay")
        else:
            left = _("Đã quá hạn %(days)s ngày") % facts
        return [
            (_("Nhiệm vụ"), facts["title"]),
            (_("Nguồn"), facts["source"]),
            (_("Đơn vị thực hiện"), facts["party"]),
            (_("Hạn"), due),
            (_("Còn lại"), left),
        ]


def reminder_texts(facts: dict, *, escalation: bool, cooperating: bool = False) -> tuple[str, str]:
    """Subject and body of a reminder, in Vietnamese. `cooperating`: the text for the staff of a co-operating
    party, asked to co-operate on the lead's task (on an escalation step too: escalating is for the lead)."""
    with translation.override(settings.LANGUAGE_CODE):
        if cooperating:
            if facts["days_left"] > 0:
                subject = _("Nhắc phối hợp: còn %(days)s ngày đến hạn “%(title)s”") % facts
                when = _("hạn %(due)s, còn %(days)s ngày")
            elif facts["days_left"] == 0:
                subject = _("Nhắc phối hợp: hôm nay là hạn “%(title)s”") % facts
                when = _("đến hạn hôm nay %(due)s")
            else:
                subject = _("Nhắc phối hợp: “%(title)s” đã quá hạn %(days)s ngày") % facts
                when = _("hạn %(due)s, đã quá hạn %(days)s ngày")
            lead = _(
                "%(party)s chủ trì nhiệm vụ “%(title)s” (%(source)s), kỳ %(period)s, %(when)s. Đề nghị cơ quan "
                "phối hợp góp ý kiến, tài liệu vào nhiệm vụ của cơ quan chủ trì."
            )
            facts = {**facts, "when": when % facts}
        elif escalation:
            subject = _("Quá hạn %(days)s ngày: %(party)s chưa hoàn thành “%(title)s”") % facts
            lead = _(
                "%(party)s chưa hoàn thành nhiệm vụ “%(title)s” (%(source)s), kỳ %(period)s, hạn %(due)s, "
                "đã quá hạn %(days)s ngày. Đề nghị cơ quan đầu mối và thủ trưởng đơn vị đôn đốc."
            )
        elif facts["days_left"] > 0:
            subject = _("Nhắc việc: còn %(days)s ngày đến hạn “%(title)s”") % facts
            lead = _("Nhiệm vụ “%(title)s” (%(source)s) của %(party)s, kỳ %(period)s, hạn %(due)s: còn %(days)s ngày.")
        elif facts["days_left"] == 0:
            subject = _("Nhắc việc: hôm nay là hạn “%(title)s”") % facts
            lead = _("Nhiệm vụ “%(title)s” (%(source)s) của %(party)s, kỳ %(period)s, đến hạn hôm nay %(due)s.")
        else:
            subject = _("Quá hạn %(days)s ngày: “%(title)s”") % facts
            lead = _(
                "Nhiệm vụ “%(title)s” (%(source)s) của %(party)s, kỳ %(period)s, hạn %(due)s, đã quá hạn %(days)s ngày."
            )
        body = lead % facts
        if facts.get("wording"):
            body += " " + _("Thời hạn theo văn bản: %(wording)s.") % facts
    return subject, body


# Who a reminder is for: the lead's own staff, the focal agency and heads on an escalation step, the staff
# of the obligation's co-operating parties. One person hears once, in the first of these that holds them.
LEAD, ESCALATION, COOPERATING = "reminder", "escalation", "cooperation"


def _recipients(task: Task, step: Step, context: _PassContext) -> dict[int, tuple]:
    recipients: dict[int, tuple] = {user.pk: (user, LEAD) for user in context.members(task.party)}
    if step.escalation:
        for user in context.escalation(task.party):
            recipients[user.pk] = (user, ESCALATION)
    for user in context.cooperating(task.obligation_id):
        recipients.setdefault(user.pk, (user, COOPERATING))
    return recipients


def reminder_key(task_id: int, step: str) -> str:
    return f"reminder:{task_id}:{step}"


def _record_steps(due: list[tuple[Task, Step]], context: _PassContext, result: PassResult) -> bool:
    """Write the inbox entries and deliveries of a batch of due steps, in the caller's transaction. The
    entry's key (task, step) is unique per recipient, so a second pass, or two at once, write nothing more.
    Escalations are gathered: one inbox entry per task, and one email per person after the pass listing
    everything escalated to them (the digest's channel). A fixed number of queries per batch, whatever its
    size and however many steps escalate. True when immediate emails were written (for the workers)."""
    if not due:
        return False
    context.prefetch([task for task, _step in due], escalation=any(step.escalation for _t, step in due))
    texts: dict[tuple[int, str], Message] = {}
    messages = []
    for task, step in due:
        for user, kind in _recipients(task, step, context).values():
            text_key = (task.pk, kind)
            if text_key not in texts:
                facts = reminder_facts(task, source=context.source_label(task), today=context.today)
                subject, body = reminder_texts(facts, escalation=kind == ESCALATION, cooperating=kind == COOPERATING)
                texts[text_key] = Message(
                    kind=kind,
                    subject=subject,
                    body=body,
                    link=task.get_absolute_url(),
                    facts=reminder_fact_rows(facts),
                    gathered=kind == ESCALATION,
                )
            messages.append((user, replace(texts[text_key], key=reminder_key(task.pk, step.code))))
    written = notify_many(messages=messages, queue_email=False, now=context.now)
    result.deliveries += len(written.deliveries)
    result.skipped += written.skipped
    return any(
        delivery.status == Delivery.Status.PENDING and delivery.channel == Delivery.Channel.EMAIL
        for delivery in written.deliveries
    )


SCHEDULE_FIELDS = ["next_step", "next_at", "last_run_at", "last_step", "due_date"]


def _advance(schedule: ReminderSchedule, context: _PassContext) -> Step | None:
    """Move a locked schedule past today and return the step to send now, if any (the caller saves it)."""
    task = schedule.task
    schedule.last_run_at = context.now
    if task.state not in ACTIVE_STATES:
        # A change the signal did not see (a queryset update): stop here, nothing is sent.
        schedule.next_step, schedule.next_at = "", None
        return None
    steps = policy_steps(task.due_date, context.policy(task.obligation_id))
    step, _older = _due_step(schedule, steps, context.today)
    following = first_step_on_or_after(steps, context.today + datetime.timedelta(days=1))
    schedule.next_step = following.code if following else ""
    schedule.next_at = following.at if following else None
    schedule.due_date = task.due_date
    if step is not None:
        schedule.last_step = step.code
    return step


def _save_schedules(batch: list[ReminderSchedule]) -> None:
    """Save a batch of moved schedules with one UPDATE per distinct outcome (the tasks of a batch mostly share
    a due date, so a few UPDATEs) rather than bulk_update's CASE per row and field, half of a pass's time."""
    groups: dict[tuple, list[int]] = {}
    for schedule in batch:
        values = tuple(getattr(schedule, name) for name in SCHEDULE_FIELDS)
        groups.setdefault(values, []).append(schedule.pk)
    for values, ids in groups.items():
        ReminderSchedule.objects.filter(pk__in=ids).update(**dict(zip(SCHEDULE_FIELDS, values, strict=True)))


def _due_schedules(cutoff: datetime.datetime):
    return ReminderSchedule.objects.filter(next_at__lt=cutoff).order_by("next_at", "pk")


def reminders_plan(*, as_of: datetime.datetime | None = None) -> PassResult:
    """What a pass would send now, without writing anything (`send_reminders --dry-run`)."""
    now = as_of or timezone.now()
    today = _local_day(now)
    # Bookkeeping only (no delivery, no email): tasks without a schedule get the one the next pass would give.
    schedules_sync(today=min(today, timezone.localdate()))
    context = _PassContext(now, today)
    result = PassResult(as_of=now)
    cutoff = start_of(today + datetime.timedelta(days=1))
    schedules = _due_schedules(cutoff).select_related("task__obligation", "task__party", "task__period")
    for schedule in schedules.iterator(chunk_size=BATCH_SIZE):
        result.schedules += 1
        task = schedule.task
        if task.state not in ACTIVE_STATES:
            continue
        steps = policy_steps(task.due_date, context.policy(task.obligation_id))
        step, older = _due_step(schedule, steps, today)
        if step is None:
            continue
        users = [
            *context.members(task.party),
            *(context.escalation(task.party) if step.escalation else []),
            *context.cooperating(task.obligation_id),
        ]
        result.steps += 1
        result.planned.append(
            PlannedReminder(
                task_id=task.pk,
                step=step.code,
                day=step.day,
                recipients=sorted({user.username for user in users}),
                skipped_steps=[s.code for s in older],
            )
        )
    return result


def reminders_run(*, as_of: datetime.datetime | None = None, dry_run: bool = False) -> PassResult:
    """One reminder pass: the daily Celery beat task and `manage.py send_reminders` both call this.

    1. tasks without a schedule get one; 2. each schedule whose next step has come is locked (rows other
    workers hold are skipped), the latest step due is recorded as deliveries plus inbox entries, and the
    schedule moves past today, and a sending job is recorded for the workers (the outbox: handed to the
    broker after the commit) — in one transaction per batch, so a pass killed half-way leaves nothing
    half-done; 3. once every batch is in, a job for the digests and the gathered escalations. The pass
    sends nothing itself: the workers claim the emails in chunks, send them and mark each chunk. Running it
    twice, or in two workers at once, sends each reminder once."""
    if dry_run:
        return reminders_plan(as_of=as_of)
    now = as_of or timezone.now()
    today = _local_day(now)
    cutoff = start_of(today + datetime.timedelta(days=1))
    result = PassResult(as_of=now)
    # A pass run for a later day (`--date`) must not plan schedules from that day: steps before it would be lost.
    schedules_sync(today=min(today, timezone.localdate()))
    context = _PassContext(now, today)
    while True:
        with transaction.atomic():
            batch = list(
                _due_schedules(cutoff)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("task__obligation", "task__party", "task__period")[:BATCH_SIZE]
            )
            if not batch:
                break
            context.policies.update(policies_for({s.task.obligation_id for s in batch} - set(context.policies)))
            due = []
            for schedule in batch:
                step = _advance(schedule, context)
                if step is not None:
                    due.append((schedule.task, step))
            _save_schedules(batch)
            if _record_steps(due, context, result):
                # The emails are due as of the pass's moment (`--date` hands over its own day).
                enqueue("notifications.tasks.send_pending_deliveries", now.isoformat())
                result.handed_over += 1
            result.schedules += len(batch)
            result.steps += len(due)
    with transaction.atomic():
        # After every batch: one email per person for everything escalated to them, and the daily digests.
        enqueue("notifications.tasks.send_digests", now.isoformat())
        result.handed_over += 1
    logger.info(
        "reminders_run %s: %s steps, %s deliveries (%s skipped), %s sending jobs handed over",
        today.isoformat(),
        result.steps,
        result.deliveries,
        result.skipped,
        result.handed_over,
    )
    return result
