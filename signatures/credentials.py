"""Where an organisation's signing certificate lives, and the trusted roots that signed uploads are checked
against (docs/signatures.md).

One folder, ``SIGNING_DIR``, holds each organisation's credential by its code: ``<code>.p12`` (PKCS#12: the
certificate, its chain and the private key), ``<code>.pass`` (the passphrase, when there is one) and
optionally ``<code>.seal.png`` (the seal and signature image printed over the signing block). The keys never
enter the database. ``SIGNING_TRUST_ROOTS`` lists the root certificates (PEM or DER files, or folders of
them) that a signature must chain to.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _


class SigningError(Exception):
    """A signature that cannot be made, with the Vietnamese message the user sees."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def signing_dir() -> Path:
    return Path(settings.SIGNING_DIR)


def _safe_code(code: str) -> str:
    if not code or "/" in code or "\\" in code or code.startswith("."):
        raise SigningError(_("Mã đơn vị không hợp lệ."), code="bad_code")
    return code


def has_credential(code: str) -> bool:
    return (signing_dir() / f"{_safe_code(code)}.p12").is_file()


@dataclass(frozen=True)
class Credential:
    code: str
    signer: Any  # pyhanko.sign.signers.SimpleSigner, imported lazily
    seal: Path | None

    @property
    def certificate(self):
        return self.signer.signing_cert


def load_credential(code: str) -> Credential:
    """The organisation's signer, from its PKCS#12 file. A missing file, a wrong passphrase or a damaged file
    is a SigningError naming what to fix, never a stack trace."""
    from pyhanko.sign import signers

    folder = signing_dir()
    p12 = folder / f"{_safe_code(code)}.p12"
    if not p12.is_file():
        raise SigningError(
            _("Đơn vị chưa được cấu hình chứng thư số (thiếu tệp %(name)s).") % {"name": p12.name}, code="missing"
        )
    pass_file = folder / f"{code}.pass"
    passphrase = pass_file.read_bytes().strip() if pass_file.is_file() else None
    try:
        signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=passphrase)
    except Exception:  # pyHanko logs the cause; the user needs the remedy.
        signer = None
    if signer is None:
        raise SigningError(
            _("Không mở được chứng thư số %(name)s: sai mật khẩu hoặc tệp bị hỏng.") % {"name": p12.name},
            code="unreadable",
        )
    seal = folder / f"{code}.seal.png"
    return Credential(code=code, signer=signer, seal=seal if seal.is_file() else None)


def _certificate_files(entry: Path) -> list[Path]:
    if entry.is_dir():
        return sorted(p for p in entry.iterdir() if p.suffix.lower() in (".pem", ".crt", ".cer", ".der"))
    return [entry] if entry.is_file() else []


@lru_cache(maxsize=8)
def _load_roots(files: tuple[tuple[str, float], ...]) -> tuple:
    from pyhanko.keys import load_certs_from_pemder

    return tuple(load_certs_from_pemder([name for name, _mtime in files])) if files else ()


def trust_roots() -> tuple:
    """The configured roots (asn1crypto certificates), read again only when a file changes."""
    files = [f for entry in settings.SIGNING_TRUST_ROOTS for f in _certificate_files(Path(entry))]
    return _load_roots(tuple((str(f), f.stat().st_mtime) for f in files))
