"""The report exchange as services: draft, attach, submit, return, resubmit, accept, excuse."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from pypdf import PdfWriter

from obligations import services
from obligations.models import Attachment, FigureDefinition, Submission, SubmissionVersion, Task, TaskEvent
from tests.services_required import require_postgresql

HANOI = datetime.timezone(datetime.timedelta(hours=7))
BEFORE_DEADLINE = datetime.datetime(2025, 12, 1, 9, 0, tzinfo=HANOI)
AFTER_DEADLINE = datetime.datetime(2025, 12, 16, 0, 0, 1, tzinfo=HANOI)

SECTIONS = {
    "results": "Tổ chức 42 hoạt động phối hợp; ký 5 kế hoạch.",
    "limitations": "Một số cơ sở chưa chủ động.",
    "directions": "Tiếp tục tuyên truyền, giám sát năm 2026.",
    "proposals": "",
}


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name="bao-cao-2025.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


FIGURES = {"joint_activities": "42", "plans_signed": "5", "supervision_sessions": "12"}


@pytest.fixture
def task(demo):
    task = Task.objects.select_related("obligation", "party").get(party__code="qn-hnd", period__year=2025)
    FigureDefinition.objects.create(
        obligation=task.obligation, order=9, code="trainings", label="Số lớp tập huấn", unit="lớp", required=False
    )
    return task


@pytest.fixture
def hnd(users):
    return users["hnd"]


@pytest.fixture
def sonoivu(users):
    return users["sonoivu"]


def _ready_draft(task, user, *, figures=None):
    draft = services.submission_save_draft(
        task=task, actor=user, sections=SECTIONS, figures=figures or FIGURES, expected_revision=0
    )
    services.attachment_add(task=task, actor=user, upload=pdf_upload(), kind=Attachment.Kind.SIGNED_SCAN)
    return draft


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_submit_freezes_a_version_and_tells_the_focal_agency(task, hnd, sonoivu, django_capture_on_commit_callbacks):
    draft = _ready_draft(task, hnd)
    with django_capture_on_commit_callbacks(execute=True):  # the email is queued once the transaction commits
        version = services.submission_submit(task=task, actor=hnd, expected_revision=draft.revision)
    task.refresh_from_db()
    assert task.state == Task.State.SUBMITTED
    assert (version.number, version.sections["results"], version.figures) == (1, SECTIONS["results"], FIGURES)
    assert [a.original_name for a in version.attachments.all()] == ["bao-cao-2025.pdf"]
    [message] = [m for m in mail.outbox if sonoivu.email in m.to]
    assert "HND Quảng Ngãi" in message.subject or "Hội Nông dân tỉnh Quảng Ngãi" in message.subject
    assert f"/tasks/{task.pk}/" in message.body


@time_machine.travel(BEFORE_DEADLINE, tick=False)
def test_return_then_resubmit_then_accept_is_done_on_time_and_keeps_every_version(
    task, hnd, sonoivu, django_capture_on_commit_callbacks
):
    draft = _ready_draft(task, hnd)
    services.submission_submit(task=task, actor=hnd, expected_revision=draft.revision)
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_return(task=task, actor=sonoivu, comment="Bổ sung số kế hoạch đã ký.")
    task.refresh_from_db()
    assert task.state == Task.State.RETURNED
    assert any(hnd.email in m.to and "trả lại" in m.subject for m in mail.outbox)
    draft = services.submission_save_draft(
        task=task,
        actor=hnd,
        sections=SECTIONS | {"results": "Tổ chức 42 hoạt động; ký 6 kế hoạch."},
        figures=FIGURES | {"trainings": "6"},
        expected_revision=draft.revision,
    )
    services.submission_submit(task=task, actor=hnd, expected_revision=draft.revision)
    services.submission_accept(task=task, actor=sonoivu)
    task.refresh_from_db()
    assert (task.state, task.status, task.on_time) == (Task.State.DONE, Task.Status.DONE_ON_TIME, True)
    first, second = SubmissionVersion.objects.filter(submission__task=task).order_by("number")
    assert (first.review, first.figures) == ("returned", FIGURES)
    assert (second.review, second.figures) == ("accepted", FIGURES | {"trainings": "6"})
    assert [e.action for e in task.events.all()] == [
        "draft_saved",
        "file_added",
        "submitted",
        "returned",
        "draft_saved",
        "submitted",
        "accepted",
    ]


def test_a_version_submitted_after_the_due_day_is_done_late(task, hnd, sonoivu):
    with time_machine.travel(BEFORE_DEADLINE, tick=False):
        draft = _ready_draft(task, hnd)
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        services.submission_submit(task=task, actor=hnd, expected_revision=draft.revision)
        services.submission_accept(task=task, actor=sonoivu)
    task.refresh_from_db()
    assert task.status == Task.Status.DONE_LATE


def test_the_last_minute_of_the_due_day_in_hanoi_is_on_time(task, hnd, sonoivu):
    draft = _ready_draft(task, hnd)
    with time_machine.travel(datetime.datetime(2025, 12, 15, 23, 59, 59, tzinfo=HANOI), tick=False):
        services.submission_submit(task=task, actor=hnd, expected_revision=draft.revision)
    services.submission_accept(task=task, actor=sonoivu)
    task.refresh_from_db()
    assert task.on_time is True


def test_submit_without_required_sections_or_figures_names_each_missing_part(task, hnd):
    draft = services.submission_save_draft(
        task=task, actor=hnd, sections={"results": "Có kết quả."}, figures={}, expected_revision=0
    )
    with pytest.raises(services.SubmissionError) as error:
        services.submission_submit(task=task, actor=hnd, expected_revision=draft.revision)
    assert error.value.code == "incomplete"
    assert set(error.value.field_errors) == {
        "limitations",
        "directions",
        "fig_joint_activities",
        "fig_plans_signed",
        "fig_supervision_sessions",
    }
    assert "Tồn tại, hạn chế" in error.value.field_errors["limitations"][0]
    assert not SubmissionVersion.objects.filter(submission__task=task).exists()
    task.refresh_from_db()
    assert task.state == Task.State.OPEN


def test_submit_without_the_signed_scan_is_refused(task, hnd):
    draft = services.submission_save_draft(
        task=task, actor=hnd, sections=SECTIONS, figures=FIGURES, expected_revision=0
    )
    with pytest.raises(services.SubmissionError, match="bản báo cáo đã ký, đóng dấu"):
        services.submission_submit(task=task, actor=hnd, expected_revision=draft.revision)


def test_submitting_twice_creates_one_version(task, hnd):
    draft = _ready_draft(task, hnd)
    services.submission_submit(task=task, actor=hnd, expected_revision=draft.revision)
    with pytest.raises(services.SubmissionError) as error:
        services.submission_submit(task=task, actor=hnd, expected_revision=draft.revision)
    assert error.value.code == "already_submitted"
    assert SubmissionVersion.objects.filter(submission__task=task).count() == 1


def test_the_database_refuses_a_second_pending_version(task, hnd):
    draft = _ready_draft(task, hnd)
    version = services.submission_submit(task=task, actor=hnd, expected_revision=draft.revision)
    with pytest.raises(IntegrityError), transaction.atomic():
        SubmissionVersion.objects.create(
            submission=version.submission, number=2, submitted_by=hnd, submitted_at=version.submitted_at
        )


def test_an_accepted_report_cannot_be_edited_submitted_or_accepted_again(task, hnd, sonoivu):
    draft = _ready_draft(task, hnd)
    services.submission_submit(task=task, actor=hnd, expected_revision=draft.revision)
    services.submission_accept(task=task, actor=sonoivu)
    with pytest.raises(services.SubmissionError, match="đã được tiếp nhận"):
        services.submission_save_draft(task=task, actor=hnd, sections=SECTIONS, figures={}, expected_revision=2)
    with pytest.raises(services.SubmissionError, match="đã được tiếp nhận"):
        services.submission_submit(task=task, actor=hnd, expected_revision=2)
    with pytest.raises(services.SubmissionError, match="đã được tiếp nhận"):
        services.submission_accept(task=task, actor=sonoivu)


def test_returning_needs_a_comment(task, hnd, sonoivu):
    draft = _ready_draft(task, hnd)
    services.submission_submit(task=task, actor=hnd, expected_revision=draft.revision)
    with pytest.raises(services.SubmissionError, match="Cần ghi ý kiến"):
        services.submission_return(task=task, actor=sonoivu, comment="   ")
    task.refresh_from_db()
    assert task.state == Task.State.SUBMITTED


def test_a_stale_save_is_refused_and_the_saved_text_is_kept(task, hnd, users):
    services.submission_save_draft(task=task, actor=hnd, sections=SECTIONS, figures={}, expected_revision=0)
    with pytest.raises(services.ConcurrentEditError) as error:
        services.submission_save_draft(
            task=task, actor=hnd, sections={"results": "Bản của người thứ hai"}, figures={}, expected_revision=0
        )
    assert error.value.current.results == SECTIONS["results"]
    assert Submission.objects.get(task=task).results == SECTIONS["results"]


def test_excusing_needs_a_reason_and_stops_the_task(task, sonoivu):
    with pytest.raises(services.SubmissionError, match="lý do"):
        services.task_excuse(task=task, actor=sonoivu, reason="")
    services.task_excuse(task=task, actor=sonoivu, reason="Đơn vị đang hợp nhất theo Nghị quyết của Quốc hội.")
    task.refresh_from_db()
    assert (task.status, task.excused_reason) == (
        Task.Status.EXCUSED,
        "Đơn vị đang hợp nhất theo Nghị quyết của Quốc hội.",
    )


# --- uploads -------------------------------------------------------------------------------------------


def test_a_text_file_renamed_to_pdf_is_refused(task, hnd):
    fake = SimpleUploadedFile("bao-cao.pdf", b"Day khong phai la PDF", content_type="application/pdf")
    with pytest.raises(ValidationError, match=r"không phải là tệp \.pdf thật"):
        services.attachment_add(task=task, actor=hnd, upload=fake, kind=Attachment.Kind.SIGNED_SCAN)
    assert not Attachment.objects.exists()
    assert not TaskEvent.objects.filter(action="file_added").exists()


def test_an_executable_is_refused_whatever_its_name(task, hnd):
    exe = SimpleUploadedFile("tai-lieu.exe", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ValidationError, match="Chỉ nhận tệp PDF, DOCX, XLSX, PNG hoặc JPG"):
        services.attachment_add(task=task, actor=hnd, upload=exe, kind=Attachment.Kind.SUPPORTING)


def test_the_signed_scan_must_be_a_pdf(task, hnd):
    png = SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(ValidationError, match="phải là tệp PDF"):
        services.attachment_add(task=task, actor=hnd, upload=png, kind=Attachment.Kind.SIGNED_SCAN)


def test_an_oversized_file_is_refused(task, hnd, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("lon.pdf", pdf_bytes() + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError, match="quá lớn"):
        services.attachment_add(task=task, actor=hnd, upload=big, kind=Attachment.Kind.SIGNED_SCAN)


def test_stored_names_are_random_and_the_original_name_is_sanitised(task, hnd):
    attachment = services.attachment_add(
        task=task, actor=hnd, upload=pdf_upload("../../etc/Báo cáo\x00 năm 2025.pdf"), kind=Attachment.Kind.SIGNED_SCAN
    )
    assert attachment.original_name == "Báo cáo năm 2025.pdf"
    assert "Báo" not in attachment.file.name and ".." not in attachment.file.name
    assert attachment.file.name.endswith(".pdf")
    assert len(attachment.sha256) == 64


def test_a_docx_and_an_xlsx_are_accepted_as_supporting_files(task, hnd):
    import openpyxl

    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    xlsx = SimpleUploadedFile("so-lieu.xlsx", buffer.getvalue())
    attachment = services.attachment_add(task=task, actor=hnd, upload=xlsx, kind=Attachment.Kind.SUPPORTING)
    assert attachment.content_type.endswith("spreadsheetml.sheet")


# --- the trail -----------------------------------------------------------------------------------------


def test_the_trail_cannot_be_changed_or_deleted_through_the_app(task, hnd):
    services.submission_save_draft(task=task, actor=hnd, sections=SECTIONS, figures={}, expected_revision=0)
    event = TaskEvent.objects.get(task=task)
    event.message = "sửa lại lịch sử"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        TaskEvent.objects.update(message="x")
    with pytest.raises(PermissionError):
        TaskEvent.objects.all().delete()
    assert TaskEvent.objects.get(task=task).message != "sửa lại lịch sử"


def test_on_postgresql_the_database_itself_refuses_to_rewrite_the_trail(task, hnd):
    require_postgresql()  # skips on a bare machine, fails in CI
    services.submission_save_draft(task=task, actor=hnd, sections=SECTIONS, figures={}, expected_revision=0)
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE obligations_taskevent SET message = 'x'")
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM obligations_taskevent")
