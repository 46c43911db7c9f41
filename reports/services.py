"""Changes of state of the reports app. Views, admin and Celery tasks call these."""

import datetime
import hashlib
import json
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from obligations.models import Period, Task
from obligations.services import task_complete
from outbox.services import enqueue
from regulations.models import Party
from regulations.rights import Right, refuse, require, require_actor
from regulations.selectors import get_document_for_user, get_meeting_for_user

from . import exports, notices, selectors
from .models import CalendarToken, ConsolidatedReport, GeneratedFile

logger = logging.getLogger(__name__)

STOPPED_MESSAGE = gettext_lazy(
    "Đã dừng giữa chừng: trình tạo tệp bị dừng nhiều lần khi đang làm. Bấm “Thử lại” để tạo lại tệp."
)


class ReportError(Exception):
    """A refused change, with the Vietnamese message the user sees."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _require_compiler(actor, jurisdiction: Party) -> None:
    """Only the jurisdiction's focal agency writes its consolidated report, whoever calls."""
    require_actor(actor, Right.COMPILE)
    require(selectors.can_compile(actor, jurisdiction), Right.COMPILE)


def _lock(report: ConsolidatedReport) -> ConsolidatedReport:
    return (
        ConsolidatedReport.objects.select_for_update(of=("self",))
        .select_related("jurisdiction", "period", "task__obligation")
        .get(pk=report.pk)
    )


@transaction.atomic
def consolidated_report_create(*, jurisdiction: Party, period: Period, actor) -> ConsolidatedReport:
    """Open (or return the existing) consolidated report of a jurisdiction for a period, pre-filled."""
    _require_compiler(actor, jurisdiction)
    if not jurisdiction.is_jurisdiction:
        raise ReportError(_("Chỉ lập báo cáo tổng hợp cho một cấp chính quyền."), code="not_jurisdiction")
    existing = ConsolidatedReport.objects.filter(jurisdiction=jurisdiction, period=period).first()
    if existing is not None:
        return existing
    task = selectors.rollup_task(jurisdiction, period)
    focal = jurisdiction.focal_agency
    report = ConsolidatedReport(
        jurisdiction=jurisdiction,
        period=period,
        task=task,
        created_by=actor,
        addressees=jurisdiction.name,
        place="",
        distribution="\n".join(
            [
                _("- Như trên;"),
                _("- Lưu: VT, %(unit)s.") % {"unit": (focal or jurisdiction).abbreviation},
            ]
        ),
        signing_block=_("GIÁM ĐỐC"),
    )
    try:
        with transaction.atomic():  # a savepoint: another session may create the same report meanwhile
            report.save()
    except IntegrityError:
        # It did (consolidated_report_unique): the loser opens the winner's report, as if it had come second.
        existing = ConsolidatedReport.objects.filter(jurisdiction=jurisdiction, period=period).first()
        if existing is None:
            raise
        return existing
    return report


EDITABLE_FIELDS = ConsolidatedReport.TEXT_FIELDS


@transaction.atomic
def consolidated_report_update(*, report: ConsolidatedReport, actor, data: dict) -> ConsolidatedReport:
    report = _lock(report)
    _require_compiler(actor, report.jurisdiction)
    if not report.is_editable:
        raise ReportError(_("Báo cáo đã hoàn chỉnh; hãy mở lại để sửa."), code="not_editable")
    changed = []
    for name in EDITABLE_FIELDS:
        if name in data and getattr(report, name) != data[name]:
            setattr(report, name, data[name])
            changed.append(name)
    if changed:
        report.save(update_fields=[*changed, "updated_at"])
    return report


@transaction.atomic
def consolidated_report_finalise(*, report: ConsolidatedReport, actor) -> ConsolidatedReport:
    """Freeze the gathered content: what is printed and submitted no longer moves with later reviews."""
    report = _lock(report)
    _require_compiler(actor, report.jurisdiction)
    if report.state != ConsolidatedReport.State.DRAFT:
        raise ReportError(_("Chỉ hoàn chỉnh được báo cáo đang là dự thảo."), code="not_draft")
    if not report.assessment.strip():
        raise ReportError(_("Cần viết phần đánh giá chung trước khi hoàn chỉnh."), code="assessment_required")
    report.snapshot = selectors.compute_consolidated_content(report)
    report.state = ConsolidatedReport.State.FINALISED
    report.finalised_at = timezone.now()
    report.save(update_fields=["snapshot", "state", "finalised_at", "updated_at"])
    notices.finalised(report=report, actor=actor)
    return report


