"""The signing fields explain themselves, and the forms show the signing block as it will print, rendered by
the server (so it is there without JavaScript) by the same rule as the PDF."""

import re

import pytest
from django.urls import reverse

from obligations.models import Period
from regulations.models import Document, Party
from regulations.signing_block import signing_lines
from reports import pdf, services

pytestmark = pytest.mark.django_db


def _preview(page: str) -> list[str]:
    """The preview's printed lines, the name last, as a reader of the page sees them."""
    box = re.search(r'<figure class="signing-preview".*?</figure>', page, re.S)
    assert box, "no signing preview on the page"
    html = box.group(0)
    lines = re.search(
        r"<div class=\"signing-preview-lines\" data-lines>(.*?)</div>\s*<div class=\"signing-preview-space", html, re.S
    )
    name = re.search(r"<div class=\"signing-preview-name\" data-name-line>(.*?)</div>", html, re.S)
    return [*re.findall(r"<div>(.*?)</div>", lines.group(1)), name.group(1).strip()]


@pytest.fixture
def report(users):
    return services.consolidated_report_create(
        jurisdiction=Party.objects.get(code="qn-ubnd"),
        period=Period.objects.get(kind="year", year=2025),
        actor=users["sonoivu"],
    )


def test_the_printed_documents_and_the_preview_share_one_rule():
    assert pdf.signing_lines is signing_lines


def test_the_consolidated_form_previews_its_signing_block(client, users, report):
    client.force_login(users["sonoivu"])
    page = client.get(report.get_absolute_url()).content.decode()
    assert _preview(page) == ["GIÁM ĐỐC", ""]  # as opened: the director signs, no name yet
    assert "Dòng thẩm quyền in trên chữ ký" in page and "Ví dụ: “KT. GIÁM ĐỐC”" in page
    assert "Chức vụ của chính người ký" in page and "Ví dụ: “Phó Giám đốc”" in page
    assert 'src="/static/js/signing-preview.js"' in page and "<script>" not in page  # CSP: no inline script


def test_a_refused_post_previews_what_was_typed(client, users, report):
    client.force_login(users["sonoivu"])
    fields = {name: getattr(report, name) for name in report.TEXT_FIELDS}
    fields.update(signing_block="KT. GIÁM ĐỐC", signer_title="Phó Giám đốc", signer_name="Trần Văn B")
    fields["number_symbol"] = "x" * 101  # too long: the page comes back with the form as typed
    response = client.post(report.get_absolute_url(), fields)
    assert response.status_code == 200
    assert _preview(response.content.decode()) == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Văn B"]


def test_the_document_form_previews_directive_106_as_it_prints(client, users):
    document = Document.objects.get(number_symbol="106/UBND-KGVX")
    client.force_login(users["vanphong"])
    page = client.get(reverse("regulations:document_edit", args=[document.pk])).content.decode()
    printed = signing_lines(document.signing_block, document.signer_title)
    assert _preview(page) == [*printed, document.signer_name]
    assert _preview(page) == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Y Ngọc"]
    for words in ("Hình thức ký, để phân loại", "Các dòng in phía trên chữ ký", "Chức vụ của chính người ký"):
        assert words in page
