"""The signing block's preview follows the fields as the user types, in Debian's chromium, under the strict
Content Security Policy (the script is a static file, no inline script)."""

import pytest

from obligations.models import Period
from regulations.models import Document, Party
from reports import services
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def _shows(page, *lines: str, name: str) -> None:
    """The preview prints these lines, then the name (waiting for the script's redraw)."""
    from playwright.sync_api import expect

    preview = page.locator("[data-signing-preview]")
    expect(preview.locator("[data-lines] > div")).to_have_text(list(lines))
    expect(preview.locator("[data-name-line]")).to_have_text(name)


@pytest.fixture
def csp_violations(browser_page):
    seen: list[str] = []
    browser_page.on(
        "console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None
    )
    return seen


def test_the_consolidated_report_previews_the_signing_block_as_it_is_typed(
    committed_demo, live_server, browser_page, csp_violations
):
    from django.contrib.auth import get_user_model

    report = services.consolidated_report_create(
        jurisdiction=Party.objects.get(code="qn-ubnd"),
        period=Period.objects.get(kind="year", year=2025),
        actor=get_user_model().objects.get(username="sonoivu"),
    )
    page, base = browser_page, live_server.url
    log_in(page, base, "sonoivu")
    page.goto(f"{base}{report.get_absolute_url()}")
    _shows(page, "GIÁM ĐỐC", name="")
    page.fill("#id_signing_block", "kt. giám đốc")
    page.fill("#id_signer_title", "Phó Giám đốc")
    page.fill("#id_signer_name", "Trần Văn B")
    _shows(page, "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", name="Trần Văn B")
    # The director signs himself: the title equals the authority's last line and prints once.
    page.fill("#id_signing_block", "GIÁM ĐỐC")
    page.fill("#id_signer_title", "Giám đốc")
    _shows(page, "GIÁM ĐỐC", name="Trần Văn B")
    assert not csp_violations


def test_the_document_form_previews_directive_106_and_follows_the_fields(
    committed_demo, live_server, phone_page, csp_violations
):
    document = Document.objects.get(number_symbol="106/UBND-KGVX")
    page, base = phone_page, live_server.url
    log_in(page, base, "vanphong")
    page.goto(f"{base}/documents/{document.pk}/edit/")
    _shows(page, "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", name="Y Ngọc")
    page.fill("#id_signing_block", "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH")
    page.fill("#id_signer_title", "Chủ tịch")
    page.fill("#id_signer_name", "Nguyễn Văn C")
    _shows(page, "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", name="Nguyễn Văn C")
    page.fill("#id_signing_block", "")
    page.fill("#id_signer_title", "")
    page.fill("#id_signer_name", "")
    _shows(page, name="")
    assert page.locator("[data-signing-preview] [data-empty]").is_visible()
    assert not csp_violations
