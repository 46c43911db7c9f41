"""The printed documents measured against decree 30/2020/NĐ-CP (appendix I): fonts, sizes, margins, page
numbers, the header, the signing block, Nơi nhận and the closing "./."."""

import io
import re

import pdfplumber
import pytest

from regulations.models import Document, Meeting, Party
from reports.pdf import (
    body_paragraphs,
    document_html,
    header_lines,
    html_to_pdf,
    meeting_html,
    signing_lines,
    with_end_mark,
)

MM = 72 / 25.4  # PDF points per millimetre
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def directive_pdf(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return html_to_pdf(document_html(Document.objects.get(number_symbol="106/UBND-KGVX")))


@pytest.fixture(scope="module")
def notice_pdf(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return html_to_pdf(meeting_html(Meeting.objects.get(host__code="ty-ubnd")))


def _pages(pdf: bytes):
    return pdfplumber.open(io.BytesIO(pdf)).pages


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in _pages(pdf))


def _line_chars(page, text: str, *, column: str = "all"):
    """The characters of the first text line of the page that contains `text` (in the right-hand column of
    the heading table when asked: the issuer's block stands on the same lines)."""
    for line in page.extract_text_lines():
        if text in line["text"]:
            chars = line["chars"]
            if column == "right":
                chars = [c for c in chars if c["x0"] > 90 * MM]
            return chars
    raise AssertionError(f"{text!r} is not on the page")


def test_every_glyph_is_liberation_serif(directive_pdf, notice_pdf):
    for pdf in (directive_pdf, notice_pdf):
        fonts = {char["fontname"].split("+")[-1] for page in _pages(pdf) for char in page.chars}
        assert fonts <= {
            "Liberation-Serif",
            "Liberation-Serif-Bold",
            "Liberation-Serif-Italic",
            "Liberation-Serif-Bold-Italic",
        }, fonts
        assert "Liberation-Serif" in fonts and "Liberation-Serif-Bold" in fonts


def test_title_motto_body_and_distribution_sizes(directive_pdf):
    first, last = _pages(directive_pdf)[0], _pages(directive_pdf)[-1]
    sizes = {
        "nation": _line_chars(first, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", column="right"),
        "motto": _line_chars(first, "Độc lập - Tự do - Hạnh phúc", column="right"),
        "body": _line_chars(first, "Qua triển khai thực hiện"),
        "distribution": _line_chars(last, "Thường trực Tỉnh ủy"),
    }
    measured = {name: {round(c["size"], 1) for c in chars if c["text"].strip()} for name, chars in sizes.items()}
    assert measured["nation"] <= {12.0, 12.5, 13.0} and len(measured["nation"]) == 1
    assert measured["motto"] == {13.0}
    assert measured["body"] == {13.0}
    assert measured["distribution"] == {11.0}
    assert all("Bold" in c["fontname"] for c in sizes["nation"] + sizes["motto"] if c["text"].strip())


def test_margins_are_within_decree_30(directive_pdf):
    pages = _pages(directive_pdf)
    body = [(page, c) for page in pages for c in page.chars if c["top"] > 20 * MM]  # below the page number
    left = min(c["x0"] for _page, c in body) / MM
    right = min(page.width - c["x1"] for page, c in body) / MM
    bottom = min(page.height - c["bottom"] for page, c in body) / MM
    assert 30 <= left <= 35, left
    assert 15 <= right <= 20, right
    assert bottom >= 20, bottom
    # The first line of the text starts at the top margin (20-25 mm).
    top = min(c["top"] for c in _pages(directive_pdf)[0].chars) / MM
    assert 20 <= top <= 25, top


def test_page_numbers_are_top_centre_13pt_from_the_second_page(directive_pdf):
    pages = _pages(directive_pdf)
    assert len(pages) >= 2
    assert not any(c["top"] < 20 * MM for c in pages[0].chars)  # no number on the first page
    for number, page in enumerate(pages[1:], start=2):
        header = [c for c in page.chars if c["top"] < 20 * MM]
        assert "".join(c["text"] for c in header) == str(number)
        centre = (header[0]["x0"] + header[-1]["x1"]) / 2
        text_centre = (30 * MM + page.width - 15 * MM) / 2
        assert abs(centre - text_centre) < 3 * MM
        assert {round(c["size"]) for c in header} == {13}


def test_the_motto_underline_is_as_long_as_the_motto(directive_pdf):
    page = _pages(directive_pdf)[0]
    motto = [c for c in _line_chars(page, "Độc lập - Tự do - Hạnh phúc", column="right") if c["text"].strip()]
    width = max(c["x1"] for c in motto) - min(c["x0"] for c in motto)
    start, bottom = min(c["x0"] for c in motto), max(c["bottom"] for c in motto)
    # The border is drawn along the bottom of the motto's box: a line or a rectangle's lower edge.
    below = [
        line
        for line in page.lines + page.rects
        if abs(line["x0"] - start) < 1 * MM and 0 <= line["bottom"] - bottom < 4 * MM
    ]
    assert below, "no rule under the motto"
    assert abs(below[0]["width"] - width) < 1.5 * MM, (below[0]["width"] / MM, width / MM)


def test_the_directive_prints_each_paragraph_once_and_one_end_mark(directive_pdf):
    text = _text(directive_pdf)
    flat = re.sub(r"\s+", " ", text)
    assert flat.count("Giao Sở Nội vụ làm đầu mối") == 1
    assert flat.count("./.") == 1
    assert "./../." not in flat and ".." not in flat.replace("...", "")
    assert "*" not in flat  # the seed's markdown emphasis is not printed
    assert flat.count("PHÓ CHỦ TỊCH") == 1


def test_the_footnote_is_set_apart_in_small_print(directive_pdf):
    chars = [c for page in _pages(directive_pdf) for c in page.chars]
    footnote = "".join(c["text"] for c in chars if round(c["size"]) == 10)
    assert "Quy chế số 4857/QCPH-UBND-UBMTTQVN" in footnote


def test_the_notice_has_one_end_mark_and_its_title_once(notice_pdf):
    flat = re.sub(r"\s+", " ", _text(notice_pdf))
    assert flat.count("./.") == 1
    assert flat.count("CHÁNH VĂN PHÒNG") == 1


def test_a_people_s_committee_has_no_superior_line_and_a_department_has_one(demo):
    assert header_lines(Party.objects.get(code="ty-ubnd")) == ("", "ỦY BAN NHÂN DÂN HUYỆN TÂN YÊN")
    snv = Party.objects.get(code="qn-snv")
    superior, name = header_lines(snv)
    assert superior == "UBND TỈNH QUẢNG NGÃI"
    assert name == "SỞ NỘI VỤ"
    # The Front is not subordinate to the People's Committee: no superior line.
    assert header_lines(Party.objects.get(code="qn-mttq"))[0] == ""


def test_the_notice_header_prints_no_invented_superior(notice_pdf):
    flat = re.sub(r"\s+", " ", _text(notice_pdf))
    assert "BẮC GIANG" not in flat.split("CỘNG HÒA")[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thực hiện đúng hạn", "thực hiện đúng hạn./."),
        ("thực hiện đúng hạn.", "thực hiện đúng hạn./."),
        ("thực hiện đúng hạn./.", "thực hiện đúng hạn./."),
        ("thực hiện đúng hạn. ", "thực hiện đúng hạn./."),
    ],
)
def test_the_end_mark_is_never_doubled(text, expected):
    assert with_end_mark(text) == expected


def test_the_signer_title_prints_once():
    assert signing_lines("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "Phó Chủ tịch") == [
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    ]
    assert signing_lines("KT. GIÁM ĐỐC", "Phó Giám đốc") == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert signing_lines("GIÁM ĐỐC", "Giám đốc") == ["GIÁM ĐỐC"]


def test_items_print_with_their_numbers_when_there_is_no_typed_body():
    class Item:
        def __init__(self, label, text):
            self.label, self.text = label, text

    paragraphs, _notes = body_paragraphs("", [Item("1", "Giao A làm việc X."), Item("Đoạn kết", "B báo cáo.")])
    assert paragraphs == ["1. Giao A làm việc X.", "B báo cáo./."]
