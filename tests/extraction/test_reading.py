"""Reading files, and every input the extractor refuses with a Vietnamese message."""

import struct
import unicodedata
import zipfile
import zlib
from pathlib import Path

import pytest

from obligations.extraction import ExtractionError, extraction_from_file, extraction_from_text
from obligations.extraction.reading import text_read

CORPUS = Path(__file__).parent / "corpus"
FONT = Path(__file__).resolve().parents[2] / "reports" / "static" / "reports" / "fonts" / "LiberationSerif-Regular.ttf"
SEED_106 = (CORPUS / "100_seed000_kontum_106_ubnd_kgvx.txt").read_text(encoding="utf-8")


def refused(call):
    with pytest.raises(ExtractionError) as caught:
        call()
    return caught.value


def _docx(path: Path, paragraphs: list[str], header_table: tuple[str, str] | None = None) -> Path:
    import docx

    document = docx.Document()
    if header_table:
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = header_table
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(str(path))
    return path


def test_a_real_docx_is_read_with_its_header_table_in_order(tmp_path):
    lines = SEED_106.split("\n")[2:]
    body_start = lines.index("Số: 106 /UBND-KGVX")
    path = _docx(
        tmp_path / "106.docx",
        lines[body_start:],
        header_table=(
            "ỦY BAN NHÂN DÂN\nTỈNH KON TUM",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
        ),
    )
    data = extraction_from_file(path=path).as_dict()
    assert data["number_symbol"] == "106/UBND-KGVX"
    assert data["issuer"] == "Ủy ban nhân dân tỉnh Kon Tum"
    assert [row["item"] for row in data["obligations"]] == ["1", "2", "3", "4", "Đoạn kết"]


def test_a_text_layer_pdf_is_read(tmp_path):
    from weasyprint import HTML

    paragraphs = "".join(f"<p>{line}</p>" for line in SEED_106.split("\n")[2:] if line.strip())
    html = (
        f"<style>@font-face {{ font-family: Body; src: url('{FONT.as_uri()}'); }}"
        f" body {{ font-family: Body; font-size: 11pt; }} p {{ margin: 0 0 6pt; }}</style>{paragraphs}"
    )
    path = tmp_path / "106.pdf"
    HTML(string=html).write_pdf(str(path))
    data = extraction_from_file(path=path).as_dict()
    assert data["number_symbol"] == "106/UBND-KGVX"
    rows = {row["item"]: row for row in data["obligations"]}
    assert rows["4"]["lead"] == ["Sở Nội vụ"]
    assert rows["4"]["deadline"] == {"day": 24, "month": 12, "year": None}
    assert rows["2"]["verb"] == "Đề nghị"


def _png(width=40, height=20) -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def test_a_scanned_pdf_without_text_layer_is_refused(tmp_path):
    import base64

    from weasyprint import HTML

    image = base64.b64encode(_png()).decode()
    path = tmp_path / "scan.pdf"
    HTML(string=f'<img src="data:image/png;base64,{image}" style="width: 15cm">').write_pdf(str(path))
    error = refused(lambda: text_read(path=path))
    assert error.code == "scanned_pdf"
    assert error.message.startswith("Tệp PDF không có lớp chữ (bản quét)")


def test_an_empty_text_is_refused(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("   \n\n  ", encoding="utf-8")
    error = refused(lambda: text_read(path=path))
    assert error.code == "empty"
    assert "Văn bản trống" in error.message
    assert refused(lambda: extraction_from_text(text="")).code == "empty"


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: 50 MB of size, nothing written
        handle.truncate(50 * 1024 * 1024)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the file was read"))
    error = refused(lambda: text_read(path=path))
    assert error.code == "too_large"
    assert error.message == "Tệp quá lớn (50.0 MB); chỉ nhận tệp đến 10.0 MB."


def test_the_size_limit_is_configurable(tmp_path):
    path = tmp_path / "small.txt"
    path.write_text(SEED_106, encoding="utf-8")
    assert refused(lambda: text_read(path=path, max_bytes=1000)).code == "too_large"


def test_a_docx_that_is_really_something_else_is_refused(tmp_path):
    fake = tmp_path / "fake.docx"
    fake.write_text("đây không phải tệp Word", encoding="utf-8")
    error = refused(lambda: text_read(path=fake))
    assert error.code == "bad_docx"
    assert error.message == "Tệp “fake.docx” không phải tài liệu Word (.docx) hợp lệ."
    other_zip = tmp_path / "archive.docx"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("readme.txt", "a zip, but not a Word document")
    assert refused(lambda: text_read(path=other_zip)).code == "bad_docx"


def test_an_unsupported_type_is_refused(tmp_path):
    path = tmp_path / "bang.xlsx"
    path.write_bytes(b"PK\x03\x04")
    error = refused(lambda: text_read(path=path))
    assert error.code == "unsupported"
    assert "Không hỗ trợ loại tệp “.xlsx”" in error.message


def test_a_text_with_no_operative_item_is_refused():
    text = "Ngày 28 tháng 02 năm 2023, hội nghị đã diễn ra tốt đẹp.\n\nCác đại biểu đánh giá cao kết quả đạt được."
    error = refused(lambda: extraction_from_text(text=text))
    assert error.code == "no_items"
    assert error.message.startswith("Không tìm thấy mục nào giao nhiệm vụ")


def test_text_is_stored_in_nfc_without_markdown_or_source_lines():
    written = "# nguồn: thử\nGiao Sở Nội vụ tổng hợp, báo cáo (*hoàn thành trước ngày 15/12*)."
    decomposed = unicodedata.normalize("NFD", written)
    assert decomposed != written
    result = extraction_from_text(text=decomposed)
    assert result.text == "Giao Sở Nội vụ tổng hợp, báo cáo (hoàn thành trước ngày 15/12)."
    assert result.as_dict()["obligations"][0]["deadline_text"] == "hoàn thành trước ngày 15/12"
