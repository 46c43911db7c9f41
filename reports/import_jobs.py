"""Spreadsheet imports as jobs (writes): the request only checks the file and records it; a worker previews
it (nothing saved), the requester confirms, and a worker imports it, all or nothing.

The import of the whole file runs in one transaction, so its progress cannot be written to the job's row
(no one would see it before the commit): it goes to the cache, which the web and the worker share (Redis),
and the status page reads it there."""

import csv
import io
import logging
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from outbox.services import enqueue
from regulations.models import Party
from regulations.rights import Right, require, require_actor

from . import imports
from .models import ImportJob
from .selectors import can_import

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 200


class ImportJobError(Exception):
    """A refused upload or confirmation, with the Vietnamese message the user sees."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def number_text(value: int) -> str:
    """20.000, as Vietnamese writes thousands."""
    return f"{value:,}".replace(",", ".")


def size_message() -> str:
    return _("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)}


def count_rows(content: bytes, filename: str) -> int:
    """The data rows of a file (its header and blank lines left out), without importing it: a pass of the csv
    reader, or the rows of the first sheet read as a stream. Unreadable: ImportJobError."""
    name = filename.lower()
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportJobError(_("Không đọc được tệp CSV: hãy lưu tệp với bảng mã UTF-8."), code="encoding") from None
        try:
            rows = sum(1 for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row))
        except csv.Error:
            raise ImportJobError(_("Không đọc được tệp; hãy kiểm tra định dạng."), code="unreadable") from None
        return max(rows - 1, 0)
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            raise ImportJobError(_("Không đọc được tệp; hãy kiểm tra định dạng."), code="unreadable") from None
        try:
            sheet = workbook.active
            rows = sum(1 for row in sheet.iter_rows(values_only=True) if any(cell not in (None, "") for cell in row))
        finally:
            workbook.close()
        return max(rows - 1, 0)
    raise ImportJobError(_("Chỉ nhận tệp .xlsx hoặc .csv."), code="type")


def import_job_create(*, actor, jurisdiction: Party, what: str, filename: str, content: bytes) -> ImportJob:
    """Check the file quickly (its type, size, encoding, number of rows), keep it privately, and queue the
    preview. Nothing of the file is imported here. The actor must hold the import right on the jurisdiction."""
    require_actor(actor, Right.IMPORT)
    require(can_import(actor, jurisdiction), Right.IMPORT)
    if what not in imports.RESOURCES:
        raise ImportJobError(_("Loại dữ liệu không hợp lệ."), code="what")
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise ImportJobError(size_message(), code="size")
    rows = count_rows(content, filename)
    limit = settings.IMPORT_MAX_ROWS
    if rows > limit:
        raise ImportJobError(
            _("Tệp có %(rows)s dòng, vượt giới hạn %(limit)s dòng mỗi lần nhập; hãy chia nhỏ tệp.")
            % {"rows": number_text(rows), "limit": number_text(limit)},
            code="rows",
        )
    if rows == 0:
        raise ImportJobError(_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."), code="empty")
    with transaction.atomic():
        job = ImportJob(
            requested_by=actor,
            jurisdiction=jurisdiction,
            what=what,
            filename=filename[:200],
            total_rows=rows,
            language=get_language() or settings.LANGUAGE_CODE,
        )
        job.file.save("import.xlsx" if filename.lower().endswith(".xlsx") else "import.csv", ContentFile(content))
        _dispatch_import(job)
    return job


def import_job_confirm(*, actor, job: ImportJob) -> ImportJob:
    """The requester confirms a preview without errors: the job is queued once (compare-and-set), however
    many times the button is pressed. The import right is checked again: it may have gone since the upload."""
    require_actor(actor, Right.IMPORT)
    require(can_import(actor, job.jurisdiction), Right.IMPORT)
    if job.requested_by_id != actor.pk:
        raise ImportJobError(_("Chỉ người tải tệp lên mới xác nhận được lần nhập này."), code="requester")
    with transaction.atomic():
        confirmed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED, preview__ok=True).update(
            status=ImportJob.Status.CONFIRMED, confirmed_at=timezone.now(), progress=0
        )
        if confirmed:
            _dispatch_import(job)
    job.refresh_from_db()
    if not confirmed and job.status not in (
        ImportJob.Status.CONFIRMED,
        ImportJob.Status.IMPORTING,
        ImportJob.Status.DONE,
    ):
        raise ImportJobError(_("Lần nhập này không còn chờ xác nhận."), code="state")
    return job  # a second click finds it confirmed already: nothing more to do


def _dispatch_import(job: ImportJob) -> None:
    """The one place an import job is handed to a worker: recorded in the caller's transaction (the outbox),
    handed over after the commit; a broker that is down delays it, the beat's drain hands it over later."""
    enqueue("reports.tasks.run_import_job", job.pk)


