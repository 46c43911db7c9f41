"""Telling people: an inbox entry now, an email after the transaction commits (through Celery); the daily
reminder pass; matters raised to the focal agency. Views, Celery tasks and commands call these."""

import datetime
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from obligations.models import Task
from regulations.models import Membership

from .models import (
    Delivery,
    Matter,
    MatterEvent,
    Notification,
    NotificationPreference,
    ReminderPolicy,
    ReminderSchedule,
    ReminderSyncState,
)
from .steps import LOCAL_TZ, Step, first_step_on_or_after, policy_steps, start_of

logger = logging.getLogger(__name__)
User = get_user_model()

ACTIVE_STATES = (Task.State.OPEN, Task.State.RETURNED)
BATCH_SIZE = 500
# Tasks are numbered in commit order only roughly: the incremental sync looks this far back below its mark.
SYNC_OVERLAP = 1000


# --- Who ---------------------------------------------------------------------------------------------


def users_of_party(party) -> list:
    """Active users who work for the party (any role)."""
    return list(User.objects.filter(is_active=True, memberships__party=party).distinct().order_by("username"))


def focal_users_for(party) -> list:
    """The users of the focal agency that follows the party up (Sở Nội vụ, Phòng Nội vụ huyện)."""
    jurisdiction = party.jurisdiction()
    focal = jurisdiction.focal_agency if jurisdiction else None
    if focal is None:
        return []
    return list(
        User.objects.filter(is_active=True, memberships__party=focal, memberships__role__in=Membership.OVERSIGHT_ROLES)
        .distinct()
        .order_by("username")
    )


def heads_of_party(party) -> list:
    return list(User.objects.filter(is_active=True, memberships__party=party, memberships__is_head=True).distinct())


def digest_user_ids(user_ids: Iterable[int] | None = None) -> set[int]:
    prefs = NotificationPreference.objects.filter(mode=NotificationPreference.Mode.DIGEST)
    if user_ids is not None:
        prefs = prefs.filter(user_id__in=list(user_ids))
    return set(prefs.values_list("user_id", flat=True))


def preference_for(user) -> NotificationPreference:
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def preference_set(*, user, mode: str) -> NotificationPreference:
    if mode not in NotificationPreference.Mode.values:
        raise ValueError(mode)
    preference, _created = NotificationPreference.objects.update_or_create(user=user, defaults={"mode": mode})
    return preference


# --- The inbox ---------------------------------------------------------------------------------------

SUBJECT_MAX = Notification._meta.get_field("subject").max_length


def _fit(subject: str) -> str:
    """A subject that fits its column: long titles and party names are cut with an ellipsis."""
    subject = str(subject)
    return subject if len(subject) <= SUBJECT_MAX else subject[: SUBJECT_MAX - 1] + "…"


def notify(*, recipients: Iterable, kind: str, subject: str, body: str, link: str = "", task=None) -> list:
    """Write one inbox entry per recipient and queue one email each once the transaction commits.

    Users who chose the daily digest get a pending digest delivery instead of an email now."""
    from .tasks import send_notification_email

    entries = Notification.objects.bulk_create(
        [
            Notification(recipient=user, kind=kind, subject=_fit(subject), body=body, link=link[:300], task=task)
            for user in {user.pk: user for user in recipients}.values()
        ]
    )
    digest = digest_user_ids(entry.recipient_id for entry in entries)
    now = timezone.now()
    later = []
    for entry in entries:
        if not entry.recipient.email:
            continue
        if entry.recipient_id in digest:
            later.append(
                Delivery(
                    task=task,
                    step=f"notice-{entry.pk}",
                    recipient=entry.recipient,
                    channel=Delivery.Channel.DIGEST,
                    notification=entry,
                    next_attempt_at=now,
                )
            )
        else:
            transaction.on_commit(lambda pk=entry.pk: send_notification_email.delay(pk))
    Delivery.objects.bulk_create(later, ignore_conflicts=True)
    return entries


