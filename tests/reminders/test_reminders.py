"""The reminder pass with the clock frozen and moved day by day: what goes out, when, to whom, once."""

import datetime
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import TestCase, override_settings

from notifications import services
from notifications.models import Delivery, Notification, NotificationPreference
from obligations import services as obligation_services
from obligations.models import Task
from regulations.models import Membership
from reminders import services as reminder_services
from reminders.models import ReminderPolicy, ReminderSchedule
from reminders.services import reminder_key

from .conftest import DUE, at, days, run_on, steps_to

D = datetime.date
DEFAULT_STEPS_2025 = [
    ("d-30", D(2025, 11, 15)),
    ("d-14", D(2025, 12, 1)),
    ("d-7", D(2025, 12, 8)),
    ("d-3", D(2025, 12, 12)),
    ("d-1", D(2025, 12, 14)),
    ("d0", D(2025, 12, 15)),
]


def overdue_steps(until_days: int, every: int = 3):
    return [(f"o{n}", DUE + datetime.timedelta(days=n)) for n in range(every, until_days + 1, every)]


def _submit(task, user):
    from tests.obligations.test_submissions import FIGURES, SECTIONS, pdf_upload

    draft = obligation_services.submission_save_draft(
        task=task, actor=user, sections=SECTIONS, figures=FIGURES, expected_revision=0
    )
    obligation_services.attachment_add(task=task, actor=user, upload=pdf_upload(), kind="signed_scan")
    return obligation_services.submission_submit(task=task, actor=user, expected_revision=draft.revision)


def test_a_whole_year_follows_the_default_policy(report_task, hnd, sonoivu):
    for day in days(D(2025, 4, 1), D(2026, 3, 31)):
        run_on(day)
    expected = DEFAULT_STEPS_2025 + overdue_steps(90)  # every 3 days overdue, stopping after 90 days
    assert steps_to(hnd, report_task) == expected
    assert expected[-1] == ("o90", D(2026, 3, 15))
    to_hnd = [m for m in mail.outbox if m.to == [hnd.email] and report_task.obligation.title in m.body]
    assert len(to_hnd) == len(expected)
    # Escalation: the focal agency hears of each overdue step from the third day on, once per step.
    assert steps_to(sonoivu, report_task) == overdue_steps(90)
    assert (
        Delivery.objects.filter(
            notification__key__startswith=f"reminder:{report_task.pk}:",
            recipient=sonoivu,
            notification__kind="escalation",
        ).count()
        == 30
    )


def test_running_the_pass_twice_sends_nothing_more(report_task, hnd):
    run_on(D(2025, 12, 8))
    first = len(mail.outbox)
    run_on(D(2025, 12, 8), hour=9)
    run_on(D(2025, 12, 8), hour=23)
    assert len(mail.outbox) == first
    assert steps_to(hnd, report_task) == [("d-7", D(2025, 12, 8))]
    assert Notification.objects.filter(recipient=hnd, link=report_task.get_absolute_url(), kind="reminder").count() == 1


def test_a_missed_week_sends_only_what_is_due_now_once(report_task, hnd):
    run_on(D(2025, 11, 15))
    # The worker was down from 16/11 to 12/12: d-14 and d-7 passed unseen; 12/12 is d-3.
    run_on(D(2025, 12, 12))
    run_on(D(2025, 12, 13))
    run_on(D(2025, 12, 14))
    assert steps_to(hnd, report_task) == [
        ("d-30", D(2025, 11, 15)),
        ("d-3", D(2025, 12, 12)),
        ("d-1", D(2025, 12, 14)),
    ]
    schedule = ReminderSchedule.objects.get(task=report_task)
    assert (schedule.next_step, schedule.last_step) == ("d0", "d-1")


def test_a_submission_stops_reminders_and_a_return_restarts_them(report_task, hnd, sonoivu):
    run_on(D(2025, 12, 8))
    with time_machine.travel(at(D(2025, 12, 9), 10), tick=False):
        _submit(report_task, hnd)
    assert ReminderSchedule.objects.get(task=report_task).next_at is None
    for day in days(D(2025, 12, 9), D(2025, 12, 19)):
        run_on(day)
    assert steps_to(hnd, report_task) == [("d-7", D(2025, 12, 8))]
    with time_machine.travel(at(D(2025, 12, 20), 10), tick=False):
        obligation_services.submission_return(task=report_task, actor=sonoivu, comment="Bổ sung số liệu tập huấn.")
    for day in days(D(2025, 12, 20), D(2025, 12, 27)):
        run_on(day)
    assert steps_to(hnd, report_task) == [
        ("d-7", D(2025, 12, 8)),
        ("o6", D(2025, 12, 21)),
        ("o9", D(2025, 12, 24)),
        ("o12", D(2025, 12, 27)),
    ]


