"""Signing a printed PDF (PAdES, pyHanko) and checking the signatures of a PDF: each outcome has its own
Vietnamese status, and a damaged file is a status, never an exception."""

import io
import shutil
import subprocess

import pdfplumber
import pytest
import weasyprint
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from reports.pdf import FONT_DIR
from signatures import demo
from signatures.credentials import SigningError
from signatures.signing import FIELD_NAME, sign_pdf
from signatures.validation import Status, check_pdf, status_label
from tests.conftest import days_ago

FONT = FONT_DIR / "LiberationSerif-Regular.ttf"
PAGE = """<html><head><style>@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
body { font-family: serif; font-size: 13pt; } td { vertical-align: top; }
.signature-space { width: 240pt; height: 72pt; margin: 0 auto; }</style></head><body>
<p>Báo cáo kết quả thực hiện Quy chế phối hợp năm 2025.</p>
<table style="width:100%"><tr><td style="width:45%">Nơi nhận:</td>
<td style="text-align:center"><div>KT. GIÁM ĐỐC</div><div>PHÓ GIÁM ĐỐC</div>
<div class="signature-space" id="chu-ky-so"></div><div>Nguyễn Văn Thử</div></td></tr></table></body></html>"""


@pytest.fixture(scope="module")
def unsigned():
    return weasyprint.HTML(string=PAGE).write_pdf()


def test_a_pdf_signed_by_the_app_is_valid_intact_and_trusted(credential, unsigned):
    credential("so-noi-vu-thu")
    signed = sign_pdf(unsigned, code="so-noi-vu-thu", signer_name="Nguyễn Văn Thử", font=FONT)

    report = check_pdf(signed.content)

    assert report.status == Status.VALID
    (check,) = report.signatures
    assert check.organisation == "Sở Nội vụ tỉnh Thử Nghiệm"
    assert check.intact and check.trusted and check.test_certificate
    assert check.signed_at is not None
    assert len(signed.sha256) == 64


def test_the_signature_is_pades_with_sha256(credential, unsigned):
    credential("so-noi-vu-thu")
    signed = sign_pdf(unsigned, code="so-noi-vu-thu", font=FONT)
    (embedded,) = PdfFileReader(io.BytesIO(signed.content)).embedded_signatures
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert embedded.md_algorithm == "sha256"


def test_poppler_pdfsig_validates_the_signature(credential, unsigned, tmp_path):
    """Any PDF reader: poppler (with NSS) checks the same bytes; it does not know the demo CA, so only the
    signature itself is asked to be valid."""
    assert shutil.which("pdfsig"), "pdfsig (poppler-utils) is installed by `make browser`"
    credential("so-noi-vu-thu")
    path = tmp_path / "signed.pdf"
    path.write_bytes(sign_pdf(unsigned, code="so-noi-vu-thu", font=FONT).content)

    output = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=True).stdout

    assert "Signature Validation: Signature is Valid." in output
    assert "Total document signed" in output
    assert demo.TEST_LABEL in output


def test_the_stamp_sits_in_the_signing_space_between_the_title_and_the_name(credential, unsigned):
    credential("so-noi-vu-thu")
    signed = sign_pdf(unsigned, code="so-noi-vu-thu", signer_name="Nguyễn Văn Thử", font=FONT).content
    with pdfplumber.open(io.BytesIO(signed)) as pdf:
        page = pdf.pages[0]
        (widget,) = [a for a in page.annots if a.get("data", {}).get("T") in (FIELD_NAME, FIELD_NAME.encode())]
        words = page.extract_words()
        title = next(w for w in words if w["text"] == "PHÓ")
        name = next(w for w in words if w["text"] == "Nguyễn")
    assert title["bottom"] <= widget["top"] + 1 and widget["bottom"] <= name["top"] + 1
    stamp_text = appearance_text(signed)
    assert widget["x0"] > page.width / 2 - 80  # in the right-hand signing column
    assert round(widget["x1"] - widget["x0"]) == 240 and round(widget["bottom"] - widget["top"]) == 72
    assert "Ký bởi: Sở Nội vụ tỉnh Thử Nghiệm" in stamp_text
    assert "Người ký: Nguyễn Văn Thử" in stamp_text
    # The time as dd/mm/yyyy in the site's zone, whatever the server's.
    assert f"Thời gian: {timezone.localtime():%d/%m/%Y}" in stamp_text and "(GMT+07:00)" in stamp_text


