"""Checking the signatures of an uploaded PDF (pyHanko's validator): who signed and when, whether the file
is intact since, and whether the certificate chains to a configured trusted root. The result is plain data,
kept with the upload and shown on the task and review pages; a file that cannot be read is a status too,
never an error page."""

from __future__ import annotations

import datetime
import io
import logging
from dataclasses import asdict, dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .credentials import trust_roots
from .demo import TEST_LABEL
from .signing import subject_fields

logger = logging.getLogger(__name__)


class Status:
    UNSIGNED = "unsigned"
    VALID = "valid"
    MODIFIED = "modified"
    INVALID = "invalid"
    REVOKED = "revoked"
    EXPIRED = "expired"
    UNTRUSTED = "untrusted"
    UNREADABLE = "unreadable"


LABELS = {
    Status.UNSIGNED: _("Chưa ký số"),
    Status.VALID: _("Chữ ký số hợp lệ"),
    Status.MODIFIED: _("Đã bị sửa đổi sau khi ký"),
    Status.INVALID: _("Chữ ký số không hợp lệ"),
    Status.REVOKED: _("Chứng thư số đã bị thu hồi"),
    Status.EXPIRED: _("Chứng thư số đã hết hạn"),
    Status.UNTRUSTED: _("Chứng thư số không do tổ chức chứng thực được tin cậy cấp"),
    Status.UNREADABLE: _("Không đọc được tệp để kiểm tra chữ ký số"),
}
# The worst signature decides the file's status.
_SEVERITY = [
    Status.VALID,
    Status.UNTRUSTED,
    Status.EXPIRED,
    Status.REVOKED,
    Status.INVALID,
    Status.MODIFIED,
    Status.UNREADABLE,
]
GOOD = {Status.VALID}


@dataclass
class SignatureCheck:
    status: str
    signer: str = ""
    organisation: str = ""
    test_certificate: bool = False
    signed_at: str | None = None  # ISO 8601
    timestamped: bool = False
    intact: bool = False
    trusted: bool = False
    valid_until: str | None = None  # the certificate's last day, ISO 8601


@dataclass
class SignatureReport:
    status: str
    signatures: list[SignatureCheck] = field(default_factory=list)
    checked_at: str = ""

    def as_json(self) -> dict:
        return {
            "status": self.status,
            "checked_at": self.checked_at,
            "signatures": [asdict(check) for check in self.signatures],
        }


def status_label(status: str) -> str:
    return str(LABELS.get(status, LABELS[Status.UNREADABLE]))


def _context():
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(trust_roots=list(trust_roots()), allow_fetching=False, revocation_mode="soft-fail")


def _check_one(embedded) -> SignatureCheck:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import ModificationLevel, SignatureCoverageLevel

    try:
        status = validate_pdf_signature(embedded, _context())
    except SignatureValidationError as error:
        logger.info("signature not validated: %s", error)
        return SignatureCheck(status=Status.INVALID)
    certificate = status.signing_cert
    subject = subject_fields(certificate)
    timestamp = status.timestamp_validity.timestamp if status.timestamp_validity else None
    signed_at = timestamp or status.signer_reported_dt
    not_after = certificate.not_valid_after
    modified_after = status.coverage != SignatureCoverageLevel.ENTIRE_FILE and (
        status.modification_level is None or status.modification_level == ModificationLevel.OTHER
    )
    if not status.intact or modified_after:
        result = Status.MODIFIED
    elif not status.valid:
        result = Status.INVALID
    elif status.revoked:
        result = Status.REVOKED
    elif status.trusted:
        result = Status.VALID
    elif not_after < timezone.now() or (signed_at is not None and not_after < signed_at):
        result = Status.EXPIRED
    else:
        result = Status.UNTRUSTED
    return SignatureCheck(
        status=result,
        signer=subject["common_name"],
        organisation=subject["organisation"],
        test_certificate=TEST_LABEL in subject["unit"] or TEST_LABEL in subject["organisation"],
        signed_at=signed_at.isoformat() if signed_at else None,
        timestamped=timestamp is not None,
        intact=status.intact and not modified_after,
        trusted=status.trusted,
        valid_until=not_after.date().isoformat(),
    )


def check_pdf(content: bytes) -> SignatureReport:
    """Every signature of the PDF, and the file's status: the worst of them, or "unsigned"."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    checked_at = timezone.now().isoformat()
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as error:  # a damaged or hostile file is a status, not a crash
        logger.info("PDF not readable for signatures: %s", error)
        return SignatureReport(status=Status.UNREADABLE, checked_at=checked_at)
    if not embedded:
        return SignatureReport(status=Status.UNSIGNED, checked_at=checked_at)
    checks = []
    for signature in embedded:
        try:
            checks.append(_check_one(signature))
        except Exception as error:
            logger.info("signature check failed: %s", error)
            checks.append(SignatureCheck(status=Status.INVALID))
    worst = max(checks, key=lambda check: _SEVERITY.index(check.status)).status
    return SignatureReport(status=worst, signatures=checks, checked_at=checked_at)


_CSS = {
    Status.VALID: "sig-valid",
    Status.UNSIGNED: "sig-unsigned",
    Status.UNTRUSTED: "sig-warn",
    Status.EXPIRED: "sig-warn",
}


def _when(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


def display(stored: dict) -> dict:
    """A stored report ready for a template: labels in the user's language, times as datetimes."""
    status = stored.get("status", Status.UNREADABLE)
    return {
        "status": status,
        "label": status_label(status),
        "css": _CSS.get(status, "sig-bad"),
        "checked_at": _when(stored.get("checked_at")),
        "signatures": [
            {
                **check,
                "label": status_label(check.get("status", Status.INVALID)),
                "css": _CSS.get(check.get("status"), "sig-bad"),
                "signed_at": _when(check.get("signed_at")),
                "valid_until": datetime.date.fromisoformat(check["valid_until"]) if check.get("valid_until") else None,
            }
            for check in stored.get("signatures", [])
        ],
    }
