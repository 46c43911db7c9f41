"""Telling people: an inbox entry and its email, written in the caller's transaction (an outbox) and sent
by a worker after it commits; the daily digest; reading the inbox. Every app may call `notify`; this module
imports no domain app (as zulip's actions call send_event)."""

import datetime
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from outbox.services import enqueue

from .models import Delivery, Notification, NotificationPreference

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# Immediate emails are claimed, sent over one mail connection and marked sent this many at a time: one UPDATE
# per chunk, and a worker killed mid-chunk sends at most this many again once its claim lapses.
SEND_CHUNK = 100
# Digests (and gathered messages) are claimed for this many recipients at a time, every open row of each.
DIGEST_CHUNK = 100
SUBJECT_MAX: int = Notification._meta.get_field("subject").max_length or 300


@dataclass(frozen=True)
class Message:
    """What one person is told: the inbox entry and the email say the same thing."""

    kind: str
    subject: str
    body: str
    link: str = ""
    # At most one entry per key and recipient ("reminder:12:d-7"); empty for notices that may repeat.
    key: str = ""
    facts: Sequence[tuple[str, str]] = ()
    # Gathered with the recipient's other gathered messages into one email, sent after the pass that wrote
    # them (the digest's channel), whatever the recipient chose: fifty tasks escalated to one person in one
    # pass are one email listing the fifty, not fifty emails. The inbox entries stay one per message.
    gathered: bool = False


def _fit(subject: str) -> str:
    """A subject that fits its column: long titles and party names are cut with an ellipsis."""
    subject = str(subject)
    return subject if len(subject) <= SUBJECT_MAX else subject[: SUBJECT_MAX - 1] + "…"


# --- Preferences -------------------------------------------------------------------------------------


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


# --- Writing ------------------------------------------------------------------------------------------


@dataclass
class NotifyResult:
    entries: list[Notification]
    deliveries: list[Delivery]
    inactive: int = 0  # closed accounts: told nothing, neither in the inbox nor by email

    @property
    def skipped(self) -> int:
        return self.inactive + sum(1 for delivery in self.deliveries if delivery.status == Delivery.Status.SKIPPED)


def notify_many(
    *, messages: Iterable[tuple[Any, Message]], queue_email: bool = True, now: datetime.datetime | None = None
) -> NotifyResult:
    """Write one inbox entry and one delivery per (recipient, message), in the caller's transaction.

        A message whose key the recipient already has is not written again (the unique constraint decides, so
        two writers at once cannot duplicate it). Users who chose the daily digest, and gathered messages
    (`Message.gathered`, keyed ones), get a digest delivery;
        users without an address keep the inbox entry and get a skipped delivery, recorded rather than
        forgotten; closed (inactive) accounts are told nothing and only counted. With
        `queue_email` a worker is asked to send the new emails once the transaction commits; otherwise (a
        reminder pass that sends its own) they wait for `deliveries_send`. Either way the periodic retry
        sends whatever a lost broker left behind: nothing is lost. `now` is when the emails fall due (a pass
        run for another day, `send_reminders --date`, sends them as of that day). A fixed number of queries
        per call."""
    rows: dict[tuple[int, str], tuple[Any, Message]] = {}
    plain: list[tuple[Any, Message]] = []
    inactive = 0
    for user, message in messages:
        if not user.is_active:
            inactive += 1
        elif message.key:
            rows.setdefault((user.pk, message.key), (user, message))
        else:
            plain.append((user, message))
    candidates = [*rows.values(), *plain]
    if not candidates:
        return NotifyResult([], [], inactive)

    def entry(user, message: Message) -> Notification:
        return Notification(
            recipient=user,
            kind=message.kind,
            subject=_fit(message.subject),
            body=str(message.body),
            link=str(message.link)[:300],
            key=message.key,
            facts=[[str(label), str(value)] for label, value in message.facts],
        )

    # Keyed entries: insert what is new; a key another writer got first is theirs (ignore_conflicts gives
    # no ids back, so read the new ones again: those without a delivery yet are ours to deliver).
    keyed = [entry(user, message) for user, message in rows.values()]
    entries: list[Notification] = []
    if keyed:
        existing = set(
            Notification.objects.filter(
                recipient_id__in={user_id for user_id, _key in rows}, key__in={key for _user, key in rows}
            ).values_list("recipient_id", "key")
        )
        fresh = [row for row in keyed if (row.recipient_id, row.key) not in existing]
        Notification.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=1000)
        if fresh:
            wanted = {(row.recipient_id, row.key) for row in fresh}
            entries.extend(
                row
                for row in Notification.objects.filter(
                    recipient_id__in={user_id for user_id, _key in wanted},
                    key__in={key for _user, key in wanted},
                    delivery__isnull=True,
                )
                if (row.recipient_id, row.key) in wanted
            )
    if plain:
        entries.extend(Notification.objects.bulk_create([entry(user, message) for user, message in plain]))

    users = {user.pk: user for user, _message in candidates}
    digest = digest_user_ids(users)
    gathered = {(user.pk, message.key): True for user, message in rows.values() if message.gathered}
    now = now or timezone.now()
    deliveries = []
    for row in entries:
        user = users[row.recipient_id]
        row.recipient = user  # the caller's user, not read again
        delivery = Delivery(notification=row, recipient=user, next_attempt_at=now)
        if not user.email:
            delivery.status, delivery.last_error = Delivery.Status.SKIPPED, _("Người dùng chưa có địa chỉ thư điện tử.")
            delivery.next_attempt_at = None
        elif user.pk in digest or gathered.get((row.recipient_id, row.key), False):
            delivery.channel = Delivery.Channel.DIGEST
        deliveries.append(delivery)
    # One delivery per entry (a unique column): a concurrent writer's copy wins, ours is dropped.
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=1000)
    if queue_email and any(d.status == Delivery.Status.PENDING and d.channel == "email" for d in deliveries):
        # Recorded in the caller's transaction: a broker that is down delays the sending, never loses it.
        enqueue("notifications.tasks.send_pending_deliveries")
    return NotifyResult(entries, deliveries, inactive)


