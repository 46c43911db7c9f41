import hashlib
import io
import shutil
import subprocess

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document as WordDocument
from openpyxl import load_workbook

from obligations.models import FigureDefinition, Submission, SubmissionVersion, Task
from regulations.models import Membership, Party
from reports import services
from reports.models import ConsolidatedReport, GeneratedFile
from reports.pdf import consolidated_html, html_to_pdf
from reports.selectors import consolidated_content
from reports.word import consolidated_docx

from .conftest import at

pytestmark = pytest.mark.django_db


def accept(task, user, *, figures, results, submitted_at):
    submission = Submission.objects.create(task=task, results=results, figures=figures)
    SubmissionVersion.objects.create(
        submission=submission,
        number=1,
        sections={"results": results, "limitations": "", "directions": "", "proposals": ""},
        figures=figures,
        submitted_by=user,
        submitted_at=submitted_at,
        review=SubmissionVersion.Review.ACCEPTED,
    )


@pytest.fixture
def with_submissions(world):
    report = world["report"]
    FigureDefinition.objects.create(obligation=report, code="members", label="Số hội viên", unit="người", order=1)
    FigureDefinition.objects.create(obligation=report, code="meetings", label="Số cuộc họp", unit="cuộc", order=2)
    user = world["users"]["reporter_a"]
    tasks = world["tasks"]
    accept(
        tasks["c22"],
        user,
        figures={"members": 1200, "meetings": "3"},
        results="Mặt trận đã giám sát 12 dự án.",
        submitted_at=at(2022, 12, 16),
    )
    accept(
        tasks["a21"],
        user,
        figures={"members": 800},
        results="Hội Nông dân tuyên truyền.",
        submitted_at=at(2021, 12, 10),
    )
    return world


def test_content_is_prefilled_from_the_accepted_submissions(with_submissions, frozen):
    world = with_submissions
    report = services.consolidated_report_create(
        jurisdiction=world["root"], period=world["periods"][2022], actor=world["users"]["focal"]
    )
    assert report.task == world["tasks"]["f22"]
    content = consolidated_content(report)
    parties = [row["party"] for row in content["rows"]]
    assert parties == [world["a"].name, world["b"].name, world["c"].name]  # the focal agency is not listed
    by_party = {row["party"]: row for row in content["rows"]}
    assert by_party[world["c"].name]["on_time"] is False
    assert by_party[world["c"].name]["submitted_at"] == "16/12/2022 09:00"
    assert by_party[world["a"].name]["status"] == Task.Status.OVERDUE
    assert [entry["party"] for entry in content["sections"]] == [world["c"].name]
    figures = {figure["code"]: figure for figure in content["figures"]}
    assert figures["members"]["total"] == "1.200"
    assert figures["meetings"]["total"] == "3"
    assert content["summary"] == {
        "expected": 3,
        "done": 1,
        "on_time": 0,
        "late": 1,
        "received": 1,
        "without_content": 0,
        "without_content_parties": [],
        "illustrative": 0,
    }


def test_a_completion_without_submitted_content_is_named_wherever_the_report_is_read(
    client, with_submissions, frozen, tmp_path
):
    """2021: A's report was accepted; B is done (late) with nothing accepted; C is excused. The count says two
    done, section II quotes one report, and every form of the report names B as done without content."""
    world = with_submissions
    report = services.consolidated_report_create(
        jurisdiction=world["root"], period=world["periods"][2021], actor=world["users"]["focal"]
    )
    content = consolidated_content(report)
    summary = content["summary"]
    assert (summary["done"], summary["received"], summary["without_content"]) == (2, 1, 1)
    assert summary["without_content_parties"] == [world["b"].name]
    assert [entry["party"] for entry in content["sections"]] == [world["a"].name]
    assert {row["party"]: row["has_content"] for row in content["rows"]} == {
        world["a"].name: True,
        world["b"].name: False,
        world["c"].name: False,
    }
    sentence = (
        "Có 1 cơ quan, tổ chức được ghi nhận hoàn thành nhưng chưa có nội dung báo cáo được tiếp nhận: "
        f"{world['b'].name}."
    )
    client.force_login(world["users"]["focal"])
    page = " ".join(client.get(report.get_absolute_url()).content.decode().split())
    assert sentence in page
    assert "2/2 cơ quan, tổ chức đã gửi báo cáo: 1 đúng hạn, 1 trễ hạn." in page
    printed = " ".join(pdf_text(html_to_pdf(consolidated_html(report)), tmp_path).split())
    assert "Có 2/2 cơ quan, tổ chức đã gửi báo cáo, trong đó 1 đúng hạn, 1 trễ hạn. " + sentence in printed
    assert f"Chưa có nội dung báo cáo được tiếp nhận của: {world['b'].name}." in printed
    word = WordDocument(io.BytesIO(consolidated_docx(report)))
    assert any(sentence in paragraph.text for paragraph in word.paragraphs)


