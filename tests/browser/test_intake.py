"""From text to obligations in chromium: the office pastes a document, corrects what was read, confirms; the
responsible party sees its new task in "Nhiệm vụ của tôi" at once, with its last day and the source's wording."""

import datetime
from pathlib import Path

import pytest
import time_machine

from tests.browser.conftest import HANOI, log_in, log_out

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).resolve().parents[1] / "extraction" / "corpus"


def _paste(page, base, jurisdiction: str, text: str):
    page.goto(f"{base}/intake/")
    page.select_option("#id_jurisdiction", label=jurisdiction)
    page.fill("#id_text", text)
    page.get_by_role("button", name="Đọc văn bản").click()
    page.wait_for_selector("h1:has-text('Kiểm tra nhiệm vụ đọc được từ văn bản')")


def test_the_office_enters_a_kon_tum_directive_and_hnd_sees_its_report_at_once(
    committed_demo, live_server, browser_page
):
    page, base = browser_page, live_server.url
    # The demo already holds 106/UBND-KGVX of Kon Tum: the same text numbered 107 is a clean new directive,
    # read in Kon Tum's jurisdiction (its organisations were merged into Quảng Ngãi's on 01/07/2025, so the
    # 2025 report goes to HND Quảng Ngãi, which the `hnd` account also works for).
    text = (CORPUS / "100_seed000_kontum_106_ubnd_kgvx.txt").read_text(encoding="utf-8")
    text = text.replace("Số: 106 /UBND-KGVX", "Số: 107 /UBND-KGVX")
    title = "Báo cáo đánh giá kết quả thực hiện Quy chế (công văn 107)"
    with time_machine.travel(datetime.datetime(2025, 12, 1, 9, 0, tzinfo=HANOI), tick=True):
        log_in(page, base, "vanphong")
        _paste(page, base, "Ủy ban nhân dân tỉnh Kon Tum", text)
        assert page.locator("#id_doc-number_symbol").input_value() == "107/UBND-KGVX"
        assert page.locator("section.proposal mark").count() == 5
        page.check("#id_p-0-keep_1")  # "Bỏ": item 1 is a standing duty the office follows elsewhere
        page.fill("#id_p-1-title", title)
        page.get_by_role("button", name="Xác nhận và tạo nhiệm vụ").click()
        page.wait_for_selector("h1:has-text('107/UBND-KGVX')")
        assert page.get_by_text("với 4 nhiệm vụ phối hợp").is_visible()

        log_out(page, base)
        log_in(page, base, "hnd")
        page.goto(f"{base}/my-tasks/")
        row = page.locator("tr", has_text=title).filter(has_text="HND Quảng Ngãi")
        assert row.count() == 1
        assert "15/12/2025 (hoàn thành trước ngày 15/12)" in row.inner_text()


def test_the_tanyen_office_enters_its_notice_and_the_interior_office_sees_the_one_off_task(
    committed_demo, live_server, browser_page
):
    page, base = browser_page, live_server.url
    # The demo's Tân Yên notice is a draft without number or day: this one is numbered and dated, so it is
    # a document of its own, not a copy of the draft.
    text = (CORPUS / "103_seed003_tanyen_thong_bao_ket_luan.txt").read_text(encoding="utf-8")
    text = text.replace("Số:/TB-UBND", "Số: 25/TB-UBND").replace(
        "Tân Yên, ngày tháng 02 năm 2023", "Tân Yên, ngày 01 tháng 3 năm 2023"
    )
    with time_machine.travel(datetime.datetime(2023, 3, 1, 9, 0, tzinfo=HANOI), tick=True):
        log_in(page, base, "tanyen")
        _paste(page, base, "Ủy ban nhân dân huyện Tân Yên", text)
        cards = page.locator("section.proposal")
        count = cards.count()
        for n in range(count - 1):  # keep only conclusion 5, the one with a deadline
            page.check(f"#id_p-{n}-keep_1")
        assert page.locator(f"#id_p-{count - 1}-due_date").input_value() == "04/03/2023"
        page.get_by_role("button", name="Xác nhận và tạo nhiệm vụ").click()
        page.wait_for_selector("h1:has-text('25/TB-UBND')")

        log_out(page, base)
        log_in(page, base, "noivu_tanyen")
        page.goto(f"{base}/my-tasks/")
        row = page.locator("tr", has_text="Thông báo kết luận 25/TB-UBND, mục 5")
        assert row.count() == 1
        assert "06/03/2023 (thời gian thực hiện xong trước ngày 05/3/2023)" in row.inner_text()
