"""A union's signed report: every signature of an uploaded PDF is checked, and the task, report and review
pages say who signed, when, whether the file is intact and whether the certificate is trusted."""

import datetime

import pytest
import time_machine
import weasyprint
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from obligations import services
from obligations.models import Attachment, Task, TaskEvent
from reports.pdf import FONT_DIR
from signatures import demo
from signatures.signing import sign_pdf
from tests.conftest import days_ago
from tests.obligations.test_submissions import FIGURES, SECTIONS

HANOI = datetime.timezone(datetime.timedelta(hours=7))
FONT = FONT_DIR / "LiberationSerif-Regular.ttf"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def before_the_deadline():
    with time_machine.travel(datetime.datetime(2025, 12, 1, 9, 0, tzinfo=HANOI), tick=True):
        yield


@pytest.fixture
def task(demo):
    return Task.objects.select_related("obligation", "party").get(party__code="qn-hnd", period__year=2025)


def _report_pdf() -> bytes:
    return weasyprint.HTML(string="<p>Báo cáo năm 2025 của Hội Nông dân tỉnh.</p>").write_pdf()


def _upload(content: bytes, name="bao-cao-ky-so.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _attach(task, users, content: bytes) -> Attachment:
    return services.attachment_add(
        task=task, actor=users["hnd"], upload=_upload(content), kind=Attachment.Kind.SIGNED_SCAN
    )


@pytest.fixture
def signed(credential, task):
    credential(task.party.code, task.party.name)
    return sign_pdf(_report_pdf(), code=task.party.code, signer_name="Trần Thị B", font=FONT).content


def test_a_signed_report_shows_who_signed_and_that_it_is_valid_on_every_page(task, users, client, signed):
    attachment = _attach(task, users, signed)
    assert attachment.signature["status"] == "valid"
    assert TaskEvent.objects.filter(task=task, action=TaskEvent.Action.FILE_ADDED).get().data["signature"] == "valid"

    client.force_login(users["hnd"])
    page = client.get(reverse("obligations:task_report", args=[task.pk])).content.decode()
    assert "Chữ ký số hợp lệ" in page and f"Ký bởi {task.party.name}" in page
    assert "Chứng thư thử nghiệm — không có giá trị pháp lý" in page

    draft = services.submission_save_draft(
        task=task, actor=users["hnd"], sections=SECTIONS, figures=FIGURES, expected_revision=0
    )
    services.submission_submit(task=task, actor=users["hnd"], expected_revision=draft.revision)
    client.force_login(users["sonoivu"])
    task_page = client.get(task.get_absolute_url()).content.decode()
    assert "Xem xét báo cáo nộp lần 1" in task_page and "Chữ ký số hợp lệ" in task_page
    version_page = client.get(reverse("obligations:version_detail", args=[task.pk, 1])).content.decode()
    assert "Chữ ký số hợp lệ" in version_page and "lúc 01/12/2025" in version_page


def test_one_flipped_byte_shows_changed_after_signing(task, users, client, signed):
    tampered = bytearray(signed)
    start = tampered.index(b"stream\n") + len(b"stream\n")
    tampered[start + 10] ^= 0x01
    _attach(task, users, bytes(tampered))
    client.force_login(users["hnd"])
    response = client.get(reverse("obligations:task_report", args=[task.pk]))
    assert response.status_code == 200
    assert "Đã bị sửa đổi sau khi ký" in response.content.decode()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        ("unsigned", "Chưa ký số"),
        ("untrusted", "Chứng thư số không do tổ chức chứng thực được tin cậy cấp"),
        ("expired", "Chứng thư số đã hết hạn"),
    ],
)
def test_each_problem_has_its_own_status_and_none_is_an_error_page(task, users, client, credential, make, expected):
    if make == "unsigned":
        content = _report_pdf()
    elif make == "untrusted":
        credential("la", name="Cơ quan lạ", authority=demo.new_authority(name="CA lạ"))
        content = sign_pdf(_report_pdf(), code="la", font=FONT).content
    else:
        credential("het-han", name="Cơ quan hết hạn", not_before=days_ago(800), not_after=days_ago(30))
        content = sign_pdf(_report_pdf(), code="het-han", font=FONT).content
    _attach(task, users, content)
    client.force_login(users["hnd"])
    response = client.get(reverse("obligations:task_report", args=[task.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert expected in page
    assert "Chữ ký số hợp lệ" not in page


def test_a_picture_is_not_checked_for_signatures(task, users, client, signing_dir):
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 64
    attachment = services.attachment_add(
        task=task,
        actor=users["hnd"],
        upload=SimpleUploadedFile("anh.png", png, content_type="image/png"),
        kind=Attachment.Kind.SUPPORTING,
    )
    assert attachment.signature == {} and attachment.signature_display is None
