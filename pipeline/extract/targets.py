"""Declared construction targets: indicator, value, unit, matched to the 榜单 indicators the caller
passes (names and aliases, fuzzily: 入驻企业数 ≈ 入驻企业数量). Read from table rows (any source, columns
by header meaning), transposed tables, key-value pairs and numbered prose; values and names are read
by pipeline.extract.target_values, table shapes by pipeline.extract.target_shapes."""
from __future__ import annotations

import re
from functools import lru_cache
from statistics import median
from typing import Sequence

from pipeline.extract.config import labels
from pipeline.extract.layout import Cell, PageLayout
from pipeline.extract.target_columns import late_values
from pipeline.extract.target_shapes import by_header, header_roles, prose_targets, side_by_side, transposed
from pipeline.extract.target_values import (IndicatorSpec, clean_indicator, comparators, default_indicators,
                                            indicator_key, make_target, match_indicator, numeral_doubts,
                                            unit_then_value, value_of)
from pipeline.extract.values import CN_DIGITS
from pipeline.facts import Target

__all__ = ["IndicatorSpec", "default_indicators", "extract_targets", "match_indicator", "clean_indicator",
           "indicator_key", "numeral_doubts"]


@lru_cache(maxsize=4)
def _one_run(units: tuple[str, ...]) -> re.Pattern:
    """序号, name, unit and value read as one run: '4年度开源活动场二十四', '1开源项目数量个12'."""
    u = "|".join(sorted(map(re.escape, units), key=len, reverse=True))
    c = comparators().pattern
    # …or with the unit after the value and a deadline cell glued on: 孵化场地面积≥3600平方米2028年底
    return re.compile(rf"^(?:\d{{1,2}})?(?P<name>[\u4e00-\u9fff()]{{3,20}}?)(?P<unit>{u})?[.·,、]?(?:{c})?"
                      rf"(?P<num>\d[\d,]*(?:\.\d+)?万?|[{CN_DIGITS}]+)(?P<unit2>{u})?"
                      rf"(?:(?<=\D)\d{{4}}年(?:\d{{1,2}}月)?[\u4e00-\u9fff]{{0,3}})?$")


_ONE_RUN = _one_run


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
        rows_at: list[int] = []  # where this page's table rows are in in_tables
        unread: tuple[Cell, ...] = ()  # the table row above that gave no target
        for r, row in enumerate(rows):
            if r < skip_to:
                continue  # rows of a transposed table already read
            across, used = transposed(row, rows[r + 1: r + 6], inds, units)
            if across:
                in_tables.extend(across)
                skip_to = r + 1 + used
                continue
            hr = header_roles(row)
            if hr is not None:
                header, roles = row, hr
                continue
            pairs = side_by_side(row, inds, units)
            if pairs:
                in_tables.extend(pairs)
                continue
            cells, value_col = by_header(row, header, roles) if header is not None else (list(row), None)
            t = _target_row(cells, inds, units, value_col)
            if t is None and header is not None and split_row(unread, row):
                # one table row the skew cut in two: its value cells a little above its name
                whole = tuple(sorted(unread + tuple(row), key=lambda c: c.bbox[0]))
                cells, value_col = by_header(whole, header, roles)
                t = _target_row(cells, inds, units, value_col)
            unread = tuple(row) if t is None else ()
            if t is None and header is None and prose_page:
                p = prose_targets(row, inds, units)
                if p:
                    page_prose.extend(p)
                    continue
            if t is None:
                if header is not None and len(row) < 2:
                    header = None
                continue
            if header is not None:
                rows_at.append(len(in_tables))
                in_tables.append(t)
            elif t.matched:
                loose.append(t)
        if page.source == "ocr":  # a scan's faint first digit; DOCX cells have no geometry
            for k, t in zip(rows_at, late_values([in_tables[k] for k in rows_at], inds)):
                in_tables[k] = t
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