def mark_read(user, pk=None) -> int:
    entries = Notification.objects.filter(recipient=user).unread()
    if pk is not None:
        entries = entries.filter(pk=pk)
    return entries.update(read_at=timezone.now())


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
    sent: int = 0
    failed: int = 0
    retried: int = 0
    digests: int = 0
    planned: list[PlannedReminder] = field(default_factory=list)


class _PassContext:
    """What a pass reads once and reuses across tasks: members of a party, policies, source labels."""

    def __init__(self, now: datetime.datetime, today: datetime.date):
        self.now, self.today = now, today
        self._members: dict[int, list] = {}
        self._escalation: dict[int, list] = {}
        self._labels: dict[int, str] = {}
        self._digest: set[int] | None = None
        self.policies: dict[int, ReminderPolicy] = {}

    def prefetch_members(self, party_ids: set[int]) -> None:
        missing = party_ids - set(self._members)
        if not missing:
            return
        found: dict[int, dict[int, object]] = {pk: {} for pk in missing}
        for membership in Membership.objects.filter(party_id__in=missing).select_related("user"):
            found[membership.party_id].setdefault(membership.user_id, membership.user)
        for pk, users in found.items():
            self._members[pk] = sorted(users.values(), key=lambda user: user.username)

    def members(self, party) -> list:
        """Every user of the party, inactive ones included: they are recorded as skipped, not forgotten."""
        if party.pk not in self._members:
            self._members[party.pk] = list(
                User.objects.filter(memberships__party=party).distinct().order_by("username")
            )
        return self._members[party.pk]

    def escalation(self, party) -> list:
        if party.pk not in self._escalation:
            seen = {}
            for user in [*focal_users_for(party), *heads_of_party(party)]:
                seen.setdefault(user.pk, user)
            self._escalation[party.pk] = list(seen.values())
        return self._escalation[party.pk]

    def source_label(self, task: Task) -> str:
        if task.obligation_id not in self._labels:
            obligation = type(task.obligation).objects.with_sources().get(pk=task.obligation_id)
            self._labels[task.obligation_id] = str(obligation.source_label)
        return self._labels[task.obligation_id]

    def policy(self, obligation_id: int) -> ReminderPolicy:
        if obligation_id not in self.policies:
            self.policies.update(policies_for([obligation_id]))
        return self.policies[obligation_id]

    @property
    def digest(self) -> set[int]:
        if self._digest is None:
            self._digest = digest_user_ids()
        return self._digest


def _local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(LOCAL_TZ).date()


def _due_step(schedule: ReminderSchedule, steps: list[Step], today: datetime.date) -> tuple[Step | None, list[Step]]:
    """The latest step whose day has come (sent), and the older ones a late pass leaves out."""
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


def reminder_texts(facts: dict, *, escalation: bool) -> tuple[str, str]:
    """Subject and body of a reminder, in Vietnamese."""
    with translation.override(settings.LANGUAGE_CODE):
        if escalation:
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


def _recipients(task: Task, step: Step, context: _PassContext) -> dict[int, tuple]:
    recipients: dict[int, tuple] = {user.pk: (user, False) for user in context.members(task.party)}
    if step.escalation:
        for user in context.escalation(task.party):
            recipients[user.pk] = (user, True)
    return recipients


