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


# Where a body's name gives its territory ("Sở Nội vụ tỉnh Quảng Ngãi"): an abbreviation leaves it out.
_TERRITORY_WORDS = ("tỉnh", "thành phố", "huyện", "quận", "thị xã", "thị trấn", "xã", "phường")
_CONNECTORS = {"và", "-", "–", "&", "của"}
# A Party committee or Youth Union is named by its level and then its place ("Huyện ủy Tân Yên"): the place
# follows without a territory word.
_LEVEL_NAMED = {
    f"{level} {body}" for level in ("tỉnh", "thành", "huyện", "quận", "thị", "đảng") for body in ("ủy", "đoàn")
}


def is_acronym(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def abbreviation(name: str) -> str:
    """The abbreviation of a body's name as symbols write it: the first letter of each word, without the
    territory, its diacritics or the connectors ("Sở Nội vụ tỉnh Quảng Ngãi" -> "SNV", "Liên đoàn Lao động" ->
    "LĐLĐ", "Ủy ban Mặt trận Tổ quốc Việt Nam" -> "UBMTTQVN"); a word already in capitals is kept ("UBND")."""
    name = nfc(name or "").strip()
    padded = f" {name} "
    cut = min((padded.find(f" {word} ") for word in _TERRITORY_WORDS if f" {word} " in padded), default=-1)
    if cut > 0:
        name = padded[:cut].strip()
    words = name.split()
    if len(words) > 2 and " ".join(words[:2]).casefold() in _LEVEL_NAMED:
        name = " ".join(words[:2])  # "Huyện ủy Tân Yên" -> "Huyện ủy" -> "HU"
    letters = []
    for word in name.replace(",", " ").split():
        if word.casefold() in _CONNECTORS:
            continue
        if is_acronym(word):
            letters.append(word)
            continue
        first = word[0].upper()
        decomposed = unicodedata.normalize("NFD", first)
        letters.append("".join(ch for ch in decomposed if not unicodedata.combining(ch)))
    return "".join(letters)


# Kept in free text: line breaks and tabs. Dropped: every other control character (NUL among them) and every
# format character (bidirectional overrides such as U+202E, zero-width spaces and joiners, the byte-order
# mark, soft hyphens), which show text other than what is stored or hide what is there.
_KEPT_CONTROLS = frozenset("\n\r\t")


def clean_free_text(value: str) -> str:
    """Typed or imported text as it is stored: NFC, without invisible or control characters."""
    if not value:
        return value
    if value.isprintable() and value.isascii():
        return value
    kept = "".join(
        ch for ch in value if ch in _KEPT_CONTROLS or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co")
    )
    return unicodedata.normalize("NFC", kept)
