"""Shapes of target tables read by meaning: columns by what their header says (a value column
wherever it stands, baseline and remark columns skipped), tables with the indicators as columns
(transposed, header cells wrapped over two lines), two indicator/value pairs a row, and numbered
targets written as sentences. Words in labels.yaml `target_table`."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from pipeline.extract.config import labels
from pipeline.extract.layout import Cell, join_cells
from pipeline.extract.target_values import (IndicatorSpec, clean_indicator, comparators, make_target, match_indicator,
                                            unit_then_value, value_of)
from pipeline.facts import Target


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


def _one_run_header(text: str) -> bool:
    """A header row OCR read as one run (序号考核指标计量单位建设目标): a 序号 or 单位 word besides an
    indicator word and a value word — a heading (建设目标及考核指标) has no 序号/单位."""
    cfg = labels()["target_table"]
    has = {k: any(w in text for w in cfg.get(k, []) if len(w) >= 2)
           for k in ("number_headers", "unit_headers", "name_headers", "value_headers")}
    return (has["number_headers"] or has["unit_headers"]) and has["name_headers"] and has["value_headers"]


def header_roles(row: Sequence[Cell]) -> list[str] | None:
    """Column meanings when `row` is a targets-table header: it names an indicator column (指标名称 …)
    and holds no value."""
    words = labels()["target_table"]["header_words"]
    if len(row) == 1 and not _one_run_header(row[0].text):
        return None  # a heading (建设目标及考核指标), not a table header
    if not any(any(w in c.text for w in words) for c in row) or any(value_of(c.text) for c in row[1:]):
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


def _inside(c: Cell, h: Cell) -> bool:
    """Most of cell `c` lies under header cell `h` (DOCX rows: by position, always)."""
    if c.source == "docx":
        return True
    return min(c.bbox[2], h.bbox[2]) - max(c.bbox[0], h.bbox[0]) > 0.5 * (c.bbox[2] - c.bbox[0])


@lru_cache(maxsize=1024)
def _parts(text: str) -> tuple[str, ...]:
    """The meanings of the header words in one header cell, in reading order, when OCR read several
    column headers as one cell (目标值计量单位完成时限 → value, unit, skip); the longest word wins where
    words overlap (目标值 over 目标)."""
    cfg = labels()["target_table"]
    found = sorted(((text.find(w), -len(w), role) for role, key in (
        ("number", "number_headers"), ("skip", "skip_headers"), ("value", "value_headers"),
        ("unit", "unit_headers"), ("name", "name_headers")) for w in cfg.get(key, []) if len(w) >= 2 and w in text))
    out, end = [], 0
    for at, neg, role in found:
        if at >= end:
            out.append(role)
            end = at - neg
    return tuple(r for i, r in enumerate(out) if i == 0 or r != out[i - 1])


def _cell_roles(cols: list[int], header: Sequence[Cell], roles: list[str]) -> list[str]:
    """Each row cell's meaning: its header column's, or — under a header cell holding several column
    headers — the one at its place among the cells under it (counted from the left, or from the right
    when the merged headers start with a skipped column such as 现状值)."""
    out = [roles[k] if k >= 0 else "" for k in cols]
    for k in set(cols):
        seq = _parts(header[k].text) if k >= 0 else ()
        if len(seq) < 2:
            continue
        idx = [i for i, c in enumerate(cols) if c == k]
        right = len(idx) != len(seq) and seq[0] == "skip"
        for j, i in enumerate(idx):
            at = len(seq) - len(idx) + j if right else j
            out[i] = seq[min(max(at, 0), len(seq) - 1)]
    return out


def by_header(row: Sequence[Cell], header: Sequence[Cell], roles: list[str]) -> tuple[list[Cell], int | None]:
    """The row without its baseline/remark columns and its 序号, and the index of the value column in
    what is left."""
    cols = _aligned(row, header)
    units = labels()["target_table"]["units"]
    meaning = _cell_roles(cols, header, roles)
    # a unit is never a baseline or remark (a header read as 计量单位完成时限 is both)
    # …and a run across several columns (孵化场地面积≥3600平方米2028年底) is not one of them
    # …nor is a cell of at most two characters inside the 序号 column (a 1 OCR read as 工 is no name)
    kept = [(c, meaning[i]) for i, c in enumerate(row)
            if cols[i] < 0 or (meaning[i] != "skip" and not (meaning[i] == "number" and len(c.text) <= 2))
            or c.text in units or not _inside(c, header[cols[i]])]
    value_at = next((i for i, (_, m) in enumerate(kept) if m == "value"), None)
    return [c for c, _ in kept], value_at


_CJK3 = re.compile(r"[\u4e00-\u9fff]{2}")


def transposed(row: Sequence[Cell], below: Sequence[Sequence[Cell]], inds: Sequence[IndicatorSpec],
               units: list[str]) -> tuple[list[Target], int]:
    """A table with the indicators as columns: `row` names 2+ different indicators and holds no value;
    the first row below with values gives one under each (a units row may come between). Also the
    number of rows below that were read."""
    if sum(len(_CJK3.findall(c.text)) > 0 for c in row) < 2 or any(value_of(c.text) for c in row):
        return [], 0  # not two names side by side
    named = _named(row, inds)
    first = len(below)
    unit_labels = labels()["target_table"].get("unit_row_labels", [])
    joined, rest = row, below
    while rest and not any(value_of(c.text) or c.text in units or c.text in unit_labels for c in rest[0]):
        # header cells wrapped over several lines (托管开源项目 / （含孵化）（ / 个）): join each with
        # the lines under it — not a sentence above the table naming no indicator, whose runs straddle
        # its columns (a header row naming two is joined as before: OCR boxes of its lines are loose)
        if len(named) < 2 and _straddles(joined, rest[0]):
            break
        joined, rest = _with_second_line(joined, rest[0]), rest[1:]
        named2 = _named(joined, inds)
        if len(named2) >= max(len(named), 2):
            row, below, named = joined, rest, named2
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
            col_units = {k: c.text for c, k in zip(nxt, cols) if c.text in units}
            continue
        values = {k: _value_cell(d.text, label, units) for d, k in rest}
        if not any(values.values()):
            continue  # a header line wrapped where the columns' boxes mislead (面积(万 | 平方米)): not the values
        out = []
        for i, c, ind, score in named:
            cell = next((d for d, k in rest if k == i), None)
            got = values.get(i) if cell is not None else None
            if got is None:
                continue
            value, u, num = got
            unit = u or col_units.get(i) or clean_indicator(c.text)[1] or ind.unit
            out.append(make_target(ind, score, c.raw, value, unit, [c, cell], num))
        out += _unnamed_columns(row, nxt, cols, cols_named, col_units, units)
        return out, first - len(below) + n + 1
    return [], 0


def _value_cell(text: str, label: str, units: list[str]) -> tuple[float, str, str] | None:
    """A value under a transposed table's column; the tail of the row label OCR glued onto the first
    value (目标 | 值40: the label 目标值 split) is not part of it."""
    got = value_of(text) or unit_then_value(text, units)
    if got is None and label:
        for w in labels()["target_table"].get("value_row_labels", []):
            if w.startswith(label) and w != label and text.startswith(w[len(label):]):
                return value_of(text[len(w) - len(label):])
    return got


_LIST_NO = r"(?:\d{0,2}[、.．)）]|\d{1,2}(?=[\u4e00-\u9fff])|[(（](?:\d{1,2}|[一二三四五六七八九十]{1,3})[)）]|[①②③④⑤⑥⑦⑧⑨⑩]|[一二三四五六七八九十]{1,2}、)"


@lru_cache(maxsize=4)
def _prose_re(units: tuple[str, ...]) -> re.Pattern:
    u = "|".join(sorted(map(re.escape, units), key=len, reverse=True))
    c = comparators().pattern
    # a speck OCR put between the name and its comparator (带动就业（人数）。不少于300人)
    sp = re.escape(labels()["target_table"].get("name_specks", ""))
    return re.compile(rf"^{_LIST_NO}(?P<name>[\u4e00-\u9fff、()]{{2,30}}?)[{sp}]?(?:{c})?"
                      rf"(?P<num>\d[\d,]*(?:\.\d+)?万?)(?P<unit>{u})(?:[;；,，。]|$)")


def prose_targets(row: Sequence[Cell], inds: Sequence[IndicatorSpec], units: list[str]) -> list[Target]:
    """Numbered targets written as sentences, several on one line when they run on (5.产业化应用项目不少于7项；
    6.开源人才培训不低于500人次；…: dev seed 933 #011, the second was lost)."""
    text = "".join(c.text for c in row)
    out = []
    while text:
        m = _prose_re(tuple(units)).match(text)
        t = _prose_target(m, row, inds) if m else None
        if t is None:
            break
        out.append(t)
        text = text[m.end():].lstrip()
    return out


def _prose_target(m: re.Match, row: Sequence[Cell], inds: Sequence[IndicatorSpec]) -> Target | None:
    """A numbered target written as a sentence: 1、引进入驻企业不少于36户；3、年均开展创业沙龙、路演等双创活动≥48场。
    (OCR may drop the 、 after the number: 1托管开源项目(含孵化)不低于15项;)"""
    name = m.group("name")
    got = value_of(m.group("num") + m.group("unit"))
    if got is None:
        return None
    value, unit, num = got
    ind, score = match_indicator(name, inds)
    if ind is None:
        conf = min(c.confidence for c in row) * 0.5
        return Target(indicator=clean_indicator(name)[0], value=value, unit=unit, written=name, matched=False,
                      evidence=tuple(c.evidence(conf, "与榜单指标名称都不相符") for c in row))
    return make_target(ind, score, name, value, unit, list(row), num)


def side_by_side(row: Sequence[Cell], inds: Sequence[IndicatorSpec], units: list[str]) -> list[Target]:
    """A key-value table with two pairs a row (入驻企业数量 | 45家 | 孵化场地面积 | 5200平方米): each
    indicator cell followed by its value (a unit cell may follow the value). [] unless 2+ pairs."""
    out = []
    i = 0
    while i + 1 < len(row):
        ind, score = match_indicator(row[i].text, inds) if re.search(r"[\u4e00-\u9fff]{3}", row[i].text) else (None, 0)
        got = value_of(row[i + 1].text) if ind else None
        if ind is None or got is None:
            i += 1
            continue
        value, unit, num = got
        used = [row[i], row[i + 1]]
        if not unit and i + 2 < len(row) and row[i + 2].text in units:
            unit = row[i + 2].text
            i += 1
        out.append(make_target(ind, score, used[0].raw, value,
                       unit or clean_indicator(used[0].text)[1] or ind.unit, used, num))
        i += 2
    return out if len({t.indicator for t in out}) >= 2 else []


def _unnamed_columns(row: Sequence[Cell], values: Sequence[Cell], cols: Sequence[int], named: set[int],
                     col_units: dict[int, str], units: list[str]) -> list[Target]:
    """Columns of a transposed table naming no 榜单 indicator but a target of the applicant's own
    (服务企业融资额（万元） | 2000): kept unmatched, as a table row would be, when the header gives a
    unit in brackets or the value carries one (the row label 指标 / 目标值 never does)."""
    out = []
    for i, c in enumerate(row):
        if i == 0 or i in named or not re.search(r"[\u4e00-\u9fff]{2}", c.text):
            continue
        name, unit = clean_indicator(c.text)
        cell = next((d for d, k in zip(values, cols) if k == i), None)
        got = (value_of(cell.text) or unit_then_value(cell.text, units)) if cell is not None else None
        unit = (got[1] if got else "") or col_units.get(i) or unit
        if got is None or not unit or not re.search(r"[\u4e00-\u9fff]{2}", name):
            continue
        conf = min(c.confidence, cell.confidence) * 0.5
        out.append(Target(indicator=name, value=got[0], unit=unit, written=c.raw, matched=False,
                          evidence=tuple(x.evidence(conf, "与榜单指标名称都不相符") for x in (c, cell))))
    return out


def _named(row: Sequence[Cell], inds: Sequence[IndicatorSpec]) -> list[tuple[int, Cell, IndicatorSpec, float]]:
    """Cells of `row` naming an indicator; [] unless 2+ different indicators are named."""
    named = [(i, c, *match_indicator(c.text, inds)) for i, c in enumerate(row)]
    named = [(i, c, ind, s) for i, c, ind, s in named if ind is not None]
    return named if len({ind.name for _, _, ind, _ in named}) >= 2 else []


def _straddles(row: Sequence[Cell], nxt: Sequence[Cell]) -> bool:
    """Some cell of `nxt` lies partly under a cell of `row` (less than half of it): the two lines do
    not share columns (…，本单位（联合体） over 孵化开源项 | 汇聚开发者), so `nxt` is no wrapped line of
    `row`'s header cells. DOCX cells have no geometry: never."""
    return any(c.source != "docx" and d.source != "docx"
               and 0 < min(c.bbox[2], d.bbox[2]) - max(c.bbox[0], d.bbox[0]) < 0.5 * (d.bbox[2] - d.bbox[0])
               for c in row for d in nxt)


TOUCH = 0.1
"""A line's run whose box shares less than this share of the narrower box with a header cell only
touches it: a scan's next-column run starting at this column's edge (社区开发者 over “人数（人） of
代码贡献者) is not this cell's second line — joined, the two columns' boxes merged and the second
column's value went to the first (seed 662 #011: 社区开发者人数 150, 代码贡献者人数 lost)."""


def _with_second_line(row: Sequence[Cell], nxt: Sequence[Cell]) -> tuple[Cell, ...]:
    out = []
    for c in row:
        under = [d for d in nxt if _xshare(c, d) > TOUCH and d.text != c.text]
        for d in under:
            c = join_cells(c, d)
        out.append(c)
    return tuple(out)


def _xshare(a: Cell, b: Cell) -> float:
    """How much of the narrower of two boxes their horizontal overlap is (≤ 0 apart)."""
    narrow = max(min(a.bbox[2] - a.bbox[0], b.bbox[2] - b.bbox[0]), 1e-9)
    return (min(a.bbox[2], b.bbox[2]) - max(a.bbox[0], b.bbox[0])) / narrow
