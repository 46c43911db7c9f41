"""Reading a file into clean text: plain text, Word (.docx) and PDF with a text layer.

Everything that comes out is NFC with Unix line ends, without the markdown emphasis the seeds use and without
the leading ``#`` comment lines the test corpus puts above each text (its source). The character offsets the
parser reports refer to this cleaned text, so a form that shows it can highlight a proposal's source.
"""

import re
import unicodedata
import zipfile
from pathlib import Path

from django.utils.translation import gettext as _

from .errors import ExtractionError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
SUPPORTED_SUFFIXES = (".txt", ".docx", ".pdf")

# Invisible characters that word processors and web pages leave in copied text.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\t"), " ")
_BOLD = re.compile(r"\*\*|__")
# A single asterisk that opens or closes emphasis (touching a word on one side), as in "(*hoàn thành …*)".
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_LETTER = re.compile(r"[^\W\d_]")


def text_clean(*, text: str) -> str:
    """Normalise text for parsing; refuses a text with no letters at all."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE).translate(_SPACES)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    # The corpus and hand-made samples keep their source in "#" lines above the text; a real document never
    # starts with one, so only the leading block is dropped.
    while lines and (lines[0].lstrip().startswith("#") or not lines[0].strip()):
        lines.pop(0)
    text = "\n".join(line.rstrip() for line in lines)
    text = _ITALIC.sub("", _BOLD.sub("", text))
    if not _LETTER.search(text):
        raise ExtractionError(_("Văn bản trống: không có chữ nào để đọc."), code="empty")
    return text


def text_read(*, path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The clean text of a file, by its suffix; every refusal is an ExtractionError with a Vietnamese message."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise ExtractionError(_("Không đọc được tệp “%(name)s”.") % {"name": path.name}, code="unreadable") from None
    # Checked before anything is read, so a huge upload never sits in memory.
    if size > max_bytes:
        raise ExtractionError(
            _("Tệp quá lớn (%(size).1f MB); chỉ nhận tệp đến %(limit).1f MB.")
            % {"size": size / 1024 / 1024, "limit": max_bytes / 1024 / 1024},
            code="too_large",
        )
    if size == 0:
        raise ExtractionError(_("Văn bản trống: không có chữ nào để đọc."), code="empty")
    suffix = path.suffix.lower()
    if suffix == ".txt":
        raw = _plain_text(path)
    elif suffix == ".docx":
        raw = _docx_text(path)
    elif suffix == ".pdf":
        raw = _pdf_text(path)
    else:
        raise ExtractionError(
            _("Không hỗ trợ loại tệp “%(suffix)s”; hãy dùng tệp .txt, .docx hoặc .pdf có lớp chữ.")
            % {"suffix": suffix or path.name},
            code="unsupported",
        )
    return text_clean(text=raw)


def _plain_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExtractionError(
            _("Tệp văn bản không ở mã UTF-8; hãy lưu lại với mã UTF-8 rồi tải lên lại."), code="encoding"
        ) from None


def _docx_text(path: Path) -> str:
    # A .docx is a zip holding word/document.xml; anything else renamed to .docx is refused before python-docx
    # sees it (it would raise a bare KeyError or BadZipFile).
    try:
        with zipfile.ZipFile(path) as archive:
            is_word = "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        is_word = False
    if not is_word:
        raise ExtractionError(
            _("Tệp “%(name)s” không phải tài liệu Word (.docx) hợp lệ.") % {"name": path.name}, code="bad_docx"
        )
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception:  # python-docx raises many kinds on a damaged package; the user needs one message.
        raise ExtractionError(
            _("Tệp “%(name)s” không phải tài liệu Word (.docx) hợp lệ.") % {"name": path.name}, code="bad_docx"
        ) from None
    lines: list[str] = []
    # Paragraphs and tables in document order: the header of a Vietnamese administrative document (issuer,
    # motto, number, date) and often the signature are laid out in borderless tables.
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell repeats in every column it spans
                        continue
                    seen.add(id(cell._tc))
                    lines.extend(paragraph.text for paragraph in cell.paragraphs)
                lines.append("")
    return "\n".join(lines)


# A line that starts a new unit of the text: "1.", "a)", "-", "+", "Điều 3", "II." and the like.
_NEW_UNIT = re.compile(r"^\s*(?:[-–+•*]|\d+(?:\.\d+)*[.)]|[a-zđ][)]|[IVX]+\.|Điều\s|Mục\s|Chương\s)")


def _unwrap(page_text: str) -> str:
    """Join the lines a PDF wrapped inside a paragraph: a long line that does not end a sentence or a
    clause, followed by a line that does not start a new item, is one paragraph ("… về" / "Ủy ban nhân dân
    tỉnh trước ngày 25/12"). Short lines (the heading, the signing block) are left as they are."""
    lines = page_text.split("\n")
    longest = max((len(line.strip()) for line in lines), default=0)
    joined: list[str] = []
    for line in lines:
        previous = joined[-1].rstrip() if joined else ""
        if (
            previous
            and line.strip()
            and len(previous) >= 0.7 * longest
            and previous[-1] not in ".:;!?"
            and not _NEW_UNIT.match(line)
        ):
            joined[-1] = f"{previous} {line.strip()}"
        else:
            joined.append(line)
    return "\n".join(joined)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError(_("Tệp PDF được đặt mật khẩu; không đọc được."), code="encrypted_pdf")
        pages = [_unwrap(page.extract_text() or "") for page in reader.pages]
    except ExtractionError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError):
        raise ExtractionError(
            _("Tệp “%(name)s” không phải tệp PDF đọc được.") % {"name": path.name}, code="bad_pdf"
        ) from None
    text = "\n\n".join(pages)
    if not _LETTER.search(text):
        raise ExtractionError(
            _(
                "Tệp PDF không có lớp chữ (bản quét): không đọc được nội dung. Hãy dùng bản PDF xuất từ tệp "
                "Word, tệp .docx, hoặc nhận dạng chữ (OCR) trước khi tải lên."
            ),
            code="scanned_pdf",
        )
    return text
