import datetime

from django.core.management.base import BaseCommand, CommandError

from obligations.reorganisations import reorganisations_apply_due


class Command(BaseCommand):
    help = "Thực hiện các quyết định sắp xếp tổ chức đã đến ngày có hiệu lực (việc beat chạy hằng ngày)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Ngày xét, YYYY-MM-DD (mặc định: hôm nay)")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError("Ngày không hợp lệ, cần YYYY-MM-DD.") from None
        applied = reorganisations_apply_due(today=today)
        self.stdout.write(f"Đã thực hiện {applied} quyết định sắp xếp tổ chức.")