def _target_row(row: Sequence[Cell], inds: Sequence[IndicatorSpec], units: list[str], value_col: int | None) -> Target | None:
    cells = number_cut(list(row))
    # a leading 序号 cell is not the value (4 | 年度开源活动场24: the rest of the row read as one run)
    if (len(cells) >= 2 and re.fullmatch(r"\d{1,2}|[一二三四五六七八九十]{1,2}", cells[0].text)) or (
            len(cells) >= 3 and len(cells[0].text) <= 2 and not re.search(r"[\u4e00-\u9fff]", cells[0].text)):
        cells = cells[1:]
        if value_col is not None:
            value_col -= 1
    cells = comparator_cut(cells)
    if len(cells) < 2:
        # one OCR run for the whole row: 入驻企业数量 家 45
        if len(cells) == 1:
            m = _ONE_RUN(tuple(units)).match(cells[0].text)
            if m:
                ind, score = match_indicator(m.group("name"), inds)
                if ind:
                    got = value_of(m.group("num"))
                    v = got[0] if got else None
                    return make_target(ind, score, m.group("name"), v, m.group("unit") or m.group("unit2") or ind.unit, [cells[0]], m.group("num"))
        return None
    name_cell = cells[0]
    name_text, unit = _split_name_cell(name_cell.text, units)
    name_text, bracket_unit = clean_indicator(name_text)
    unit = unit or bracket_unit
    ind, score = match_indicator(name_text, inds)
    spill = _name_spill(cells, name_text, score, inds)
    if spill is not None:  # the name's last glyph read into the value cell (…场地面 | 积≥12000)
        name_text, ind, score, cells = spill
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
        if _unit_cell(c.text, units) and not unit:
            unit = _unit_cell(c.text, units)
            continue
        got = value_of(c.text) or unit_then_value(c.text, units)
        if got and value is None:
            value, u, num = got
            unit = unit or u
            value_cell = c
    for c in cells[1:]:
        if not unit and _unit_cell(c.text, units):
            unit = _unit_cell(c.text, units)
    if value is None:
        # name and value read as one run, the unit in a cell of its own (11孵化开源项目≥20 | 个)
        m = _ONE_RUN(tuple(units)).match(name_cell.text)
        ind, score = match_indicator(m.group("name"), inds) if m else (None, 0.0)
        if ind is None:
            return None
        got = value_of(m.group("num"))
        return make_target(ind, score, m.group("name"), got[0] if got else None, m.group("unit") or m.group("unit2") or unit or ind.unit,
                   [name_cell], m.group("num"))
    if ind is None and not re.search(r"[\u4e00-\u9fff]{2,}", name_cell.text):
        return None
    used = [name_cell] + ([value_cell] if value_cell else [])
    if ind is None:
        conf = min(c.confidence for c in used) * 0.5
        return Target(indicator=name_text, value=value, unit=unit, written=name_cell.raw, matched=False,
                      evidence=tuple(c.evidence(conf, "与榜单指标名称都不相符") for c in used))
    return make_target(ind, score, name_cell.raw, value, unit or ind.unit, used, num)


_DEADLINE = re.compile(r"\d{4}年")


def split_row(above: Sequence[Cell], row: Sequence[Cell]) -> bool:
    """`above` and `row` are one table row a skewed scan cut in two lines (5000 | 万元 | 实施期末 a third
    of a line above 5 | 5服务企业融资额): right one over the other (their boxes overlap in height or
    are under half a line apart) and their cells in different columns (none overlapping in width
    over a quarter of the narrower)."""
    if not above or not row:
        return False
    h = median(c.bbox[3] - c.bbox[1] for c in (*above, *row))
    gap = min(c.bbox[1] for c in row) - max(c.bbox[3] for c in above)
    if gap > 0.5 * h:
        return False
    return not any(min(a.bbox[2], b.bbox[2]) - max(a.bbox[0], b.bbox[0])
                   > 0.25 * min(a.bbox[2] - a.bbox[0], b.bbox[2] - b.bbox[0]) for a in above for b in row)


def _unit_cell(text: str, units: list[str]) -> str:
    """The unit a cell holds: the cell itself, or a unit with the deadline cell beside it read into
    the same run (万平方米2028年底); '' otherwise."""
    t = text.strip("·.,:;、")
    if t in units:
        return t
    u = next((u for u in sorted(units, key=len, reverse=True) if t.startswith(u)), "")
    return u if u and _DEADLINE.match(t[len(u):]) else ""


