"""Vietnamese first, English second: every string the code marks for translation has its English, and the
pages switch language from the header."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, translation

ROOT = Path(settings.BASE_DIR)
# Everything that is not the app's own source.
IGNORED = [".venv", ".tools", "var", "staticfiles", "tests", "bench", "test-results", "node_modules", "docs"]


def _statistics(po: Path) -> str:
    return subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True, check=True
    ).stderr


def _untranslated(po: Path) -> str:
    return (
        subprocess.run(
            ["msgattrib", "--untranslated", "--only-fuzzy", str(po)], capture_output=True, text=True, check=False
        ).stdout
        + subprocess.run(["msgattrib", "--untranslated", str(po)], capture_output=True, text=True).stdout
    )


def test_the_english_catalogue_translates_every_string_of_the_code(tmp_path, monkeypatch, settings):
    """Re-extract the strings from a copy of the code into a copy of the catalogue: nothing may come out
    untranslated or fuzzy, so a new string without its English fails here."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*IGNORED, ".git", "__pycache__", "*.mo", "*.pyc"))
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["en"], ignore_patterns=IGNORED, no_obsolete=True, verbosity=0)
    po = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
    stats = _statistics(po)
    assert "untranslated" not in stats and "fuzzy" not in stats, f"{stats}\n{_untranslated(po)[:4000]}"


def test_the_committed_english_catalogue_is_complete_and_valid():
    stats = _statistics(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po")
    assert "translated message" in stats and "untranslated" not in stats and "fuzzy" not in stats, stats


def test_the_header_switches_to_english_and_back(demo, users, client):
    client.force_login(users["hnd"])
    page = client.get(reverse("home")).content.decode()
    assert "Nhiệm vụ của tôi" in page and 'lang="vi"' in page
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    assert 'lang="en"' in page and "My tasks" in page and "Nhiệm vụ của tôi" not in page
    client.post(reverse("set_language"), {"language": "vi", "next": reverse("home")})
    assert "Nhiệm vụ của tôi" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_are_day_month_year_and_numbers_use_vietnamese_separators(language):
    import datetime
    import decimal

    with translation.override(language):
        assert formats.date_format(datetime.date(2025, 12, 15), "SHORT_DATE_FORMAT") == "15/12/2025"
        assert formats.date_format(datetime.date(2025, 12, 15)) == "15/12/2025"
        assert formats.date_format(datetime.datetime(2025, 12, 15, 9, 30), "DATETIME_FORMAT") == "15/12/2025 09:30"
        assert formats.localize_input(datetime.date(2025, 3, 5)) == "05/03/2025"
        assert formats.number_format(decimal.Decimal("1234567.5"), 1, use_l10n=True, force_grouping=True) == (
            "1.234.567,5"
        )
