"""Sở Nội vụ's side in Debian's chromium: the dashboard's numbers lead to their tasks, the consolidated report
is compiled and its PDF downloaded, and a file still being made shows its progress and then its download
link without a reload (htmx polling under the strict Content Security Policy, no inline script)."""

import datetime

import pytest
import time_machine

from obligations.models import Period, Task
from regulations.models import Party
from reports import services
from reports.models import ConsolidatedReport, GeneratedFile
from tests.browser.conftest import HANOI, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def csp_violations(browser_page):
    """Whatever chromium reports as blocked by the Content Security Policy."""
    seen = []
    browser_page.on(
        "console",
        lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return seen


def test_the_dashboard_counts_lead_to_the_tasks_they_count(committed_demo, live_server, browser_page, csp_violations):
    page, base = browser_page, live_server.url
    with time_machine.travel(datetime.datetime(2025, 12, 20, 9, 0, tzinfo=HANOI), tick=True):
        log_in(page, base, "sonoivu")
        page.get_by_role("link", name="Bảng theo dõi").first.click()
        page.wait_for_url(f"{base}/reports/")
        page.select_option("#id_year", "2025")
        page.get_by_role("button", name="Lọc").click()
        link = page.locator("#party-table a[href*='status=overdue']").first
        count = int(link.inner_text())
        link.click()
        page.wait_for_url("**/tasks/**")
        rows = page.locator("table.table tbody tr")
        assert rows.count() == count
        assert rows.filter(has_text="quá hạn").count() == count
    assert count >= 1
    assert csp_violations == []


def test_sonoivu_compiles_the_2025_report_and_downloads_its_pdf(
    committed_demo, live_server, browser_page, csp_violations
):
    page, base = browser_page, live_server.url
    jurisdiction = Party.objects.get(focal_agency__code="qn-snv")
    period = Period.objects.get(kind=Period.Kind.YEAR, year=2025)
    with time_machine.travel(datetime.datetime(2025, 12, 20, 9, 0, tzinfo=HANOI), tick=True):
        log_in(page, base, "sonoivu")
        page.get_by_role("link", name="Báo cáo tổng hợp").first.click()
        page.select_option("#id_jurisdiction", str(jurisdiction.pk))
        page.select_option("#id_period", str(period.pk))
        page.get_by_role("button", name="Lập báo cáo").click()
        report = ConsolidatedReport.objects.get(jurisdiction=jurisdiction, period=period)
        page.wait_for_url(f"{base}/reports/consolidated/{report.pk}/")
        # "Hoàn chỉnh báo cáo" before any "Lưu": the typed text must be neither lost nor required twice.
        page.fill("#id_place", "Quảng Ngãi")
        page.get_by_role("button", name="Hoàn chỉnh báo cáo").click()
        page.get_by_text("Cần viết phần đánh giá chung trước khi hoàn chỉnh.").wait_for()
        assert page.input_value("#id_place") == "Quảng Ngãi"  # saved, shown again
        page.fill("#id_assessment", "Các tổ chức chính trị - xã hội đã chủ động phối hợp với chính quyền.")
        page.get_by_role("button", name="Hoàn chỉnh báo cáo").click()
        page.get_by_text("Đã lưu và hoàn chỉnh báo cáo.").wait_for()
        report.refresh_from_db()
        assert report.state == "finalised" and report.assessment.startswith("Các tổ chức chính trị - xã hội")
        # Sở Nội vụ has a (demo) certificate: the report is signed before it is sent.
        page.get_by_role("button", name="Gửi UBND").click()
        page.get_by_text("Cần ký số báo cáo trước khi gửi UBND.").wait_for()
        page.get_by_role("button", name="Ký số").click()
        page.get_by_role("link", name="Tải về").wait_for()
        page.goto(f"{base}/reports/consolidated/{report.pk}/")
        signed = GeneratedFile.objects.get(kind=GeneratedFile.Kind.CONSOLIDATED_SIGNED, object_id=report.pk)
        assert page.get_by_text("Bản ký số:").is_visible() and page.get_by_text(signed.sha256).first.is_visible()
        page.get_by_role("button", name="Gửi UBND").click()
        page.get_by_text(f"Bản đã gửi UBND: SHA-256 {signed.sha256}").wait_for()
        assert page.get_by_text("Đã gửi UBND").first.is_visible()

        page.get_by_role("button", name="In (PDF)").click()
        download_link = page.get_by_role("link", name="Tải về")
        download_link.wait_for()
        # A PDF is served inline (sandboxed) for the browser's viewer: fetch it with the page's session.
        response = page.request.get(base + download_link.get_attribute("href"))
        assert response.headers["content-type"] == "application/pdf"
        pdf = response.body()
    assert pdf.startswith(b"%PDF-")
    generated = GeneratedFile.objects.get(kind=GeneratedFile.Kind.CONSOLIDATED_PDF, object_id=report.pk)
    assert page.get_by_text(generated.sha256).is_visible()
    rollup = Task.objects.get(pk=report.task_id)
    assert (rollup.state, rollup.on_time) == (Task.State.DONE, True)
    assert csp_violations == []


def test_a_file_being_made_shows_its_progress_then_its_download_link(
    committed_demo, live_server, browser_page, csp_violations
):
    """The worker is played by the test: the page must follow the row without being reloaded."""
    page, base = browser_page, live_server.url
    log_in(page, base, "sonoivu")
    from django.contrib.auth import get_user_model

    generated = GeneratedFile.objects.create(
        kind=GeneratedFile.Kind.EXPORT, requested_by=get_user_model().objects.get(username="sonoivu")
    )
    page.goto(f"{base}/reports/files/{generated.pk}/")
    assert page.locator(".badge").inner_text() == "Đang xếp hàng" and page.locator("progress").count() == 0
    page.evaluate("window.__sameDocument = true")

    running = services.generated_file_claim(generated_id=generated.pk)
    services.generated_file_progress(generated=running, progress=40, total_rows=1200)
    page.get_by_text("40%").wait_for()
    assert page.get_by_text("1200 dòng").is_visible() or page.get_by_text("1.200 dòng").is_visible()

    services.generated_file_store(generated=running, content=b"ma;ten\n1;HND\n", filename="nhiem-vu.csv")
    page.get_by_role("link", name="Tải về").wait_for()
    assert page.evaluate("window.__sameDocument") is True  # updated in place, not reloaded
    assert page.locator("progress").count() == 0
    assert csp_violations == []
