"""Celery tasks of the reports app: thin, by id; the work is in services, pdf and exports."""

import io
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import override

from regulations.rights import Right
from regulations.selectors import get_document_for_user, get_meeting_for_user
from signatures.credentials import SigningError
from signatures.signing import sign_pdf

from . import exports, import_jobs, pdf, selectors, services, word
from .models import GeneratedFile, ImportJob

logger = logging.getLogger(__name__)

# The hard limit kills a stuck render; the soft limit a little before lets the task record the failure.
TIME_LIMIT = settings.REPORT_PDF_TIME_LIMIT


@shared_task(soft_time_limit=max(TIME_LIMIT - 10, 1), time_limit=TIME_LIMIT)
def generate_file(generated_id: int) -> None:
    generated = services.generated_file_claim(generated_id=generated_id)
    if generated is None:
        return  # already done, or claimed by another worker
    try:
        with override(generated.params.get("language") or settings.LANGUAGE_CODE):
            content, filename = _produce(generated)
        services.generated_file_store(generated=generated, content=content, filename=filename)
        if generated.kind == GeneratedFile.Kind.CONSOLIDATED_SIGNED:
            services.consolidated_report_attach_signed(generated=generated)
    except (SigningError, services.ReportError) as error:  # no certificate, a wrong passphrase, a stale sign
        services.generated_file_fail(generated=generated, error=error.message)
    except SoftTimeLimitExceeded:
        services.generated_file_fail(generated=generated, error=_("Quá thời gian cho phép để tạo tệp."))
    except (Http404, PermissionDenied):  # the user lost access between the request and the work
        services.generated_file_fail(generated=generated, error=_("Bạn không còn quyền xem dữ liệu này."))
    except Exception:  # the user gets a plain message; the log keeps the trace for the administrator
        logger.exception("generated file %s failed", generated_id)
        services.generated_file_fail(
            generated=generated, error=_("Lỗi hệ thống khi tạo tệp; quản trị viên có thể xem chi tiết trong nhật ký.")
        )
        if settings.CELERY_TASK_ALWAYS_EAGER and settings.DEBUG:
            raise


@shared_task(soft_time_limit=50, time_limit=60)
def reclaim_stale_files() -> dict:
    """Files whose worker died mid-render are run again, or given up (config/celery.py: every minute)."""
    return services.generated_files_reclaim()


def _produce(generated: GeneratedFile) -> tuple[bytes, str]:
    user = generated.requested_by
    kind = generated.kind
    if kind == GeneratedFile.Kind.CONSOLIDATED_PDF:
        report = selectors.get_consolidated_for_user(user, generated.object_id)
        services.generated_file_progress(generated=generated, progress=30)
        content = pdf.html_to_pdf(pdf.consolidated_html(report))
        return content, f"bao-cao-tong-hop-{report.period.year}-{report.jurisdiction.code}.pdf"
    if kind == GeneratedFile.Kind.CONSOLIDATED_SIGNED:
        report = selectors.get_consolidated_for_user(user, generated.object_id, right=Right.COMPILE)
        services.generated_file_progress(generated=generated, progress=20)
        content = pdf.html_to_pdf(pdf.consolidated_html(report))
        services.generated_file_progress(generated=generated, progress=70)
        signed = sign_pdf(
            content,
            code=selectors.signer_code(report),
            signer_name=report.signer_name,
            reason=_("Gửi báo cáo tổng hợp %(period)s") % {"period": report.period.label},
            location=report.place,
            font=pdf.FONT_DIR / "LiberationSerif-Regular.ttf",
        )
        return signed.content, f"bao-cao-tong-hop-{report.period.year}-{report.jurisdiction.code}-ky-so.pdf"
    if kind == GeneratedFile.Kind.DOCUMENT_PDF:
        document = get_document_for_user(user, generated.object_id)
        services.generated_file_progress(generated=generated, progress=30)
        return pdf.html_to_pdf(pdf.document_html(document)), f"van-ban-{document.pk}.pdf"
    if kind == GeneratedFile.Kind.MEETING_PDF:
        meeting = get_meeting_for_user(user, generated.object_id)
        services.generated_file_progress(generated=generated, progress=30)
        return pdf.html_to_pdf(pdf.meeting_html(meeting)), f"thong-bao-ket-luan-{meeting.pk}.pdf"
    if kind == GeneratedFile.Kind.CONSOLIDATED_DOCX:
        report = selectors.get_consolidated_for_user(user, generated.object_id)
        return word.consolidated_docx(report), f"bao-cao-tong-hop-{report.period.year}-{report.jurisdiction.code}.docx"
    if kind == GeneratedFile.Kind.DOCUMENT_DOCX:
        document = get_document_for_user(user, generated.object_id)
        return word.document_docx(document), f"van-ban-{document.pk}.docx"
    if kind == GeneratedFile.Kind.MEETING_DOCX:
        meeting = get_meeting_for_user(user, generated.object_id)
        return word.meeting_docx(meeting), f"thong-bao-ket-luan-{meeting.pk}.docx"
    if kind == GeneratedFile.Kind.EXPORT:
        params = generated.params
        spec = exports.spec_for(user, params["what"], params)
        total = spec.count()
        services.generated_file_progress(generated=generated, progress=0, total_rows=total)

        def progress(done: int) -> None:
            services.generated_file_progress(generated=generated, progress=int(99 * done / total) if total else 99)

        out = io.BytesIO()
        exports.write(spec, params["format"], out, progress=progress, total=total)
        return out.getvalue(), f"{spec.name}.{params['format']}"
    raise ValueError(kind)


IMPORT_TIME_LIMIT = settings.IMPORT_TIME_LIMIT


@shared_task(soft_time_limit=max(IMPORT_TIME_LIMIT - 30, 1), time_limit=IMPORT_TIME_LIMIT)
def run_import_job(job_id: int) -> None:
    """The job's next step: the preview of an uploaded file, or the import of a confirmed one."""
    job = import_jobs.import_job_claim(job_id=job_id)
    if job is None:
        return  # finished, waiting for its requester, or held by another worker
    try:
        with override(job.language or settings.LANGUAGE_CODE):
            if job.status == ImportJob.Status.PREVIEWING:
                import_jobs.import_job_preview(job=job)
            else:
                import_jobs.import_job_run(job=job)
    except PermissionDenied:  # the import right went between the upload (or the confirmation) and the work
        with override(job.language or settings.LANGUAGE_CODE):
            message = _("Bạn không còn quyền nhập dữ liệu vào %(jurisdiction)s.") % {"jurisdiction": job.jurisdiction}
        import_jobs.import_job_fail(job=job, error=message)
    except SoftTimeLimitExceeded:
        with override(job.language or settings.LANGUAGE_CODE):
            message = _("Quá thời gian cho phép; chưa có dòng nào được nhập. Hãy chia nhỏ tệp.")
        import_jobs.import_job_fail(job=job, error=message)
    except Exception:
        logger.exception("import job %s failed", job_id)
        with override(job.language or settings.LANGUAGE_CODE):
            message = _("Lỗi hệ thống khi nhập; chưa có dòng nào được nhập. Quản trị viên có thể xem nhật ký.")
        import_jobs.import_job_fail(job=job, error=message)
        if settings.CELERY_TASK_ALWAYS_EAGER and settings.DEBUG:
            raise