@transaction.atomic
def consolidated_report_reopen(*, report: ConsolidatedReport, actor) -> ConsolidatedReport:
    report = _lock(report)
    _require_compiler(actor, report.jurisdiction)
    if report.state != ConsolidatedReport.State.FINALISED:
        raise ReportError(_("Chỉ mở lại được báo cáo đã hoàn chỉnh, chưa gửi."), code="not_finalised")
    report.snapshot = {}
    report.state = ConsolidatedReport.State.DRAFT
    report.finalised_at = None
    report.signed_file = None  # the signature covered the finalised text, which may now change
    report.save(update_fields=["snapshot", "state", "finalised_at", "signed_file", "updated_at"])
    return report


@transaction.atomic
def consolidated_report_sign(*, report: ConsolidatedReport, actor) -> GeneratedFile:
    """Ask a worker to render the finalised report and sign it with the focal agency's certificate. The
    signed PDF becomes the report's signed file when it is done, if the report has not been reopened since."""
    report = _lock(report)
    _require_compiler(actor, report.jurisdiction)
    if report.state != ConsolidatedReport.State.FINALISED:
        raise ReportError(_("Chỉ ký số được báo cáo đã hoàn chỉnh, chưa gửi."), code="not_finalised")
    if not selectors.signing_expected(report):
        raise ReportError(
            _("%(unit)s chưa được cấu hình chứng thư số; quản trị viên xem hướng dẫn trong docs/signatures.md.")
            % {"unit": (report.jurisdiction.focal_agency or report.jurisdiction).name},
            code="no_credential",
        )
    assert report.finalised_at is not None
    return generated_file_request(
        kind=GeneratedFile.Kind.CONSOLIDATED_SIGNED,
        actor=actor,
        object_id=report.pk,
        params={"finalised_at": report.finalised_at.isoformat()},
    )


@transaction.atomic
def consolidated_report_attach_signed(*, generated: GeneratedFile) -> ConsolidatedReport:
    """The worker's signed PDF becomes the report's signed file, if it signed the current finalisation."""
    report = _lock(ConsolidatedReport(pk=generated.object_id))
    finalised = report.finalised_at.isoformat() if report.finalised_at else None
    if report.state != ConsolidatedReport.State.FINALISED or generated.params.get("finalised_at") != finalised:
        raise ReportError(_("Báo cáo đã được mở lại trong khi ký; hãy ký lại bản mới."), code="stale")
    report.signed_file = generated
    report.save(update_fields=["signed_file", "updated_at"])
    return report


@transaction.atomic
def consolidated_report_submit(*, report: ConsolidatedReport, actor) -> ConsolidatedReport:
    """Send the finalised report to the People's Committee: this completes the focal agency's roll-up task,
    on time when before the end of its due day."""
    report = _lock(report)
    _require_compiler(actor, report.jurisdiction)
    if report.state != ConsolidatedReport.State.FINALISED:
        raise ReportError(_("Cần hoàn chỉnh báo cáo trước khi gửi."), code="not_finalised")
    signed = report.signed_file
    if signed is None and selectors.signing_expected(report):
        raise ReportError(_("Cần ký số báo cáo trước khi gửi UBND."), code="not_signed")
    now = timezone.now()
    report.state = ConsolidatedReport.State.SUBMITTED
    report.submitted_at, report.submitted_by = now, actor
    report.submitted_sha256 = signed.sha256 if signed else ""
    report.save(update_fields=["state", "submitted_at", "submitted_by", "submitted_sha256", "updated_at"])
    if report.task_id:
        task = Task.objects.select_for_update().get(pk=report.task_id)
        if task.state not in (Task.State.DONE, Task.State.EXCUSED):
            period = report.period.label
            message = (
                _("Gửi báo cáo tổng hợp %(period)s, bản ký số SHA-256 %(sha256)s.")
                % {"period": period, "sha256": signed.sha256}
                if signed
                else _("Gửi báo cáo tổng hợp %(period)s (bản không ký số).") % {"period": period}
            )
            task_complete(
                task=task,
                actor=actor,
                completed_at=now,
                message=message,
                data={"consolidated_report": report.pk, "sha256": report.submitted_sha256},
            )
    notices.submitted(report=report, actor=actor)
    return report