def test_a_report_with_everything_received_names_nobody(with_submissions, frozen):
    world = with_submissions
    report = services.consolidated_report_create(
        jurisdiction=world["root"], period=world["periods"][2022], actor=world["users"]["focal"]
    )
    html = consolidated_html(report)
    assert "chưa có nội dung báo cáo được tiếp nhận" not in html
    assert "dữ liệu minh họa" not in html  # nothing of this world is invented


def test_the_filing_line_names_the_focal_agency_by_its_abbreviation(world, frozen):
    Party.objects.filter(pk=world["focal"].pk).update(short_name="Sở Nội vụ Thử Nghiệm")
    world["root"].refresh_from_db()
    report = services.consolidated_report_create(
        jurisdiction=world["root"], period=world["periods"][2022], actor=world["users"]["focal"]
    )
    assert report.distribution_lines == ["- Như trên;", "- Lưu: VT, SNV."]


def test_a_snapshot_made_before_the_without_content_count_still_prints(with_submissions, frozen):
    """A report finalised before these counts existed keeps its snapshot: it prints and exports as it did."""
    world = with_submissions
    report = services.consolidated_report_create(
        jurisdiction=world["root"], period=world["periods"][2021], actor=world["users"]["focal"]
    )
    old = consolidated_content(report)
    old["summary"] = {key: old["summary"][key] for key in ("expected", "done", "on_time", "late")}
    for entry in old["sections"]:
        entry.pop("illustrative")
    report.snapshot = old
    assert "Có 2/2 cơ quan, tổ chức đã gửi báo cáo" in consolidated_html(report)
    assert consolidated_docx(report).startswith(b"PK")


def test_draft_finalised_submitted_completes_the_rollup_on_time(client, with_submissions, frozen):
    world = with_submissions
    client.force_login(world["users"]["focal"])
    response = client.post(
        reverse("reports:consolidated_list"), {"jurisdiction": world["root"].pk, "period": world["periods"][2022].pk}
    )
    report = ConsolidatedReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert client.get(report.get_absolute_url()).status_code == 200
    fields = {name: getattr(report, name) for name in ConsolidatedReport.TEXT_FIELDS}
    fields.update(assessment="Các tổ chức thực hiện tốt quy chế.", place="Thử Nghiệm", signer_name="Nguyễn Văn A")
    assert client.post(report.get_absolute_url(), fields).status_code == 302
    client.post(reverse("reports:consolidated_action", args=[report.pk, "finalise"]))
    report.refresh_from_db()
    assert report.state == "finalised" and report.snapshot["rows"]
    client.post(reverse("reports:consolidated_action", args=[report.pk, "submit"]))
    report.refresh_from_db()
    assert report.state == "submitted"
    task = Task.objects.get(pk=world["tasks"]["f22"].pk)
    assert task.state == Task.State.DONE and task.on_time is True


