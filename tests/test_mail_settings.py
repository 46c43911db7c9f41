"""Every EMAIL_URL scheme docs/configuration.md names gives a mailer that sends (issue 13, item 9)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, mailers
from django.test import override_settings

from config.mail import SCHEMES, mailer_from_url
from tests.test_settings import _manage


def _backend(url):
    """The mailer as the app builds it (Django's MAILERS handler, which refuses options a backend lacks)."""
    with override_settings(MAILERS={"default": mailer_from_url(url)}):
        return mailers.default


@pytest.mark.parametrize(
    ("url", "options"),
    [
        ("smtp://mail.example:25", {"host": "mail.example", "port": 25, "timeout": 20}),
        (
            "smtp+tls://phoihop%40example.gov.vn:mat-khau@mail.example:587",
            {
                "host": "mail.example",
                "port": 587,
                "username": "phoihop@example.gov.vn",
                "password": "mat-khau",
                "use_tls": True,
                "timeout": 20,
            },
        ),
        (
            "smtps://u:p@mail.example:587",
            {"host": "mail.example", "port": 587, "username": "u", "password": "p", "use_tls": True, "timeout": 20},
        ),
        (
            "smtp+ssl://u:p@mail.example:465",
            {"host": "mail.example", "port": 465, "username": "u", "password": "p", "use_ssl": True, "timeout": 20},
        ),
        ("consolemail://", {}),
        ("memorymail://", {}),
        ("dummymail://", {}),
    ],
)
def test_each_scheme_gives_its_backends_own_options(url, options):
    assert mailer_from_url(url)["OPTIONS"] == options
    _backend(url)  # the backend accepts them


def test_filemail_writes_into_the_absolute_folder_it_names(tmp_path):
    folder = tmp_path / "thu"
    backend = _backend(f"filemail://{folder}")
    sent = backend.send_messages([EmailMessage("Nhắc việc", "Nội dung", "a@example.vn", ["b@example.vn"])])
    assert sent == 1
    written = list(folder.iterdir())
    assert len(written) == 1 and "Nội dung" in written[0].read_text()


def test_filemail_without_a_folder_is_refused_with_a_message():
    with pytest.raises(ImproperlyConfigured, match="filemail:// cần đường dẫn thư mục"):
        mailer_from_url("filemail://")


def test_an_unknown_scheme_is_refused_with_the_schemes_that_work():
    with pytest.raises(ImproperlyConfigured, match="không được hỗ trợ"):
        mailer_from_url("sendgrid://key")
    assert "filemail" in SCHEMES


def test_the_app_sends_through_filemail_from_the_environment(tmp_path):
    folder = tmp_path / "outbox"
    result = _manage(
        "sendtestemail",
        "ktra@example.vn",
        DJANGO_ENV="development",
        EMAIL_URL=f"filemail://{folder}",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(list(folder.iterdir())) == 1
