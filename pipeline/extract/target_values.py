"""Target values and indicator names: a value as written (Arabic or Chinese numerals, 万, comparators
such as 不少于/≥), an indicator name cleaned of row numbers and bracketed notes and matched to the 榜单
indicators by name, alias or similarity, and the Target built with its doubts said.

A value in Chinese numerals is sanity-checked, and its confidence lowered with a note when it fails:
a numeral not in the regular written form (四八, 三千六: a character may be missing, cn2an guessed)
and a value under a tenth of the indicator's minimum (三 where 三千 was written: OCR dropped 千).
A unit of the indicator's unit class (rules file) is converted to the indicator's unit."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Sequence

import cn2an
from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz

from pipeline.extract.config import labels
from pipeline.extract.layout import Cell
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
    """The shipped rules file's 榜单 indicators (names, aliases, unit classes) for callers that pass
    none (tests, ad-hoc runs); without their minimums, so only the written form of a value is judged.
    One list: pipeline/checks/rules.yaml."""
    from pipeline.checks.rules import load_rules

    rules = load_rules()
    return tuple(IndicatorSpec(track=track, name=i.name, unit=i.unit, aliases=tuple(i.aliases),
                               units=rules.unit_factors(i.unit))
                 for track, inds in rules.indicators.items() for i in inds)


@lru_cache(maxsize=1)
def _value_re() -> re.Pattern:
    """A numeral and what follows it: a unit of labels.yaml (m2 holds a figure: ㎡ and m² after NFKC)
    or up to four other non-figures (checked against the units after)."""
    units = "|".join(map(re.escape, sorted(labels()["target_table"]["units"], key=len, reverse=True)))
    return re.compile(rf"^(?P<num>\d[\d,]*(?:\.\d+)?万?|[{CN_DIGITS}]+)(?P<unit>{units}|[^\d]{{0,4}})$")


@lru_cache(maxsize=1)
def comparators() -> re.Pattern:
    words = sorted(labels()["target_table"].get("comparators", []), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


def value_of(text: str) -> tuple[float, str, str] | None:
    """(value, unit, the numeral as read)."""
    specks = labels()["target_table"]["value_specks"]
    text = text.strip(specks)  # specks beside a value (·四十八, 5200., 叁佰。)
    # …or between a figure and its unit (不低于30.家): a point with no figure after it is no decimal
    text = re.sub(rf"(?<=\d)[{re.escape(specks)}](?=[\u4e00-\u9fff㎡])", "", text)
    c = comparators().pattern
    # a bound before the number (不少于36户) or 以上 after it; never inside (≥120不低于0.36: two cells)
    text = re.sub(rf"^(?:{c})+|(?:{c})$", "", text)
    got = _read_value(text, text)
    fixed = _figures_for_lookalikes(text) if got is None else text
    return _read_value(fixed, text) if fixed != text else got


def _read_value(text: str, as_read: str) -> tuple[float, str, str] | None:
    """(value, unit, numeral as read in `as_read`, the cell before look-alikes were turned into figures)."""
    m = _value_re().match(text)
    if not m:
        return None
    num, unit = m.group("num"), m.group("unit")
    units = labels()["target_table"]["units"]
    end = m.end("num")
    if num.endswith("万") and unit and "万" + unit in units:
        num, unit, end = num[:-1], "万" + unit, end - 1  # 5000万元: 万 belongs to the unit (万元, 万人)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", num):  # 1.500: a thousands comma read as a point
        num = num.replace(".", "")
    v = parse_number(num)
    if v is None:
        return None
    shown = as_read[m.start("num"):end] if as_read != text else num
    return (v, unit, shown) if (not unit or unit in units) else None


def _lookalikes() -> dict:
    return labels()["target_table"].get("numeral_lookalikes") or {"chars": {}, "alone": []}


def _lookalikes_in(num: str) -> list[str]:
    return [ch for ch in num if ch in _lookalikes()["chars"]]


def _figures_for_lookalikes(text: str) -> str:
    """`text` with OCR look-alikes of figures (了, O, l …) turned into figures, when it holds a real
    figure besides them or is a look-alike that stands for a figure alone (了); else unchanged."""
    la = _lookalikes()
    if not any(ch in la["chars"] for ch in text) or not (re.search(r"\d", text) or text in la["alone"]):
        return text
    return "".join(la["chars"].get(ch, ch) for ch in text)


_CN_NUMERAL = re.compile(rf"[{CN_DIGITS}]+")
IRREGULAR_FACTOR = 0.7
_ZERO_DECIMALS = re.compile(r"(\d+)[.．·](0+)")
MAGNITUDE_FACTOR = 0.5


def numeral_doubts(num: str, value: float | None, ind: IndicatorSpec) -> tuple[float, list[str]]:
    """(confidence factor, notes) for a target value whose reading is doubtful: Chinese numerals not in
    the regular form, any value under a tenth of the indicator's minimum (0.6 read as 0.0, 三 where
    三千 was written: a figure, a point or a 千/万 lost) — no applicant declares so little — and a
    Chinese numeral under the minimum at a tenth of it or one bare digit (三 for 三十). (1, []) otherwise."""
    if value is None:
        return 1.0, []
    if not _CN_NUMERAL.fullmatch(num):
        odd = _lookalikes_in(num)
        if odd and ind.min and value < ind.min:
            return MAGNITUDE_FACTOR, [f"目标值“{num}”中的“{'、'.join(odd)}”按数字读取为{_fmt(value)}，低于榜单指标，"
                                      "可能识别有误"]
        whole = _ZERO_DECIMALS.fullmatch(num)
        if whole and ind.min and value < ind.min <= float(whole.group(1) + whole.group(2)):
            # a speck on a scan read as a point (≥12000 read 1200.0, seed 929 #010): the point alone
            # decides the fail, and zeros after a point are rarely written
            return MAGNITUDE_FACTOR, [f"目标值“{num}”小数点后只有0，去掉小数点即为{whole.group(1) + whole.group(2)}，"
                                      "小数点可能是扫描污点，低于榜单指标的读数不足为凭"]
        if ind.min and value < ind.min / 10:
            return MAGNITUDE_FACTOR, [f"目标值“{num}”（{_fmt(value)}{ind.unit}）不到榜单指标{_fmt(ind.min)}{ind.unit}的十分之一，"
                                      "可能有数字、小数点或“万”字识别有误"]
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
    elif ind.min and value < ind.min and (value == ind.min / 10 or len(num) == 1):
        # a place word lost at the end (三十 read 三: Tesseract takes 十's upright stroke for a rule)
        # leaves a tenth, or one bare digit: never a fail on such a reading
        factor *= MAGNITUDE_FACTOR
        notes.append(f"目标值“{num}”（{_fmt(value)}）低于榜单指标{_fmt(ind.min)}{ind.unit}，且只有一位数，"
                     "中文数字的“千”“百”“十”等数位可能漏识别")
    return factor, notes


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


_ROW_NUMBER = re.compile(r"^(?:\d{1,2}(?:[.、．)）](?!\d))?|[(（]?[一二三四五六七八九十]{1,3}[)）、．.])(?=[\u4e00-\u9fff])")
_PARENS = re.compile(r"[(（][^()（）]{0,12}[)）]")


@lru_cache(maxsize=16384)
def clean_indicator(text: str) -> tuple[str, str]:
    """(name, unit): the row number glued on (5服务企业融资额, 一、) dropped, a unit in brackets taken
    out (入驻企业数量（家）), other bracketed notes dropped (入驻企业（团队）数量 → 入驻企业数量); OCR specks
    at either end of the name or of a bracketed unit dropped (引进入驻企业（户）。, （万人。）)."""
    t = unicodedata.normalize("NFKC", text or "").replace(" ", "")
    specks = labels()["target_table"].get("name_specks", ":：")
    t = _ROW_NUMBER.sub("", t.strip(specks)).strip(specks)
    unit = ""
    units = set(labels()["target_table"]["units"])
    for m in _PARENS.finditer(t):
        inner = m.group()[1:-1].strip(specks)
        if inner in units and not unit:
            unit = inner
    t = _PARENS.sub("", t).strip(specks)
    if not unit:  # one bracket of a unit lost (带动就业（人数）名）): the unit at the end beside the other
        m = _orphan_unit(tuple(sorted(units, key=len, reverse=True))).search(t)
        if m and m.start() >= 2:
            t, unit = t[:m.start()], m.group("a") or m.group("b")
    return t.strip("(（)）"), unit


@lru_cache(maxsize=1)
def _orphan_unit(units: tuple[str, ...]) -> re.Pattern:
    """A unit at the end of a name with one bracket only (balanced brackets are gone by then)."""
    u = "|".join(map(re.escape, units))
    return re.compile(rf"(?:[(（](?P<a>{u})|(?P<b>{u})[)）])$")


@lru_cache(maxsize=1)
def _name_lookalikes() -> dict[int, str | None]:
    """Look-alike glyphs turned into the name's own, specks inside the name dropped (labels.yaml)."""
    cfg = labels()["target_table"]
    return str.maketrans(cfg.get("name_lookalikes") or {}) | str.maketrans("", "", cfg.get("name_inner_specks", ""))


