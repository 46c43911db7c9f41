"""Co-operating parties' input into the lead's task (cơ quan phối hợp góp ý kiến, tài liệu).

An obligation's co-operating parties have no task of their own: their staff write one text per party into
the lead's task and send it files; the lead reads them while writing its report. Each change is a line of
the lead's task trail, with the text as it then stood, so a submitted version shows what the lead had.

When input is taken: while the lead's task is open, submitted or returned. A report waiting for review
may still be returned, and the lead then needs what came in meanwhile; once the task is done (accepted)
or excused there is nothing left to co-operate on, and input is refused."""

import unicodedata

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.services import Message, notify
from regulations.models import Party
from regulations.rights import Right, require, require_actor
from regulations.selectors import users_of_party

from . import selectors
from .models import Contribution, ContributionFile, Task, TaskEvent
from .services import SubmissionError, task_record
from .uploads import check_upload, stored_file_fields

CLOSED_STATES = (Task.State.DONE, Task.State.EXCUSED)


def _lock_for_contribution(task: Task, actor, party: Party) -> Task:
    """Lock the lead's task and check that the actor works for `party` and `party` co-operates on the
    task's obligation, by the rule the page uses."""
    require_actor(actor, Right.CONTRIBUTE)
    locked = Task.objects.select_for_update().select_related("obligation", "party", "period").get(pk=task.pk)
    visible = selectors.tasks_visible_to(actor).filter(pk=locked.pk).exists()
    allowed = {p.pk for p in selectors.contributing_parties(actor, locked)} if visible else set()
    require(party.pk in allowed, Right.CONTRIBUTE)
    return locked


def refuse_unless_open(task: Task) -> None:
    if task.state == Task.State.DONE:
        raise SubmissionError(
            _("Nhiệm vụ của cơ quan chủ trì đã hoàn thành; không nhận thêm ý kiến phối hợp."), code="accepted"
        )
    if task.state == Task.State.EXCUSED:
        raise SubmissionError(
            _("Nhiệm vụ của cơ quan chủ trì đã được miễn; không nhận thêm ý kiến phối hợp."), code="excused"
        )


def clean_text(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


@transaction.atomic
def contribution_save(*, task: Task, actor, party: Party, text: str) -> Contribution:
    """Write or rewrite `party`'s input into the lead's task. Saving the same text again changes nothing."""
    task = _lock_for_contribution(task, actor, party)
    refuse_unless_open(task)
    text = clean_text(text)
    if not text:
        message = _("Cần nhập nội dung ý kiến phối hợp.")
        raise SubmissionError(message, code="text_required", field_errors={"text": [message]})
    contribution = Contribution.objects.filter(task=task, party=party).first()
    if contribution is not None and contribution.text == text:
        return contribution
    if contribution is None:
        contribution = Contribution.objects.create(task=task, party=party, text=text, author=actor)
    else:
        contribution.text, contribution.author = text, actor
        contribution.save(update_fields=["text", "author", "updated_at"])
    task_record(
        task=task,
        actor=actor,
        action=TaskEvent.Action.CONTRIBUTED,
        message=_("%(party)s góp ý kiến phối hợp.") % {"party": party.name},
        data={"party": party.pk, "contribution": contribution.pk, "text": text},
    )
    _tell_the_lead(task=task, party=party, what=_("ý kiến phối hợp"))
    return contribution


@transaction.atomic
def contribution_file_add(*, task: Task, actor, party: Party, upload) -> ContributionFile:
    """Send the lead a file as `party`'s input. The party's text comes first: a file says what it is there."""
    task = _lock_for_contribution(task, actor, party)
    refuse_unless_open(task)
    contribution = Contribution.objects.filter(task=task, party=party).first()
    if contribution is None:
        message = _("Cần ghi ý kiến phối hợp trước khi gửi tài liệu.")
        raise SubmissionError(message, code="text_required", field_errors={"text": [message]})
    checked = check_upload(upload, signed_scan=False)
    stored = ContributionFile.objects.create(
        contribution=contribution, uploaded_by=actor, **stored_file_fields(upload, checked)
    )
    task_record(
        task=task,
        actor=actor,
        action=TaskEvent.Action.CONTRIBUTION_FILE_ADDED,
        message=_("%(party)s gửi tài liệu “%(name)s”.") % {"party": party.name, "name": stored.original_name},
        data={"party": party.pk, "file": stored.pk, "sha256": checked.sha256, "size": checked.size},
    )
    _tell_the_lead(task=task, party=party, what=_("tài liệu “%(name)s”") % {"name": stored.original_name})
    return stored


def _tell_the_lead(*, task: Task, party: Party, what: str) -> None:
    """The lead's staff hear of the input in their inbox (and by email), in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        facts = {"party": party.name, "title": task.obligation.title, "period": str(task.period), "what": what}
        notify(
            recipients=users_of_party(task.party),
            message=Message(
                kind="contribution",
                subject=_("%(party)s góp ý kiến phối hợp: %(title)s") % facts,
                body=_(
                    "%(party)s, cơ quan phối hợp, đã gửi %(what)s cho nhiệm vụ “%(title)s”, kỳ %(period)s. "
                    "Đề nghị cơ quan chủ trì tổng hợp vào báo cáo."
                )
                % facts,
                link=task.get_absolute_url(),
            ),
        )