def test_finalising_saves_the_typed_fields_first_and_says_what_is_missing(client, with_submissions, frozen):
    world = with_submissions
    client.force_login(world["users"]["focal"])
    client.post(
        reverse("reports:consolidated_list"), {"jurisdiction": world["root"].pk, "period": world["periods"][2022].pk}
    )
    report = ConsolidatedReport.objects.get()
    fields = {name: getattr(report, name) for name in ConsolidatedReport.TEXT_FIELDS}
    fields.update(place="Thử Nghiệm", signer_name="Nguyễn Văn A", assessment="", finalise="1")
    response = client.post(report.get_absolute_url(), fields, follow=True)
    report.refresh_from_db()
    assert (report.state, report.place, report.signer_name) == ("draft", "Thử Nghiệm", "Nguyễn Văn A")
    page = response.content.decode()
    assert "Cần viết phần đánh giá chung trước khi hoàn chỉnh." in page and "Thử Nghiệm" in page
    fields.update(assessment="Các tổ chức thực hiện tốt quy chế.")
    response = client.post(report.get_absolute_url(), fields, follow=True)
    report.refresh_from_db()
    assert report.state == "finalised" and report.assessment == "Các tổ chức thực hiện tốt quy chế."
    assert report.snapshot["rows"] and "Đã lưu và hoàn chỉnh báo cáo." in response.content.decode()


def test_submitting_after_the_25th_completes_the_rollup_late(with_submissions, frozen):
    world = with_submissions
    report = services.consolidated_report_create(
        jurisdiction=world["root"], period=world["periods"][2022], actor=world["users"]["focal"]
    )
    services.consolidated_report_update(report=report, actor=world["users"]["focal"], data={"assessment": "Đánh giá."})
    services.consolidated_report_finalise(report=report, actor=world["users"]["focal"])
    with time_machine.travel(at(2022, 12, 27), tick=False):
        services.consolidated_report_submit(report=report, actor=world["users"]["focal"])
    task = Task.objects.get(pk=world["tasks"]["f22"].pk)
    assert task.state == Task.State.DONE and task.on_time is False


def test_the_leader_and_the_other_focal_staff_are_told_when_the_report_is_finalised_and_sent(
    with_submissions, frozen, make_user
):
    from notifications.models import Notification

    world = with_submissions
    focal, leader = world["users"]["focal"], world["users"]["leader"]
    colleague = make_user("focal_colleague", (world["focal"], Membership.Role.FOCAL))
    report = services.consolidated_report_create(jurisdiction=world["root"], period=world["periods"][2022], actor=focal)
    services.consolidated_report_update(report=report, actor=focal, data={"assessment": "Đánh giá."})
    services.consolidated_report_finalise(report=report, actor=focal)

    def told(kind):
        return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "subject", "link"))

    link = report.get_absolute_url()
    assert told("consolidated_finalised") == [
        (colleague.username, "Báo cáo tổng hợp Năm 2022 đã hoàn chỉnh", link),
        (leader.username, "Báo cáo tổng hợp Năm 2022 đã hoàn chỉnh", link),
    ]
    services.consolidated_report_submit(report=report, actor=focal)
    assert told("consolidated_submitted") == [
        (colleague.username, "Đã gửi báo cáo tổng hợp Năm 2022", link),
        (leader.username, "Đã gửi báo cáo tổng hợp Năm 2022", link),
    ]
    assert not Notification.objects.filter(recipient=focal).exists()  # who pressed the button is not told


def test_finalising_requires_the_assessment_and_locks_editing(with_submissions, frozen):
    world = with_submissions
    report = services.consolidated_report_create(
        jurisdiction=world["root"], period=world["periods"][2022], actor=world["users"]["focal"]
    )
    with pytest.raises(services.ReportError):
        services.consolidated_report_finalise(report=report, actor=world["users"]["focal"])
    with pytest.raises(services.ReportError):
        services.consolidated_report_submit(report=report, actor=world["users"]["focal"])
    services.consolidated_report_update(report=report, actor=world["users"]["focal"], data={"assessment": "Tốt."})
    services.consolidated_report_finalise(report=report, actor=world["users"]["focal"])
    with pytest.raises(services.ReportError):
        services.consolidated_report_update(report=report, actor=world["users"]["focal"], data={"assessment": "Sửa."})


