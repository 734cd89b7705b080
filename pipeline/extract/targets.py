"""Declared construction targets: indicator, value, unit, matched to the 榜单 indicators the caller
passes (names and aliases, fuzzily: 入驻企业数 ≈ 入驻企业数量). Read from table rows (any source),
values in Arabic or Chinese numerals, with 万 and thousands separators.

A value in Chinese numerals is sanity-checked, and its confidence lowered with a note when it fails:
a numeral not in the regular written form (四八, 三千六: a character may be missing, cn2an guessed)
and a value under a tenth of the indicator's minimum (三 where 三千 was written: OCR dropped 千)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Sequence

import cn2an
from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz

from pipeline.extract.config import default_indicator_rows, labels
from pipeline.extract.layout import Cell, PageLayout, join_cells
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
    units: dict[str, float] = {}
    """Spellings of the indicator's unit class (rules file unit_classes) → factor to its unit
    (名 → 1 and 万人 → 10000 for 人): a value written in one is converted, said in the note."""


def default_indicators() -> tuple[IndicatorSpec, ...]:
    from pipeline.checks.rules import load_rules  # the shipped unit classes (rules.yaml)

    rules = load_rules()
    return tuple(IndicatorSpec(**row, units=rules.unit_factors(row.get("unit", ""))) for row in default_indicator_rows())


_VALUE = re.compile(rf"^(?P<num>\d[\d,]*(?:\.\d+)?万?|[{CN_DIGITS}]+)(?P<unit>[^\d]{{0,4}})$")


@lru_cache(maxsize=1)
def _comparators() -> re.Pattern:
    words = sorted(labels()["target_table"].get("comparators", []), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


def _value(text: str) -> tuple[float, str, str] | None:
    """(value, unit, the numeral as read)."""
    text = text.strip("·.,:;、'\"`°*_-~")  # specks OCR reads beside a value (·四十八, 5200.)
    m = _VALUE.match(_comparators().sub("", text))
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


_ROW_NUMBER = re.compile(r"^(?:\d{1,2}(?:[.、．)）](?!\d))?|[(（]?[一二三四五六七八九十]{1,3}[)）、．.])(?=[\u4e00-\u9fff])")
_PARENS = re.compile(r"[(（][^()（）]{0,12}[)）]")


def clean_indicator(text: str) -> tuple[str, str]:
    """(name, unit): the row number glued on (5服务企业融资额, 一、) dropped, a unit in brackets taken
    out (入驻企业数量（家）), other bracketed notes dropped (入驻企业（团队）数量 → 入驻企业数量)."""
    t = unicodedata.normalize("NFKC", text or "").replace(" ", "")
    t = _ROW_NUMBER.sub("", t).strip(":：")
    unit = ""
    units = set(labels()["target_table"]["units"])
    for m in _PARENS.finditer(t):
        inner = m.group()[1:-1]
        if inner in units and not unit:
            unit = inner
    return _PARENS.sub("", t), unit


def indicator_key(text: str) -> str:
    """What a name is matched by: clean_indicator's name without the qualifiers around it that do not
    change what it counts (累计/年均/引进 …, …数量), from labels.yaml."""
    t = clean_indicator(text)[0]
    cfg = labels()["target_table"]
    quals = sorted(cfg.get("qualifiers", []), key=len, reverse=True)
    stripped = True
    while stripped:
        stripped = False
        for q in quals:
            if t.startswith(q) and len(t) > len(q) + 2:
                t, stripped = t[len(q):], True
                break
    for q in cfg.get("suffix_qualifiers", []):
        if t.endswith(q) and len(t) > len(q) + 2:
            t = t[: -len(q)]
            break
    return t


def _bag(a: str, b: str) -> float:
    """Similarity of the characters regardless of order (开源项目产业化应用 ≈ 产业化应用项目)."""
    return fuzz.ratio("".join(sorted(a)), "".join(sorted(b)))


@lru_cache(maxsize=8192)
def _score(name: str, text: str) -> float:
    if name == text:
        return 100.0
    s = fuzz.ratio(name, text)
    if name in text and len(text) <= len(name) + 6:
        # a known name inside a longer one: as good as the share of the text it covers
        s = max(s, 60.0 + 40.0 * len(name) / len(text))
    if len(name) >= 4 and text.endswith(name):
        s = max(s, 88.0)  # the head noun comes last: 社区运营场地面积 is a 场地面积
    if len(name) >= 4 and len(text) >= 4:
        s = max(s, 0.95 * _bag(name, text))
    return s


def match_indicator(text: str, indicators: Sequence[IndicatorSpec]) -> tuple[IndicatorSpec | None, float]:
    """The indicator `text` names, by name or alias, after clean_indicator on both sides."""
    key = indicator_key(text)
    best, score = None, 0.0
    for ind in indicators:
        for name in (ind.name, *ind.aliases):
            s = _score(indicator_key(name), key)
            if s > score:
                best, score = ind, s
    return (best, score) if score >= MATCH_MIN else (None, score)


@lru_cache(maxsize=4)
def _one_run(units: tuple[str, ...]) -> re.Pattern:
    """序号, name, unit and value read as one run: '4年度开源活动场二十四', '1开源项目数量个12'."""
    u = "|".join(sorted(map(re.escape, units), key=len, reverse=True))
    c = _comparators().pattern
    return re.compile(rf"^(?:\d{{1,2}})?(?P<name>[\u4e00-\u9fff()]{{3,20}}?)(?P<unit>{u})?(?:{c})?(?P<num>\d[\d,]*(?:\.\d+)?万?|[{CN_DIGITS}]+)$")


_ONE_RUN = _one_run


def _role(text: str) -> str:
    """What a header cell means: number / skip / value / unit / name, or '' (see labels.yaml)."""
    cfg = labels()["target_table"]
    if any(text == w or text == w + "号" for w in cfg.get("number_headers", [])):
        return "number"
    for role, key in (("skip", "skip_headers"), ("value", "value_headers"), ("unit", "unit_headers"),
                      ("name", "name_headers")):
        if any(w in text for w in cfg.get(key, [])):
            return role
    return ""


def _header_roles(row: Sequence[Cell]) -> list[str] | None:
    """Column meanings when `row` is a targets-table header: it names an indicator column (指标名称 …)
    and holds no value."""
    words = labels()["target_table"]["header_words"]
    if not any(any(w in c.text for w in words) for c in row) or any(_value(c.text) for c in row[1:]):
        return None
    return [_role(c.text) for c in row]


def _aligned(row: Sequence[Cell], header: Sequence[Cell]) -> list[int]:
    """For each cell of a row, the header column it stands under. DOCX rows by position (their
    boxes are not geometry; empty cells at the end are dropped); pages with geometry by horizontal
    overlap, else the nearest header centre (OCR merges and splits cells, so counts mislead)."""
    if row and row[0].source == "docx" and len(row) <= len(header):
        return list(range(len(row)))
    out = []
    for c in row:
        ov = [min(c.bbox[2], h.bbox[2]) - max(c.bbox[0], h.bbox[0]) for h in header]
        k = max(range(len(header)), key=lambda i: ov[i])
        if ov[k] <= 0:
            mid = (c.bbox[0] + c.bbox[2]) / 2
            k = min(range(len(header)), key=lambda i: abs(mid - (header[i].bbox[0] + header[i].bbox[2]) / 2))
        out.append(k)
    return out


def _by_header(row: Sequence[Cell], header: Sequence[Cell], roles: list[str]) -> tuple[list[Cell], int | None]:
    """The row without its baseline/remark columns, and the index of the value column in what is left."""
    cols = _aligned(row, header)
    kept = [(c, cols[i]) for i, c in enumerate(row) if cols[i] < 0 or roles[cols[i]] != "skip"]
    value_at = next((i for i, (_, k) in enumerate(kept) if k >= 0 and roles[k] == "value"), None)
    return [c for c, _ in kept], value_at


def extract_targets(pages: Sequence[PageLayout], indicators: Sequence[IndicatorSpec], track: str | None = None) -> tuple[Target, ...]:
    """Rows under a targets-table header (指标名称 …), columns by what their header means; tables with
    the indicators as columns (transposed); else any row naming a known indicator."""
    inds = [i for i in indicators if track in (None, "unknown", "recommendation_form") or i.track == track] or list(indicators)
    units = labels()["target_table"]["units"]
    in_tables: list[Target] = []
    prose: list[Target] = []
    loose: list[Target] = []
    for page in pages:
        header: tuple[Cell, ...] | None = None
        roles: list[str] = []
        rows = page.rows
        skip_to = 0
        prose_page = any(w in page.text for w in labels()["target_table"].get("prose_page_words", []))
        page_prose: list[Target] = []
        for r, row in enumerate(rows):
            if r < skip_to:
                continue  # rows of a transposed table already read
            across, used = transposed(row, rows[r + 1: r + 4], inds, units)
            if across:
                in_tables.extend(across)
                skip_to = r + 1 + used
                continue
            hr = _header_roles(row)
            if hr is not None:
                header, roles = row, hr
                continue
            pairs = side_by_side(row, inds, units)
            if pairs:
                in_tables.extend(pairs)
                continue
            cells, value_col = _by_header(row, header, roles) if header is not None else (list(row), None)
            t = _target_row(cells, inds, units, value_col)
            if t is None and header is None and prose_page:
                p = prose_target(row, inds, units)
                if p is not None:
                    page_prose.append(p)
                    continue
            if t is None:
                if header is not None and len(row) < 2:
                    header = None
                continue
            if header is not None:
                in_tables.append(t)
            elif t.matched:
                loose.append(t)
        # a numbered list of targets in prose; an item naming no 榜单 indicator counts only in a list
        # that names 2+ of them (1、新增知识产权达到120件 beside 引进入驻企业不少于36户)
        if sum(t.matched for t in page_prose) >= 2:
            prose.extend(page_prose)
        else:
            prose.extend(t for t in page_prose if t.matched)
    # a row of the targets table beats the same indicator named elsewhere (场地面积 in the site table)
    out: list[Target] = []
    seen: set[str] = set()
    for t in in_tables + prose + loose:
        if t.matched and t.indicator in seen:
            continue
        seen.add(t.indicator)
        out.append(t)
    return tuple(out)


def transposed(row: Sequence[Cell], below: Sequence[Sequence[Cell]], inds: Sequence[IndicatorSpec],
               units: list[str]) -> tuple[list[Target], int]:
    """A table with the indicators as columns: `row` names 2+ different indicators and holds no value;
    the first row below with values gives one under each (a units row may come between). Also the
    number of rows below that were read."""
    if any(_value(c.text) for c in row):
        return [], 0
    named = _named(row, inds)
    first = len(below)
    unit_labels = labels()["target_table"].get("unit_row_labels", [])
    if below and not any(_value(c.text) or c.text in units or c.text in unit_labels for c in below[0]):
        # header cells wrapped over two lines (入驻企业 / 数量): join each with the line under it
        joined = _with_second_line(row, below[0])
        named2 = _named(joined, inds)
        if len(named2) >= max(len(named), 2):
            row, below, named = joined, below[1:], named2
    if len(named) < 2:
        return [], 0
    cols_named = {i for i, *_ in named}
    col_units: dict[int, str] = {}
    for n, nxt in enumerate(below):
        cols = _aligned(nxt, row)
        rest = [(c, k) for c, k in zip(nxt, cols) if k in cols_named]
        if not rest:
            continue
        label = next((c.text for c, k in zip(nxt, cols) if k not in cols_named), "")
        if label in unit_labels or all(c.text in units for c, _ in rest):
            col_units = {k: c.text for c, k in rest if c.text in units}
            continue
        out = []
        for i, c, ind, score in named:
            cell = next((d for d, k in rest if k == i), None)
            got = (_value(cell.text) or _unit_then_value(cell.text, units)) if cell is not None else None
            if got is None:
                continue
            value, u, num = got
            unit = u or col_units.get(i) or clean_indicator(c.text)[1] or ind.unit
            out.append(_mk(ind, score, c.raw, value, unit, [c, cell], num))
        return out, first - len(below) + n + 1
    return [], 0


_LIST_NO = r"(?:\d{1,2}[、.．)）]|[(（]\d{1,2}[)）]|[①②③④⑤⑥⑦⑧⑨⑩]|[一二三四五六七八九十]{1,2}、)"


@lru_cache(maxsize=4)
def _prose_re(units: tuple[str, ...]) -> re.Pattern:
    u = "|".join(sorted(map(re.escape, units), key=len, reverse=True))
    c = _comparators().pattern
    return re.compile(rf"^{_LIST_NO}(?P<name>[\u4e00-\u9fff、()]{{2,30}}?)(?:{c})?"
                      rf"(?P<num>\d[\d,]*(?:\.\d+)?万?)(?P<unit>{u})(?:[;；,，。]|$)")


def prose_target(row: Sequence[Cell], inds: Sequence[IndicatorSpec], units: list[str]) -> Target | None:
    """A numbered target written as a sentence: 1、引进入驻企业不少于36户；3、年均开展创业沙龙、路演等双创活动≥48场。"""
    text = "".join(c.text for c in row)
    m = _prose_re(tuple(units)).match(text)
    if not m:
        return None
    name = m.group("name")
    got = _value(m.group("num") + m.group("unit"))
    if got is None:
        return None
    value, unit, num = got
    ind, score = match_indicator(name, inds)
    if ind is None:
        conf = min(c.confidence for c in row) * 0.5
        return Target(indicator=clean_indicator(name)[0], value=value, unit=unit, written=name, matched=False,
                      evidence=tuple(c.evidence(conf, "与榜单指标名称都不相符") for c in row))
    return _mk(ind, score, name, value, unit, list(row), num)


def side_by_side(row: Sequence[Cell], inds: Sequence[IndicatorSpec], units: list[str]) -> list[Target]:
    """A key-value table with two pairs a row (入驻企业数量 | 45家 | 孵化场地面积 | 5200平方米): each
    indicator cell followed by its value (a unit cell may follow the value). [] unless 2+ pairs."""
    out = []
    i = 0
    while i + 1 < len(row):
        ind, score = match_indicator(row[i].text, inds) if re.search(r"[\u4e00-\u9fff]{3}", row[i].text) else (None, 0)
        got = _value(row[i + 1].text) if ind else None
        if ind is None or got is None:
            i += 1
            continue
        value, unit, num = got
        used = [row[i], row[i + 1]]
        if not unit and i + 2 < len(row) and row[i + 2].text in units:
            unit = row[i + 2].text
            i += 1
        out.append(_mk(ind, score, used[0].raw, value,
                       unit or clean_indicator(used[0].text)[1] or ind.unit, used, num))
        i += 2
    return out if len({t.indicator for t in out}) >= 2 else []


def _named(row: Sequence[Cell], inds: Sequence[IndicatorSpec]) -> list[tuple[int, Cell, IndicatorSpec, float]]:
    """Cells of `row` naming an indicator; [] unless 2+ different indicators are named."""
    named = [(i, c, *match_indicator(c.text, inds)) for i, c in enumerate(row)]
    named = [(i, c, ind, s) for i, c, ind, s in named if ind is not None]
    return named if len({ind.name for _, _, ind, _ in named}) >= 2 else []


def _with_second_line(row: Sequence[Cell], nxt: Sequence[Cell]) -> tuple[Cell, ...]:
    out = []
    for c in row:
        under = [d for d in nxt if min(c.bbox[2], d.bbox[2]) - max(c.bbox[0], d.bbox[0]) > 0 and d.text != c.text]
        for d in under:
            c = join_cells(c, d)
        out.append(c)
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
    name_text, bracket_unit = clean_indicator(name_text)
    unit = unit or bracket_unit
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
        # name and value read as one run, the unit in a cell of its own (11孵化开源项目≥20 | 个)
        m = _ONE_RUN(tuple(units)).match(name_cell.text)
        ind, score = match_indicator(m.group("name"), inds) if m else (None, 0.0)
        if ind is None:
            return None
        got = _value(m.group("num"))
        return _mk(ind, score, m.group("name"), got[0] if got else None, m.group("unit") or unit or ind.unit,
                   [name_cell], m.group("num"))
    if ind is None and not re.search(r"[\u4e00-\u9fff]{2,}", name_cell.text):
        return None
    used = [name_cell] + ([value_cell] if value_cell else [])
    if ind is None:
        conf = min(c.confidence for c in used) * 0.5
        return Target(indicator=name_text, value=value, unit=unit, written=name_cell.raw, matched=False,
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
    """Two indicators named side by side (two rows read as one); a name inside a longer known name
    (开源项目 in 开源项目产业化应用) is not a second one."""
    spans = [(m, m + len(n), i.name) for i in inds for n in (i.name, *i.aliases) if len(n) >= 4
             for m in [text.find(n)] if m >= 0]
    outer = {name for a, b, name in spans
             if not any(a2 <= a and b <= b2 and (b2 - a2) > (b - a) for a2, b2, _ in spans)}
    return len(outer) >= 2


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
        if unit in ind.units and value is not None:
            k = ind.units[unit]
            written_value = value
            value = round(value * k, 6)
            note = (note + "；" if note else "") + (
                f"写为{_fmt(written_value)}{unit}，按{_fmt(value)}{ind.unit}计" if k != 1 else f"单位写为“{unit}”，同“{ind.unit}”")
            unit = ind.unit
        else:
            note = (note + "；" if note else "") + f"单位写为“{unit}”，榜单为“{ind.unit}”"
            conf *= 0.7
    factor, doubts = numeral_doubts(num, value, ind)
    if doubts:
        note = "；".join(([note] if note else []) + doubts)
        conf *= factor
    return Target(indicator=ind.name, value=value, unit=unit, written=written, matched=True,
                  evidence=tuple(c.evidence(conf, note) for c in used))
