"""Dot leaders (目录 ……… 1) as Tesseract reads them, left out of a page's mean confidence.

Tesseract reads a contents page's leader dots as long runs of two to four characters (seeeeoeooo…, ……)
at confidence ~0: one 55-character run outweighs several text lines read right at 0.9+. A 目录 page read
right scored 0.30 (dev seed 1401 #008, 300 dpi): under the page-confidence bars it paid Tesseract OSD, a
second read turned 180° and, in the cascade, RapidOCR on the whole page — ~1.4 s of CPU for a page whose
raw Tesseract read costs ~0.5 s. The leaders' own lines are still re-read like any doubtful line.
Text, codes, dates and amounts are no such runs: 2020-07-07 holds 4 distinct characters in 10, a USCC
~12 in 18; a leader run ≥ 12 characters with distinct characters ≤ a quarter of its length.
"""
from __future__ import annotations

import unicodedata

from pipeline.model import Line

LEADER_MIN_CHARS = 12
LEADER_MAX_DISTINCT_SHARE = 0.25


def is_leader(text: str) -> bool:
    """A word that is Tesseract's reading of a dot leader (see the module docstring)."""
    t = "".join(unicodedata.normalize("NFKC", text).split())
    return len(t) >= LEADER_MIN_CHARS and len(set(t)) <= LEADER_MAX_DISTINCT_SHARE * len(t)


def page_confidence(lines: list[Line]) -> float:
    """Char-weighted mean confidence of a page's lines (as `tesseract.mean_confidence`), leader words left
    out; 0.0 when nothing else is on the page."""
    num = den = 0.0
    for ln in lines:
        leaders = [w for w in ln.words if is_leader(w.text)]
        if not leaders:
            num, den = num + ln.confidence * len(ln.text), den + len(ln.text)
            continue
        for w in ln.words:
            if not is_leader(w.text):
                num, den = num + w.confidence * len(w.text), den + len(w.text)
    return num / den if den else 0.0