def test_only_the_focal_agency_compiles_and_reporters_see_nothing(client, with_submissions, frozen):
    world = with_submissions
    report = services.consolidated_report_create(
        jurisdiction=world["root"], period=world["periods"][2022], actor=world["users"]["focal"]
    )
    client.force_login(world["users"]["leader"])
    assert client.get(report.get_absolute_url()).status_code == 200
    assert client.post(reverse("reports:consolidated_action", args=[report.pk, "finalise"])).status_code == 403
    client.force_login(world["users"]["reporter_a"])
    assert client.get(report.get_absolute_url()).status_code == 404  # not theirs to know about
    assert client.get(reverse("reports:consolidated_list")).status_code == 403


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    if shutil.which("pdftotext"):
        return subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
        ).stdout.decode()
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_the_pdf_keeps_the_names_with_their_diacritics(
    client, users, demo, tmp_path, django_capture_on_commit_callbacks
):
    """Sở Nội vụ compiles Quảng Ngãi's 2025 report; the PDF is rendered by the worker and downloaded."""
    client.force_login(users["sonoivu"])
    qn = Party.objects.get(code="qn-ubnd")
    from obligations.models import Period

    period = Period.objects.get(kind="year", year=2025)
    client.post(reverse("reports:consolidated_list"), {"jurisdiction": qn.pk, "period": period.pk})
    report = ConsolidatedReport.objects.get(jurisdiction=qn, period=period)
    assert report.task.party.code == "qn-snv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:consolidated_action", args=[report.pk, "pdf"]))
    generated = GeneratedFile.objects.get()
    assert response["Location"] == generated.get_absolute_url()
    assert generated.status == GeneratedFile.Status.DONE, generated.error
    status_page = client.get(generated.get_absolute_url())
    assert generated.sha256 in status_page.content.decode()
    download = client.get(reverse("reports:file_download", args=[generated.pk]))
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == generated.sha256
    text = " ".join(pdf_text(content, tmp_path).split())  # table cells wrap long names over lines
    for name in (
        "Hội Cựu chiến binh tỉnh Quảng Ngãi",
        "Liên đoàn Lao động tỉnh Quảng Ngãi",
        "Hội Liên hiệp Phụ nữ tỉnh Quảng Ngãi",
        "Hội Nông dân tỉnh Quảng Ngãi",
    ):
        assert name in text, name
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Nơi nhận" in text and "./." in text
    # Somebody else cannot fetch the file.
    client.force_login(users["lanhdao"])
    assert client.get(reverse("reports:file_download", args=[generated.pk])).status_code == 404