def _record_steps(due: list[tuple[Task, Step]], context: _PassContext, result: PassResult) -> None:
    """Write the deliveries of a batch of due steps (claiming them) and their inbox entries, in the caller's
    transaction. A fixed number of queries per batch, whatever its size."""
    if not due:
        return
    context.prefetch_members({task.party_id for task, _step in due})
    already = set(
        Delivery.objects.filter(
            task_id__in=[task.pk for task, _step in due], step__in={step.code for _t, step in due}
        ).values_list("task_id", "step", "recipient_id")
    )
    token = uuid.uuid4()
    rows = []
    for task, step in due:
        for user, escalation in _recipients(task, step, context).values():
            if (task.pk, step.code, user.pk) in already:
                continue
            row = Delivery(
                task=task,
                step=step.code,
                recipient=user,
                escalation=escalation,
                claim=token,
                next_attempt_at=context.now,
            )
            if not user.is_active:
                row.status, row.last_error = Delivery.Status.SKIPPED, _("Tài khoản đã ngừng hoạt động.")
            elif not user.email:
                row.status, row.last_error = Delivery.Status.SKIPPED, _("Người dùng chưa có địa chỉ thư điện tử.")
            elif user.pk in context.digest:
                row.channel = Delivery.Channel.DIGEST
            rows.append(row)
    if not rows:
        return
    # The unique (task, step, recipient) constraint decides: a row another pass wrote first is not ours.
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    mine = list(
        Delivery.objects.filter(claim=token, task_id__in=[task.pk for task, _step in due])
        .select_related("recipient")
        .only("pk", "task_id", "step", "recipient", "escalation", "status")
    )
    tasks = {task.pk: task for task, _step in due}
    texts: dict[tuple[int, bool], tuple[str, str]] = {}
    entries = []
    for delivery in mine:
        if not delivery.recipient.is_active:
            continue
        task = tasks[delivery.task_id]
        key = (task.pk, delivery.escalation)
        if key not in texts:
            facts = reminder_facts(task, source=context.source_label(task), today=context.today)
            texts[key] = reminder_texts(facts, escalation=delivery.escalation)
        subject, body = texts[key]
        entries.append(
            Notification(
                recipient=delivery.recipient,
                kind="escalation" if delivery.escalation else "reminder",
                subject=_fit(subject),
                body=body,
                link=task.get_absolute_url(),
                task=task,
            )
        )
    entries = Notification.objects.bulk_create(entries, batch_size=1000)
    by_key = {(entry.task_id, entry.recipient_id): entry for entry in entries}
    linked = []
    for delivery in mine:
        delivery.notification = by_key.get((delivery.task_id, delivery.recipient_id))
        if delivery.notification is not None:
            linked.append(delivery)
    Delivery.objects.bulk_update(linked, ["notification"], batch_size=500)
    result.deliveries += len(mine)
    result.skipped += sum(1 for d in mine if d.status == Delivery.Status.SKIPPED)


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
        users = list(context.members(task.party)) + (context.escalation(task.party) if step.escalation else [])
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
    schedule moves past today — in one transaction, so a pass killed half-way leaves nothing half-done;
    3. the pending emails are claimed, sent and marked; 4. daily digests go out. Running it twice, or in
    two workers at once, sends each reminder once."""
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
            ReminderSchedule.objects.bulk_update(batch, SCHEDULE_FIELDS)
            _record_steps(due, context, result)
            result.schedules += len(batch)
            result.steps += len(due)
    sent = deliveries_send(now=now)
    result.sent, result.failed, result.retried = sent.sent, sent.failed, sent.retried
    result.digests = digests_send(now=now).sent
    logger.info(
        "reminders_run %s: %s steps, %s deliveries (%s skipped), %s sent, %s retried, %s failed, %s digests",
        today.isoformat(),
        result.steps,
        result.deliveries,
        result.skipped,
        result.sent,
        result.retried,
        result.failed,
        result.digests,
    )
    return result


# --- Sending -----------------------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def retry_delay(attempts: int) -> datetime.timedelta:
    seconds = settings.REMINDER_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, settings.REMINDER_RETRY_MAX_SECONDS))


def _claim(rows, now: datetime.datetime) -> tuple[uuid.UUID, list[int]]:
    """Take open rows for this worker: locked rows are skipped, and a claim lapses after a timeout so a
    worker that died is replaced (next_attempt_at doubles as the claim's expiry)."""
    token = uuid.uuid4()
    with transaction.atomic():
        ids = list(rows.select_for_update(skip_locked=True).values_list("pk", flat=True)[:BATCH_SIZE])
        if ids:
            Delivery.objects.filter(pk__in=ids).update(
                status=Delivery.Status.CLAIMED,
                claim=token,
                claimed_at=now,
                attempts=F("attempts") + 1,
                next_attempt_at=now + datetime.timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT_SECONDS),
            )
    return token, ids