# --- generated files ----------------------------------------------------------------------------------


GENERATE_TASK = "reports.tasks.generate_file"


def _dedupe_key(*, kind: str, object_id: int | None, params: dict, actor) -> str:
    raw = json.dumps([kind, object_id, params, actor.pk], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def generated_file_request(*, kind: str, actor, object_id: int | None = None, params: dict | None = None):
    """Record the request and its hand-over to a worker in one transaction (the outbox: a broker that is down
    delays the file, never loses it). A second click while the same file is queued or running gets that one.
    The actor must be able to read what the file will show, whoever calls: nothing is queued for an object
    they cannot see."""
    params = params or {}
    _require_readable(actor=actor, kind=kind, object_id=object_id, params=params)
    key = _dedupe_key(kind=kind, object_id=object_id, params=params, actor=actor)
    active = GeneratedFile.objects.filter(
        dedupe_key=key, status__in=[GeneratedFile.Status.PENDING, GeneratedFile.Status.RUNNING]
    )
    if (running := active.first()) is not None:
        return running
    try:
        with transaction.atomic():
            generated = GeneratedFile.objects.create(
                kind=kind, object_id=object_id, params=params, requested_by=actor, dedupe_key=key
            )
            enqueue(GENERATE_TASK, generated.pk)
    except IntegrityError:  # two clicks at once: generated_file_one_active_per_request keeps the first
        if (running := active.first()) is None:
            raise
        return running
    return generated


def _require_readable(*, actor, kind: str, object_id: int | None, params: dict) -> None:
    """The page's own getters decide (the worker asks them again when it runs). A service refuses rather
    than answering 404: its caller is a program, not a visitor to keep in the dark."""
    require_actor(actor, Right.READ)
    try:
        if kind in (GeneratedFile.Kind.CONSOLIDATED_PDF, GeneratedFile.Kind.CONSOLIDATED_DOCX):
            selectors.get_consolidated_for_user(actor, object_id)
        elif kind == GeneratedFile.Kind.CONSOLIDATED_SIGNED:  # signing is the focal agency's act
            selectors.get_consolidated_for_user(actor, object_id, right=Right.COMPILE)
        elif kind in (GeneratedFile.Kind.DOCUMENT_PDF, GeneratedFile.Kind.DOCUMENT_DOCX):
            get_document_for_user(actor, object_id)
        elif kind in (GeneratedFile.Kind.MEETING_PDF, GeneratedFile.Kind.MEETING_DOCX):
            get_meeting_for_user(actor, object_id)
        elif kind == GeneratedFile.Kind.EXPORT:
            exports.spec_for(actor, params.get("what", ""), params)
        else:
            raise ValueError(kind)
    except Http404:
        raise refuse(Right.READ) from None


def _stale(now: datetime.datetime) -> Q:
    """Silent for REPORT_STALE_SECONDS: no heartbeat since then (or, never started, created before then)."""
    cutoff = now - datetime.timedelta(seconds=settings.REPORT_STALE_SECONDS)
    return Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)


