"""The whole report exchange in Debian's chromium, driven by Playwright: HND writes and submits its 2025
report with a signed PDF, Sở Nội vụ returns it, HND revises and resubmits, Sở Nội vụ accepts it."""

import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from obligations.models import Task
from tests.browser.conftest import HANOI, log_in, log_out
from tests.obligations.test_submissions import pdf_bytes

pytestmark = pytest.mark.browser


def test_hnd_submits_sonoivu_returns_hnd_resubmits_sonoivu_accepts(committed_demo, live_server, browser_page, tmp_path):
    page, base = browser_page, live_server.url
    task = Task.objects.get(party__code="qn-hnd", period__year=2025)
    scan = tmp_path / "bao-cao-hnd-2025.pdf"
    scan.write_bytes(pdf_bytes())
    with time_machine.travel(datetime.datetime(2025, 12, 1, 9, 0, tzinfo=HANOI), tick=True):
        log_in(page, base, "hnd")
        page.goto(f"{base}/my-tasks/")
        page.get_by_role("link", name="Soạn báo cáo").first.click()
        page.fill("#id_results", "Phối hợp tổ chức 42 hoạt động; ký 5 kế hoạch phối hợp với các sở, ngành.")
        page.fill("#id_limitations", "Một số cơ sở hội chưa chủ động; kinh phí còn hạn chế.")
        page.fill("#id_directions", "Năm 2026 tiếp tục tuyên truyền, giám sát và phản biện xã hội.")
        page.fill("#id_fig_joint_activities", "42")
        page.fill("#id_fig_plans_signed", "5")
        page.fill("#id_fig_supervision_sessions", "12")
        page.set_input_files("#id_upload", str(scan))
        page.get_by_role("button", name="Nộp báo cáo").click()
        page.wait_for_url(f"{base}/tasks/{task.pk}/")
        expect(page.get_by_text("Đã nộp báo cáo.")).to_be_visible()

        log_out(page, base)
        log_in(page, base, "sonoivu")
        page.goto(f"{base}/tasks/{task.pk}/")
        page.get_by_role("link", name="Đọc và xem xét").click()
        page.wait_for_url(f"{base}/tasks/{task.pk}/review/")
        page.fill("#review-comment", "Đề nghị bổ sung kết quả giám sát tại cơ sở.")
        page.get_by_role("button", name="Trả lại để chỉnh sửa").click()
        expect(page.get_by_text("Đã trả lại báo cáo để đơn vị chỉnh sửa.")).to_be_visible()

        log_out(page, base)
        log_in(page, base, "hnd")
        page.goto(f"{base}/tasks/{task.pk}/")
        page.get_by_role("link", name="Sửa và nộp lại").first.click()
        expect(page.get_by_text("Đề nghị bổ sung kết quả giám sát tại cơ sở.")).to_be_visible()
        page.fill("#id_results", "Phối hợp tổ chức 42 hoạt động; giám sát 12 cuộc tại cơ sở.")
        page.get_by_role("button", name="Nộp báo cáo").click()
        page.wait_for_url(f"{base}/tasks/{task.pk}/")

        log_out(page, base)
        log_in(page, base, "sonoivu")
        page.goto(f"{base}/review/")
        page.locator(f"a[href='/tasks/{task.pk}/review/']").click()
        expect(page.get_by_text("giám sát 12 cuộc tại cơ sở")).to_be_visible()
        page.get_by_role("button", name="Tiếp nhận").click()
        expect(page.get_by_text("Đã tiếp nhận báo cáo.")).to_be_visible()
        assert page.locator(".badge.status-done_on_time").first.is_visible()
    task.refresh_from_db()
    assert (task.state, task.on_time) == (Task.State.DONE, True)
    assert task.submission.versions.count() == 2
