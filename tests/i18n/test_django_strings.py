"""Django's own messages that reach a user (form, field and validator errors, pagination, the blank choice of a
select) are in Vietnamese: Django's Vietnamese catalogue lacks some, locale/vi carries them (issue 13, item 4)."""

from pathlib import Path

import django
import polib
import pytest
from django import forms
from django.utils import translation

DJANGO = Path(django.__file__).parent
REACHES_A_USER = (
    "forms/",
    "core/validators.py",
    "core/paginator.py",
    "db/models/fields/",
    "db/models/constraints.py",
    "contrib/auth/forms.py",
    "contrib/auth/validators.py",
    "contrib/auth/password_validation.py",
)
SAME_IN_BOTH = {"…", "IPv4", "IPv6", "%(truncated_text)s…", ":", ":?.!"}  # punctuation


def _messages():
    for catalogue in ("conf/locale", "contrib/auth/locale"):
        for entry in polib.pofile(str(DJANGO / catalogue / "en/LC_MESSAGES/django.po")):
            if entry.msgid in SAME_IN_BOTH or entry.msgctxt:
                continue
            if any(path.startswith(REACHES_A_USER) for path, _line in entry.occurrences):
                yield entry


def test_every_django_message_a_user_can_meet_is_in_vietnamese():
    untranslated = []
    with translation.override("vi"):
        for entry in _messages():
            shown = translation.ngettext(entry.msgid, entry.msgid_plural, 2) if entry.msgid_plural else None
            shown = shown or translation.gettext(entry.msgid)
            if shown in (entry.msgid, entry.msgid_plural):
                untranslated.append(entry.msgid)
    assert not untranslated, untranslated


@pytest.mark.django_db
def test_a_select_with_a_blank_choice_says_so_in_vietnamese():
    from regulations.models import Party

    field = forms.ModelChoiceField(queryset=Party.objects.none())
    with translation.override("vi"):
        assert str(field.empty_label) == "- Chọn một mục -"
        assert "Null" not in str(forms.CharField().error_messages.get("null_characters_not_allowed", ""))


def test_the_language_names_are_composed_unicode_in_both_languages(client, settings):
    """Django's own name for Vietnamese is decomposed (NFD); the switcher prints it composed (issue 14)."""
    import unicodedata

    for language in ("vi", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.get("/accounts/login/").content.decode()
        assert ">Tiếng Việt</option>" in page, language
        assert unicodedata.normalize("NFD", "Tiếng Việt") not in page, language
