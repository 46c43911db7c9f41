"""Sở Nội vụ reads HND Quảng Ngãi's submitted report on the review page itself and accepts it there; the
page fits a phone's width, and axe-core finds no accessibility violation on it at either width."""

import datetime

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from obligations import services
from obligations.models import Attachment, Task
from tests.browser.conftest import HANOI, log_in
from tests.obligations.test_submissions import FIGURES, SECTIONS, pdf_bytes

pytestmark = pytest.mark.browser
RESULTS = "Phối hợp tổ chức 42 hoạt động; giám sát 12 cuộc tại cơ sở hội."


@pytest.fixture
def submitted(committed_demo):
    """HND Quảng Ngãi's 2025 report, handed in with an unsigned PDF on 1 December 2025."""
    task = Task.objects.select_related("obligation", "party").get(party__code="qn-hnd", period__year=2025)
    hnd = get_user_model().objects.get(username="hnd")
    with time_machine.travel(datetime.datetime(2025, 12, 1, 9, 0, tzinfo=HANOI), tick=True):
        services.attachment_add(
            task=task,
            actor=hnd,
            upload=SimpleUploadedFile("bao-cao-hnd-2025.pdf", pdf_bytes(), content_type="application/pdf"),
            kind=Attachment.Kind.SIGNED_SCAN,
        )
        draft = services.submission_save_draft(
            task=task, actor=hnd, sections=SECTIONS | {"results": RESULTS}, figures=FIGURES, expected_revision=0
        )
        services.submission_submit(task=task, actor=hnd, expected_revision=draft.revision)
    return task


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_sonoivu_reads_the_report_on_the_review_page_and_accepts_it(submitted, live_server, browser_page):
    page, base, task = browser_page, live_server.url, submitted
    with time_machine.travel(datetime.datetime(2025, 12, 2, 9, 0, tzinfo=HANOI), tick=True):
        log_in(page, base, "sonoivu")
        page.goto(f"{base}/review/")
        page.locator(f"a[href='/tasks/{task.pk}/review/']").click()
        page.wait_for_url(f"{base}/tasks/{task.pk}/review/")
        # The report and the decision on one page, side by side on a desktop screen.
        expect(page.get_by_text(RESULTS)).to_be_visible()
        expect(page.get_by_role("link", name="bao-cao-hnd-2025.pdf")).to_be_visible()
        expect(page.locator(".sig-status").first).to_have_text("Chưa ký số")
        report = page.locator(".review-report").bounding_box()
        decision = page.locator(".review-aside").bounding_box()
        assert decision["x"] >= report["x"] + report["width"], (report, decision)
        axe = Axe().run(page)
        assert axe.violations_count == 0, axe.generate_report()
        accept = page.get_by_role("button", name="Tiếp nhận")
        expect(accept).to_be_in_viewport()
        accept.click()
        expect(page.get_by_text("Đã tiếp nhận báo cáo.")).to_be_visible()
        page.wait_for_url(f"{base}/tasks/{task.pk}/")
    task.refresh_from_db()
    assert (task.state, task.on_time) == (Task.State.DONE, True)


def test_the_review_page_fits_a_phone_and_stacks_the_decision_under_the_report(submitted, live_server, phone_page):
    page, base, task = phone_page, live_server.url, submitted
    log_in(page, base, "sonoivu")
    response = page.goto(f"{base}/tasks/{task.pk}/review/")
    assert response.status == 200
    expect(page.get_by_text(RESULTS)).to_be_visible()
    assert _overflow(page) <= 0
    report = page.locator(".review-report").bounding_box()
    decision = page.locator(".review-aside").bounding_box()
    assert decision["y"] >= report["y"] + report["height"] and decision["width"] <= 390
    axe = Axe().run(page)
    assert axe.violations_count == 0, axe.generate_report()
    # The link at the top takes the reviewer past the report to the decision.
    page.get_by_role("link", name="Đến phần quyết định").click()
    expect(page.get_by_role("button", name="Tiếp nhận")).to_be_in_viewport()
