"""Scanned cells clustered into rows by their vertical extents.

A cell joins a row when their extents overlap by half the smaller. A cell far taller than the page's
text lines (a seal's arc text read on a 骑缝章 at the page edge, a vertical run) is no row of its own:
left to widen a row's band, it reached over the next rows and made two table rows one (dev seed 1422
#011: 技有限公司 at the edge beside a targets table joined 4年度开源活动 and 5开源项目产业化应用, both lost).
Such cells are placed last, into the row they overlap most, and widen no band.
"""
from __future__ import annotations

from statistics import median
from typing import Sequence

from pipeline.extract.layout_cells import Cell

TALL = 2.5
"""A cell taller than this many times the page's median cell height is a tall cell."""
TALL_MIN_CELLS = 5
"""With fewer cells on the page the median says nothing of its text lines."""


def _height(c: Cell) -> float:
    return max(c.bbox[3] - c.bbox[1], 1e-6)


def cluster_rows(cells: Sequence[Cell]) -> list[list[Cell]]:
    """The cells in rows, top to bottom by their regular cells' tops (a tall cell moves no row up);
    each row's cells unsorted."""
    limit = TALL * median(map(_height, cells)) if len(cells) >= TALL_MIN_CELLS else float("inf")
    regular = [c for c in cells if _height(c) <= limit]
    tall = [c for c in cells if _height(c) > limit]
    regular.sort(key=lambda c: ((c.bbox[1] + c.bbox[3]) / 2, c.bbox[0]))
    rows: list[list[Cell]] = []
    bands: list[tuple[float, float]] = []
    for c in regular:
        y0, y1 = c.bbox[1], c.bbox[3]
        h = _height(c)
        placed = False
        for i in range(len(rows) - 1, max(-1, len(rows) - 4), -1):
            b0, b1 = bands[i]
            overlap = min(y1, b1) - max(y0, b0)
            if overlap > 0.5 * min(h, b1 - b0):
                rows[i].append(c)
                bands[i] = (min(b0, y0), max(b1, y1))
                placed = True
                break
        if not placed:
            rows.append([c])
            bands.append((y0, y1))
    tops = [min(c.bbox[1] for c in r) for r in rows]
    for c in tall:
        over = [min(c.bbox[3], b1) - max(c.bbox[1], b0) for b0, b1 in bands]
        best = max(range(len(rows)), key=lambda i: over[i], default=None)
        if best is not None and over[best] > 0:
            rows[best].append(c)
        else:
            rows.append([c])
            bands.append((c.bbox[1], c.bbox[3]))
            tops.append(c.bbox[1])
    return [r for _, r in sorted(zip(tops, rows), key=lambda tr: tr[0])]