def _open_rows(channel: str, now: datetime.datetime):
    return Delivery.objects.filter(
        status__in=[Delivery.Status.PENDING, Delivery.Status.CLAIMED], channel=channel, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "pk")


def _mark_failed(ids: list[int], token: uuid.UUID, attempts: int, error: Exception, result: SendResult) -> None:
    error_text = f"{type(error).__name__}: {error}"[:2000]
    rows = Delivery.objects.filter(pk__in=ids, claim=token)
    if attempts >= settings.REMINDER_MAX_ATTEMPTS:
        rows.update(status=Delivery.Status.FAILED, last_error=error_text, next_attempt_at=None)
        result.failed += len(ids)
    else:
        retry_at = timezone.now() + retry_delay(attempts)
        rows.update(status=Delivery.Status.PENDING, last_error=error_text, next_attempt_at=retry_at)
        result.retried += len(ids)
    logger.warning("delivery %s failed (attempt %s): %s", ids, attempts, error_text)


def _mark_sent(ids: list[int], token: uuid.UUID, result: SendResult) -> None:
    result.sent += Delivery.objects.filter(pk__in=ids, claim=token).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
    )


def _absolute(link: str) -> str:
    return urljoin(settings.SITE_URL + "/", link.lstrip("/")) if link else settings.SITE_URL


