"""What a Tesseract line is for, so that the cascade spends RapidOCR on lines that carry facts (issue 18).

A line of running prose — long, no label colon, no figure (Arabic or Chinese: 36, 〇, 三十六, 三年), no word
an extractor reads a fact by (names, roles, seals, lease, targets …; cascade.yaml `prose`) — gives no field,
rule or verdict anything, so a misread there costs nothing while its re-read costs a crop. Such a line is
kept as Tesseract read it when Tesseract was confident enough (`prose.line_confidence`, `word_confidence`);
every other line is chosen as before. Short lines are never prose: they may be headings (plans.py) or a
wrapped cell. The knowledge is in cascade.yaml, not here.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pipeline.model import Line


def _nfkc(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@lru_cache(maxsize=8)
def _figures(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def is_prose(line: Line, prose: dict) -> bool:
    """True when the line holds running text no extractor reads a fact from (see the module docstring)."""
    if not prose.get("enabled", False):
        return False
    text = _nfkc(line.text)
    if len(text) < prose["min_chars"] or ":" in text:
        return False
    if _figures(prose["figures"]).search(text):
        return False
    return not any(w in text for w in prose["fact_words"])


def confident_prose(line: Line, prose: dict) -> bool:
    """A prose line Tesseract read confidently enough not to be re-read."""
    return (is_prose(line, prose) and line.confidence >= prose["line_confidence"]
            and all(w.confidence >= prose["word_confidence"] for w in line.words))
