"""How generated documents are worded: the word lists (content.yaml), Chinese numerals, and dates
in the styles booklets write them. Pure apart from reading content.yaml once.
"""
from __future__ import annotations

import datetime as dt
import random
from functools import lru_cache
from importlib import resources

import yaml


@lru_cache(maxsize=1)
def content() -> dict:
    """Word lists and wording variants (content.yaml)."""
    text = resources.files("pipeline.samples").joinpath("content.yaml").read_text("utf-8")
    return yaml.safe_load(text)


_CN_DIGIT = "〇一二三四五六七八九"


def cn_year(y: int) -> str:
    return "".join(_CN_DIGIT[int(c)] for c in str(y))


def cn_small(n: int) -> str:
    """1..31 in Chinese numerals as written in dates (十, 十一, 二十, 三十一)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN_DIGIT[ones]
    head = "" if tens == 1 else _CN_DIGIT[tens]
    return head + "十" + (_CN_DIGIT[ones] if ones else "")


def write_date(d: dt.date, style: str) -> str:
    if style == "cn":
        return f"{cn_year(d.year)}年{cn_small(d.month)}月{cn_small(d.day)}日"
    if style == "dot":
        return f"{d.year}.{d.month}.{d.day}"
    return f"{d.year}年{d.month}月{d.day}日"


def cn_number(n: int, rng: random.Random) -> str:
    """A target value in Chinese numerals, sometimes in financial (大写) form."""
    import cn2an

    return cn2an.an2cn(n, "up" if rng.random() < 0.3 else "low")


def add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)
