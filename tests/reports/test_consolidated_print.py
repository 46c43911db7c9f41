"""The demo's 2025 consolidated report of Quảng Ngãi, as Sở Nội vụ prints it: its counts agree with the
reports it quotes, the invented ones are marked, the filing line names the drafting unit, and no short table
is split across two pages."""

import functools
import io
import re

import pdfplumber
import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from obligations.models import Period
from regulations.models import Party
from reports.pdf import consolidated_html, html_to_pdf
from reports.services import consolidated_report_create

pytestmark = pytest.mark.django_db

SHORT = 5  # rows: a table this short never needs two pages


def _report():
    """The report as consolidated_report_create opens it (unsaved changes only; the caller rolls back)."""
    return consolidated_report_create(
        jurisdiction=Party.objects.get(code="qn-ubnd"),
        period=Period.objects.get(kind="year", year=2025),
        actor=get_user_model().objects.get(username="sonoivu"),
    )


MM = 72 / 25.4
LINE = 13 * 1.35  # one more "Kính gửi" line moves what follows down by this much (print.css)
TABLES = {"TT Cơ quan, tổ chức": "II. ", "TT Số liệu": "IV. "}  # each short table's header, and what follows it


def _padded(report, extra: int) -> bytes:
    """The report with `extra` more "Kính gửi" lines above its tables (one line each)."""
    report.addressees = "\n".join([report.addressees.splitlines()[0], *(f"Nơi nhận thử {n}" for n in range(extra + 1))])
    return html_to_pdf(consolidated_html(report))


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker):
    """The report as printed (key None), and padded so that each short table, left alone, would run over the
    end of its page: the padding is computed from where the table stands, then tried a line either side.
    Rendered once for the module; the report is rolled back, so the session's demo stays as seeded."""
    with django_db_blocker.unblock(), transaction.atomic():
        report = _report()
        pdfs: dict[int | None, bytes] = {None: html_to_pdf(consolidated_html(report)), 0: _padded(report, 0)}
        with pdfplumber.open(io.BytesIO(pdfs[0])) as document:
            bottom = document.pages[0].height - 22 * MM  # the bottom margin (print.css @page)
            for header in TABLES:
                top, end = _table_box(document, header)
                # From the last row just over the end to the header just above it, a line of margin each side.
                for extra in range(int((bottom - end) / LINE), int((bottom - top) / LINE) + 1):
                    if extra > 0 and extra not in pdfs:
                        pdfs[extra] = _padded(report, extra)
        transaction.set_rollback(True)
    return pdfs


def _table_box(document, header: str) -> tuple[float, float]:
    """The top of a table's header line and the bottom of its last row, on the page where it stands."""
    for page in document.pages:
        lines = page.extract_text_lines()
        starts = [i for i, line in enumerate(lines) if line["text"].startswith(header)]
        if starts:
            rows = [line for line in lines[starts[0] :] if re.match(r"\d+ \S", line["text"])]
            return lines[starts[0]]["top"], max(line["bottom"] for line in rows[: _row_count(lines, starts[0])])
    raise AssertionError(f"{header!r} is not printed")


def _row_count(lines, start: int) -> int:
    count = 0
    for line in lines[start + 1 :]:
        if re.match(rf"{count + 1} \S", line["text"]):
            count += 1
        elif re.match(r"[IVX]+\. ", line["text"]):
            break
    return count


@functools.cache
def _lines(pdf: bytes) -> list[tuple[int, str]]:
    """(page number, text line) of the whole document, the page numbers at the top of each page left out."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [
            (page.page_number, line["text"])
            for page in document.pages
            for line in page.extract_text_lines()
            if line["top"] > 20 * 72 / 25.4
        ]


def _flat(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(text for _page, text in _lines(pdf)))


def test_the_sent_count_is_the_number_of_reports_section_ii_quotes(printed):
    lines = _lines(printed[None])
    flat = _flat(printed[None])
    done, expected = map(int, re.search(r"Có (\d+)/(\d+) cơ quan, tổ chức đã gửi báo cáo", flat).groups())
    assert (done, expected) == (4, 5)  # HND Quảng Ngãi's 2025 report is left missing on purpose
    texts = [text for _page, text in lines]
    section_ii = texts[
        texts.index("II. KẾT QUẢ THỰC HIỆN CỦA CÁC CƠ QUAN, TỔ CHỨC") : texts.index("III. SỐ LIỆU TỔNG HỢP")
    ]
    quoted = [text for text in section_ii if re.match(r"\d+\. .+ tỉnh Quảng Ngãi", text)]
    assert len(quoted) == done, quoted
    assert "Chưa có báo cáo nào được tiếp nhận" not in flat
    assert "chưa có nội dung báo cáo được tiếp nhận" not in flat  # every completion has its report
    totals = [int(m) for m in re.findall(r"(?:hoạt động|kế hoạch|cuộc) (\d+) 4$", "\n".join(texts), re.M)]
    assert len(totals) == 3 and all(total > 0 for total in totals)  # each figure summed over the four


def test_the_invented_reports_are_marked_as_such(printed):
    flat = _flat(printed[None])
    assert "Nội dung ghi “dữ liệu minh họa” do bản trình diễn tự tạo" in flat
    assert flat.count("tỉnh Quảng Ngãi (dữ liệu minh họa)") == 4


def test_the_filing_line_names_the_drafting_unit_s_abbreviation(printed):
    assert "- Lưu: VT, SNV." in [text for _page, text in _lines(printed[None])]


def _table_pages(pdf: bytes, header: str, after: str) -> tuple[int, set[int]]:
    """How many rows a table has, and the pages its header and rows are printed on. A table split over two
    pages shows on both (WeasyPrint repeats the header on the second)."""
    lines = _lines(pdf)
    start = next(i for i, (_page, text) in enumerate(lines) if text.startswith(header))
    pages, rows = set(), 0
    for page, text in lines[start:]:
        if text.startswith(after):
            break
        if text.startswith(header):
            pages.add(page)
        elif re.match(rf"{rows + 1} \S", text):
            rows += 1
            pages.add(page)
    return rows, pages


def _first_line_of_a_page(pdf: bytes, header: str) -> bool:
    """Whether the table (or the section title kept with it) opens a page: it was moved there whole."""
    lines = _lines(pdf)
    for i, (page, text) in enumerate(lines):
        if text.startswith(header):
            first = next(j for j, (p, _t) in enumerate(lines) if p == page)
            return i - first <= 1
    return False


def test_no_short_table_is_split_across_pages(printed):
    moved = set()
    for extra, pdf in printed.items():
        for header, after in TABLES.items():
            rows, pages = _table_pages(pdf, header, after)
            assert 0 < rows <= SHORT, (header, rows)
            assert len(pages) == 1, f"{extra} more lines: the table {header!r} of {rows} rows is on pages {pages}"
            if _first_line_of_a_page(pdf, header):
                moved.add(header)
    # Each table was pushed to the top of a page by some padding: the test tried the dangerous positions.
    assert moved == set(TABLES), moved


def test_a_section_title_stays_on_the_page_of_its_table(printed):
    for extra, pdf in printed.items():
        lines = _lines(pdf)
        title_page = next(page for page, text in lines if text == "III. SỐ LIỆU TỔNG HỢP")
        table_page = next(page for page, text in lines if text.startswith("TT Số liệu"))
        assert title_page == table_page, extra
