"""Changes of state for matters (phản ánh, kiến nghị): raise, answer, forward to the People's Committee,
close. Each tells the people concerned through the notifications layer, in the same transaction."""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.services import Message, notify
from regulations.rights import Right, require, require_actor
from regulations.selectors import focal_users_for, oversight_users_of, users_of_party

from . import selectors
from .models import Matter, MatterEvent


class MatterError(Exception):
    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message, self.code = message, code


def _matter_notify(matter: Matter, recipients: Iterable, subject: str, body: str, actor) -> None:
    people = [user for user in recipients if user.pk != actor.pk]
    notify(
        recipients=people,
        message=Message(kind="matter", subject=subject, body=body, link=matter.get_absolute_url()),
    )


def _matter_facts(matter: Matter) -> dict:
    return {"subject": matter.subject, "party": matter.raised_by_party.name, "about": str(matter.about)}


@transaction.atomic
def matter_raise(*, actor, party, subject: str, body: str, task=None, obligation=None) -> Matter:
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject or not body:
        raise MatterError(_("Cần ghi tiêu đề và nội dung phản ánh."), code="empty")
    if task is None and obligation is None:
        raise MatterError(_("Phản ánh phải gắn với một nhiệm vụ."), code="no_subject")
    # On behalf of one of the actor's own parties (for a task: the task's party), as the page offers.
    require_actor(actor, Right.RAISE)
    require(selectors.can_raise(actor, party, task=task, obligation=obligation), Right.RAISE)
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
    require_actor(actor, Right.ANSWER)
    require(selectors.matter_allows(actor, matter, Right.ANSWER), Right.ANSWER)
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
    require_actor(actor, Right.FORWARD)
    require(selectors.matter_allows(actor, matter, Right.FORWARD), Right.FORWARD)
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
            [*oversight_users_of(matter.jurisdiction), *users_of_party(matter.raised_by_party)],
            _("Phản ánh được chuyển UBND xem xét: %(subject)s") % facts,
            body,
            actor,
        )
    return matter


@transaction.atomic
def matter_close(*, matter: Matter, actor, message: str = "") -> Matter:
    matter = _locked(matter)
    require_actor(actor, Right.CLOSE)
    require(selectors.matter_allows(actor, matter, Right.CLOSE), Right.CLOSE)
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
