"""The report exchange in the browser's terms: every URL × every role, and what bad input shows."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from obligations import services
from obligations.models import Attachment, SubmissionVersion, Task
from tests.obligations.test_submissions import FIGURES, SECTIONS, pdf_upload

HANOI = datetime.timezone(datetime.timedelta(hours=7))
pytestmark = pytest.mark.usefixtures("frozen_before_deadline")
FIGURE_FIELDS = {f"fig_{code}": value for code, value in FIGURES.items()}


@pytest.fixture
def frozen_before_deadline():
    with time_machine.travel(datetime.datetime(2025, 12, 1, 9, 0, tzinfo=HANOI), tick=True):
        yield


@pytest.fixture
def task(demo):
    return Task.objects.select_related("obligation", "party").get(party__code="qn-hnd", period__year=2025)


@pytest.fixture
def returned_task(task, users):
    """HND's 2025 report: submitted once, returned by Sở Nội vụ, with its signed scan attached."""
    draft = services.submission_save_draft(
        task=task, actor=users["hnd"], sections=SECTIONS, figures=FIGURES, expected_revision=0
    )
    services.attachment_add(task=task, actor=users["hnd"], upload=pdf_upload(), kind=Attachment.Kind.SIGNED_SCAN)
    services.submission_submit(task=task, actor=users["hnd"], expected_revision=draft.revision)
    services.submission_return(task=task, actor=users["sonoivu"], comment="Bổ sung số liệu.")
    task.refresh_from_db()
    return task


def _urls(task):
    attachment = Attachment.objects.get(submission__task=task)
    return {
        "my_tasks": ("get", reverse("obligations:my_tasks"), {}),
        "review_list": ("get", reverse("obligations:review_list"), {}),
        "report_get": ("get", reverse("obligations:task_report", args=[task.pk]), {}),
        "report_save": (
            "post",
            reverse("obligations:task_report", args=[task.pk]),
            {"revision": "1", "action": "save", **SECTIONS, **FIGURE_FIELDS},
        ),
        "version": ("get", reverse("obligations:version_detail", args=[task.pk, 1]), {}),
        "compare": ("get", reverse("obligations:version_compare", args=[task.pk]) + "?a=1&b=1", {}),
        "download": ("get", reverse("obligations:attachment_download", args=[attachment.pk]), {}),
        "remove": ("post", reverse("obligations:attachment_remove", args=[attachment.pk]), {}),
        "review_page": ("get", reverse("obligations:task_review", args=[task.pk]), {}),
        "review": ("post", reverse("obligations:task_review", args=[task.pk]), {"decision": "accept"}),
        "excuse": ("post", reverse("obligations:task_excuse", args=[task.pk]), {"reason": "Hợp nhất đơn vị."}),
    }


# Expected status per URL for each role, on HND Quảng Ngãi's returned 2025 report. 404: the user may not see
# the task at all; 403: the user sees it but may not do that; 302: done (or refused with a message) and redirected.
PERMISSIONS = {
    #             hnd   mttq  sonoivu lanhdao vanphong noivu_tanyen outsider admin
    "my_tasks": (200, 200, 200, 200, 200, 200, 200, 200),
    "review_list": (403, 403, 200, 403, 403, 200, 403, 200),
    "report_get": (200, 404, 403, 403, 403, 404, 404, 403),
    "report_save": (302, 404, 403, 403, 403, 404, 404, 403),
    "version": (200, 404, 200, 200, 200, 404, 404, 200),
    "compare": (200, 404, 200, 200, 200, 404, 404, 200),
    "download": (200, 404, 200, 200, 200, 404, 404, 200),
    "remove": (302, 404, 403, 403, 403, 404, 404, 403),
    "review_page": (403, 404, 200, 403, 403, 404, 404, 200),
    "review": (403, 404, 302, 403, 403, 404, 404, 302),
    "excuse": (403, 404, 302, 403, 403, 404, 404, 302),
}
ROLES = ["hnd", "mttq", "sonoivu", "lanhdao", "vanphong", "noivu_tanyen", "outsider", "admin"]
CASES = [(url, role, codes[i]) for url, codes in PERMISSIONS.items() for i, role in enumerate(ROLES)]


@pytest.mark.parametrize(("url_name", "role", "expected"), CASES)
def test_permission_table(returned_task, users, client, url_name, role, expected):
    method, url, data = _urls(returned_task)[url_name]
    client.force_login(users[role])
    response = getattr(client, method)(url, data)
    assert response.status_code == expected, (url_name, role)


@pytest.mark.parametrize("role", ["sonoivu", "admin"])
def test_the_302s_of_the_table_are_real_acceptances_and_excusals(returned_task, users, client, role):
    """The table's 302 for a reviewer is the act itself, not a refusal with a message."""
    revision = returned_task.submission.revision
    services.submission_submit(task=returned_task, actor=users["hnd"], expected_revision=revision)
    client.force_login(users[role])
    client.post(reverse("obligations:task_review", args=[returned_task.pk]), {"decision": "accept"})
    returned_task.refresh_from_db()
    assert returned_task.status == Task.Status.DONE_ON_TIME


