"""What the consolidated report's workflow tells people (issue 14): when the focal agency finalises the report
and when it sends it to the People's Committee, the People's Committee's oversight staff (leaders, office)
and the focal agency's other staff are told, in the inbox and by email, in the same transaction."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from notifications.services import Message, notify
from regulations.selectors import focal_users_for, oversight_users_of

from .models import ConsolidatedReport


def _recipients(report: ConsolidatedReport, actor) -> list:
    people = {
        user.pk: user for user in [*oversight_users_of(report.jurisdiction), *focal_users_for(report.jurisdiction)]
    }
    people.pop(actor.pk, None)  # who pressed the button knows
    return list(people.values())


# What each step says: subject and body, formatted with the report's period and jurisdiction.
NOTICES = {
    "consolidated_finalised": (
        _("Báo cáo tổng hợp %(period)s đã hoàn chỉnh"),
        _(
            "Báo cáo tổng hợp kết quả thực hiện quy chế phối hợp %(period)s của %(jurisdiction)s đã được "
            "hoàn chỉnh; nội dung không còn thay đổi theo các lần xem xét sau. Bước tiếp theo: ký số và gửi."
        ),
    ),
    "consolidated_submitted": (
        _("Đã gửi báo cáo tổng hợp %(period)s"),
        _(
            "Báo cáo tổng hợp kết quả thực hiện quy chế phối hợp %(period)s đã được gửi %(jurisdiction)s. "
            "Xem báo cáo và bản ký số (nếu có) tại đường dẫn dưới đây."
        ),
    ),
}


def _tell(report: ConsolidatedReport, actor, kind: str) -> None:
    subject, body = NOTICES[kind]
    with translation.override(settings.LANGUAGE_CODE):  # stored once, read by all: the site's language
        facts = {"period": report.period.label, "jurisdiction": report.jurisdiction.name}
        message = Message(
            kind=kind, subject=str(subject) % facts, body=str(body) % facts, link=report.get_absolute_url()
        )
    notify(recipients=_recipients(report, actor), message=message)


def finalised(*, report: ConsolidatedReport, actor) -> None:
    _tell(report, actor, "consolidated_finalised")


def submitted(*, report: ConsolidatedReport, actor) -> None:
    _tell(report, actor, "consolidated_submitted")