def notify(*, recipients: Iterable, message: Message, queue_email: bool = True) -> list[Notification]:
    """Tell each recipient (once each) the same message. See `notify_many`."""
    people = {user.pk: user for user in recipients}.values()
    return notify_many(messages=[(user, message) for user in people], queue_email=queue_email).entries


def mark_read(user, pk=None) -> int:
    entries = Notification.objects.filter(recipient=user).unread()
    if pk is not None:
        entries = entries.filter(pk=pk)
    return entries.update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user).unread().count()


# --- Sending -----------------------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def retry_delay(attempts: int) -> datetime.timedelta:
    seconds = settings.REMINDER_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, settings.REMINDER_RETRY_MAX_SECONDS))


def _claim(rows, now: datetime.datetime, limit: int = BATCH_SIZE) -> tuple[uuid.UUID, list[int]]:
    """Take open rows for this worker: locked rows are skipped, and a claim lapses after a timeout so a
    worker that died is replaced (next_attempt_at doubles as the claim's expiry)."""
    token = uuid.uuid4()
    with transaction.atomic():
        ids = list(rows.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
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


def _mark_sent(ids: list[int], token: uuid.UUID) -> int:
    """One UPDATE for a whole claimed chunk; rows whose claim another worker has taken back are left alone."""
    if not ids:
        return 0
    return Delivery.objects.filter(pk__in=ids, claim=token).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
    )


def _absolute(link: str) -> str:
    return urljoin(settings.SITE_URL + "/", link.lstrip("/")) if link else settings.SITE_URL


