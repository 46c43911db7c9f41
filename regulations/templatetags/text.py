"""Text as the pages print it."""

import unicodedata

from django import template

register = template.Library()


@register.filter
def nfc(value) -> str:
    """Composed Unicode (NFC): Django's own language names are decomposed ("Tiếng Việt" as e + combining
    marks), which some fonts and screen readers render or read apart."""
    return unicodedata.normalize("NFC", str(value))
