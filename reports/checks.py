"""System checks of the reports app's settings."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def stale_after_time_limit(app_configs, **kwargs):
    # A file is taken back when its worker is silent this long; before the time limit it may still be alive.
    if settings.REPORT_STALE_SECONDS <= settings.REPORT_PDF_TIME_LIMIT:
        return [
            Error(
                "REPORT_STALE_SECONDS phải lớn hơn REPORT_PDF_TIME_LIMIT "
                f"({settings.REPORT_STALE_SECONDS} ≤ {settings.REPORT_PDF_TIME_LIMIT}): một tệp đang tạo dở "
                "sẽ bị lấy lại và tạo hai lần.",
                hint="Đặt REPORT_STALE_SECONDS bằng REPORT_PDF_TIME_LIMIT + 60, hoặc bỏ trống để dùng mặc định.",
                id="reports.E001",
            )
        ]
    return []
