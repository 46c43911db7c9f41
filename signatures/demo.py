"""Test certificates for a bare machine: a demo CA and one PKCS#12 credential per organisation, each
labelled "Chứng thư thử nghiệm — không có giá trị pháp lý" in its subject, so the whole signing flow works
without a real certification authority and nobody mistakes the result for a legal signature."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TEST_LABEL = "Chứng thư thử nghiệm — không có giá trị pháp lý"
CA_NAME = "PhốiHợp CA thử nghiệm"
CA_FILE = "phoihop-demo-ca.pem"
DEMO_PASSPHRASE = b"phoihop-demo"


@dataclass(frozen=True)
class Authority:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey


def _fit(text: str, limit: int = 64) -> str:
    """At most `limit` UTF-8 bytes (X.509's upper bound for a common name), cut between characters."""
    while len(text.encode()) > limit:
        text = text[:-1]
    return text.strip()


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, TEST_LABEL),
            x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)),
        ]
    )


def new_authority(*, name: str = CA_NAME, now: datetime.datetime | None = None, years: int = 20) -> Authority:
    now = now or datetime.datetime.now(datetime.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(name, name)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(certificate=certificate, key=key)


def issue(
    authority: Authority,
    *,
    common_name: str,
    organisation: str,
    not_before: datetime.datetime | None = None,
    not_after: datetime.datetime | None = None,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A signing certificate (digital signature and non-repudiation) issued by the authority."""
    now = datetime.datetime.now(datetime.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation))
        .issuer_name(authority.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - datetime.timedelta(days=1))
        .not_valid_after(not_after or now + datetime.timedelta(days=365 * 10))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()), critical=False)
        .sign(authority.key, hashes.SHA256())
    )
    return certificate, key


def issue_timestamping(authority: Authority) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A timestamp authority's certificate (extended key usage: time stamping, critical) for tests; RSA,
    which pyHanko's in-process timestamp authority needs."""
    now = datetime.datetime.now(datetime.UTC)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name("Dấu thời gian thử nghiệm", "PhốiHợp"))
        .issuer_name(authority.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(authority.key, hashes.SHA256())
    )
    return certificate, key


def pkcs12_bytes(certificate, key, authority: Authority, passphrase: bytes | None = DEMO_PASSPHRASE) -> bytes:
    encryption = serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    return pkcs12.serialize_key_and_certificates(
        name=None, key=key, cert=certificate, cas=[authority.certificate], encryption_algorithm=encryption
    )


def _load_authority(folder: Path) -> Authority | None:
    cert_file, key_file = folder / "trust" / CA_FILE, folder / "demo-ca.key"
    if not (cert_file.is_file() and key_file.is_file()):
        return None
    key = serialization.load_pem_private_key(key_file.read_bytes(), password=DEMO_PASSPHRASE)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return Authority(certificate=x509.load_pem_x509_certificate(cert_file.read_bytes()), key=key)


def _save_authority(folder: Path, authority: Authority) -> None:
    (folder / "trust").mkdir(parents=True, exist_ok=True)
    (folder / "trust" / CA_FILE).write_bytes(authority.certificate.public_bytes(serialization.Encoding.PEM))
    key_file = folder / "demo-ca.key"
    key_file.write_bytes(
        authority.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(DEMO_PASSPHRASE),
        )
    )
    key_file.chmod(0o600)


def write_demo_credentials(folder: Path, organisations: list[tuple[str, str, str]], *, font: Path | None = None):
    """For each (code, name, short name) without a credential, a certificate from the demo CA (created once),
    its PKCS#12 file with the demo passphrase, and a seal image. Returns the codes written."""
    folder.mkdir(parents=True, exist_ok=True)
    authority = _load_authority(folder)
    if authority is None:
        authority = new_authority()
        _save_authority(folder, authority)
    written = []
    for code, name, short_name in organisations:
        p12 = folder / f"{code}.p12"
        if p12.exists():
            continue
        common_name = name if len(name.encode()) <= 64 else short_name
        certificate, key = issue(authority, common_name=common_name, organisation=name)
        p12.write_bytes(pkcs12_bytes(certificate, key, authority))
        p12.chmod(0o600)
        (folder / f"{code}.pass").write_bytes(DEMO_PASSPHRASE)
        (folder / f"{code}.pass").chmod(0o600)
        seal_image(name, short_name, font=font).save(folder / f"{code}.seal.png")
        written.append(code)
    return written


def seal_image(name: str, short_name: str, *, font: Path | None = None, size: int = 360):
    """A red round seal: the organisation's name around the ring, its short name and a star in the middle,
    and "THỬ NGHIỆM" so a printed copy cannot pass for a real seal."""
    from PIL import Image, ImageDraw, ImageFont

    red = (200, 20, 30, 255)
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2
    draw.ellipse((6, 6, size - 6, size - 6), outline=red, width=10)
    draw.ellipse((62, 62, size - 62, size - 62), outline=red, width=4)

    def load(points: int):
        return ImageFont.truetype(str(font), points) if font else ImageFont.load_default(points)

    text = name.upper()
    radius = centre - 36
    span = min(320.0, 11.5 * len(text))  # degrees the text covers, centred at the top
    arc = radius * math.radians(span / len(text))  # the room of one letter along the ring
    ring_font = load(max(12, min(30, int(arc * 1.15))))
    for index, char in enumerate(text):
        angle = -span / 2 + span * (index + 0.5) / len(text)
        glyph = Image.new("RGBA", (48, 48), (255, 255, 255, 0))
        ImageDraw.Draw(glyph).text((24, 24), char, font=ring_font, fill=red, anchor="mm")
        glyph = glyph.rotate(-angle, resample=Image.Resampling.BICUBIC)
        rad = math.radians(angle - 90)
        image.alpha_composite(
            glyph, (int(centre + radius * math.cos(rad) - 24), int(centre + radius * math.sin(rad) - 24))
        )
    star = [
        (
            centre + (34 if i % 2 == 0 else 14) * math.cos(math.radians(-90 + 36 * i)),
            centre - 40 + (34 if i % 2 == 0 else 14) * math.sin(math.radians(-90 + 36 * i)),
        )
        for i in range(10)
    ]
    draw.polygon(star, fill=red)
    inner = size - 150  # the width the inner ring leaves for the short name
    words, lines = short_name.upper().split(), list[str]()
    for word in words:  # one line if it fits, else as few lines as the words need
        if lines and draw.textlength(f"{lines[-1]} {word}", font=load(30)) <= inner:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    lines = lines[:2]
    points = 30
    while points > 14 and max(draw.textlength(line, font=load(points)) for line in lines) > inner:
        points -= 2
    for index, line in enumerate(lines):
        offset = 16 + index * (points + 4) - (len(lines) - 1) * (points + 4) / 2
        draw.text((centre, centre + offset), line, font=load(points), fill=red, anchor="mm")
    draw.text((centre, centre + 70), "THỬ NGHIỆM", font=load(20), fill=red, anchor="mm")
    return image
