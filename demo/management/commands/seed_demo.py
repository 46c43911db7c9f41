from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.seed import demo_load


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu minh họa từ hai văn bản nguồn (106/UBND-KGVX và thông báo kết luận Tân Yên) cùng các tài "
        "khoản demo. Chạy lại nhiều lần không thay đổi gì. / Loads the demo data and accounts, idempotently."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Cho phép chạy khi DEBUG tắt (máy chủ thật). / Run even when DEBUG is off.",
        )

    def handle(self, *args, allow_production: bool = False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Từ chối nạp dữ liệu demo khi DEBUG tắt: các tài khoản demo dùng chung một mật khẩu. "
                "Thêm --allow-production nếu thật sự muốn. / Refusing to load demo accounts with DEBUG off."
            )
        result = demo_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp dữ liệu demo: {result.parties} cơ quan, {result.users} tài khoản, "
                f"{result.tasks_created} nhiệm vụ mới."
            )
        )
