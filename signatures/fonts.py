"""The stamp's font. pyHanko writes glyph widths in font units as if every font had 1,000 units per em; the
shipped Liberation Serif has 2,048, so its letters would print spread apart. The stamp uses a copy scaled to
1,000 units and subset to Latin and Vietnamese, made once per font file and kept in the cache folder (the
copy is never distributed; the font's licence lets it be modified for use)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings

# Basic Latin, Latin-1, Latin Extended-A/B, combining marks, Latin Extended Additional (Vietnamese), punctuation.
UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x300, 0x370),
    *range(0x1E00, 0x1F00),
    *range(0x2010, 0x2070),
]


def stamp_font(source: Path) -> Path:
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    stat = source.stat()
    key = hashlib.sha256(f"{source.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    folder = Path(settings.VAR_DIR) / "cache"
    target = folder / f"stamp-{source.stem}-{key}.ttf"
    if target.is_file():
        return target
    font = TTFont(str(source))
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    folder.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    font.save(str(partial))
    partial.replace(target)  # atomic: a second worker never reads a half-written file
    return target