def import_job_claim(*, job_id: int) -> ImportJob | None:
    """Take the job for its next step (compare-and-set): pending -> previewing, confirmed -> importing. A job
    held longer than the task may run (its worker was killed: the redelivered message) is taken back; anything
    else finds nothing to do."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.IMPORT_TIME_LIMIT + 60)
    steps = [
        (ImportJob.Status.PENDING, ImportJob.Status.PREVIEWING),
        (ImportJob.Status.CONFIRMED, ImportJob.Status.IMPORTING),
    ]
    for waiting, running in steps:
        taken = ImportJob.objects.filter(
            Q(status=waiting) | Q(status=running, heartbeat_at__lt=stale), pk=job_id
        ).update(status=running, started_at=now, heartbeat_at=now, progress=0)
        if taken:
            return ImportJob.objects.select_related("requested_by", "jurisdiction").get(pk=job_id)
    return None


def _progress_key(job_id: int) -> str:
    return f"reports:import-job:{job_id}:progress"


def import_job_progress(*, job: ImportJob, done: int) -> None:
    """Rows done so far, as a percentage, in the cache (the import's transaction hides the row)."""
    total = job.total_rows or 1
    cache.set(_progress_key(job.pk), min(99, int(100 * done / total)), timeout=settings.IMPORT_TIME_LIMIT + 120)


def import_job_current_progress(job: ImportJob) -> int:
    """What the status page shows: the worker's latest figure while it works, else the row's."""
    if job.status in ImportJob.RUNNING:
        cached = cache.get(_progress_key(job.pk))
        if cached is not None:
            return max(job.progress, int(cached))
    return job.progress


def _row_reporter(job: ImportJob):
    """Report every 1% of the rows (and at least every 200 rows) to keep the cache writes few."""
    step = max(1, min(200, job.total_rows // 100))

    def on_row(done: int) -> None:
        if done % step == 0:
            import_job_progress(job=job, done=done)

    return on_row


def _dataset(job: ImportJob):
    with job.file.open("rb") as handle:
        content = handle.read()
    return imports.load_dataset(content, job.filename)


def import_job_preview(*, job: ImportJob) -> ImportJob:
    """The dry run, in the worker: every error, the first rows, nothing saved."""
    dataset = _dataset(job)
    job.total_rows = len(dataset)
    ImportJob.objects.filter(pk=job.pk).update(total_rows=job.total_rows)
    outcome = imports.run_import(
        what=job.what,
        dataset=dataset,
        dry_run=True,
        actor=job.requested_by,
        jurisdiction=job.jurisdiction,
        on_row=_row_reporter(job),
    )
    preview = outcome.as_json()
    preview["preview"] = preview["preview"][:PREVIEW_ROWS]
    job.preview = preview
    if outcome.ok:
        job.status = ImportJob.Status.PREVIEWED
        job.progress = 100
        job.save(update_fields=["preview", "status", "progress"])
    else:
        _finish(job, ImportJob.Status.REJECTED, fields=["preview"])
    return job


def import_job_run(*, job: ImportJob) -> ImportJob:
    """The import itself, in the worker: every row or none (run_import's one transaction)."""
    outcome = imports.run_import(
        what=job.what,
        dataset=_dataset(job),
        dry_run=False,
        actor=job.requested_by,
        jurisdiction=job.jurisdiction,
        on_row=_row_reporter(job),
    )
    job.result = {
        "ok": outcome.ok,
        "counts": outcome.counts,
        "errors": outcome.errors,
        "tasks_created": outcome.tasks_created,
    }
    _finish(job, ImportJob.Status.DONE if outcome.ok else ImportJob.Status.FAILED, fields=["result"])
    return job


def import_job_fail(*, job: ImportJob, error: str) -> None:
    job.error = error[:2000]
    _finish(job, ImportJob.Status.FAILED, fields=["error"])


def _finish(job: ImportJob, status: str, *, fields: list[str]) -> None:
    """A job that ends gives its file back: the rows are in the database, or refused."""
    job.status = status
    job.progress = 100
    job.finished_at = timezone.now()
    if job.file:
        job.file.delete(save=False)
    job.save(update_fields=[*fields, "status", "progress", "finished_at", "file"])
    cache.delete(_progress_key(job.pk))
