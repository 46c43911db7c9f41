"""Reporters often use a phone, and some only a keyboard: the pages fit a phone's width, and a report can
be written and saved without a mouse."""

import datetime

import pytest
import time_machine

from obligations.models import Submission, Task
from tests.browser.conftest import HANOI, log_in

pytestmark = pytest.mark.browser

PAGES = ["/", "/my-tasks/", "/tasks/", "/regulations/", "/notifications/"]


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_the_reporter_pages_fit_a_phone_without_sideways_scrolling(committed_demo, live_server, phone_page):
    page, base = phone_page, live_server.url
    task = Task.objects.get(party__code="qn-hnd", period__year=2025)
    log_in(page, base, "hnd")
    for path in [*PAGES, f"/tasks/{task.pk}/", f"/tasks/{task.pk}/report/"]:
        response = page.goto(base + path)
        assert response.status == 200 and page.locator("main h1").count() == 1, path  # the page, not an error
        assert _overflow(page) <= 0, path
    # The report form's fields are as wide as the screen allows and big enough to touch.
    box = page.locator("#id_results").bounding_box()
    assert box["width"] >= 300
    button = page.get_by_role("button", name="Lưu bản nháp").bounding_box()
    assert button["height"] >= 40


def test_a_report_can_be_written_and_saved_with_the_keyboard_alone(committed_demo, live_server, browser_page):
    page, base = browser_page, live_server.url
    task = Task.objects.get(party__code="qn-hnd", period__year=2025)
    with time_machine.travel(datetime.datetime(2025, 12, 1, 9, 0, tzinfo=HANOI), tick=True):
        page.goto(f"{base}/accounts/login/")
        assert page.evaluate("document.activeElement.name") == "username"  # the form takes the focus at once
        page.keyboard.type("hnd")
        page.keyboard.press("Tab")
        page.keyboard.type("phoihop-demo")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/")

        page.goto(f"{base}/tasks/{task.pk}/report/")
        page.keyboard.press("Tab")  # the first stop is the skip link
        assert page.evaluate("document.activeElement.className") == "skip-link"
        page.keyboard.press("Enter")  # follow it: the focus moves to the main content
        assert page.evaluate("document.activeElement.id") == "main"
        for _ in range(60):  # tab forward to the first section
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "id_results":
                break
        assert page.evaluate("document.activeElement.id") == "id_results"
        page.keyboard.type("Tổ chức 40 hoạt động phối hợp.")
        # Focus is visible: the outline of the focused field is drawn.
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent.trim()") == "Lưu bản nháp":
                break
        assert page.evaluate("document.activeElement.textContent.trim()") == "Lưu bản nháp"  # reached by Tab
        page.keyboard.press("Enter")
        page.get_by_text("Đã lưu bản nháp.").wait_for()
    assert Submission.objects.get(task=task).results == "Tổ chức 40 hoạt động phối hợp."
