"""`manage.py send_reminders [--date YYYY-MM-DD] [--dry-run]`: one reminder pass, the same service the daily
Celery task runs. Safe to run twice: a reminder already recorded is not sent again."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reminders.services import reminders_run
from reminders.steps import LOCAL_TZ


class Command(BaseCommand):
    help = "Gửi nhắc việc đến hạn (một lượt). / Run one reminder pass."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Ngày chạy, dạng YYYY-MM-DD (mặc định: hôm nay, giờ Việt Nam).")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ liệt kê, không ghi và không gửi.")

    def handle(self, *args, date=None, dry_run=False, **options):
        as_of = None
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"Ngày không hợp lệ: {date!r} (cần dạng YYYY-MM-DD).") from None
            as_of = datetime.datetime.combine(
                day, datetime.time(settings.REMINDER_HOUR, settings.REMINDER_MINUTE), tzinfo=LOCAL_TZ
            )
        result = reminders_run(as_of=as_of, dry_run=dry_run)
        day_label = result.as_of.astimezone(LOCAL_TZ).strftime("%d/%m/%Y")
        if dry_run:
            for item in result.planned:
                skipped = f" (bỏ qua {', '.join(item.skipped_steps)})" if item.skipped_steps else ""
                self.stdout.write(
                    f"nhiệm vụ #{item.task_id} bước {item.step} ngày {item.day:%d/%m/%Y}{skipped}: "
                    f"{', '.join(item.recipients) or '—'}"
                )
            self.stdout.write(f"Chạy thử {day_label}: {result.steps} nhắc việc sẽ được gửi, không ghi gì.")
            return
        self.stdout.write(
            f"Nhắc việc {day_label}: {result.steps} bước, {result.deliveries} lượt gửi "
            f"({result.skipped} bỏ qua); đã chuyển {result.handed_over} việc gửi thư cho tiến trình nền (worker)."
        )