def test_a_pending_file_page_refreshes_itself(client, world):
    generated = GeneratedFile.objects.create(kind="export", requested_by=world["users"]["focal"])
    client.force_login(world["users"]["focal"])
    html = client.get(generated.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' in html
    fragment = client.get(generated.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "<html" not in fragment


def test_the_same_renderer_prints_the_directive_and_the_notice_of_conclusions(
    client, users, tmp_path, django_capture_on_commit_callbacks
):
    from regulations.models import Document, Meeting

    client.force_login(users["admin"])
    directive = Document.objects.get(number_symbol="106/UBND-KGVX")
    meeting = Meeting.objects.get(notice__isnull=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:document_pdf", args=[directive.pk]))
        client.post(reverse("reports:meeting_pdf", args=[meeting.pk]))
    directive_pdf, notice_pdf = GeneratedFile.objects.order_by("pk")
    assert directive_pdf.status == notice_pdf.status == GeneratedFile.Status.DONE
    text = " ".join(pdf_text(directive_pdf.file.read(), tmp_path).split())
    assert "106/UBND-KGVX" in text and "Y Ngọc" in text and "Kính gửi" in text
    text = " ".join(pdf_text(notice_pdf.file.read(), tmp_path).split())
    assert "THÔNG BÁO" in text and "Nguyễn Công Lực" in text and "phòng nội vụ" in text.lower()
    assert "05/3/2023" in text  # the fifth conclusion's deadline


def test_a_document_outside_the_scope_cannot_be_printed(client, users):
    from regulations.models import Document

    client.force_login(users["hnd"])
    notice = Document.objects.get(kind="conclusion_notice")
    assert client.post(reverse("reports:document_pdf", args=[notice.pk])).status_code == 404
    assert not GeneratedFile.objects.exists()


def test_the_admin_exports_the_figures_of_exactly_one_report(admin_client, with_submissions, frozen):
    world = with_submissions
    reports = [
        services.consolidated_report_create(
            jurisdiction=world["root"], period=world["periods"][year], actor=world["users"]["focal"]
        )
        for year in (2021, 2022)
    ]
    url = reverse("admin:reports_consolidatedreport_changelist")
    both = {"action": "export_figures", "_selected_action": [r.pk for r in reports]}
    response = admin_client.post(url, both, follow=True)
    assert "Hãy chọn đúng một báo cáo tổng hợp để xuất số liệu." in response.content.decode()
    assert response["Content-Type"].startswith("text/html")

    one = {"action": "export_figures", "_selected_action": [reports[1].pk]}
    response = admin_client.post(url, one)
    assert response["Content-Disposition"] == 'attachment; filename="tong-hop-2022.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[1][:4] == ["Số hội viên", "người", 1200, 1]


def test_the_consolidated_list_costs_the_same_queries_for_many_jurisdictions(
    client, world, make_party, django_assert_max_num_queries
):
    """Which jurisdictions the user compiles for is one query, not one per jurisdiction."""
    user = world["users"]["focal"]
    client.force_login(user)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("reports:consolidated_list")).status_code == 200
    for n in range(10):
        district = make_party(f"UBND huyện Thử {n}", kind=Party.Kind.STATE, parent=world["root"], is_jurisdiction=True)
        office = make_party(f"Phòng Nội vụ huyện Thử {n}", kind=Party.Kind.STATE, parent=district)
        Party.objects.filter(pk=district.pk).update(focal_agency=office)
        Membership.objects.create(user=user, party=office, role=Membership.Role.FOCAL)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("reports:consolidated_list"))
    assert len(response.context["form"].fields["jurisdiction"].queryset) == 11


def test_the_action_message_speaks_the_users_language(client, with_submissions, frozen):
    world = with_submissions
    report = services.consolidated_report_create(
        jurisdiction=world["root"], period=world["periods"][2022], actor=world["users"]["focal"]
    )
    services.consolidated_report_update(report=report, actor=world["users"]["focal"], data={"assessment": "Tốt."})
    client.force_login(world["users"]["focal"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.post(reverse("reports:consolidated_action", args=[report.pk, "finalise"]), follow=True)
    assert "Report finalised." in response.content.decode()


def test_a_failed_file_tells_the_user_plainly_and_hides_the_internals(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    from reports import tasks

    def broken(html):
        raise RuntimeError("cairo: internal surface error 0x7f")

    monkeypatch.setattr(tasks.pdf, "html_to_pdf", broken)
    report = services.consolidated_report_create(
        jurisdiction=world["root"], period=world["periods"][2022], actor=world["users"]["focal"]
    )
    client.force_login(world["users"]["focal"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:consolidated_action", args=[report.pk, "pdf"]))
    page = client.get(response["Location"]).content.decode()
    assert "Lỗi hệ thống khi tạo tệp" in page and "cairo" not in page
    assert GeneratedFile.objects.get().status == GeneratedFile.Status.FAILED


def test_the_report_page_costs_the_same_queries_for_ten_more_organisations_with_reports(
    client, with_submissions, grow, frozen, django_assert_num_queries
):
    """The content (rows, quoted reports with their 'minh họa' mark, figures) is read in a fixed number of
    queries, whatever the number of organisations and accepted reports."""
    world = with_submissions
    report = services.consolidated_report_create(
        jurisdiction=world["root"], period=world["periods"][2022], actor=world["users"]["focal"]
    )
    client.force_login(world["users"]["focal"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(report.get_absolute_url()).status_code == 200
    grow(10)
    for task in Task.objects.filter(party__code__startswith="extra-", period=world["periods"][2022]):
        accept(
            task, world["users"]["reporter_a"], figures={"members": 10}, results="Đã làm.", submitted_at=at(2022, 12, 5)
        )
    with django_assert_num_queries(len(few)):
        response = client.get(report.get_absolute_url())
    assert len(response.context["content"]["sections"]) == 1 + 10  # C's 2022 report and the ten new ones
