"""Vietnamese text: stored in NFC, searched without diacritics or case."""

import unicodedata

# đ/Đ are letters of their own, not d plus a mark, so decomposition does not strip them.
_EXTRA_FOLDS = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value) if value else value


def search_key(value: str) -> str:
    """Fold text for diacritic- and case-insensitive matching: "Hội Nông dân" -> "hoi nong dan"."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value.translate(_EXTRA_FOLDS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
