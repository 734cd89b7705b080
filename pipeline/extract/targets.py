"""Declared construction targets: indicator, value, unit, matched to the 榜单 indicators the caller
passes (names and aliases, fuzzily: 入驻企业数 ≈ 入驻企业数量). Read from table rows (any source),
values in Arabic or Chinese numerals, with 万 and thousands separators.

A value in Chinese numerals is sanity-checked, and its confidence lowered with a note when it fails:
a numeral not in the regular written form (四八, 三千六: a character may be missing, cn2an guessed)
and a value under a tenth of the indicator's minimum (三 where 三千 was written: OCR dropped 千)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

import cn2an
from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz

from pipeline.extract.config import default_indicator_rows, labels
from pipeline.extract.layout import Cell, PageLayout
from pipeline.extract.values import CN_DIGITS, parse_number
from pipeline.facts import Target

MATCH_MIN = 80


class IndicatorSpec(BaseModel):
    """One 榜单 indicator as the rules file states it."""

    model_config = ConfigDict(frozen=True)
    track: str
    name: str
    unit: str = ""
    aliases: tuple[str, ...] = ()
    min: float | None = None
    """The 榜单 minimum, when the caller knows it: only for the magnitude sanity check."""


def default_indicators() -> tuple[IndicatorSpec, ...]:
    return tuple(IndicatorSpec(**row) for row in default_indicator_rows())


_VALUE = re.compile(rf"^(?P<num>\d[\d,]*(?:\.\d+)?万?|[{CN_DIGITS}]+)(?P<unit>[^\d]{{0,4}})$")


def _value(text: str) -> tuple[float, str, str] | None:
    """(value, unit, the numeral as read)."""
    text = text.strip("·.,:;、'\"`°*_-~")  # specks OCR reads beside a value (·四十八, 5200.)
    t = text.replace("≥", "").replace(">=", "").replace("不少于", "").replace("达到", "").replace("以上", "")
    m = _VALUE.match(t)
    if not m:
        return None
    num = m.group("num")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", num):  # 1.500: a thousands comma read as a point
        num = num.replace(".", "")
    v = parse_number(num)
    if v is None:
        return None
    unit = m.group("unit")
    return (v, unit, num) if (not unit or unit in labels()["target_table"]["units"]) else None


_CN_NUMERAL = re.compile(rf"[{CN_DIGITS}]+")
IRREGULAR_FACTOR = 0.7
MAGNITUDE_FACTOR = 0.5


def numeral_doubts(num: str, value: float | None, ind: IndicatorSpec) -> tuple[float, list[str]]:
    """(confidence factor, notes) for a target value written in Chinese numerals; (1, []) otherwise."""
    if value is None or not _CN_NUMERAL.fullmatch(num):
        return 1.0, []
    factor, notes = 1.0, []
    try:  # the regular written forms (两 and 〇 are regular too); smart mode also takes 四八, 三千六
        cn2an.cn2an(num.replace("两", "二").replace("〇", "零"), "strict")
    except (ValueError, KeyError, IndexError):
        factor *= IRREGULAR_FACTOR
        notes.append(f"目标值“{num}”不是规范的中文数字写法，按{_fmt(value)}读取，可能有字漏识别")
    if ind.min and value < ind.min / 10:
        factor *= MAGNITUDE_FACTOR
        notes.append(f"目标值“{num}”（{_fmt(value)}）不到榜单指标{_fmt(ind.min)}{ind.unit}的十分之一，"
                     "中文数字的“千”“百”“十”等数位可能漏识别")
    return factor, notes


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def match_indicator(text: str, indicators: Sequence[IndicatorSpec]) -> tuple[IndicatorSpec | None, float]:
    best, score = None, 0.0
    for ind in indicators:
        for name in (ind.name, *ind.aliases):
            s = 100.0 if name == text else fuzz.ratio(name, text)
            if name in text and len(text) <= len(name) + 6:
                s = max(s, 92.0)
            if s > score:
                best, score = ind, s
    return (best, score) if score >= MATCH_MIN else (None, score)


@lru_cache(maxsize=4)
def _one_run(units: tuple[str, ...]) -> re.Pattern:
    """序号, name, unit and value read as one run: '4年度开源活动场二十四', '1开源项目数量个12'."""
    u = "|".join(sorted(map(re.escape, units), key=len, reverse=True))
    return re.compile(rf"^(?:\d{{1,2}})?(?P<name>[\u4e00-\u9fff]{{3,20}}?)(?P<unit>{u})?(?P<num>\d[\d,]*(?:\.\d+)?万?|[{CN_DIGITS}]+)$")


_ONE_RUN = _one_run


def _is_header(row: Sequence[Cell]) -> bool:
    words = labels()["target_table"]["header_words"]
    return any(any(w in c.text for w in words) for c in row) and not any(_value(c.text) for c in row[1:])


def extract_targets(pages: Sequence[PageLayout], indicators: Sequence[IndicatorSpec], track: str | None = None) -> tuple[Target, ...]:
    """Rows under a targets-table header (指标名称 …) or any row naming a known indicator."""
    inds = [i for i in indicators if track in (None, "unknown", "recommendation_form") or i.track == track] or list(indicators)
    units = labels()["target_table"]["units"]
    in_tables: list[Target] = []
    loose: list[Target] = []
    for page in pages:
        in_table = False
        value_col = None
        for row in page.rows:
            if _is_header(row):
                in_table = True
                vh = labels()["target_table"]["value_headers"]
                value_col = next((i for i, c in enumerate(row) if any(w in c.text for w in vh)), None)
                continue
            t = _target_row(row, inds, units, value_col if in_table else None)
            if t is None:
                if in_table and len(row) < 2:
                    in_table = False
                continue
            if in_table:
                in_tables.append(t)
            elif t.matched:
                loose.append(t)
    # a row of the targets table beats the same indicator named elsewhere (场地面积 in the site table)
    out: list[Target] = []
    seen: set[str] = set()
    for t in in_tables + loose:
        if t.matched and t.indicator in seen:
            continue
        seen.add(t.indicator)
        out.append(t)
    return tuple(out)


def _target_row(row: Sequence[Cell], inds: Sequence[IndicatorSpec], units: list[str], value_col: int | None) -> Target | None:
    cells = list(row)
    # a leading 序号 cell is not the value (4 | 年度开源活动场24: the rest of the row read as one run)
    if (len(cells) >= 2 and re.fullmatch(r"\d{1,2}|[一二三四五六七八九十]{1,2}", cells[0].text)) or (
            len(cells) >= 3 and len(cells[0].text) <= 2 and not re.search(r"[\u4e00-\u9fff]", cells[0].text)):
        cells = cells[1:]
        if value_col is not None:
            value_col -= 1
    if len(cells) < 2:
        # one OCR run for the whole row: 入驻企业数量 家 45
        if len(cells) == 1:
            m = _ONE_RUN(tuple(units)).match(cells[0].text)
            if m:
                ind, score = match_indicator(m.group("name"), inds)
                if ind:
                    got = _value(m.group("num"))
                    v = got[0] if got else None
                    return _mk(ind, score, m.group("name"), v, m.group("unit") or ind.unit, [cells[0]], m.group("num"))
        return None
    name_cell = cells[0]
    name_text, unit = _split_name_cell(name_cell.text, units)
    ind, score = match_indicator(name_text, inds)
    if ind is not None and _names_two(name_text, inds):
        return None  # two table rows read as one (代码贡献者人数年度开源活动): the value cannot be trusted
    value = None
    value_cell = None
    num = ""
    order = list(range(1, len(cells)))
    if value_col is not None and 0 < value_col < len(cells):
        order = [value_col] + [i for i in order if i != value_col]
    for i in order:
        c = cells[i]
        if c.text.strip("·.,:;、") in units and not unit:
            unit = c.text.strip("·.,:;、")
            continue
        got = _value(c.text) or _unit_then_value(c.text, units)
        if got and value is None:
            value, u, num = got
            unit = unit or u
            value_cell = c
    for c in cells[1:]:
        if not unit and c.text.strip("·.,:;、") in units:
            unit = c.text.strip("·.,:;、")
    if value is None:
        return None
    if ind is None and not re.search(r"[\u4e00-\u9fff]{2,}", name_cell.text):
        return None
    used = [name_cell] + ([value_cell] if value_cell else [])
    if ind is None:
        conf = min(c.confidence for c in used) * 0.5
        return Target(indicator=name_cell.raw, value=value, unit=unit, written=name_cell.raw, matched=False,
                      evidence=tuple(c.evidence(conf, "与榜单指标名称都不相符") for c in used))
    return _mk(ind, score, name_cell.raw, value, unit or ind.unit, used, num)


def _unit_then_value(text: str, units: list[str]) -> tuple[float, str, str] | None:
    """A unit cell and the value cell read as one run (场48, 个壹拾)."""
    for u in sorted(units, key=len, reverse=True):
        if text.startswith(u) and len(text) > len(u):
            got = _value(text[len(u):])
            if got and not got[1]:
                return got[0], u, got[2]
    return None


def _names_two(text: str, inds: Sequence[IndicatorSpec]) -> bool:
    hits = {i.name for i in inds for n in (i.name, *i.aliases) if len(n) >= 4 and n in text}
    return len(hits) >= 2


def _split_name_cell(text: str, units: list[str]) -> tuple[str, str]:
    """OCR may read 序号, name and unit as one run ('2孵化场地面积平方米'): take them apart."""
    t = re.sub(r"^\d{1,2}(?=[\u4e00-\u9fff])", "", text)
    for u in sorted(units, key=len, reverse=True):
        if t.endswith(u) and len(t) > len(u) + 2:
            return t[: -len(u)], u
    return t, ""


def _mk(ind: IndicatorSpec, score: float, written: str, value: float | None, unit: str, used: list[Cell],
        num: str = "") -> Target:
    conf = min(c.confidence for c in used) * (score / 100)
    note = "" if score >= 100 else f"“{written}”按相近程度{score:.0f}%对应榜单指标“{ind.name}”"
    if unit and ind.unit and unit != ind.unit:
        note = (note + "；" if note else "") + f"单位写为“{unit}”，榜单为“{ind.unit}”"
        conf *= 0.7
    factor, doubts = numeral_doubts(num, value, ind)
    if doubts:
        note = "；".join(([note] if note else []) + doubts)
        conf *= factor
    return Target(indicator=ind.name, value=value, unit=unit, written=written, matched=True,
                  evidence=tuple(c.evidence(conf, note) for c in used))