@lru_cache(maxsize=16384)
def indicator_key(text: str) -> str:
    """What a name is matched by: clean_indicator's name without the qualifiers around it that do not
    change what it counts (累计/年均/引进 …, …数量), from labels.yaml."""
    cfg = labels()["target_table"]
    t = clean_indicator(text)[0].translate(_name_lookalikes())
    for w in cfg.get("enumeration_ends", []):
        head = t.rsplit(w, 1)[-1]
        if w in t and "、" in t.split(w)[0] and len(head) >= 2:
            t = head  # examples listed before the head noun: 创业沙龙、路演等双创活动 → 双创活动
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
    """The indicator `text` names, by name or alias, after clean_indicator on both sides; also without
    a short run after its unit bracket (`_unit_trailer_cut`), whichever matches better."""
    keys = {indicator_key(t) for t in (text, _unit_trailer_cut(text)) if t}
    best, score = None, 0.0
    for ind in indicators:
        for name in (ind.name, *ind.aliases):
            for key in keys:
                s = _score(indicator_key(name), key)
                if s > score:
                    best, score = ind, s
    return (best, score) if score >= MATCH_MIN else (None, score)


_UNIT_THEN = re.compile(r"[(（]([^()（）]{1,6})[)）]([^()（）\d]+)$")


