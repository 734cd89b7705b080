"""One table row from the lines OCR read inside it, where the table's rules are on the page.

A narrow ruled table whose cells wrap to two lines, each cell centred in its row, comes back from OCR
as interleaved lines: the code's first line, then the name's first line a little lower, the code's
wrapped end, the name's second line (1250011935032295 | 事业单位法 / 重庆市鹿鸣数字化转型 | 人 / 84 /
促进中心). Grouped by height alone these are four rows, none of them whole, and the member table lost
the unit (seed 926 #007). The rules above and below say which lines belong to one row and the rules
between the columns which pieces belong to one cell: lines held between the same two horizontal rules,
each close under the one before, are joined cell by cell, top to bottom.

Only where the band is a table's row: a horizontal rule above and below covering the lines, at least
two columns cut by vertical rules across it, and no gap between the lines a row's padding would leave
(two rows whose rule between them was not found stay two rows).
"""
from __future__ import annotations

from statistics import median
from typing import Sequence

from pipeline.grid import BAND_COVER, column_of
from pipeline.model import Ruling

from pipeline.extract.layout_cells import Cell, join_cells

LINE_GAP = 0.6
"""Lines of one cell follow each other within this many text heights (a wrapped cell's line gap);
a row's padding above and below leaves more between two rows."""
MIN_HEIGHT = 0.5
"""A line lower than this share of the row's lines is no line of text in it (a seal's strokes read
as 用 K under a name: joined, they became part of it)."""
RULE_ROWS = 1.5
"""A vertical rule is a column's border when it runs at least this many band heights (through other
rows of the table): a seal's edge found as a short rule across one row is none."""


def _span(row: Sequence[Cell]) -> tuple[float, float]:
    return min(c.bbox[0] for c in row), max(c.bbox[2] for c in row)


def _covers(r: Ruling, span: tuple[float, float]) -> bool:
    a, b = span
    return min(b, r.end) - max(a, r.start) >= BAND_COVER * max(b - a, 1e-9)


PIECE_COVER = 0.25
"""A skewed scan's rule comes as pieces stepping in height, none covering the row's width (rows 3 and 4
of a skewed target table between one whole rule above and one below: joined, both targets lost, dev
seed 1426 #012). A piece under this share of the row's width is no row's border; over it, it parts
the rows it lies between."""


def _band(row: Sequence[Cell], rulings: Sequence[Ruling]) -> tuple[float, float] | None:
    """The horizontal rules right above and right below the row's middle that cover its width, narrowed
    to the pieces of a rule (PIECE_COVER) lying between."""
    span = _span(row)
    mid = median((c.bbox[1] + c.bbox[3]) / 2 for c in row)
    hs = [r.at for r in rulings if r.axis == "h" and _covers(r, span)]
    above = [y for y in hs if y < mid]
    below = [y for y in hs if y > mid]
    if not (above and below):
        return None
    a, b = span
    pieces = [r.at for r in rulings if r.axis == "h" and min(b, r.end) - max(a, r.start) >= PIECE_COVER * max(b - a, 1e-9)]
    return (max([y for y in pieces if y < mid] + above), min([y for y in pieces if y > mid] + below))


def _cuts(band: tuple[float, float], span: tuple[float, float], rulings: Sequence[Ruling]) -> list[float]:
    """x of the vertical rules crossing the band inside the span: the cells' borders."""
    top, bottom = band
    h = bottom - top
    return sorted({r.at for r in rulings if r.axis == "v" and span[0] < r.at < span[1]
                   and min(bottom, r.end) - max(top, r.start) >= BAND_COVER * h and r.end - r.start >= RULE_ROWS * h})


def _inside(row: Sequence[Cell], band: tuple[float, float], h: float) -> bool:
    return all(c.bbox[1] >= band[0] - 0.3 * h and c.bbox[3] <= band[1] + 0.3 * h for c in row)


def _joined(rows: Sequence[Sequence[Cell]], cuts: Sequence[float]) -> tuple[Cell, ...]:
    """The rows' cells joined per column (between two cuts), top to bottom, left to right."""
    columns: dict[int, list[tuple[int, Cell]]] = {}
    for k, row in enumerate(rows):
        for c in row:
            columns.setdefault(column_of(c.bbox, cuts), []).append((k, c))
    out = []
    for col in sorted(columns):
        pieces = [c for _, c in sorted(columns[col], key=lambda kc: (kc[0], kc[1].bbox[0]))]
        whole = pieces[0]
        for c in pieces[1:]:
            whole = join_cells(whole, c)
        out.append(whole)
    return tuple(sorted(out, key=lambda c: c.bbox[0]))


def merge_ruled_rows(rows: Sequence[tuple[Cell, ...]], rulings: Sequence[Ruling]) -> list[tuple[Cell, ...]]:
    """`rows` (top to bottom) with the lines of one ruled table row joined into one row."""
    if not rulings:
        return list(rows)
    out: list[tuple[Cell, ...]] = []
    group: list[tuple[Cell, ...]] = []
    band: tuple[float, float] | None = None

    def flush() -> None:
        if len(group) >= 2:
            span = (min(_span(r)[0] for r in group), max(_span(r)[1] for r in group))
            cuts = _cuts(band, span, rulings)
            if cuts:
                out.append(_joined(group, cuts))
                return
        out.extend(group)

    for row in rows:
        b = _band(row, rulings)
        h = median(c.bbox[3] - c.bbox[1] for c in row)
        if group and b is not None and b == band and _inside(row, b, h):
            gap = min(c.bbox[1] for c in row) - max(c.bbox[3] for c in group[-1])
            tall = median(c.bbox[3] - c.bbox[1] for r in group for c in r)
            if gap < LINE_GAP * h and h >= MIN_HEIGHT * tall:
                group.append(row)
                continue
        flush()
        group = [row]
        band = b if b is not None and _inside(row, b, h) else None
        if band is None:
            out.append(row)
            group = []
    flush()
    return out