@pytest.mark.parametrize("role", ["sonoivu", "admin"])
def test_the_focal_agency_and_the_admin_can_excuse(returned_task, users, client, role):
    client.force_login(users[role])
    client.post(reverse("obligations:task_excuse", args=[returned_task.pk]), {"reason": "Hợp nhất đơn vị."})
    returned_task.refresh_from_db()
    assert returned_task.state == Task.State.EXCUSED


@pytest.mark.parametrize("url_name", list(PERMISSIONS))
def test_anonymous_users_are_sent_to_log_in(returned_task, client, url_name):
    method, url, data = _urls(returned_task)[url_name]
    response = getattr(client, method)(url, data)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def _post_report(client, task, **data):
    payload = {"revision": "0", "action": "save", **SECTIONS, **FIGURE_FIELDS} | data
    return client.post(reverse("obligations:task_report", args=[task.pk]), payload)


def test_my_tasks_lists_open_tasks_with_days_left(task, users, client):
    client.force_login(users["hnd"])
    page = client.get(reverse("obligations:my_tasks")).content.decode()
    assert "Báo cáo đánh giá kết quả triển khai Quy chế phối hợp hằng năm" in page
    assert "Còn 14 ngày" in page
    assert "15/12/2025" in page


def test_a_figure_that_is_not_a_number_or_is_negative_gets_a_vietnamese_message(task, users, client):
    client.force_login(users["hnd"])
    response = _post_report(client, task, fig_joint_activities="mười")
    assert response.status_code == 400
    assert "Số liệu phải là một số" in response.content.decode()
    response = _post_report(client, task, fig_joint_activities="-3")
    assert "Số liệu không được là số âm." in response.content.decode()
    assert SECTIONS["results"] in response.content.decode()  # the typed text is still in the form
    assert not task.events.exists()


def test_vietnamese_decimal_comma_is_accepted(task, users, client):
    client.force_login(users["hnd"])
    assert _post_report(client, task, fig_joint_activities="12,5").status_code == 302
    assert task.submission.figures["joint_activities"] == "12.5"


def test_a_renamed_file_is_refused_and_nothing_is_saved(task, users, client):
    client.force_login(users["hnd"])
    fake = SimpleUploadedFile("bao-cao.pdf", b"khong phai PDF")
    response = _post_report(client, task, upload=fake, upload_kind="signed_scan")
    assert response.status_code == 400
    assert "không phải là tệp .pdf thật" in response.content.decode()
    assert SECTIONS["results"] in response.content.decode()
    assert not task.events.exists()
    assert not Attachment.objects.exists()


def test_submitting_with_missing_sections_saves_the_draft_and_lists_what_is_missing(task, users, client):
    client.force_login(users["hnd"])
    response = _post_report(client, task, action="submit", limitations="", directions="")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Chưa thể nộp: còn thiếu nội dung bắt buộc." in page
    assert "Cần nhập mục “Tồn tại, hạn chế và nguyên nhân” trước khi nộp." in page
    task.refresh_from_db()
    assert task.state == Task.State.OPEN
    assert task.submission.results == SECTIONS["results"]


def test_a_double_click_on_submit_submits_once(task, users, client):
    client.force_login(users["hnd"])
    _post_report(client, task, upload=pdf_upload(), upload_kind="signed_scan")
    first = _post_report(client, task, revision="1", action="submit")
    second = _post_report(client, task, revision="1", action="submit")
    assert first.status_code == second.status_code == 302
    assert SubmissionVersion.objects.filter(submission__task=task).count() == 1
    followed = client.get(second["Location"]).content.decode()
    assert "Báo cáo đã được nộp và đang chờ xem xét" in followed


def test_two_people_editing_the_same_draft_do_not_overwrite_each_other(task, users, client):
    client.force_login(users["hnd"])
    _post_report(client, task, results="Bản của chị Lan")
    response = _post_report(client, task, results="Bản của anh Minh")  # opened before the first save
    assert response.status_code == 409
    page = response.content.decode()
    assert "Bản nháp đã được" in page
    assert "Bản của anh Minh" in page and "Bản của chị Lan" in page
    task.refresh_from_db()
    assert task.submission.results == "Bản của chị Lan"


def test_acting_on_another_partys_task_is_a_404(task, users, client):
    client.force_login(users["mttq"])
    assert _post_report(client, task).status_code == 404
    assert not task.events.exists()