def test_an_excused_task_is_not_reminded(report_task, hnd, sonoivu):
    with time_machine.travel(at(D(2025, 12, 1), 10), tick=False):
        obligation_services.task_excuse(task=report_task, actor=sonoivu, reason="Sáp nhập tổ chức.")
    for day in days(D(2025, 12, 1), D(2025, 12, 31)):
        run_on(day)
    assert steps_to(hnd, report_task) == []


def test_escalation_reaches_the_focal_agency_and_the_head_once_per_step(report_task, hnd, sonoivu, head_of_hnd):
    for day in days(D(2025, 12, 15), D(2025, 12, 21)):
        run_on(day)
        run_on(day, hour=15)  # a second pass the same day adds nothing
    assert steps_to(sonoivu, report_task) == [("o3", D(2025, 12, 18)), ("o6", D(2025, 12, 21))]
    # The head is a member of the party: the ordinary reminders, then the escalated steps, once each.
    assert steps_to(head_of_hnd, report_task) == [
        ("d0", D(2025, 12, 15)),
        ("o3", D(2025, 12, 18)),
        ("o6", D(2025, 12, 21)),
    ]
    escalated = Delivery.objects.filter(
        notification__key__startswith=f"reminder:{report_task.pk}:",
        recipient=head_of_hnd,
        notification__kind="escalation",
    )
    assert sorted(key.split(":")[2] for key in escalated.values_list("notification__key", flat=True)) == ["o3", "o6"]
    # Sở Nội vụ hears once per pass, in one email gathering what was escalated to it (here one task each time).
    escalation_mail = [m for m in mail.outbox if m.to == [sonoivu.email] and "chưa hoàn thành" in m.body]
    assert [m.subject for m in escalation_mail] == [
        "[PhốiHợp] Tổng hợp thông báo ngày 18/12/2025 (1 mục)",
        "[PhốiHợp] Tổng hợp thông báo ngày 21/12/2025 (1 mục)",
    ]
    assert "Quá hạn 3 ngày: Hội Nông dân tỉnh Quảng Ngãi chưa hoàn thành" in escalation_mail[0].body


def test_a_policy_per_obligation_is_followed(report_task, hnd, settings):
    settings.REMINDER_OVERDUE_STOP_AFTER_DAYS = 10
    run_on(D(2025, 10, 1))  # the task already has its default schedule
    with time_machine.travel(at(D(2025, 10, 2), 10), tick=False):
        ReminderPolicy.objects.create(
            obligation=report_task.obligation, offsets="10, 2", overdue_every=5, escalate_after=5
        )
    for day in days(D(2025, 11, 1), D(2025, 12, 31)):
        run_on(day)
    assert steps_to(hnd, report_task) == [
        ("d-10", D(2025, 12, 5)),
        ("d-2", D(2025, 12, 13)),
        ("o5", D(2025, 12, 20)),
        ("o10", D(2025, 12, 25)),
    ]


def test_the_email_names_the_task_its_source_the_due_date_and_days_left(report_task, hnd):
    run_on(D(2025, 12, 8))
    [message] = [m for m in mail.outbox if m.to == [hnd.email]]
    assert (
        message.subject
        == "[PhốiHợp] Nhắc việc: còn 7 ngày đến hạn “Báo cáo đánh giá kết quả triển khai Quy chế phối hợp hằng năm”"
    )
    assert report_task.obligation.source_label in message.body
    assert "15/12/2025" in message.body
    assert "Còn lại: 7 ngày" in message.body
    assert f"/tasks/{report_task.pk}/" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and "15/12/2025" in html and f"/tasks/{report_task.pk}/" in html
    [entry] = Notification.objects.filter(recipient=hnd, link=report_task.get_absolute_url())
    assert entry.read_at is None and entry.subject in message.subject


