"""Look-alike characters fixed by their context in OCR'd lines (the rules are data: lookalikes.yaml).

Why at the OCR stage: the wrong character otherwise flows into evidence text, names, dates and
credit matching, and each consumer would need its own tolerance. A fix is made only where the
context leaves no doubt (a Chinese year before 年), so text that merely looks similar is kept.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline.model import Line

CONFIG_PATH = Path(__file__).with_name("lookalikes.yaml")


@lru_cache(maxsize=1)
def _date_zero() -> tuple[re.Pattern, dict]:
    cfg = yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))["date_zero"]
    chars = re.escape(cfg["numerals"] + "".join(map(str, cfg["lookalikes"])))
    after = "|".join(re.escape(x) for x in cfg["followed_by"])
    longest = int(cfg["length"]) + (1 if cfg.get("doubled") else 0)
    # the run right before 年, no longer than a year can be (a longer run is not taken apart)
    pattern = re.compile(rf"(?<![{chars}])([{chars}]{{{cfg['length']},{longest}}})(?=\s*(?:{after}))")
    return pattern, cfg


def fix_year_zeros(text: str) -> list[str]:
    """Per character of `text`, what it becomes ('' = dropped): the look-alikes of 〇 in a Chinese
    year turned into 〇 (二○二六年 → 二〇二六年, 二O〇二三年 → 二〇二三年)."""
    pattern, cfg = _date_zero()
    zero, numerals, looks = cfg["zero"], set(cfg["numerals"]), set(cfg["lookalikes"])
    out = list(text)
    for m in pattern.finditer(text):
        run = m.group(1)
        if sum(c in numerals for c in run) < int(cfg["min_numerals"]) or not any(c in looks for c in run):
            continue
        drop = -1
        if len(run) > int(cfg["length"]):  # doubled: a look-alike beside a zero or another look-alike
            drop = next((k for k, c in enumerate(run) if c in looks and any(
                0 <= j < len(run) and (run[j] == zero or (run[j] in looks and j != k)) for j in (k - 1, k + 1))), -1)
            if drop < 0:
                continue
        for k, c in enumerate(run):
            i = m.start(1) + k
            out[i] = "" if k == drop else zero if c in looks else c
    return out


@lru_cache(maxsize=1)
def _glyph_variants() -> dict[str, str]:
    return dict(yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8")).get("glyph_variants") or {})


def fix_chars(text: str) -> list[str]:
    """Per character of `text`, what it becomes: year zeros (fix_year_zeros), then glyph variants."""
    variants = _glyph_variants()
    return [variants.get(c, c) for c in fix_year_zeros(text)]


def fix_lines(lines: list[Line]) -> list[Line]:
    """The lines with look-alikes fixed in the line text and in the words that hold them."""
    return [_fix_line(ln) for ln in lines]


def _fix_line(line: Line) -> Line:
    new = fix_chars(line.text)
    if "".join(new) == line.text:
        return line
    words, p = [], 0
    for w in line.words:  # words are the line's text in order (spaces only between words)
        while p < len(line.text) and line.text[p:p + len(w.text)] != w.text:
            p += 1
        if p >= len(line.text):  # not aligned: keep the words as read
            words = list(line.words)
            break
        words.append(w.model_copy(update={"text": "".join(new[p:p + len(w.text)])}) if new[p:p + len(w.text)] != list(w.text) else w)
        p += len(w.text)
    words = [w for w in words if w.text]
    return line.model_copy(update={"text": "".join(new), "words": tuple(words)})
