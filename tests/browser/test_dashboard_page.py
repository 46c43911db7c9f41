"""The dashboard of Sở Nội vụ, Văn phòng UBND and the leader in Debian's chromium (issue 14): it fits a phone
without sideways scrolling, in both structures, chromium draws the chart's bars, and axe-core finds nothing to
fix (contrast, names, roles)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from regulations.selectors import Structure
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

DASHBOARDS = ["/reports/", f"/reports/?co_cau={Structure.THEN}"]


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("username", ["sonoivu", "vanphong", "lanhdao"])
def test_the_main_screen_and_the_dashboard_fit_a_phone(committed_demo, live_server, phone_page, username):
    page, base = phone_page, live_server.url
    log_in(page, base, username)
    for path in ["/", *DASHBOARDS]:
        response = page.goto(base + path)
        assert response.status == 200 and page.locator("main h1").count() == 1, path
        assert _overflow(page) <= 0, (path, page.evaluate("document.documentElement.scrollWidth"))
    # The filter's selects, the regulation's with its long titles among them, stay inside the screen.
    selects = page.locator("form.filters select")
    assert selects.count() >= 5
    for index in range(selects.count()):
        box = selects.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, index
    # A day's parties in the calendar stay inside that day's cell (they ran over the next days): December 2026,
    # where the demo's deadlines crowd the 14th and the 21st.
    page.goto(f"{base}/reports/?month=2026-12")
    spill = page.evaluate(
        """[...document.querySelectorAll('.month-calendar li .badge')].filter(badge => {
            const cell = badge.closest('td').getBoundingClientRect(), box = badge.getBoundingClientRect();
            return box.right > cell.right + 1;
        }).length"""
    )
    assert page.locator(".month-calendar li .badge").count() > 0 and spill == 0


def test_chromium_draws_the_bars_of_the_chart(committed_demo, live_server, browser_page):
    page, base = browser_page, live_server.url
    log_in(page, base, "sonoivu")
    page.goto(f"{base}/reports/")
    bars = page.evaluate(
        """[...document.querySelectorAll('.chart svg rect')].map(rect => ({
            attribute: parseFloat(rect.getAttribute('height')),
            drawn: rect.getBBox().height,
            shown: rect.getBoundingClientRect().height,
        }))"""
    )
    assert len(bars) >= 4  # two a year
    nonzero = [bar for bar in bars if bar["attribute"] > 0]
    assert nonzero, bars
    # A bar the server sized is drawn at that size (a "212,0" made chromium drop the attribute: height 0).
    assert all(bar["drawn"] == pytest.approx(bar["attribute"], abs=0.05) and bar["shown"] > 0 for bar in nonzero)
    description = page.locator("#chart-desc").text_content()
    assert "tỷ lệ hoàn thành" in description and "%" in description


@pytest.mark.parametrize("username", ["sonoivu", "lanhdao"])
def test_axe_finds_nothing_to_fix_on_the_dashboard(committed_demo, live_server, browser_page, phone_page, username):
    base = live_server.url
    for page in (browser_page, phone_page):
        log_in(page, base, username)
        for path in DASHBOARDS:
            page.goto(base + path)
            results = Axe().run(page)
            assert results.violations_count == 0, (path, page.viewport_size, results.generate_report())