def test_users_without_email_or_inactive_are_recorded_as_skipped(report_task, demo, make_user):
    no_email = make_user("khong_thu", (demo["qn-hnd"], Membership.Role.REPORTER))
    gone = make_user("da_nghi", (demo["qn-hnd"], Membership.Role.REPORTER))
    gone.email, gone.is_active = "da_nghi@phoihop.example", False
    gone.save()
    run_on(D(2025, 12, 8))
    rows = {
        row.recipient.username: row
        for row in Delivery.objects.filter(notification__key=reminder_key(report_task.pk, "d-7"))
    }
    assert rows["khong_thu"].status == Delivery.Status.SKIPPED
    assert "da_nghi" not in rows  # a closed account is told nothing
    assert rows["hnd"].status == Delivery.Status.SENT
    assert (
        Notification.objects.filter(recipient=no_email, link=report_task.get_absolute_url()).count() == 1
    )  # still in the inbox
    assert Notification.objects.filter(recipient=gone).count() == 0


class BouncingBackend:
    """A mail server that refuses one address and accepts the others (into locmem)."""

    refused = "hnd@phoihop.example"

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self.inner = EmailBackend(*args, **kwargs)

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        for message in messages:
            if self.refused in message.to:
                raise smtplib.SMTPRecipientsRefused({self.refused: (550, b"5.1.1 User unknown")})
        return self.inner.send_messages(messages)


BOUNCING = {"default": {"BACKEND": "tests.reminders.test_reminders.BouncingBackend"}}


def test_a_bounce_is_recorded_retried_with_backoff_and_does_not_stop_the_pass(report_task, hnd, sonoivu, settings):
    settings.REMINDER_RETRY_BASE_SECONDS = 300
    settings.REMINDER_MAX_ATTEMPTS = 3
    run_on(D(2025, 12, 17))  # qn-snv's roll-up is due 25/12: d-7 is too early; hnd's report is o… not yet
    with override_settings(MAILERS=BOUNCING):
        run_on(D(2025, 12, 18))  # o3: hnd (bounces) and sonoivu (escalation, delivered)
    row = Delivery.objects.get(notification__key=reminder_key(report_task.pk, "o3"), recipient=hnd)
    assert row.status == Delivery.Status.PENDING and row.attempts == 1
    assert "SMTPRecipientsRefused" in row.last_error and "User unknown" in row.last_error
    assert row.next_attempt_at == at(D(2025, 12, 18)) + datetime.timedelta(seconds=300)
    assert (
        Delivery.objects.get(notification__key=reminder_key(report_task.pk, "o3"), recipient=sonoivu).status
        == Delivery.Status.SENT
    )
    with override_settings(MAILERS=BOUNCING), time_machine.travel(at(D(2025, 12, 18), 7, 6), tick=False):
        services.deliveries_retry()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Delivery.Status.PENDING, 2)
    assert row.next_attempt_at == at(D(2025, 12, 18), 7, 6) + datetime.timedelta(seconds=600)
    with time_machine.travel(at(D(2025, 12, 18), 7, 10), tick=False):
        services.deliveries_retry()  # backoff not over yet: nothing
    row.refresh_from_db()
    assert row.attempts == 2
    with time_machine.travel(at(D(2025, 12, 18), 7, 17), tick=False):
        services.deliveries_retry()  # the mail server accepts it now
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (Delivery.Status.SENT, 3, "")
    assert len([m for m in mail.outbox if m.to == [hnd.email] and "Quá hạn 3 ngày" in m.subject]) == 1


def test_a_delivery_that_keeps_bouncing_ends_failed(report_task, hnd, settings):
    settings.REMINDER_MAX_ATTEMPTS = 2
    with override_settings(MAILERS=BOUNCING):
        run_on(D(2025, 12, 8))
        with time_machine.travel(at(D(2025, 12, 8), 9), tick=False):
            services.deliveries_retry()
    row = Delivery.objects.get(notification__key=reminder_key(report_task.pk, "d-7"), recipient=hnd)
    assert (row.status, row.attempts, row.next_attempt_at) == (Delivery.Status.FAILED, 2, None)