def email_for(entry: Notification) -> EmailMultiAlternatives:
    """The email of one inbox entry: Vietnamese, plain text and HTML, with a link back."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {"entry": entry, "url": _absolute(entry.link), "facts": entry.facts}
        message = EmailMultiAlternatives(
            subject=f"[PhốiHợp] {entry.subject}",
            body=render_to_string("notifications/email.txt", context),
            to=[entry.recipient.email],
        )
        message.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    return message


def _send_each(emails: Iterable[tuple[Any, EmailMultiAlternatives]]) -> tuple[list, list[tuple[Any, Exception]]]:
    """Send over one mail connection; returns the items sent and those refused with their error. One bad
    address must not stop the others."""
    sent: list = []
    refused: list[tuple[Any, Exception]] = []
    mailer = mailers.default
    mailer.open()
    try:
        for item, message in emails:
            try:
                mailer.send_messages([message])
            except Exception as error:
                refused.append((item, error))
            else:
                sent.append(item)
    finally:
        mailer.close()
    return sent, refused


def _mark_refused(refused: list[tuple[Any, Exception]], token: uuid.UUID, result: SendResult) -> None:
    """The failed rows of a chunk, one UPDATE per attempt count and error (bounces are few)."""
    groups: dict[tuple[int, str], tuple[list[int], Exception]] = {}
    for delivery, error in refused:
        key = (delivery.attempts, f"{type(error).__name__}: {error}")
        groups.setdefault(key, ([], error))[0].append(delivery.pk)
    for (attempts, _text), (ids, error) in groups.items():
        _mark_failed(ids, token, attempts, error, result)


def deliveries_send_chunk(*, now: datetime.datetime | None = None) -> tuple[SendResult, int]:
    """Claim one chunk of the immediate emails that are due (new, retry time reached, or a lapsed claim),
    send it over one mail connection and mark it: the sent ones with one UPDATE for the chunk, the refused
    ones with their error and a retry time. Returns the counts and how many rows were claimed (0: nothing
    left). A worker killed mid-chunk marks nothing: its claim lapses (REMINDER_CLAIM_TIMEOUT_SECONDS) and
    the chunk is sent again, those that had gone included; that window is a chunk (SEND_CHUNK)."""
    now = now or timezone.now()
    result = SendResult()
    token, ids = _claim(_open_rows(Delivery.Channel.EMAIL, now), now, SEND_CHUNK)
    if not ids:
        return result, 0
    rows = Delivery.objects.filter(pk__in=ids, claim=token).select_related("notification__recipient")
    sent, refused = _send_each((delivery, email_for(delivery.notification)) for delivery in rows)
    result.sent += _mark_sent([delivery.pk for delivery in sent], token)
    _mark_refused(refused, token, result)
    return result, len(ids)


def deliveries_send(*, now: datetime.datetime | None = None) -> SendResult:
    """Send the immediate emails that are due, a claimed chunk at a time, until none is left (the worker's
    task; several workers at once take different chunks)."""
    now = now or timezone.now()
    total = SendResult()
    while True:
        result, claimed = deliveries_send_chunk(now=now)
        if not claimed:
            return total
        total.sent += result.sent
        total.retried += result.retried
        total.failed += result.failed


def _digest_email(user, entries: list[Notification], now: datetime.datetime) -> EmailMultiAlternatives:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "entries": entries,
            "inbox_url": _absolute(reverse("notifications:inbox")),
            "site_url": settings.SITE_URL,
        }
        subject = _("[PhốiHợp] Tổng hợp thông báo ngày %(day)s (%(count)s mục)") % {
            "day": timezone.localdate(now).strftime("%d/%m/%Y"),
            "count": len(entries),
        }
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("notifications/digest_email.txt", context),
            to=[user.email],
        )
        message.attach_alternative(render_to_string("notifications/digest_email.html", context), "text/html")
    return message


def digests_send(*, now: datetime.datetime | None = None, retrying: bool = False) -> SendResult:
    """One email per recipient with open digest rows (those who chose the daily digest, and gathered messages
    such as a pass's escalations), listing everything pending for them. Recipients are taken DIGEST_CHUNK at
    a time: every open row of theirs is claimed at once, the emails go over one mail connection, and the
    sent rows are marked with one UPDATE per chunk. `retrying`: only the rows tried before (a digest that
    bounced, or whose worker died and whose claim lapsed), for the frequent retry job; a new row waits for the
    pass, so a digest stays daily."""
    now = now or timezone.now()
    result = SendResult()
    after = 0
    while True:
        open_rows = _open_rows(Delivery.Channel.DIGEST, now)
        if retrying:
            open_rows = open_rows.filter(attempts__gt=0)
        user_ids = list(
            open_rows.filter(recipient_id__gt=after)
            .order_by("recipient_id")
            .values_list("recipient_id", flat=True)
            .distinct()[:DIGEST_CHUNK]
        )
        if not user_ids:
            return result
        after = user_ids[-1]
        token, ids = _claim(open_rows.filter(recipient_id__in=user_ids), now, 10**9)
        if not ids:
            continue
        by_user: dict[int, list[Delivery]] = {}
        rows = (
            Delivery.objects.filter(pk__in=ids, claim=token)
            .select_related("recipient", "notification")
            .order_by("recipient_id", "created_at", "pk")
        )
        for row in rows:
            by_user.setdefault(row.recipient_id, []).append(row)
        sent, refused = _send_each(
            (group, _digest_email(group[0].recipient, [row.notification for row in group], now))
            for group in by_user.values()
        )
        _mark_sent([row.pk for group in sent for row in group], token)
        result.sent += len(sent)  # counted per email, not per row
        for group, error in refused:  # a failed digest is retried, the others go on
            _mark_failed([row.pk for row in group], token, max(row.attempts for row in group), error, result)


def deliveries_retry(*, now: datetime.datetime | None = None) -> SendResult:
    """The frequent beat job: new emails a lost broker never announced, failed ones whose backoff is over,
    and lapsed claims; and the digests (gathered escalations among them) that bounced or lapsed."""
    result = deliveries_send(now=now)
    digests = digests_send(now=now, retrying=True)
    result.sent += digests.sent
    result.retried += digests.retried
    result.failed += digests.failed
    return result


def deliveries_retry_now(*, deliveries: QuerySet[Delivery]) -> SendResult:
    """The admin's "send again now": failed or waiting rows go back to pending and are sent."""
    deliveries.filter(status__in=[Delivery.Status.FAILED, Delivery.Status.PENDING]).update(
        status=Delivery.Status.PENDING, next_attempt_at=timezone.now()
    )
    return deliveries_send()
