"""Signing a rendered PDF as PAdES with the organisation's certificate (pyHanko).

The signature is visible where decree 30 puts it: the printed document marks the space between the
signer's title and name with an element whose id is ``SIGNATURE_ANCHOR``; WeasyPrint writes it as a named
destination, and the seal image, the signer, the organisation and the time are stamped in a box there.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .credentials import Credential, SigningError, load_credential

SIGNATURE_ANCHOR = "chu-ky-so"
FIELD_NAME = "ChuKySo"
# The stamp's size in points (1 mm ≈ 2.835 pt): as wide as the signing column's text, as tall as the space
# decree 30 leaves for the handwritten signature.
STAMP_WIDTH, STAMP_HEIGHT = 240, 72


@dataclass(frozen=True)
class SignedPdf:
    content: bytes
    sha256: str
    signer: str
    signed_at: object  # datetime
    timestamped: bool


def _anchor_box(pdf: bytes) -> tuple[int, tuple[int, int, int, int]]:
    """(page index, box) of the signature space, or the bottom of the last page when the document has none."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    destination = reader.named_destinations.get(SIGNATURE_ANCHOR)
    if destination is not None:
        page = reader.get_destination_page_number(destination) or 0
        left, top = round(float(destination.left or 0)), round(float(destination.top or 0))
        return page, (left, top - STAMP_HEIGHT, left + STAMP_WIDTH, top)
    page = len(reader.pages) - 1
    width = round(float(reader.pages[page].mediabox.width))
    return page, (width - 48 - STAMP_WIDTH, 64, width - 48, 64 + STAMP_HEIGHT)


def _http_timestamper(url: str):
    from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

    return RequestsHTTPTimeStamper(url, timeout=settings.SIGNING_TSA_TIMEOUT)


def _timestamper():
    """An RFC 3161 client for the configured timestamp server, or None."""
    url = settings.SIGNING_TSA_URL
    return _http_timestamper(url) if url else None


def _stamp_style(credential: Credential, font: Path | None):
    from pyhanko import stamp
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.text import TextBoxStyle

    background = None
    if credential.seal is not None:
        from PIL import Image

        background = PdfImage(Image.open(credential.seal))
    from .fonts import stamp_font

    engine = GlyphAccumulatorFactory(str(stamp_font(font)), font_size=7) if font else None
    text_style = TextBoxStyle(font=engine, font_size=7, leading=9) if engine else TextBoxStyle(font_size=7, leading=9)
    return stamp.TextStampStyle(
        stamp_text=_("Ký bởi: %(org)s\nNgười ký: %(signer)s\nThời gian: %(ts)s\n%(note)s"),
        # pyHanko writes the signing time with this format, in the process's zone: Django sets it to TIME_ZONE
        # (Asia/Ho_Chi_Minh), so the stamp reads the site's time whatever the server's clock zone.
        timestamp_format="%d/%m/%Y %H:%M:%S (GMT%:z)",
        text_box_style=text_style,
        border_width=0,
        background=background,
        background_opacity=0.9,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(1),
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(left=STAMP_HEIGHT + 4, right=2, top=2, bottom=2),
        ),
    )


def subject_fields(certificate) -> dict[str, str]:
    """The common name, organisation and unit of an (asn1crypto) certificate's subject."""
    native = certificate.subject.native
    return {
        "common_name": native.get("common_name", ""),
        "organisation": native.get("organization_name", ""),
        "unit": native.get("organizational_unit_name", ""),
    }


def sign_pdf(
    pdf: bytes,
    *,
    code: str,
    signer_name: str = "",
    reason: str = "",
    location: str = "",
    font: Path | None = None,
) -> SignedPdf:
    """The PDF signed (PAdES baseline, SHA-256) with the credential of the organisation ``code``, with an
    RFC 3161 timestamp when ``SIGNING_TSA_URL`` is set. Raises SigningError with a Vietnamese message."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigSeedSubFilter

    credential = load_credential(code)
    subject = subject_fields(credential.certificate)
    page, box = _anchor_box(pdf)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    fields.append_signature_field(writer, fields.SigFieldSpec(FIELD_NAME, on_page=page, box=box))
    timestamper = _timestamper()
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=signer_name or subject["common_name"] or None,
        use_pades_lta=False,
    )
    pdf_signer = signers.PdfSigner(
        meta, signer=credential.signer, timestamper=timestamper, stamp_style=_stamp_style(credential, font)
    )
    unit = subject["unit"]
    signed_at = timezone.localtime()
    output = io.BytesIO()
    try:
        pdf_signer.sign_pdf(
            writer,
            output=output,
            appearance_text_params={
                "org": subject["organisation"],
                "signer": signer_name or subject["common_name"],
                "note": unit if unit else "",
            },
        )
    except Exception as error:  # a timestamp server down, a key that refuses: say which, keep nothing.
        raise SigningError(
            _("Không ký số được: %(error)s") % {"error": str(error)[:300] or error.__class__.__name__},
            code="sign_failed",
        ) from error
    content = output.getvalue()
    return SignedPdf(
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        signer=subject["organisation"] or subject["common_name"],
        signed_at=signed_at,
        timestamped=timestamper is not None,
    )