def _unit_trailer_cut(text: str) -> str | None:
    """`text` without a short run after its unit bracket that ends the cell: OCR reads a speck or a
    rule's residue there as a glyph or two (产业化应用项目数量（项）里, 汇聚开发者数量（名）有奴 in
    transposed target tables: dev seed 1493 #001, #011). None when there is no such run."""
    t = unicodedata.normalize("NFKC", text or "").replace(" ", "")
    m = _UNIT_THEN.search(t)
    cfg = labels()["target_table"]
    if m and m.group(1) in cfg["units"] and len(m.group(2).strip(cfg.get("name_specks", ""))) <= cfg.get("unit_trailer_max", 0):
        return t[: m.end(1) + 1]
    return None


def unit_then_value(text: str, units: list[str]) -> tuple[float, str, str] | None:
    """A unit cell and the value cell read as one run (场48, 个壹拾)."""
    for u in sorted(units, key=len, reverse=True):
        if text.startswith(u) and len(text) > len(u):
            got = value_of(text[len(u):])
            if got and not got[1]:
                return got[0], u, got[2]
    return None


def make_target(ind: IndicatorSpec, score: float, written: str, value: float | None, unit: str, used: list[Cell],
        num: str = "") -> Target:
    """The target read from `used`: the name cell(s) first, the value cell last when it is a cell of its
    own. Its confidence is the least of the cells' times the match score (and the unit and numeral
    factors below); `value_confidence` is the value cell's alone, kept when the name matched exactly."""
    conf = min(c.confidence for c in used) * (score / 100)
    value_conf = used[-1].confidence if len(used) >= 2 and score >= 100 else None
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
            value_conf = None
    factor, doubts = numeral_doubts(num, value, ind)
    if doubts:
        note = "；".join(([note] if note else []) + doubts)
        conf *= factor
        value_conf = None
    lifted = value_conf is not None and value_conf > conf
    return Target(indicator=ind.name, value=value, unit=unit, written=written, matched=True,
                  evidence=tuple(c.evidence(conf, note) for c in used), value_confidence=value_conf if lifted else None)