def appearance_text(signed: bytes) -> str:
    """The text of the signature widget's appearance: drawn on a page of its own, since text extraction
    reads page content and an annotation's appearance is not part of it."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    reader = PdfReader(io.BytesIO(signed))
    annotation = next(a.get_object() for a in reader.pages[0]["/Annots"] if a.get_object().get("/T") == FIELD_NAME)
    appearance = annotation["/AP"]["/N"].get_object()
    writer = PdfWriter()
    page = writer.add_blank_page(400, 200)
    form = appearance.clone(writer)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Ap"): form.indirect_reference})}
    )
    content = DecodedStreamObject()
    content.set_data(b"q /Ap Do Q")
    page[NameObject("/Contents")] = writer._add_object(content)
    out = io.BytesIO()
    writer.write(out)
    with pdfplumber.open(io.BytesIO(out.getvalue())) as pdf:
        return pdf.pages[0].extract_text()


def test_the_stamp_carries_the_seal_image(credential, unsigned):
    from pypdf import PdfReader

    credential("so-noi-vu-thu")
    signed = sign_pdf(unsigned, code="so-noi-vu-thu", font=FONT).content
    annotation = next(
        a.get_object()
        for a in PdfReader(io.BytesIO(signed)).pages[0]["/Annots"]
        if a.get_object().get("/T") == FIELD_NAME
    )

    def images(xobject, depth=0) -> int:
        resources = xobject.get("/Resources", {})
        found = 0
        for child in resources.get("/XObject", {}).values():
            child = child.get_object()
            found += 1 if child.get("/Subtype") == "/Image" else images(child, depth + 1) if depth < 4 else 0
        return found

    assert images(annotation["/AP"]["/N"].get_object()) >= 1


def test_flipping_one_byte_of_the_signed_content_shows_modified(credential, unsigned):
    credential("so-noi-vu-thu")
    signed = bytearray(sign_pdf(unsigned, code="so-noi-vu-thu", font=FONT).content)
    # A byte of the first page's content stream: covered by the signature, harmless to the PDF's structure.
    start = signed.index(b"stream\n") + len(b"stream\n")
    signed[start + 10] ^= 0x01

    report = check_pdf(bytes(signed))

    assert report.status == Status.MODIFIED
    assert status_label(report.status) == "Đã bị sửa đổi sau khi ký"


def test_a_change_appended_after_signing_shows_modified(credential, unsigned):
    from pyhanko.pdf_utils import generic

    credential("so-noi-vu-thu")
    signed = sign_pdf(unsigned, code="so-noi-vu-thu", font=FONT).content
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)  # an ordinary edit of the page, saved as an incremental update
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)

    assert check_pdf(out.getvalue()).status == Status.MODIFIED


def test_an_unsigned_pdf_says_so(unsigned, signing_dir):
    report = check_pdf(unsigned)
    assert report.status == Status.UNSIGNED and report.signatures == []
    assert status_label(report.status) == "Chưa ký số"


def test_a_certificate_from_an_untrusted_authority_says_so(credential, unsigned):
    credential("la", name="Cơ quan lạ", authority=demo.new_authority(name="CA không được tin cậy"))
    report = check_pdf(sign_pdf(unsigned, code="la", font=FONT).content)
    assert report.status == Status.UNTRUSTED
    assert report.signatures[0].intact  # the file is untouched: only the issuer is unknown
    assert status_label(report.status) == "Chứng thư số không do tổ chức chứng thực được tin cậy cấp"


def test_an_expired_certificate_says_so(credential, unsigned):
    credential("het-han", name="Cơ quan hết hạn", not_before=days_ago(800), not_after=days_ago(30))
    report = check_pdf(sign_pdf(unsigned, code="het-han", font=FONT).content)
    assert report.status == Status.EXPIRED
    assert status_label(report.status) == "Chứng thư số đã hết hạn"


@pytest.mark.parametrize("content", [b"", b"%PDF-1.7\n garbage", b"not a pdf at all"])
def test_a_file_that_cannot_be_read_is_a_status_not_an_error(content, signing_dir):
    assert check_pdf(content).status == Status.UNREADABLE


def test_no_credential_or_a_wrong_passphrase_is_a_vietnamese_message(credential, unsigned, signing_dir):
    with pytest.raises(SigningError, match="chưa được cấu hình chứng thư số"):
        sign_pdf(unsigned, code="khong-co", font=FONT)
    credential("sai-mat-khau")
    (signing_dir / "sai-mat-khau.pass").write_bytes(b"wrong")
    with pytest.raises(SigningError, match="sai mật khẩu hoặc tệp bị hỏng"):
        sign_pdf(unsigned, code="sai-mat-khau", font=FONT)
    with pytest.raises(SigningError, match="Mã đơn vị không hợp lệ"):
        sign_pdf(unsigned, code="../etc", font=FONT)


def test_a_configured_timestamp_server_stamps_the_signature(credential, unsigned, signing_dir, settings, monkeypatch):
    """RFC 3161: pyHanko's in-process timestamp authority stands in for the server the setting names."""
    from cryptography.hazmat.primitives import serialization
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    from signatures import signing

    authority = demo.new_authority(name="Máy chủ dấu thời gian thử")
    (signing_dir / "trust" / "tsa.pem").write_bytes(authority.certificate.public_bytes(serialization.Encoding.PEM))
    tsa_cert, tsa_key = demo.issue_timestamping(authority)
    cert_file, key_file = signing_dir / "tsa-cert.pem", signing_dir / "tsa-key.pem"
    cert_file.write_bytes(tsa_cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        tsa_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    stamper = DummyTimeStamper(
        tsa_cert=load_cert_from_pemder(str(cert_file)),
        tsa_key=load_private_key_from_pemder(str(key_file), passphrase=None),
    )
    settings.SIGNING_TSA_URL = "https://tsa.example/"
    monkeypatch.setattr(signing, "_http_timestamper", lambda url: stamper)
    credential("so-noi-vu-thu")

    signed = sign_pdf(unsigned, code="so-noi-vu-thu", font=FONT)

    assert signed.timestamped
    (check,) = check_pdf(signed.content).signatures
    assert check.timestamped and check.status == Status.VALID
