"""A member table's header cells that OCR read as one run across the table's rules (单位名称统一社会信用代码
单位性质, 单位性质承担角色 on a skewed scan whose rules did not reach the line's box): split back into one cell
per column word, so that each column is found by what its header says. Column words are
patterns/consortium.yaml `member_columns`. Dev seeds 1420 #003 (the role column taken for 单位性质, every
role of the table lost) and 1421 #005 (no header found, two members' codes lost)."""
from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from pipeline.extract.config import consortium_patterns
from pipeline.extract.layout_cells import Cell

LEFT_OVER = 2
"""Characters of a run that may be no column word (a bracket, a speck) for it still to be split."""


@lru_cache(maxsize=1)
def _words() -> tuple[tuple[str, str], ...]:
    cols = consortium_patterns()["member_columns"]
    return tuple(sorted(((w, k) for k, ws in cols.items() for w in ws), key=lambda wk: len(wk[0]), reverse=True))


def _pieces(text: str) -> list[tuple[int, int]]:
    """(start, end) of the column words that tile `text` left to right, longest word first at each
    place, words of one meaning side by side taken as one (统一社会信用代码（注册号）); [] when they do
    not tile it (more than LEFT_OVER characters are no column word)."""
    out: list[tuple[int, int, str]] = []
    i, skipped = 0, 0
    while i < len(text):
        w = next(((w, k) for w, k in _words() if text.startswith(w, i)), None)
        if w is None:
            i, skipped = i + 1, skipped + 1
            continue
        if out and out[-1][2] == w[1]:
            out[-1] = (out[-1][0], i + len(w[0]), w[1])
        else:
            out.append((i, i + len(w[0]), w[1]))
        i += len(w[0])
    return [(s, e) for s, e, _ in out] if skipped <= LEFT_OVER else []


def split_header(row: Sequence[Cell]) -> tuple[Cell, ...]:
    """The row with each cell that holds two or more column words cut into one cell per word (boxes
    shared by characters; a character that is no column word stays with the word before it)."""
    out: list[Cell] = []
    for c in row:
        pieces = _pieces(c.text)
        if len(pieces) < 2:
            out.append(c)
            continue
        x0, y0, x1, y1 = c.bbox
        step = (x1 - x0) / len(c.text)
        starts = [0] + [s for s, _ in pieces[1:]]
        ends = starts[1:] + [len(c.text)]
        for s, e in zip(starts, ends):
            t = c.text[s:e]
            out.append(Cell(t, t, c.file, c.page, (x0 + s * step, y0, x0 + e * step, y1), c.confidence, c.source, c.origin))
    return tuple(out)
