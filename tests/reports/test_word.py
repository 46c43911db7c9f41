"""Every printed document is also a Word file in the same layout, offered from its page."""

import io
import re
from collections import Counter

import pdfplumber
import pytest
from django.urls import reverse
from docx import Document as WordDocument

from regulations.models import Document, Meeting
from reports.models import GeneratedFile
from reports.pdf import document_html, html_to_pdf, meeting_html
from reports.word import document_docx, meeting_docx

pytestmark = pytest.mark.django_db


def _words(text: str) -> list[str]:
    return re.sub(r"\s+", " ", text).strip().split(" ")


def _docx_text(content: bytes) -> str:
    word = WordDocument(io.BytesIO(content))
    parts = [p.text for p in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def _pdf_text(content: bytes) -> str:
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    return re.sub(r"(?<=\S-)\n", "", text)  # "4861/QCPH-" / "UBND-HND" wrapped at its hyphen


@pytest.mark.parametrize("which", ["directive", "notice"])
def test_the_word_file_holds_the_same_text_as_the_pdf(demo, which):
    if which == "directive":
        record = Document.objects.get(number_symbol="106/UBND-KGVX")
        word, printed = document_docx(record), html_to_pdf(document_html(record))
    else:
        record = Meeting.objects.get(host__code="ty-ubnd")
        word, printed = meeting_docx(record), html_to_pdf(meeting_html(record))
    word_words = Counter(w for w in _words(_docx_text(word)) if w != "———")
    pdf_words = Counter(_words(_pdf_text(printed)))
    # The PDF reads its two-column heading and closing across the columns, so the order differs there; the
    # words are the same, except the PDF's page numbers.
    for number in range(2, 10):
        pdf_words[str(number)] -= 1
    assert +pdf_words == +word_words


def test_the_directive_word_file_has_the_decree_30_parts(demo):
    word = WordDocument(io.BytesIO(document_docx(Document.objects.get(number_symbol="106/UBND-KGVX"))))
    text = _docx_text(document_docx(Document.objects.get(number_symbol="106/UBND-KGVX")))
    section = word.sections[0]
    assert round(section.left_margin.mm) == 32 and round(section.right_margin.mm) == 17
    assert round(section.top_margin.mm) == 22 and round(section.page_width.mm) == 210
    assert section.different_first_page_header_footer  # no page number on the first page
    assert "PAGE" in section.header._element.xml
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert text.count("./.") == 1 and text.count("PHÓ CHỦ TỊCH") == 1
    assert "- Thường trực Tỉnh ủy (b/c);" in text
    assert text.count("Giao Sở Nội vụ làm đầu mối") == 1


@pytest.mark.parametrize(
    ("url_name", "record"),
    [("reports:document_pdf", "directive"), ("reports:meeting_pdf", "meeting")],
)
def test_the_record_page_offers_print_and_word_and_both_produce_a_file(
    demo, client, users, django_capture_on_commit_callbacks, url_name, record
):
    client.force_login(users["vanphong"] if record == "directive" else users["tanyen"])
    obj = (
        Document.objects.get(number_symbol="106/UBND-KGVX")
        if record == "directive"
        else Meeting.objects.get(host__code="ty-ubnd")
    )
    page = client.get(obj.get_absolute_url()).content.decode()
    action = reverse(url_name, args=[obj.pk])
    assert page.count(f'action="{action}"') == 2
    assert "In (PDF)" in page or "In thông báo kết luận (PDF)" in page
    assert "Tải bản Word" in page and 'name="format" value="docx"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action, {"format": "docx"})
        client.post(action)
    word, printed = GeneratedFile.objects.order_by("pk")
    assert word.status == printed.status == GeneratedFile.Status.DONE
    assert word.filename.endswith(".docx") and printed.filename.endswith(".pdf")
    assert WordDocument(io.BytesIO(word.file.read())).paragraphs  # opens with python-docx
    response = client.get(reverse("reports:file_download", args=[word.pk]))
    assert response.status_code == 200


def test_a_word_file_of_a_document_outside_the_scope_is_refused(client, users):
    client.force_login(users["hnd"])
    notice = Document.objects.get(kind="conclusion_notice")
    response = client.post(reverse("reports:document_pdf", args=[notice.pk]), {"format": "docx"})
    assert response.status_code == 404
    assert not GeneratedFile.objects.exists()