def generated_file_claim(*, generated_id: int) -> GeneratedFile | None:
    """Claim a queued file, or take back one whose worker died (running, silent for REPORT_STALE_SECONDS), by
    compare-and-set: a second worker, or a second delivery of the message, finds nothing to do."""
    now = timezone.now()
    claimable = Q(status=GeneratedFile.Status.PENDING) | (Q(status=GeneratedFile.Status.RUNNING) & _stale(now))
    claimed = (
        GeneratedFile.objects.filter(claimable, pk=generated_id)
        .filter(attempts__lt=settings.REPORT_MAX_ATTEMPTS)
        .update(status=GeneratedFile.Status.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    return GeneratedFile.objects.select_related("requested_by").get(pk=generated_id)


def generated_file_progress(*, generated: GeneratedFile, progress: int, total_rows: int | None = None) -> None:
    """Record how far the worker got; it is also the worker's heartbeat."""
    generated.progress = max(0, min(100, progress))
    fields = {"progress": generated.progress, "heartbeat_at": timezone.now()}
    if total_rows is not None:
        generated.total_rows = fields["total_rows"] = total_rows
    GeneratedFile.objects.filter(pk=generated.pk, attempts=generated.attempts).update(**fields)


def generated_files_reclaim(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The beat's pass over unfinished files. A running file whose worker fell silent is run again, or, after
    REPORT_MAX_ATTEMPTS runs, marked failed so its page stops waiting and offers "Thử lại". A file still
    queued after the same time (its message was lost with the broker) is handed over again; the claim makes
    a duplicate hand-over harmless."""
    now = now or timezone.now()
    unfinished = GeneratedFile.objects.filter(
        _stale(now), status__in=[GeneratedFile.Status.PENDING, GeneratedFile.Status.RUNNING]
    )
    given_up = unfinished.filter(attempts__gte=settings.REPORT_MAX_ATTEMPTS).update(
        status=GeneratedFile.Status.FAILED, error=str(STOPPED_MESSAGE), finished_at=now
    )
    with transaction.atomic():
        ids = list(
            unfinished.filter(attempts__lt=settings.REPORT_MAX_ATTEMPTS)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:1000]
        )
        # Queued again, and its clock restarted, so the next pass does not hand it over a second time.
        GeneratedFile.objects.filter(pk__in=ids).update(status=GeneratedFile.Status.PENDING, heartbeat_at=now)
        for pk in ids:
            enqueue(GENERATE_TASK, pk)
    requeued = len(ids)
    if given_up or requeued:
        logger.warning("generated files: %s handed over again, %s given up after their worker died", requeued, given_up)
    return {"requeued": requeued, "failed": given_up}


@transaction.atomic
def generated_file_retry(*, generated: GeneratedFile, actor) -> GeneratedFile:
    """The requester asks again for a file that failed: the same row is queued afresh, once however many
    clicks (compare-and-set on the failed state)."""
    if generated.requested_by_id != actor.pk and not actor.is_superuser:
        raise refuse(Right.READ)
    _require_readable(actor=actor, kind=generated.kind, object_id=generated.object_id, params=generated.params)
    reset = GeneratedFile.objects.filter(pk=generated.pk, status=GeneratedFile.Status.FAILED).update(
        status=GeneratedFile.Status.PENDING,
        progress=0,
        attempts=0,
        error="",
        started_at=None,
        heartbeat_at=None,
        finished_at=None,
    )
    if not reset:
        raise ReportError(_("Tệp này không ở trạng thái lỗi nên không cần thử lại."), code="not_failed")
    enqueue(GENERATE_TASK, generated.pk)
    generated.refresh_from_db()
    return generated


def generated_file_store(*, generated: GeneratedFile, content: bytes, filename: str) -> GeneratedFile:
    """Keep the file privately with its sha256, so a copy handed on can be checked against the original."""
    generated.sha256 = hashlib.sha256(content).hexdigest()
    generated.size = len(content)
    generated.filename = filename
    generated.file.save(filename, ContentFile(content), save=False)
    generated.status = GeneratedFile.Status.DONE
    generated.progress = 100
    generated.finished_at = timezone.now()
    # Only the run that holds the claim records its file: one taken back meanwhile leaves it to the newer run.
    stored = GeneratedFile.objects.filter(
        pk=generated.pk,
        status__in=[GeneratedFile.Status.PENDING, GeneratedFile.Status.RUNNING],
        attempts=generated.attempts,
    ).update(
        sha256=generated.sha256,
        size=generated.size,
        filename=filename,
        file=generated.file.name,
        status=generated.status,
        progress=100,
        finished_at=generated.finished_at,
    )
    if not stored:
        generated.file.delete(save=False)
    return generated


def generated_file_fail(*, generated: GeneratedFile, error: str) -> None:
    GeneratedFile.objects.filter(pk=generated.pk, attempts=generated.attempts).update(
        status=GeneratedFile.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


# --- calendar feed ------------------------------------------------------------------------------------


@transaction.atomic
def calendar_token_issue(*, user) -> CalendarToken:
    """A new secret address; the previous one stops working."""
    # Two clicks at once: the second waits for the first, revokes its token and issues its own (one active
    # token per user, calendar_token_one_active_per_user).
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return CalendarToken.objects.create(user=user)


def calendar_token_revoke(*, user) -> int:
    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
