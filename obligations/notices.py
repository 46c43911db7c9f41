"""What the submission workflow tells people: Vietnamese messages handed to the notifications layer,
which writes the in-app inbox and the email outbox in the same transaction."""

import functools

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.services import Message, notify
from regulations.selectors import focal_users_for, users_of_party


def _in_site_language(notice):
    """A notice is stored once and read by every recipient: write it in the site's language, not the actor's."""

    @functools.wraps(notice)
    def written(**kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return notice(**kwargs)

    return written


def _send(*, recipients, kind: str, subject: str, body: str, task) -> None:
    notify(recipients=recipients, message=Message(kind=kind, subject=subject, body=body, link=task.get_absolute_url()))


def _party_users(task):
    return users_of_party(task.party)


def _facts(task) -> dict[str, str]:
    return {
        "title": task.obligation.title,
        "party": task.party.name,
        "period": str(task.period),
        "source": task.obligation.source_label,
        "due": task.due_date.strftime("%d/%m/%Y"),
    }


@_in_site_language
def submitted(*, task, version) -> None:
    facts = _facts(task) | {"number": version.number}
    _send(
        recipients=focal_users_for(task.party),
        kind="submission_submitted",
        subject=_("%(party)s đã nộp báo cáo: %(title)s (%(period)s)") % facts,
        body=_(
            "%(party)s đã nộp báo cáo lần %(number)s cho nhiệm vụ “%(title)s” (%(source)s), kỳ %(period)s, "
            "hạn %(due)s. Đề nghị xem xét, tiếp nhận hoặc trả lại để chỉnh sửa."
        )
        % facts,
        task=task,
    )


@_in_site_language
def accepted(*, task, version) -> None:
    facts = _facts(task) | {"number": version.number}
    on_time = _("đúng hạn") if task.on_time else _("quá hạn")
    _send(
        recipients=_party_users(task),
        kind="submission_accepted",
        subject=_("Báo cáo đã được tiếp nhận: %(title)s (%(period)s)") % facts,
        body=_("Báo cáo lần %(number)s của %(party)s cho nhiệm vụ “%(title)s”, kỳ %(period)s đã được tiếp nhận") % facts
        + f" ({on_time}).",
        task=task,
    )


@_in_site_language
def returned(*, task, version) -> None:
    facts = _facts(task) | {"number": version.number, "comment": version.review_comment}
    _send(
        recipients=_party_users(task),
        kind="submission_returned",
        subject=_("Báo cáo bị trả lại để chỉnh sửa: %(title)s (%(period)s)") % facts,
        body=_(
            "Báo cáo lần %(number)s của %(party)s cho nhiệm vụ “%(title)s”, kỳ %(period)s đã bị trả lại để "
            "chỉnh sửa. Ý kiến: %(comment)s. Hạn: %(due)s."
        )
        % facts,
        task=task,
    )


@_in_site_language
def excused(*, task, reason: str) -> None:
    facts = _facts(task) | {"reason": reason}
    _send(
        recipients=_party_users(task),
        kind="task_excused",
        subject=_("Được miễn: %(title)s (%(period)s)") % facts,
        body=_("%(party)s được miễn thực hiện nhiệm vụ “%(title)s”, kỳ %(period)s. Lý do: %(reason)s.") % facts,
        task=task,
    )
