"""Changes of state for obligations, periods and tasks. Views, admin, commands and jobs call these."""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from regulations.models import Party
from regulations.rights import Right, require, require_actor

from . import notices, selectors
from .models import Attachment, Handover, Obligation, Period, Submission, SubmissionVersion, Task, TaskEvent, end_of_day
from .workdays import next_working_day

logger = logging.getLogger(__name__)


@dataclass
class GenerationResult:
    created: int = 0
    existing: int = 0
    skipped: list[str] = field(default_factory=list)


def period_get_or_create(*, kind: str, year: int, quarter: int = 0) -> Period:
    start, end = Period.bounds(kind, year, quarter)
    period, _created = Period.objects.get_or_create(
        kind=kind, year=year, quarter=quarter, defaults={"start": start, "end": end}
    )
    return period


def obligation_due_date(*, obligation: Obligation, nominal: datetime.date) -> datetime.date:
    return next_working_day(nominal) if obligation.move_to_working_day else nominal


def tasks_generate(
    *, obligations: Iterable[Obligation] | None = None, up_to: datetime.date | None = None
) -> GenerationResult:
    """Create the tasks of the periods in force that do not exist yet.

    A periodic obligation's task is created when its period opens (on or before `up_to`, today by
    default); a one-off's at once. The daily job (`tasks.generate_opened_periods`) calls this again and
    so creates each new period's tasks as it opens, until the term of application ends.

    Idempotent: a task is keyed by (obligation, party, period) under a unique constraint, so a second
    run, or two runs at once, create nothing more. A responsible party that no longer exists on a due
    date hands that task to its successor (`handed_over_from` keeps who the source named).
    """
    up_to = up_to or timezone.localdate()
    if obligations is None:
        obligations = Obligation.objects.filter(is_active=True).exclude(recurrence=Obligation.Recurrence.CONTINUOUS)
    result = GenerationResult()
    handovers = handovers_by_predecessor()
    periods: dict[tuple[str, int, int], Period] = {}
    wanted: dict[tuple[int, int, int], Task] = {}
    obligation_ids = []
    for obligation in obligations:
        if not obligation.generates_tasks:
            continue
        obligation_ids.append(obligation.pk)
        named_parties = obligation.responsible_party_list()
        for kind, year, quarter, nominal in obligation.schedule():
            if obligation.recurrence != Obligation.Recurrence.ONCE and Period.bounds(kind, year, quarter)[0] > up_to:
                continue  # the period has not opened yet
            key = (kind, year, quarter)
            if key not in periods:
                periods[key] = period_get_or_create(kind=kind, year=year, quarter=quarter)
            period = periods[key]
            due = obligation_due_date(obligation=obligation, nominal=nominal)
            for named in named_parties:
                holder = holder_for(named, obligation.pk, due, handovers)
                if holder is None:
                    result.skipped.append(
                        _("%(party)s không còn hoạt động vào %(day)s và không có đơn vị kế thừa: bỏ qua %(title)s.")
                        % {"party": named, "day": due.strftime("%d/%m/%Y"), "title": obligation.title}
                    )
                    continue
                wanted.setdefault(
                    (obligation.pk, holder.pk, period.pk),
                    Task(
                        obligation=obligation,
                        party=holder,
                        period=period,
                        nominal_due_date=nominal,
                        due_date=due,
                        deadline=end_of_day(due),
                        handed_over_from=None if holder.pk == named.pk else named,
                    ),
                )
    with transaction.atomic():
        existing = set(
            Task.objects.filter(obligation_id__in=obligation_ids).values_list("obligation_id", "party_id", "period_id")
        )
        new_tasks = [task for key, task in wanted.items() if key not in existing]
        # ignore_conflicts: a concurrent run that got there first is not an error, the constraint decides.
        Task.objects.bulk_create(new_tasks, batch_size=1000, ignore_conflicts=True)
    result.created = len(new_tasks)
    result.existing = len(wanted) - len(new_tasks)
    for message in result.skipped:
        logger.info("tasks_generate: %s", message)
    return result


def handovers_by_predecessor() -> dict[tuple[int, int], Party]:
    """(predecessor id, obligation id) → successor, for the parties a split divided (one query)."""
    return {(h.predecessor_id, h.obligation_id): h.successor for h in Handover.objects.select_related("successor")}


