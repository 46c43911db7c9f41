"""The focal agency signs the finalised consolidated report (ký số) before sending it to UBND; the sent
file's SHA-256 is on the roll-up task's trail."""

import hashlib

import pytest
from django.urls import reverse

from obligations.models import TaskEvent
from reports import selectors, services
from reports.models import ConsolidatedReport, GeneratedFile
from signatures.validation import Status, check_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def focal_certificate(credential, world):
    return credential(world["focal"].code, world["focal"].name)


@pytest.fixture
def finalised(world):
    focal_user = world["users"]["focal"]
    report = services.consolidated_report_create(
        jurisdiction=world["root"], period=world["periods"][2022], actor=focal_user
    )
    services.consolidated_report_update(
        report=report,
        actor=focal_user,
        data={"assessment": "Các tổ chức thực hiện tốt quy chế.", "signer_name": "Nguyễn Văn A", "place": "Thử"},
    )
    return services.consolidated_report_finalise(report=report, actor=focal_user)


def _action(client, report, action, capture):
    with capture(execute=True):
        return client.post(reverse("reports:consolidated_action", args=[report.pk, action]))


def test_sign_then_send_records_the_signed_files_sha256(
    client, world, finalised, focal_certificate, django_capture_on_commit_callbacks
):
    client.force_login(world["users"]["focal"])
    page = client.get(finalised.get_absolute_url()).content.decode()
    assert "Ký số</button>" in page

    response = _action(client, finalised, "sign", django_capture_on_commit_callbacks)

    generated = GeneratedFile.objects.get(kind=GeneratedFile.Kind.CONSOLIDATED_SIGNED)
    assert response["Location"] == generated.get_absolute_url()
    assert generated.status == GeneratedFile.Status.DONE, generated.error
    content = generated.file.read()
    assert check_pdf(content).status == Status.VALID
    finalised.refresh_from_db()
    assert finalised.signed_file == generated
    page = client.get(finalised.get_absolute_url()).content.decode()
    assert "Bản ký số:" in page and generated.sha256 in page
    # Another reader of the report (the leader, who did not ask for the file) downloads the same bytes.
    signed_url = reverse("reports:consolidated_signed", args=[finalised.pk])
    assert signed_url in page
    client.force_login(world["users"]["leader"])
    download = client.get(signed_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == content
    client.force_login(world["users"]["reporter_a"])
    assert client.get(signed_url).status_code == 404
    client.force_login(world["users"]["focal"])

    _action(client, finalised, "submit", django_capture_on_commit_callbacks)

    finalised.refresh_from_db()
    assert finalised.state == ConsolidatedReport.State.SUBMITTED
    assert finalised.submitted_sha256 == hashlib.sha256(content).hexdigest() == generated.sha256
    event = TaskEvent.objects.filter(task=finalised.task, action=TaskEvent.Action.ACCEPTED).get()
    assert generated.sha256 in event.message and event.data["sha256"] == generated.sha256


def test_with_a_certificate_configured_an_unsigned_report_is_not_sent(
    client, world, finalised, focal_certificate, django_capture_on_commit_callbacks
):
    client.force_login(world["users"]["focal"])
    _action(client, finalised, "submit", django_capture_on_commit_callbacks)
    page = client.get(finalised.get_absolute_url()).content.decode()
    finalised.refresh_from_db()
    assert finalised.state == ConsolidatedReport.State.FINALISED
    assert "Cần ký số báo cáo trước khi gửi UBND." in page


def test_without_a_certificate_the_report_is_sent_unsigned_and_the_trail_says_so(world, finalised, signing_dir):
    assert not selectors.signing_expected(finalised)
    with pytest.raises(services.ReportError, match="chưa được cấu hình chứng thư số"):
        services.consolidated_report_sign(report=finalised, actor=world["users"]["focal"])
    services.consolidated_report_submit(report=finalised, actor=world["users"]["focal"])
    event = TaskEvent.objects.get(task=finalised.task, action=TaskEvent.Action.ACCEPTED)
    assert "(bản không ký số)" in event.message and event.data["sha256"] == ""


def test_reopening_drops_the_signature_of_the_old_text(
    client, world, finalised, focal_certificate, django_capture_on_commit_callbacks
):
    client.force_login(world["users"]["focal"])
    _action(client, finalised, "sign", django_capture_on_commit_callbacks)
    finalised.refresh_from_db()
    assert finalised.signed_file is not None
    services.consolidated_report_reopen(report=finalised, actor=world["users"]["focal"])
    finalised.refresh_from_db()
    assert finalised.signed_file is None


def test_a_signature_finished_after_a_reopen_is_not_attached(world, finalised, focal_certificate):
    generated = services.consolidated_report_sign(report=finalised, actor=world["users"]["focal"])
    services.consolidated_report_reopen(report=finalised, actor=world["users"]["focal"])
    with pytest.raises(services.ReportError, match="mở lại trong khi ký"):
        services.consolidated_report_attach_signed(generated=generated)


def test_a_wrong_passphrase_fails_the_signing_with_a_vietnamese_message(
    client, world, finalised, focal_certificate, django_capture_on_commit_callbacks
):
    (focal_certificate.with_suffix(".pass")).write_bytes(b"not-the-passphrase")
    client.force_login(world["users"]["focal"])
    _action(client, finalised, "sign", django_capture_on_commit_callbacks)
    generated = GeneratedFile.objects.get(kind=GeneratedFile.Kind.CONSOLIDATED_SIGNED)
    assert generated.status == GeneratedFile.Status.FAILED
    assert "sai mật khẩu hoặc tệp bị hỏng" in generated.error
    page = client.get(finalised.get_absolute_url()).content.decode()
    assert "Ký số không thành công:" in page
    finalised.refresh_from_db()
    assert finalised.signed_file is None


def test_before_signing_there_is_no_signed_copy_to_download(client, world, finalised, focal_certificate):
    client.force_login(world["users"]["focal"])
    assert client.get(reverse("reports:consolidated_signed", args=[finalised.pk])).status_code == 404


def test_a_signing_in_progress_hides_the_button(client, world, finalised, focal_certificate):
    services.consolidated_report_sign(report=finalised, actor=world["users"]["focal"])  # not run: no commit
    client.force_login(world["users"]["focal"])
    page = client.get(finalised.get_absolute_url()).content.decode()
    assert "Đang ký số…" in page and "Ký số</button>" not in page


def test_only_the_focal_agency_signs(client, world, finalised, focal_certificate, django_capture_on_commit_callbacks):
    client.force_login(world["users"]["leader"])
    response = _action(client, finalised, "sign", django_capture_on_commit_callbacks)
    assert response.status_code == 403
    client.force_login(world["users"]["reporter_a"])
    assert _action(client, finalised, "sign", django_capture_on_commit_callbacks).status_code == 404
    assert not GeneratedFile.objects.filter(kind=GeneratedFile.Kind.CONSOLIDATED_SIGNED).exists()


def test_a_draft_is_not_signed(world, focal_certificate):
    report = services.consolidated_report_create(
        jurisdiction=world["root"], period=world["periods"][2022], actor=world["users"]["focal"]
    )
    with pytest.raises(services.ReportError, match="Chỉ ký số được báo cáo đã hoàn chỉnh"):
        services.consolidated_report_sign(report=report, actor=world["users"]["focal"])