@pytest.fixture
def rollup_due_with_the_third_overdue_day(report_task):
    """Sở Nội vụ Quảng Ngãi's 2025 roll-up moved to 25/12, so that its d-7 falls on 18/12, the day of the
    organisation's third overdue day: two reminders to one person on one day."""
    rollup = Task.objects.get(party__code="qn-snv", period__year=2025)
    rollup.nominal_due_date = rollup.due_date = D(2025, 12, 25)
    with time_machine.travel(at(D(2025, 12, 1), 7), tick=False):  # re-planned before its first step
        rollup.save()
    return rollup


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even except Exception."""


def test_a_worker_killed_mid_chunk_leaves_its_claim_which_lapses_and_is_sent_again(
    report_task, hnd, sonoivu, head_of_hnd, monkeypatch, settings, rollup_due_with_the_third_overdue_day
):
    """A chunk is marked sent with one UPDATE after it has gone: a worker killed mid-chunk marks nothing, its
    claim lapses and the chunk goes again, so what had gone before the kill goes twice (at most a chunk)."""
    settings.REMINDER_CLAIM_TIMEOUT_SECONDS = 900
    real_email_for = services.email_for
    calls = []

    def dies_on_second_email(entry, **kwargs):
        calls.append(entry.recipient.username)
        if len(calls) == 2:
            raise WorkerKilled
        return real_email_for(entry, **kwargs)

    monkeypatch.setattr(services, "email_for", dies_on_second_email)
    with pytest.raises(WorkerKilled):
        # o3 of hnd's report (hnd; the head and sonoivu gathered) and d-7 of the roll-up (sonoivu)
        run_on(D(2025, 12, 18))
    monkeypatch.setattr(services, "email_for", real_email_for)
    [first] = mail.outbox
    immediate = Delivery.objects.filter(channel=Delivery.Channel.EMAIL)
    assert sorted(immediate.values_list("status", flat=True)) == ["claimed", "claimed"]  # the whole chunk
    run_on(D(2025, 12, 18), hour=7)  # the same minute: the claims still belong to the dead worker
    # Only the gathered escalations went (one email each to the head and to sonoivu), not the claimed chunk.
    assert sorted(m.to[0] for m in mail.outbox[1:]) == sorted([head_of_hnd.email, sonoivu.email])
    with time_machine.travel(at(D(2025, 12, 18), 7, 16), tick=False):
        services.deliveries_retry()  # the claims have lapsed: taken back and sent
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    run_on(D(2025, 12, 19))
    sent = [(m.to[0], m.subject) for m in mail.outbox]
    assert len(sent) == 5 and len(set(sent)) == 4
    assert [email for email in sent if sent.count(email) == 2] == [(first.to[0], first.subject)] * 2


def test_a_digest_user_gets_one_email_with_everything_due(
    report_task, users, sonoivu, rollup_due_with_the_third_overdue_day
):
    NotificationPreference.objects.create(user=sonoivu, mode=NotificationPreference.Mode.DIGEST)
    run_on(D(2025, 12, 18))  # o3 of hnd's report (escalated to sonoivu) and d-7 of Sở Nội vụ's own roll-up
    to_sonoivu = [m for m in mail.outbox if m.to == [sonoivu.email]]
    assert len(to_sonoivu) == 1
    [digest] = to_sonoivu
    assert "Tổng hợp thông báo ngày 18/12/2025 (2 mục)" in digest.subject
    assert "Quá hạn 3 ngày" in digest.body and "còn 7 ngày" in digest.body
    run_on(D(2025, 12, 18), hour=20)
    assert len([m for m in mail.outbox if m.to == [sonoivu.email]]) == 1


def test_a_digest_user_gets_workflow_notices_in_the_next_digest(
    report_task, hnd, sonoivu, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=sonoivu, mode=NotificationPreference.Mode.DIGEST)
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(at(D(2025, 12, 2), 10), tick=False):
        _submit(report_task, hnd)
    assert [m for m in mail.outbox if m.to == [sonoivu.email]] == []
    assert Notification.objects.filter(recipient=sonoivu, kind="submission_submitted").count() == 1
    run_on(D(2025, 12, 3))
    [digest] = [m for m in mail.outbox if m.to == [sonoivu.email]]
    assert "đã nộp báo cáo" in digest.body


def test_send_reminders_command_dry_run_writes_nothing_then_the_real_run_sends(report_task, hnd, capsys):
    with time_machine.travel(at(D(2025, 12, 1), 6), tick=False):
        call_command("send_reminders", "--date", "2025-12-08", "--dry-run")
        out = capsys.readouterr().out
        assert f"nhiệm vụ #{report_task.pk} bước d-7 ngày 08/12/2025" in out and "hnd" in out
        assert Delivery.objects.count() == 0 and mail.outbox == []
        with TestCase.captureOnCommitCallbacks(execute=True):  # and the workers' jobs it hands over
            call_command("send_reminders", "--date", "2025-12-08")
        assert (
            "Nhắc việc 08/12/2025: 1 bước, 1 lượt gửi (0 bỏ qua); đã chuyển 2 việc gửi thư" in capsys.readouterr().out
        )
    assert steps_to(hnd, report_task) == [("d-7", D(2025, 12, 1))]  # sent_at is the real clock
    assert Delivery.objects.get(notification__key=reminder_key(report_task.pk, "d-7"), recipient=hnd).status == "sent"


def test_a_task_created_in_bulk_gets_a_schedule_from_the_pass(report_task):
    ReminderSchedule.objects.all().delete()
    run_on(D(2025, 12, 1))
    assert ReminderSchedule.objects.filter(task=report_task).exists()
    assert not Task.objects.filter(reminder_schedule__isnull=True).exists()


def test_the_beat_schedule_runs_the_pass_daily_at_the_reminder_hour(settings):
    from config.celery import app

    app.finalize()
    entry = app.conf.beat_schedule["reminders-daily"]
    assert entry["task"] == "reminders.tasks.run_reminders"
    assert entry["schedule"].hour == {settings.REMINDER_HOUR}
    assert entry["schedule"].minute == {settings.REMINDER_MINUTE}
    assert app.conf.timezone == "Asia/Ho_Chi_Minh"


def test_the_celery_task_runs_the_same_pass(report_task, hnd):
    from reminders.tasks import run_reminders

    with time_machine.travel(at(D(2025, 12, 8)), tick=False), TestCase.captureOnCommitCallbacks(execute=True):
        summary = run_reminders.delay().get()
    assert summary["steps"] >= 1 and summary["handed_over"] >= 2
    assert steps_to(hnd, report_task) == [("d-7", D(2025, 12, 8))]


def test_a_very_long_title_still_fits_the_inbox_and_the_email(report_task, hnd):
    report_task.obligation.title = "Báo cáo " + "rất dài " * 36
    report_task.obligation.save()
    run_on(D(2025, 12, 18))
    entry = Notification.objects.get(recipient=hnd, link=report_task.get_absolute_url())
    assert len(entry.subject) == 300 and entry.subject.endswith("…")
    assert len([m for m in mail.outbox if m.to == [hnd.email]]) == 1


def test_send_reminders_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        call_command("send_reminders", "--date", "15/12/2025")


def test_the_nightly_full_sync_finds_tasks_the_incremental_sync_cannot_see(report_task):
    from reminders.models import ReminderSyncState

    ReminderSchedule.objects.filter(task=report_task).delete()
    ReminderSyncState.objects.update_or_create(pk=1, defaults={"last_task_id": report_task.pk + 10_000})
    with time_machine.travel(at(D(2025, 12, 1)), tick=False):
        assert reminder_services.schedules_sync() == 0  # below the mark: not looked at
        assert reminder_services.schedules_sync(full=True) >= 1
    assert ReminderSchedule.objects.get(task=report_task).next_step == "d-14"
    assert not Task.objects.filter(reminder_schedule__isnull=True).exists()


def test_three_passes_on_one_day_leave_one_inbox_entry_per_step_even_if_the_schedule_is_rewound(report_task, hnd):
    run_on(D(2025, 12, 8))  # d-7
    schedule = ReminderSchedule.objects.get(task=report_task)
    for hour in (11, 15):
        # Rewind the stored schedule, as a restored backup or a bug would: the database still refuses a copy.
        ReminderSchedule.objects.filter(pk=schedule.pk).update(next_step="d-7", next_at=at(D(2025, 12, 8), 0))
        run_on(D(2025, 12, 8), hour=hour)
    entries = Notification.objects.filter(recipient=hnd, key=reminder_key(report_task.pk, "d-7"))
    assert entries.count() == 1
    assert Delivery.objects.filter(notification__in=entries).count() == 1
    assert len([m for m in mail.outbox if m.to == [hnd.email]]) == 1


def test_send_reminders_for_a_past_day_sends_that_days_reminders(report_task, hnd, capsys):
    # Real time is long after the day of the pass: the emails fall due as of the pass's day, not later.
    with time_machine.travel(at(D(2026, 1, 5)), tick=False), TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_reminders", "--date", "2025-12-08")
    assert "1 lượt gửi" in capsys.readouterr().out
    assert [m.to for m in mail.outbox] == [[hnd.email]]


@pytest.mark.parametrize(
    ("real_day", "left"),
    [(D(2025, 12, 1), "14 ngày"), (D(2026, 1, 5), "Đã quá hạn 21 ngày")],
    ids=["pass-for-a-later-day", "pass-for-an-earlier-day"],
)
def test_the_facts_table_counts_from_the_days_of_the_pass_not_the_real_today(report_task, hnd, real_day, left):
    """`send_reminders --date 2025-12-08` (d-7 of a report due 15/12) run on another day: the subject and the
    table of facts both count from 08/12, whatever the real date (`left`: what the real day would say)."""
    with time_machine.travel(at(real_day), tick=False), TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_reminders", "--date", "2025-12-08")
    [message] = [m for m in mail.outbox if m.to == [hnd.email]]
    assert "còn 7 ngày đến hạn" in message.subject
    assert "Còn lại: 7 ngày" in message.body and left not in message.body
    [(html, _mimetype)] = message.alternatives
    assert "<th>Còn lại</th><td>7 ngày</td>" in html
    entry = Notification.objects.get(recipient=hnd, key=reminder_key(report_task.pk, "d-7"))
    assert ["Còn lại", "7 ngày"] in entry.facts


def test_an_escalation_pass_sends_each_person_one_email_listing_every_task_escalated_to_them(
    report_task, sonoivu, make_party, make_user
):
    """Five organisations three days late: Sở Nội vụ (immediate emails) gets one email for the pass, listing
    the five; each one's head gets one too; the inbox keeps one entry per task."""
    parties = []
    for n in range(5):
        party = make_party(f"Tổ chức quá hạn {n}", parent=report_task.party.parent)
        head = make_user(f"tt{n}", (party, Membership.Role.REPORTER))
        head.email = f"tt{n}@phoihop.example"
        head.save(update_fields=["email"])
        head.memberships.update(is_head=True)
        parties.append(party)
    Task.objects.bulk_create(
        Task(
            obligation=report_task.obligation,
            party=party,
            period=report_task.period,
            nominal_due_date=report_task.nominal_due_date,
            due_date=report_task.due_date,
            deadline=report_task.deadline,
        )
        for party in parties
    )
    run_on(D(2025, 11, 1))  # schedules for all
    mail.outbox = []
    run_on(D(2025, 12, 18))  # o3: six reports escalate (hnd's and the five)
    # Its own roll-up's reminder (d-6: due 24/12) is its own email; the six escalations are one email.
    own, to_sonoivu = [m for m in mail.outbox if m.to == [sonoivu.email]]
    assert own.subject.startswith("[PhốiHợp] Nhắc việc: còn 6 ngày") and "chưa hoàn thành" not in own.body
    assert to_sonoivu.subject == "[PhốiHợp] Tổng hợp thông báo ngày 18/12/2025 (6 mục)"
    for party in [report_task.party, *parties]:
        assert f"{party.name} chưa hoàn thành" in to_sonoivu.body
    [(html, _mimetype)] = to_sonoivu.alternatives
    assert html.count("chưa hoàn thành") >= 6
    for n in range(5):
        assert len([m for m in mail.outbox if m.to == [f"tt{n}@phoihop.example"]]) == 1
    assert Notification.objects.filter(recipient=sonoivu, kind="escalation").count() == 6
    run_on(D(2025, 12, 18), hour=15)  # a second pass the same day: nothing more
    assert len([m for m in mail.outbox if m.to == [sonoivu.email]]) == 2


class RefusingSonoivu(BouncingBackend):
    refused = "sonoivu@phoihop.example"


def test_a_gathered_escalation_email_that_bounces_is_retried_by_the_frequent_job(report_task, sonoivu, settings):
    settings.REMINDER_RETRY_BASE_SECONDS = 300
    run_on(D(2025, 12, 17))
    with override_settings(MAILERS={"default": {"BACKEND": "tests.reminders.test_reminders.RefusingSonoivu"}}):
        run_on(D(2025, 12, 18))  # o3: hnd's report escalates to sonoivu, whose server refuses it
    row = Delivery.objects.get(notification__key=reminder_key(report_task.pk, "o3"), recipient=sonoivu)
    assert (row.channel, row.status, row.attempts) == (Delivery.Channel.DIGEST, Delivery.Status.PENDING, 1)
    with time_machine.travel(at(D(2025, 12, 18), 7, 6), tick=False):
        services.deliveries_retry()  # the backoff (5 min) is over: the gathered email goes, not tomorrow
    row.refresh_from_db()
    assert row.status == Delivery.Status.SENT
    [gathered] = [m for m in mail.outbox if m.to == [sonoivu.email] and "chưa hoàn thành" in m.body]
    assert "(1 mục)" in gathered.subject
