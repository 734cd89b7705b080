"""Punctuation the OCR engines get wrong on Chinese forms, fixed the same way for both.

Tesseract chi_sim reads the full-width （）as 〈〉 and gives half-width marks for full-width ones;
RapidOCR's recogniser picks ':' or '：' depending on how its batch was padded. Chinese typography
uses full-width marks next to Chinese characters, so that is what both engines' text gets.
"""
from __future__ import annotations

import re

PUNCTUATION = {"〈": "（", "〉": "）"}
"""Tesseract chi_sim reads the full-width （）of these forms as 〈〉, which Chinese forms do not use."""
AFTER_CJK = {".": "。", ":": "：", ",": "，", ";": "；", ")": "）", "?": "？", "!": "！"}
"""Half-width marks Tesseract gives for the full-width ones after a Chinese character."""
BEFORE_CJK = {"(": "（"}
_CJK = re.compile(r"[\u4e00-\u9fff\u3001-\u303f\uff01-\uff0f\uff1a-\uff1f]")  # characters and full-width marks


def fix_punctuation(words: list[str]) -> list[str]:
    """Tesseract's punctuation confusions on Chinese text: 〈〉 for （）, and half-width marks for
    full-width ones next to Chinese characters (Chinese typography uses full-width there). A '.'
    or ',' followed by a digit is left alone (023.7370, 1,000)."""
    out = ["".join(PUNCTUATION.get(c, c) for c in wd) for wd in words]
    for k, wd in enumerate(out):
        if not any(c in AFTER_CJK or c in BEFORE_CJK for c in wd):
            continue
        chars = list(wd)
        for m, c in enumerate(chars):
            before = chars[m - 1] if m else (out[k - 1][-1:] if k else "")
            after = chars[m + 1] if m + 1 < len(chars) else (out[k + 1][:1] if k + 1 < len(out) else "")
            if c in AFTER_CJK and _CJK.match(before or " ") and not (c in ".," and after.isdigit()):
                chars[m] = AFTER_CJK[c]
            elif c in BEFORE_CJK and _CJK.match(after or " "):
                chars[m] = BEFORE_CJK[c]
        out[k] = "".join(chars)
    return out