def email_for(entry: Notification, *, facts: dict | None = None) -> EmailMultiAlternatives:
    """The email of one inbox entry: Vietnamese, plain text and HTML, with a link back."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {"entry": entry, "url": _absolute(entry.link), "facts": facts}
        message = EmailMultiAlternatives(
            subject=f"[PhốiHợp] {entry.subject}",
            body=render_to_string("notifications/email.txt", context),
            to=[entry.recipient.email],
        )
        message.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    return message


def _facts_of(delivery: Delivery, labels: dict[int, str]) -> dict | None:
    """The task facts a reminder email shows (none for other notices)."""
    task = delivery.task
    if task is None or not delivery.step.startswith(("d", "o")):
        return None
    if task.obligation_id not in labels:
        obligation = type(task.obligation).objects.with_sources().get(pk=task.obligation_id)
        labels[task.obligation_id] = str(obligation.source_label)
    return reminder_facts(task, source=labels[task.obligation_id], today=timezone.localdate())


def deliveries_send(*, now: datetime.datetime | None = None) -> SendResult:
    """Send the immediate emails that are due (new, retry time reached, or a lapsed claim)."""
    now = now or timezone.now()
    result = SendResult()
    labels: dict[int, str] = {}
    while True:
        token, ids = _claim(_open_rows(Delivery.Channel.EMAIL, now), now)
        if not ids:
            return result
        rows = Delivery.objects.filter(pk__in=ids, claim=token).select_related(
            "recipient", "notification__recipient", "task__obligation", "task__party", "task__period"
        )
        for delivery in rows:
            try:
                if delivery.notification is None:
                    raise ValueError("delivery without its inbox entry")
                email_for(delivery.notification, facts=_facts_of(delivery, labels)).send()
            except Exception as error:  # one bad address must not stop the pass
                _mark_failed([delivery.pk], token, delivery.attempts, error, result)
            else:
                _mark_sent([delivery.pk], token, result)


def digests_send(*, now: datetime.datetime | None = None) -> SendResult:
    """One email per user who chose the digest, gathering everything pending for them."""
    now = now or timezone.now()
    result = SendResult()
    user_ids = sorted(set(_open_rows(Delivery.Channel.DIGEST, now).values_list("recipient_id", flat=True)))
    for user_id in user_ids:
        token, ids = _claim(_open_rows(Delivery.Channel.DIGEST, now).filter(recipient_id=user_id), now)
        if not ids:
            continue
        rows = list(
            Delivery.objects.filter(pk__in=ids, claim=token)
            .select_related("recipient", "notification")
            .order_by("created_at", "pk")
        )
        user = rows[0].recipient
        attempts = max(row.attempts for row in rows)
        try:
            with translation.override(settings.LANGUAGE_CODE):
                context = {
                    "user": user,
                    "entries": [row.notification for row in rows if row.notification],
                    "inbox_url": _absolute(reverse("notifications:inbox")),
                    "site_url": settings.SITE_URL,
                }
                subject = _("[PhốiHợp] Tổng hợp thông báo ngày %(day)s (%(count)s mục)") % {
                    "day": timezone.localdate(now).strftime("%d/%m/%Y"),
                    "count": len(context["entries"]),
                }
                message = EmailMultiAlternatives(
                    subject=subject,
                    body=render_to_string("notifications/digest_email.txt", context),
                    to=[user.email],
                )
                message.attach_alternative(render_to_string("notifications/digest_email.html", context), "text/html")
            message.send()
        except Exception as error:  # a failed digest is retried, the pass goes on
            _mark_failed(ids, token, attempts, error, result)
        else:
            _mark_sent(ids, token, result)
            result.sent -= len(ids) - 1  # counted per email, not per row
    return result


def deliveries_retry(*, now: datetime.datetime | None = None) -> SendResult:
    """The frequent beat job: failed immediate emails whose backoff is over, and lapsed claims."""
    return deliveries_send(now=now)


# --- Matters (phản ánh, kiến nghị) ---------------------------------------------------------------------


class MatterError(Exception):
    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message, self.code = message, code


def _matter_notify(matter: Matter, recipients: Iterable, subject: str, body: str, actor) -> None:
    people = [user for user in recipients if user.pk != actor.pk]
    link = matter.get_absolute_url()
    notify(recipients=people, kind="matter", subject=subject, body=body, link=link, task=matter.task)


def _matter_facts(matter: Matter) -> dict:
    return {"subject": matter.subject, "party": matter.raised_by_party.name, "about": str(matter.about)}


def _jurisdiction_users(matter: Matter) -> list:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__party=matter.jurisdiction,
            memberships__role__in=Membership.OVERSIGHT_ROLES,
        ).distinct()
    )


@transaction.atomic
def matter_raise(*, actor, party, subject: str, body: str, task=None, obligation=None) -> Matter:
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject or not body:
        raise MatterError(_("Cần ghi tiêu đề và nội dung phản ánh."), code="empty")
    if task is None and obligation is None:
        raise MatterError(_("Phản ánh phải gắn với một nhiệm vụ."), code="no_subject")
    jurisdiction = party.jurisdiction()
    if jurisdiction.focal_agency_id is None:
        raise MatterError(
            _("%(party)s chưa có cơ quan đầu mối để tiếp nhận phản ánh.") % {"party": jurisdiction}, code="no_focal"
        )
    matter = Matter.objects.create(
        raised_by_party=party,
        raised_by=actor,
        jurisdiction=jurisdiction,
        task=task,
        obligation=obligation if task is None else task.obligation,
        subject=subject,
        body=body,
    )
    MatterEvent.objects.create(matter=matter, actor=actor, action=MatterEvent.Action.RAISED, message=body)
    # Stored once and read by every recipient: in the site's language, not the actor's.
    with translation.override(settings.LANGUAGE_CODE):
        facts = _matter_facts(matter)
        _matter_notify(
            matter,
            focal_users_for(party),
            _("Phản ánh, kiến nghị mới của %(party)s: %(subject)s") % facts,
            _(
                "%(party)s gửi phản ánh, kiến nghị về “%(about)s”: %(subject)s. "
                "Đề nghị xem xét, trả lời hoặc chuyển UBND."
            )
            % facts,
            actor,
        )
    return matter


def _locked(matter: Matter) -> Matter:
    return Matter.objects.select_for_update().select_related("raised_by_party", "jurisdiction").get(pk=matter.pk)


@transaction.atomic
def matter_answer(*, matter: Matter, actor, answer: str) -> Matter:
    answer = (answer or "").strip()
    if not answer:
        raise MatterError(_("Cần ghi nội dung trả lời."), code="empty")
    matter = _locked(matter)
    if matter.status in (Matter.Status.ANSWERED, Matter.Status.CLOSED):
        raise MatterError(_("Phản ánh này đã được trả lời hoặc đã đóng."), code="closed")
    matter.status = Matter.Status.ANSWERED
    matter.answer, matter.answered_by, matter.answered_at = answer, actor, timezone.now()
    matter.save(update_fields=["status", "answer", "answered_by", "answered_at", "updated_at"])
    MatterEvent.objects.create(matter=matter, actor=actor, action=MatterEvent.Action.ANSWERED, message=answer)
    # Stored once and read by every recipient: in the site's language, not the actor's.
    with translation.override(settings.LANGUAGE_CODE):
        facts = _matter_facts(matter)
        _matter_notify(
            matter,
            [*users_of_party(matter.raised_by_party), matter.raised_by],
            _("Đã có trả lời phản ánh: %(subject)s") % facts,
            answer,
            actor,
        )
    return matter


@transaction.atomic
def matter_forward(*, matter: Matter, actor, message: str = "") -> Matter:
    message = (message or "").strip()
    matter = _locked(matter)
    if matter.status != Matter.Status.OPEN:
        raise MatterError(_("Chỉ chuyển được phản ánh đang chờ trả lời."), code="not_open")
    matter.status, matter.forwarded_at = Matter.Status.FORWARDED, timezone.now()
    matter.save(update_fields=["status", "forwarded_at", "updated_at"])
    MatterEvent.objects.create(matter=matter, actor=actor, action=MatterEvent.Action.FORWARDED, message=message)
    # Stored once and read by every recipient: in the site's language, not the actor's.
    with translation.override(settings.LANGUAGE_CODE):
        facts = _matter_facts(matter) | {"jurisdiction": matter.jurisdiction.name}
        body = _("Cơ quan đầu mối chuyển phản ánh của %(party)s về “%(about)s” đến %(jurisdiction)s xem xét.") % facts
        if message:
            body += " " + message
        _matter_notify(
            matter,
            [*_jurisdiction_users(matter), *users_of_party(matter.raised_by_party)],
            _("Phản ánh được chuyển UBND xem xét: %(subject)s") % facts,
            body,
            actor,
        )
    return matter


@transaction.atomic
def matter_close(*, matter: Matter, actor, message: str = "") -> Matter:
    matter = _locked(matter)
    if matter.status == Matter.Status.CLOSED:
        raise MatterError(_("Phản ánh này đã đóng."), code="closed")
    matter.status = Matter.Status.CLOSED
    matter.save(update_fields=["status", "updated_at"])
    MatterEvent.objects.create(
        matter=matter, actor=actor, action=MatterEvent.Action.CLOSED, message=(message or "").strip()
    )
    # Stored once and read by every recipient: in the site's language, not the actor's.
    with translation.override(settings.LANGUAGE_CODE):
        facts = _matter_facts(matter)
        _matter_notify(
            matter,
            [*focal_users_for(matter.raised_by_party), *users_of_party(matter.raised_by_party)],
            _("Phản ánh đã đóng: %(subject)s") % facts,
            _("Phản ánh của %(party)s về “%(about)s” đã được đóng.") % facts,
            actor,
        )
    return matter
