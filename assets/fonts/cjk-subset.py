#!/usr/bin/env python3
"""Regenerates chart-cjk.ttf: Noto Sans CJK SC cut down to every CJK character the site's
text uses, for the PNGs and cards, which resvg draws with the shipped fonts only.

Run from the repository root after adding Chinese text that `quarterly check` says the
subset lacks (Debian: `apt-get install fonts-noto-cjk`; `pip install fonttools`):

    python3 assets/fonts/cjk-subset.py [NotoSansCJK-Regular.ttc]
"""
import pathlib
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection

SOURCE = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SC = 2  # the collection's Simplified Chinese face
ROOT = pathlib.Path(__file__).resolve().parents[2]
# Where the site's Chinese comes from: content, the catalogues, the starter site, and the
# words Rust writes (periods, amounts, chart sentences).
TEXT = ["content", "templates", "starter", "src"]
SUFFIXES = {".md", ".yaml", ".rs", ".html"}


def wide(c):
    """The characters the Latin chart font lacks and CJK fonts draw: ideographs, kana,
    hangul, CJK and full-width punctuation (as `is_wide` in src/render/charts/text.rs)."""
    n = ord(c)
    return (0x2E80 <= n <= 0x303E or 0x3041 <= n <= 0x33FF or 0x3400 <= n <= 0x4DBF
            or 0x4E00 <= n <= 0x9FFF or 0xF900 <= n <= 0xFAFF or 0xFE30 <= n <= 0xFE4F
            or 0xFF00 <= n <= 0xFF60 or 0xFFE0 <= n <= 0xFFE6)


chars = set()
for folder in TEXT:
    for path in sorted((ROOT / folder).rglob("*")):
        if path.suffix in SUFFIXES and path.is_file():
            chars.update(c for c in path.read_text(encoding="utf-8") if wide(c))
# Every digit of Chinese numerals and the units of amounts and periods, whatever is in use.
chars.update("〇一二三四五六七八九十百千万亿年季度上下半第约超过不足接近美元")
font = TTCollection(SOURCE).fonts[SC]
options = subset.Options()
options.layout_features = []
options.name_IDs = ["*"]
options.notdef_outline = True
options.hinting = False
subsetter = subset.Subsetter(options)
subsetter.populate(unicodes=sorted(ord(c) for c in chars))
subsetter.subset(font)
out = ROOT / "assets/fonts/chart-cjk.ttf"
font.save(str(out))
print(f"{out.relative_to(ROOT)}: {len(chars)} characters, {out.stat().st_size} bytes")