def test_the_reviewer_sees_the_submission_waiting_and_accepts_it(task, users, client):
    client.force_login(users["hnd"])
    _post_report(client, task, upload=pdf_upload(), upload_kind="signed_scan")
    _post_report(client, task, revision="1", action="submit")
    client.force_login(users["sonoivu"])
    listing = client.get(reverse("obligations:review_list")).content.decode()
    assert "HND Quảng Ngãi" in listing
    detail = client.get(task.get_absolute_url()).content.decode()
    assert "Xem xét báo cáo nộp lần 1" in detail
    response = client.post(reverse("obligations:task_review", args=[task.pk]), {"decision": "accept"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.DONE_ON_TIME
    page = client.get(task.get_absolute_url()).content.decode()
    assert "Hoàn thành đúng hạn" in page
    assert "Tiếp nhận báo cáo" in page  # the trail


def test_a_report_submitted_from_the_english_interface_is_announced_in_vietnamese(task, users, client):
    from notifications.models import Notification

    client.force_login(users["hnd"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    _post_report(client, task, upload=pdf_upload(), upload_kind="signed_scan")
    _post_report(client, task, revision="1", action="submit")
    entry = Notification.objects.get(recipient=users["sonoivu"], kind="submission_submitted")
    assert "đã nộp báo cáo" in entry.subject


def test_returning_without_a_comment_shows_the_message(returned_task, users, client):
    client.force_login(users["hnd"])
    _post_report(client, returned_task, revision="1", action="submit")
    client.force_login(users["sonoivu"])
    response = client.post(
        reverse("obligations:task_review", args=[returned_task.pk]), {"decision": "return"}, follow=True
    )
    assert "Cần ghi ý kiến khi trả lại báo cáo." in response.content.decode()
    returned_task.refresh_from_db()
    assert returned_task.state == Task.State.SUBMITTED


def test_compare_shows_what_changed_between_versions(returned_task, users, client):
    client.force_login(users["hnd"])
    _post_report(
        client,
        returned_task,
        revision="1",
        action="submit",
        results="Tổ chức 45 hoạt động phối hợp.",
        fig_joint_activities="45",
    )
    client.force_login(users["sonoivu"])
    page = client.get(reverse("obligations:version_compare", args=[returned_task.pk]) + "?a=1&b=2").content.decode()
    # A word-level diff: the unchanged words stay plain, the changed ones are marked.
    assert "Tổ chức <del>42</del> <ins>45</ins> hoạt động phối <del>hợp; ký 5 kế hoạch.</del> <ins>hợp.</ins>" in page
    assert '<td class="num"><del>42</del></td><td class="num"><ins>45</ins></td>' in page


def test_attachments_are_served_with_their_name_and_pdfs_only_sandboxed(returned_task, users, client):
    client.force_login(users["sonoivu"])
    attachment = Attachment.objects.get()
    response = client.get(reverse("obligations:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == attachment.file.open("rb").read()
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "bao-cao-2025.pdf" in response["Content-Disposition"]
    # A PDF opens in the browser's viewer, but sandboxed: no script, no form, no same-origin access.
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"


def test_invisible_characters_and_nul_bytes_are_stripped_from_a_saved_report(task, users, client):
    """Issue 13, items 8 and 10: a right-to-left override, a zero-width space and a NUL byte in report text
    are not stored (they showed text other than the one stored, and NUL is refused by PostgreSQL)."""
    client.force_login(users["hnd"])
    typed = "Tổ chức 42\u200b hoạt động \u202eđộng\u202c phối hợp\x00; ký 5 kế hoạch.\nDòng hai."
    response = _post_report(client, task, results=typed)
    assert response.status_code == 302
    task.submission.refresh_from_db()
    assert task.submission.results == "Tổ chức 42 hoạt động động phối hợp; ký 5 kế hoạch.\nDòng hai."


def test_my_tasks_says_a_draft_exists_and_offers_to_go_on(task, users, client):
    client.force_login(users["hnd"])
    before = client.get(reverse("obligations:my_tasks")).content.decode()
    assert "Có bản nháp" not in before and "Soạn báo cáo" in before
    _post_report(client, task)
    after = client.get(reverse("obligations:my_tasks")).content.decode()
    assert "Có bản nháp, lưu lúc 01/12/2025 09:00" in after
    assert "Tiếp tục soạn" in after


def test_submitting_a_saved_draft_unchanged_logs_no_second_draft_save(task, users, client):
    from obligations.models import TaskEvent

    client.force_login(users["hnd"])
    _post_report(client, task, upload=pdf_upload(), upload_kind="signed_scan")
    assert _post_report(client, task, revision="1", action="submit").status_code == 302
    actions = list(TaskEvent.objects.filter(task=task).order_by("pk").values_list("action", "message"))
    saves = [message for action, message in actions if action == TaskEvent.Action.DRAFT_SAVED]
    assert saves == ["Lưu bản nháp (lần sửa 1)."]
    assert task.submission.versions.count() == 1
