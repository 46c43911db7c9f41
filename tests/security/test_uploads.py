"""Uploaded files are never executed or shown inline as HTML; names and content are sanitised."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from obligations.uploads import check_upload, safe_display_name
from regulations.files import private_file_response

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("trang.html", HTML),
        ("anh.svg", SVG),
        ("bao-cao.pdf", HTML),  # HTML renamed to .pdf
        ("bang.xlsx", HTML),
        ("chay.exe.pdf", b"MZ\x90\x00\x03" + b"\x00" * 64),  # a Windows program renamed to .pdf
    ],
)
def test_scripts_and_markup_are_refused_whatever_their_name(name, content):
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile(name, content), signed_scan=False)
    assert refused.value.code in {"bad_type", "content_mismatch"}


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\hnd\\Báo cáo 2025.pdf", "Báo cáo 2025.pdf"),
        ("bao\x00cao\u202e.pdf", "baocao.pdf"),  # NUL and the right-to-left override are dropped
        ("...", "tep-dinh-kem"),
    ],
)
def test_file_names_lose_paths_and_control_characters(given, shown):
    assert safe_display_name(given) == shown


class _Stored:
    """A stored file as a FileField hands it over."""

    def __init__(self, data: bytes):
        self.data, self.name = data, "x"

    def __bool__(self):
        return True

    def open(self, mode):
        return ContentFile(self.data)


def test_a_pdf_is_shown_in_a_sandbox_and_anything_else_is_a_download():
    pdf = private_file_response(_Stored(b"%PDF-1.4"), download_name="bao-cao.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert pdf["X-Content-Type-Options"] == "nosniff"
    assert pdf["Content-Disposition"].startswith("inline")
    docx = private_file_response(_Stored(b"PK\x03\x04"), download_name="ke-hoach.docx")
    assert docx["Content-Disposition"].startswith("attachment")
    unknown = private_file_response(_Stored(HTML), download_name="trang.html")
    assert unknown["Content-Disposition"].startswith("attachment")
    assert unknown["Cache-Control"] == "private, no-store"