def holder_for(
    named: Party, obligation_id: int, day: datetime.date, handovers: dict[tuple[int, int], Party] | None = None
) -> Party | None:
    """Who holds a named party's part of an obligation on a day: itself while valid, else its successor
    for that obligation (a split names one per obligation), else its successor, down the chain."""
    if handovers is None:
        handovers = handovers_by_predecessor()
    party: Party | None = named
    seen: set[int] = set()
    while party is not None and party.pk not in seen:
        if party.is_valid_on(day):
            return party
        if party.valid_to is None or day <= party.valid_to:
            return None  # not yet in existence on that day
        seen.add(party.pk)
        party = handovers.get((party.pk, obligation_id)) or party.successor
    return None


def task_record(*, task: Task, actor, action: str, message: str = "", data: dict | None = None) -> "TaskEvent":
    """Append one line to a task's trail."""
    return TaskEvent.objects.create(task=task, actor=actor, action=action, message=message, data=data or {})


def task_complete(
    *, task: Task, actor, completed_at: datetime.datetime, message: str = "", data: dict | None = None
) -> Task:
    """Mark a task done, on time when `completed_at` falls before the end of its due day (Asia/Ho_Chi_Minh).

    Used when the focal agency accepts a report (completed_at = when the accepted version was submitted)
    and when a consolidated report is submitted (completed_at = now). A step of those two services, which
    check their actor first (review here, compile in reports, a layer above that this one cannot ask): not
    an entry point: a view, an admin action, a command or a job calls one of those instead."""
    task.state = Task.State.DONE
    task.completed_at = completed_at
    task.on_time = completed_at < task.deadline
    task.save(update_fields=["state", "completed_at", "on_time", "updated_at"])
    task_record(
        task=task,
        actor=actor,
        action=TaskEvent.Action.ACCEPTED,
        message=message,
        data={**(data or {}), "completed_at": completed_at.isoformat(), "on_time": task.on_time},
    )
    return task


# --- Submissions and review -------------------------------------------------------------------------