def _names_two(text: str, inds: Sequence[IndicatorSpec]) -> bool:
    """Two indicators named side by side (two rows read as one); a name inside a longer known name
    (开源项目 in 开源项目产业化应用) is not a second one."""
    spans = [(m, m + len(n), i.name) for i in inds for n in (i.name, *i.aliases) if len(n) >= 4
             for m in [text.find(n)] if m >= 0]
    outer = {name for a, b, name in spans
             if not any(a2 <= a and b <= b2 and (b2 - a2) > (b - a) for a2, b2, _ in spans)}
    return len(outer) >= 2


_SPILL = re.compile(r"^([\u4e00-\u9fff]{1,3})(?=[\d≥>=＝])")


def _name_spill(cells: list[Cell], name: str, score: float, inds: Sequence[IndicatorSpec]):
    """(name, indicator, score, cells) when the cell after the name starts with 1–3 characters that
    complete the name better than it stands, those characters moved to the name; else None."""
    m = _SPILL.match(cells[1].text) if len(cells) >= 2 else None
    if not m:
        return None
    ind, better = match_indicator(name + m.group(1), inds)
    if ind is None or better <= score:
        return None
    c = cells[1]
    rest = Cell(c.text[m.end():], c.raw, c.file, c.page, c.bbox, c.confidence, c.source, c.origin)
    return name + m.group(1), ind, better, [cells[0], rest, *cells[2:]]


_NUMBER_HEAD = re.compile(r"^(\d{1,2}[.、．]?)([\u4e00-\u9fff]{1,2})$")


def number_cut(cells: Sequence[Cell]) -> list[Cell]:
    """The cells with the name's first characters the cut at the 序号 column's rule left beside the row
    number (4.吸 | 纳带动就业: the point after the 4 hid where the figures end, dev seed 1304 #010)
    given back to the name's cell."""
    m = _NUMBER_HEAD.match(cells[0].text) if len(cells) >= 2 else None
    if not m or not re.match(r"[\u4e00-\u9fff]", cells[1].text):
        return list(cells)
    a, b = cells[0], cells[1]
    num, head = m.groups()
    raw = a.raw.rstrip()
    return [Cell(num, raw[:-len(head)] if raw.endswith(head) else num, a.file, a.page, a.bbox, a.confidence, a.source,
                 a.origin),
            Cell(head + b.text, head + b.raw, b.file, b.page, b.bbox, min(a.confidence, b.confidence), b.source, b.origin),
            *cells[2:]]


def comparator_cut(cells: Sequence[Cell]) -> list[Cell]:
    """The cells with a comparator the cut between two cells split (孵化场地面积。不低 | 于3600: a
    speck at a RapidOCR word's start stretched its box over the name column, and the cut at the rule,
    placed by character width, fell inside 不低于) whole again at the start of the value's cell; the
    comparators are labels.yaml's. A cell that ends in a comparator's head without its rest beside
    it (数量不 | 20家) is left as it is."""
    out = list(cells)
    words = [w for w in labels()["target_table"].get("comparators", []) if len(w) >= 2]
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        for w in sorted(words, key=len, reverse=True):
            j = next((j for j in range(len(w) - 1, 0, -1) if a.text.endswith(w[:j]) and b.text.startswith(w[j:])
                      and len(a.text) > j and re.match(r"[\d" + CN_DIGITS + "]", b.text[len(w) - j:])), 0)
            if not j:
                continue
            head = a.text[:-j].rstrip(labels()["target_table"].get("name_specks", "") + " ")
            out[i] = Cell(head, a.raw[:-j].rstrip() if a.raw.endswith(w[:j]) else head, a.file, a.page, a.bbox,
                          a.confidence, a.source, a.origin)
            out[i + 1] = Cell(w[:j] + b.text, w[:j] + b.raw, b.file, b.page, b.bbox, b.confidence, b.source, b.origin)
            break
    return [c for c in out if c.text]  # a cell that held only specks and the comparator's head


def _split_name_cell(text: str, units: list[str]) -> tuple[str, str]:
    """OCR may read 序号, name and unit as one run ('2孵化场地面积平方米'): take them apart."""
    t = re.sub(r"^\d{1,2}(?=[\u4e00-\u9fff])", "", text)
    t = t.rstrip(labels()["target_table"].get("name_specks", "") + " ")  # 孵化场地面积 平方米。
    for u in sorted(units, key=len, reverse=True):
        if t.endswith(u) and len(t) > len(u) + 2:
            return t[: -len(u)].rstrip(), u
    return t, ""
