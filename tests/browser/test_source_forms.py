"""The office enters a document with its items in a real browser, without any JavaScript of its own."""

import pytest

from regulations.models import Document, SourceEvent
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_the_office_enters_a_document_with_two_items_and_sees_it(committed_demo, live_server, browser_page):
    page, base = browser_page, live_server.url
    log_in(page, base, "vanphong")
    page.goto(f"{base}/documents/")
    page.get_by_role("link", name="Thêm văn bản").click()
    page.wait_for_url(f"{base}/documents/new/")
    page.select_option("#id_kind", "plan")
    page.select_option("#id_issuer", label="Ủy ban nhân dân tỉnh Quảng Ngãi")
    page.fill("#id_number_symbol", "41/KH-UBND")
    page.fill("#id_place", "Quảng Ngãi")
    page.fill("#id_issued_on", "20/02/2026")
    page.fill("#id_title", "KẾ HOẠCH")
    page.fill("#id_subject", "Thực hiện quy chế phối hợp năm 2026")
    page.fill("#id_items-0-label", "1")
    page.fill("#id_items-0-text", "Sở Nội vụ tổng hợp kết quả, báo cáo UBND tỉnh trước ngày 25/12.")
    page.fill("#id_items-1-label", "2")
    page.fill("#id_items-1-text", "Các tổ chức gửi báo cáo đánh giá trước ngày 15/12.")
    page.fill("#id_signer_name", "Nguyễn Văn A")
    page.get_by_role("button", name="Lưu", exact=True).click()

    document = Document.objects.get(number_symbol="41/KH-UBND")
    page.wait_for_url(f"{base}{document.get_absolute_url()}")
    assert page.locator("main h1").inner_text().startswith("Kế hoạch 41/KH-UBND")
    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    assert "Sở Nội vụ tổng hợp kết quả" in rows.nth(0).inner_text()
    assert "trước ngày 15/12" in rows.nth(1).inner_text()
    assert "Tạo mới" in page.locator("#trail-title + ol").inner_text()
    assert not document.is_draft and document.items.count() == 2
    assert (
        SourceEvent.objects.filter(content_type__model="document", object_id=document.pk, action="created").count() == 1
    )
