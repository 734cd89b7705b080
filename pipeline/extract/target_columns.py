"""A targets table's value column as a whole: in a left-aligned column (the values' starts agree) a
value that starts about a digit's width right of the others may have lost its first digit to the
scan (a faint 1: 120 read as 20); a value whose line box is much taller than the column's others
holds a second line OCR did not read (不少于1200 / 0 wrapped in its cell, read 1200). Under its
minimum such a reading cannot carry a `fail`: its confidence is lowered with a note, so the check
says `review` (fail only on evidence)."""
from __future__ import annotations

from statistics import median
from typing import Sequence

from pipeline.extract.target_values import MAGNITUDE_FACTOR, IndicatorSpec
from pipeline.facts import Target

LATE = 0.6
"""A value starting this many of its characters' widths right of its column's other values starts late."""
ALIGNED = 0.3
"""The column is left-aligned when two thirds of the other values start within this many widths of their median."""
TALL = 1.4
"""A value box this many times the median height of the column's other values spans a wrapped line."""


def _char_width(t: Target) -> float:
    e = t.evidence[-1]
    return (e.bbox[2] - e.bbox[0]) / max(len(e.text.strip()), 1)  # type: ignore[index]


def late_values(targets: Sequence[Target], inds: Sequence[IndicatorSpec]) -> list[Target]:
    """`targets` (the rows of one table, name and value cells as evidence) with a late-starting value
    under its indicator's minimum made doubtful."""
    spec = {i.name: i for i in inds}
    boxed = [t for t in targets if t.value is not None and len(t.evidence) >= 2 and t.evidence[-1].bbox is not None]
    out = []
    for t in targets:
        ind = spec.get(t.indicator)
        peers = [u.evidence[-1].bbox for u in boxed if u is not t]  # type: ignore[misc]
        if (t not in boxed or ind is None or ind.min is None or t.unit != ind.unit or t.value >= ind.min  # type: ignore[operator]
                or len(peers) < 3):
            out.append(t)
            continue
        notes = [n for n in (_late(t, [b[0] for b in peers]), _tall(t, [b[3] - b[1] for b in peers])) if n]
        if not notes:
            out.append(t)
            continue
        note = "；".join(notes) + "，低于榜单指标的读数不足为凭"
        out.append(t.model_copy(update={"evidence": tuple(
            e.model_copy(update={"confidence": e.confidence * MAGNITUDE_FACTOR,
                                 "note": "；".join(x for x in (e.note, note) if x)}) for e in t.evidence)}))
    return out


def _late(t: Target, starts: list[float]) -> str:
    w = _char_width(t)
    mid = median(starts)
    aligned = sum(abs(x - mid) <= ALIGNED * w for x in starts) >= 2 * len(starts) / 3
    shift = t.evidence[-1].bbox[0] - mid  # type: ignore[index]
    if not aligned or shift < LATE * w:
        return ""
    return f"目标值“{t.evidence[-1].text}”比同列其他数值靠右约{shift / w:.1f}个字符，首位数字可能漏识别"


def _tall(t: Target, heights: list[float]) -> str:
    """Dev seed 1200 #006: 不少于12000 wrapped in its cell (不少于1200 / 0); the 0 alone on the second
    line was not read, yet the word's box took it in: 1200 < 3000 was a fail."""
    box = t.evidence[-1].bbox
    h, mid = box[3] - box[1], median(heights)  # type: ignore[index]
    if mid <= 0 or h < TALL * mid:
        return ""
    return f"目标值“{t.evidence[-1].text}”所在行高约为同列其他数值的{h / mid:.1f}倍，单元格内换行的部分可能漏识别"
