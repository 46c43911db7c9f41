"""Browser tests: Debian's chromium driven by Playwright for Python (no browser download)."""

import datetime
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made here are plain sync calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-results"
HANOI = datetime.timezone(datetime.timedelta(hours=7))
PASSWORD = "phoihop-demo"


@pytest.fixture
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: `make test` installs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def _page(browser, request, **options):
    context = browser.new_context(locale="vi-VN", **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTEFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def browser_page(chromium, request):
    """A desktop browser window; a screenshot lands in test-results/ when the test fails."""
    yield from _page(chromium, request, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_page(chromium, request):
    """A phone: 390 × 844 CSS pixels, touch, mobile layout."""
    yield from _page(chromium, request, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def committed_demo(transactional_db, settings):
    from demo.seed import demo_load

    settings.DEMO_PASSWORD = PASSWORD
    # The server's clock is frozen in 2025 but chromium's is not: a cookie with an expiry date would be
    # dropped as already expired.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    demo_load()


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def log_out(page, base):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
