"""Checking uploaded files by their content, not their name."""

import hashlib
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Suffix -> the content types its bytes may really be.
ALLOWED = {
    "pdf": {"application/pdf"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    "png": {"image/png"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
}
SIGNED_SCAN_SUFFIXES = {"pdf"}
HEAD_BYTES = 8192


@dataclass(frozen=True)
class CheckedUpload:
    original_name: str
    suffix: str
    content_type: str
    size: int
    sha256: str


def stored_file_fields(upload, checked: CheckedUpload) -> dict:
    """The fields every stored upload keeps (an attachment, a co-operating party's file), the upload renamed
    at random: the stored name says nothing the user chose."""
    upload.name = f"{uuid.uuid4().hex}.{checked.suffix}"
    return {
        "file": upload,
        "original_name": checked.original_name,
        "content_type": checked.content_type,
        "size": checked.size,
        "sha256": checked.sha256,
    }


def safe_display_name(name: str) -> str:
    """The name to show and to offer on download: no path, no control characters, at most 120 characters."""
    name = unicodedata.normalize("NFC", PurePath(name.replace("\\", "/")).name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return name[-120:] or "tep-dinh-kem"


def check_upload(upload, *, signed_scan: bool) -> CheckedUpload:
    """Refuse a file that is too large, of a type we do not take, or whose bytes do not match its name."""
    limit_mb = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("Tệp “%(name)s” quá lớn (%(size).1f MB); giới hạn là %(limit)d MB."),
            code="too_large",
            params={"name": safe_display_name(upload.name), "size": upload.size / 1024 / 1024, "limit": limit_mb},
        )
    if upload.size == 0:
        raise ValidationError(_("Tệp rỗng, không có nội dung."), code="empty")
    name = safe_display_name(upload.name)
    suffix = PurePath(name).suffix.lower().lstrip(".")
    allowed = SIGNED_SCAN_SUFFIXES if signed_scan else ALLOWED.keys()
    if suffix not in allowed:
        if signed_scan:
            message = _("Bản ký, đóng dấu phải là tệp PDF.")
        else:
            message = _("Chỉ nhận tệp PDF, DOCX, XLSX, PNG hoặc JPG; “%(name)s” không thuộc các loại này.")
        raise ValidationError(message, code="bad_type", params={"name": name})
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    kind = filetype.guess(head) if suffix not in {"docx", "xlsx"} else _guess_office(upload)
    if kind is None or kind.mime not in ALLOWED[suffix]:
        raise ValidationError(
            _("Nội dung tệp “%(name)s” không phải là tệp .%(suffix)s thật (có thể tệp đã bị đổi tên)."),
            code="content_mismatch",
            params={"name": name, "suffix": suffix},
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        original_name=name, suffix=suffix, content_type=kind.mime, size=upload.size, sha256=digest.hexdigest()
    )


def _guess_office(upload):
    # Office files are zip archives whose members say what they are: filetype reads the whole archive head.
    upload.seek(0)
    return filetype.guess(upload.read(min(upload.size, 2 * 1024 * 1024)))