class SubmissionError(Exception):
    """A refused change of state, with the Vietnamese message the user sees."""

    def __init__(self, message: str, *, code: str, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field_errors = field_errors or {}


class ConcurrentEditError(SubmissionError):
    """Somebody saved the draft after this user opened it: nothing was overwritten."""

    def __init__(self, submission: Submission):
        who = submission.updated_by.get_full_name() or submission.updated_by.username if submission.updated_by else ""
        super().__init__(
            _(
                "Bản nháp đã được %(who)s lưu lúc %(at)s, sau khi bạn mở trang. Nội dung bạn vừa nhập vẫn còn "
                "nguyên trong biểu mẫu; hãy đối chiếu với bản đã lưu bên dưới rồi lưu lại."
            )
            % {"who": who, "at": timezone.localtime(submission.updated_at).strftime("%H:%M %d/%m/%Y")},
            code="concurrent_edit",
        )
        self.current = submission


EDITABLE_STATES = (Task.State.OPEN, Task.State.RETURNED)
SECTION_LABELS = {
    "results": _lazy("Kết quả đạt được"),
    "limitations": _lazy("Tồn tại, hạn chế và nguyên nhân"),
    "directions": _lazy("Phương hướng, nhiệm vụ năm tới"),
    "proposals": _lazy("Kiến nghị, đề xuất"),
}


def required_sections(task: Task) -> tuple[str, ...]:
    """A report needs its first three sections; an action needs only what was done."""
    if task.obligation.deliverable == Obligation.Deliverable.REPORT:
        return ("results", "limitations", "directions")
    return ("results",)


def _lock(task: Task) -> Task:
    return Task.objects.select_for_update().select_related("obligation", "party").get(pk=task.pk)


def _lock_for(task: Task, actor, right: str) -> Task:
    """Lock the task and check that the actor holds the right on it, by the rule the pages use: whoever
    calls (a view, the admin, an import, a job) cannot do more than the page allows."""
    require_actor(actor, right)
    locked = _lock(task)
    visible = selectors.tasks_visible_to(actor).filter(pk=locked.pk).exists()
    require(visible and selectors.task_allows(actor, locked, right), right)
    return locked


def refuse_unless_editable(task: Task) -> None:
    if task.state == Task.State.SUBMITTED:
        raise SubmissionError(_("Báo cáo đã được nộp và đang chờ xem xét; không thể sửa."), code="already_submitted")
    if task.state == Task.State.DONE:
        raise SubmissionError(_("Báo cáo đã được tiếp nhận; không thể sửa hay nộp lại."), code="accepted")
    if task.state == Task.State.EXCUSED:
        raise SubmissionError(_("Nhiệm vụ này đã được miễn; không cần nộp báo cáo."), code="excused")


def submission_for(task: Task) -> Submission:
    submission, _created = Submission.objects.get_or_create(task=task)
    return submission


@transaction.atomic
def submission_save_draft(
    *, task: Task, actor, sections: dict[str, str], figures: dict[str, str], expected_revision: int
) -> Submission:
    """Save the working draft. A save that started from an older revision is refused, not merged; a save
    that changes nothing records nothing."""
    task = _lock_for(task, actor, Right.REPORT)
    refuse_unless_editable(task)
    submission = submission_for(task)
    if submission.revision != expected_revision:
        raise ConcurrentEditError(submission)
    changed = [name for name in Submission.SECTION_FIELDS if getattr(submission, name) != sections.get(name, "")]
    if submission.figures != figures:
        changed.append("figures")
    if not changed and submission.revision:
        # Nothing typed since the last save (e.g. "Nộp báo cáo" right after "Lưu bản nháp"): no new revision
        # and no "Lưu bản nháp" line in the history; the caller goes on with the same revision.
        return submission
    for name in Submission.SECTION_FIELDS:
        setattr(submission, name, sections.get(name, ""))
    submission.figures = figures
    submission.revision += 1
    submission.updated_by = actor
    submission.save()
    task_record(
        task=task,
        actor=actor,
        action=TaskEvent.Action.DRAFT_SAVED,
        message=_("Lưu bản nháp (lần sửa %(revision)d).") % {"revision": submission.revision},
        data={"changed": changed, "revision": submission.revision},
    )
    return submission


@transaction.atomic
def attachment_add(*, task: Task, actor, upload, kind: str) -> Attachment:
    from .uploads import check_upload, stored_file_fields

    task = _lock_for(task, actor, Right.REPORT)
    refuse_unless_editable(task)
    checked = check_upload(upload, signed_scan=kind == Attachment.Kind.SIGNED_SCAN)
    submission = submission_for(task)
    signature = signature_check(upload) if checked.content_type == "application/pdf" else {}
    attachment = Attachment.objects.create(
        submission=submission,
        kind=kind,
        uploaded_by=actor,
        signature=signature,
        **stored_file_fields(upload, checked),
    )
    task_record(
        task=task,
        actor=actor,
        action=TaskEvent.Action.FILE_ADDED,
        message=_("Đính kèm “%(name)s”.") % {"name": attachment.original_name},
        data={
            "attachment": attachment.pk,
            "sha256": checked.sha256,
            "size": checked.size,
            "signature": signature.get("status", ""),
        },
    )
    return attachment


def signature_check(upload) -> dict:
    """Every digital signature of an uploaded PDF, checked against the configured trusted roots."""
    from signatures.validation import check_pdf

    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    return check_pdf(content).as_json()


@transaction.atomic
def attachment_remove(*, attachment: Attachment, actor) -> None:
    task = _lock_for(attachment.submission.task, actor, Right.REPORT)
    refuse_unless_editable(task)
    if attachment.removed_at is None:
        attachment.removed_at = timezone.now()
        attachment.save(update_fields=["removed_at"])
        task_record(
            task=task,
            actor=actor,
            action=TaskEvent.Action.FILE_REMOVED,
            message=_("Gỡ “%(name)s” khỏi bản nháp.") % {"name": attachment.original_name},
            data={"attachment": attachment.pk},
        )


def _missing_parts(task: Task, submission: Submission) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in required_sections(task):
        if not getattr(submission, name).strip():
            errors[name] = [_("Cần nhập mục “%(section)s” trước khi nộp.") % {"section": SECTION_LABELS[name]}]
    for figure in task.obligation.figures.all():
        if figure.required and submission.figures.get(figure.code) in (None, ""):
            errors[f"fig_{figure.code}"] = [_("Cần nhập số liệu “%(label)s”.") % {"label": figure.label}]
    return errors


@transaction.atomic
def submission_submit(*, task: Task, actor, expected_revision: int) -> SubmissionVersion:
    """Freeze the draft as a new version and hand it to the focal agency."""
    task = _lock_for(task, actor, Right.REPORT)
    refuse_unless_editable(task)
    submission = submission_for(task)
    if submission.revision != expected_revision:
        raise ConcurrentEditError(submission)
    missing = _missing_parts(task, submission)
    if missing:
        raise SubmissionError(_("Chưa thể nộp: còn thiếu nội dung bắt buộc."), code="incomplete", field_errors=missing)
    if (
        task.obligation.deliverable == Obligation.Deliverable.REPORT
        and not submission.attachments.filter(kind=Attachment.Kind.SIGNED_SCAN, removed_at__isnull=True).exists()
    ):
        raise SubmissionError(
            _("Chưa thể nộp: cần đính kèm bản báo cáo đã ký, đóng dấu (PDF)."),
            code="no_signed_scan",
        )
    now = timezone.now()
    version = SubmissionVersion.objects.create(
        submission=submission,
        number=submission.versions.count() + 1,
        sections=submission.sections(),
        figures=submission.figures,
        submitted_by=actor,
        submitted_at=now,
    )
    version.attachments.set(submission.attachments.filter(removed_at__isnull=True))
    task.state = Task.State.SUBMITTED
    task.save(update_fields=["state", "updated_at"])
    task_record(
        task=task,
        actor=actor,
        action=TaskEvent.Action.SUBMITTED,
        message=_("Nộp báo cáo lần %(number)d.") % {"number": version.number},
        data={"version": version.number, "on_time_if_accepted": now < task.deadline},
    )
    notices.submitted(task=task, version=version)
    return version


def _pending_version(task: Task) -> SubmissionVersion:
    if task.state == Task.State.DONE:
        raise SubmissionError(_("Báo cáo này đã được tiếp nhận trước đó."), code="accepted")
    version = SubmissionVersion.objects.filter(submission__task=task, review=SubmissionVersion.Review.PENDING).first()
    if task.state != Task.State.SUBMITTED or version is None:
        raise SubmissionError(_("Không có báo cáo nào đang chờ xem xét."), code="nothing_pending")
    return version


@transaction.atomic
def submission_accept(*, task: Task, actor, comment: str = "") -> SubmissionVersion:
    """Accept the pending version. The task is on time when that version was submitted before the deadline."""
    task = _lock_for(task, actor, Right.REVIEW)
    version = _pending_version(task)
    version.review = SubmissionVersion.Review.ACCEPTED
    version.reviewed_by, version.reviewed_at, version.review_comment = actor, timezone.now(), comment.strip()
    version.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_comment"])
    task_complete(
        task=task,
        actor=actor,
        completed_at=version.submitted_at,
        message=_("Tiếp nhận báo cáo lần %(number)d.") % {"number": version.number},
    )
    notices.accepted(task=task, version=version)
    return version


@transaction.atomic
def submission_return(*, task: Task, actor, comment: str) -> SubmissionVersion:
    """Send the pending version back with a comment; the party edits and submits again."""
    comment = (comment or "").strip()
    if not comment:
        raise SubmissionError(
            _("Cần ghi ý kiến khi trả lại báo cáo."),
            code="comment_required",
            field_errors={"comment": [_("Cần ghi ý kiến khi trả lại báo cáo.")]},
        )
    task = _lock_for(task, actor, Right.REVIEW)
    version = _pending_version(task)
    version.review = SubmissionVersion.Review.RETURNED
    version.reviewed_by, version.reviewed_at, version.review_comment = actor, timezone.now(), comment
    version.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_comment"])
    task.state = Task.State.RETURNED
    task.save(update_fields=["state", "updated_at"])
    task_record(
        task=task,
        actor=actor,
        action=TaskEvent.Action.RETURNED,
        message=_("Trả lại báo cáo lần %(number)d: %(comment)s") % {"number": version.number, "comment": comment},
        data={"version": version.number},
    )
    notices.returned(task=task, version=version)
    return version


@transaction.atomic
def task_excuse(*, task: Task, actor, reason: str) -> Task:
    reason = (reason or "").strip()
    if not reason:
        raise SubmissionError(
            _("Cần ghi lý do miễn."), code="reason_required", field_errors={"reason": [_("Cần ghi lý do miễn.")]}
        )
    task = _lock_for(task, actor, Right.REVIEW)
    if task.state == Task.State.DONE:
        raise SubmissionError(_("Nhiệm vụ đã hoàn thành; không thể miễn."), code="accepted")
    if task.state == Task.State.EXCUSED:
        raise SubmissionError(_("Nhiệm vụ này đã được miễn."), code="excused")
    SubmissionVersion.objects.filter(submission__task=task, review=SubmissionVersion.Review.PENDING).update(
        review=SubmissionVersion.Review.RETURNED,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        review_comment=_("Nhiệm vụ được miễn: %(reason)s") % {"reason": reason},
    )
    task.state = Task.State.EXCUSED
    task.excused_reason = reason
    task.save(update_fields=["state", "excused_reason", "updated_at"])
    task_record(
        task=task,
        actor=actor,
        action=TaskEvent.Action.EXCUSED,
        message=_("Miễn thực hiện: %(reason)s") % {"reason": reason},
    )
    notices.excused(task=task, reason=reason)
    return task
