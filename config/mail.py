"""EMAIL_URL → Django 6.1's MAILERS entry, for every scheme docs/configuration.md lists.

django-environ parses the URL into the old EMAIL_* settings; Django 6.1's MAILERS wants each backend's own
options instead (host, port, … for SMTP; file_path for the file backend). This module is that translation,
kept apart from settings.py so that each scheme is tested on its own.
"""

from urllib.parse import unquote, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

SMTP = "django.core.mail.backends.smtp.EmailBackend"
FILE = "django.core.mail.backends.filebased.EmailBackend"

# The schemes the documentation names, and what each sends through.
SCHEMES = ("smtp", "smtps", "smtp+tls", "smtp+ssl", "consolemail", "filemail", "memorymail", "dummymail")

_SMTP_OPTIONS = [
    ("EMAIL_HOST", "host"),
    ("EMAIL_PORT", "port"),
    ("EMAIL_HOST_USER", "username"),
    ("EMAIL_HOST_PASSWORD", "password"),
    ("EMAIL_USE_TLS", "use_tls"),
    ("EMAIL_USE_SSL", "use_ssl"),
]


def _file_path(url: str) -> str:
    """filemail:///var/mail/phoihop is the absolute folder /var/mail/phoihop (django-environ drops the
    leading slash, which made it relative); filemail://mail/out is the folder mail/out."""
    parts = urlsplit(url)
    path = unquote(parts.netloc + parts.path)
    if not path.strip("/"):
        raise ImproperlyConfigured(
            "EMAIL_URL=filemail:// cần đường dẫn thư mục, ví dụ filemail:///var/lib/phoihop/mail "
            "(filemail:// needs a folder)."
        )
    return path


def mailer_from_url(url: str, *, timeout: int = 20) -> dict:
    """The MAILERS["default"] entry for an EMAIL_URL."""
    scheme = urlsplit(url).scheme
    if scheme not in SCHEMES:
        raise ImproperlyConfigured(
            f"EMAIL_URL: lược đồ {scheme!r} không được hỗ trợ; dùng một trong {', '.join(SCHEMES)} "
            f"(unsupported scheme)."
        )
    config = environ.Env.email_url_config(url)
    backend = config["EMAIL_BACKEND"]
    options: dict = {}
    if backend == SMTP:
        options = {option: config[key] for key, option in _SMTP_OPTIONS if config.get(key) not in (None, "")}
        options["timeout"] = timeout
    elif backend == FILE:
        options = {"file_path": _file_path(url)}
    return {"BACKEND": backend, "OPTIONS": options}
