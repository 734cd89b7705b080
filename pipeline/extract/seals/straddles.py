"""骑缝章: edge slices on consecutive pages joined into one straddle seal (`join_straddles`), and
their crops laid side by side again into a disc whose text can be read (`stitch_slices`).

Slices of one seal are on consecutive pages of one file (or consecutive one-page files of one
folder), on the same edge, about the same place along it — a fan that was not squared up shifts
each page's slice a little — in the same ink.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from pipeline.extract.seals.detect import SealCandidate
from pipeline.extract.seals.geometry import settings
from pipeline.facts import Seal

PerPage = tuple[str, int, list[SealCandidate]]
"""(file, page number, that page's candidates) as the reader collects them."""


# --------------------------------------------------------------------------- 骑缝章


def _slice_y_mm(c: SealCandidate) -> float:
    """Where along its edge a slice's circle is centred (mm): the height on a left/right edge, the
    x on a top/bottom one."""
    if c.edge in ("top", "bottom"):
        return c.center[0] * c.page_size_mm[0]
    return c.center[1] * c.page_size_mm[1]


def _next_page(a: SealCandidate, b: SealCandidate, order: dict) -> bool:
    """b is on the page right after a: same file and page + 1, or the next file of one folder."""
    if a.file == b.file:
        return b.page == a.page + 1
    pa, pb = Path(a.file).parent, Path(b.file).parent
    return str(pa) not in ("", ".") and pa == pb and order[(b.file, b.page)] == order[(a.file, a.page)] + 1


def _chains(edges: list[SealCandidate], tol_mm: float, order: dict) -> list[list[SealCandidate]]:
    """Greedy chains of slices on consecutive pages with matching edge, place along it and ink;
    the nearest continues a chain. `tol_mm` allows the shift of a fan that was not squared up."""
    edges = sorted(edges, key=lambda c: (order[(c.file, c.page)], c.center[1]))
    chains: list[list[SealCandidate]] = []
    for c in edges:
        best = None
        for ch in chains:
            last = ch[-1]
            if (last.edge == c.edge and _next_page(last, c, order)
                    and abs(_slice_y_mm(last) - _slice_y_mm(c)) <= tol_mm
                    and min(abs(last.hue - c.hue), 180 - abs(last.hue - c.hue)) <= 10):
                d = abs(_slice_y_mm(last) - _slice_y_mm(c))
                if best is None or d < best[0]:
                    best = (d, ch)
        if best:
            best[1].append(c)
        else:
            chains.append([c])
    return chains


def _along(p: SealCandidate) -> tuple[np.ndarray, float, float, float]:
    """A slice as if on a right/left edge: (crop, circle centre along the edge as a page fraction,
    crop start along the edge as a fraction, page length along the edge in mm); top/bottom slices
    transposed."""
    if p.edge in ("top", "bottom"):
        return np.ascontiguousarray(p.crop.transpose(1, 0, 2)), p.center[0], p.bbox[0], p.page_size_mm[0]
    return p.crop, p.center[1], p.bbox[1], p.page_size_mm[1]


def stitch_slices(parts: list[SealCandidate]) -> np.ndarray | None:
    """Lay the slices' crops side by side again (page order = left to right on a right edge,
    right to left on a left edge; top/bottom edges as left/right of the transposed page), aligned
    on the place of their fitted circles' centres along the edge (the tops of the slices differ: a
    middle slice reaches the rim's top, an outer one does not; a shifted fan moves them all)."""
    crops = [p for p in parts if p.crop is not None and p.crop.size]
    if not crops:
        return None
    edge = crops[0].edge
    if edge in ("left", "top"):
        crops = crops[::-1]
    flat = [_along(p) for p in crops]
    # crop pixels per mm (pages of one booklet share a dpi), then each crop's centre row
    c0, _, b0, len0 = flat[0]
    end0 = crops[0].bbox[2] if edge in ("top", "bottom") else crops[0].bbox[3]
    ppm = c0.shape[0] / max((end0 - b0) * len0, 1e-6)
    above = [int(round((centre - start) * length * ppm)) for _, centre, start, length in flat]
    top = max(above)
    offsets = [top - a for a in above]
    height = max(o + c.shape[0] for o, (c, *_) in zip(offsets, flat))
    width = sum(c.shape[1] for c, *_ in flat)
    canvas = np.full((height, width, 3), 255, np.uint8)
    x = 0
    for dy, (c, *_) in zip(offsets, flat):
        h, w = c.shape[:2]
        canvas[dy:dy + h, x:x + w] = c
        x += w
    return canvas.transpose(1, 0, 2).copy() if edge in ("top", "bottom") else canvas


ReadCrops = Callable[[list[np.ndarray]], list]
"""Reads seal crops into `read.SealReading`s (default: `read.read_seal` one by one, here)."""


def read_here(crops: list[np.ndarray]) -> list:
    from pipeline.extract.seals.read import read_seal

    return [read_seal(c) for c in crops]


def join_straddles(per_page: Sequence[PerPage], *, read_text: bool = True,
                   read: ReadCrops | None = None) -> list[tuple[Seal, np.ndarray | None]]:
    """One `Seal(kind="straddle")` per chain of edge slices, with the stitched crop.

    A lone slice (its neighbours missing or unsealed) is still reported, with lower confidence:
    a reviewer should see it. The seal's page/bbox are those of its first slice."""
    return [(seal, crop) for seal, crop, _ in join_with_readings(per_page, read_text=read_text, read=read)]


def join_with_readings(per_page: Sequence[PerPage], *, read_text: bool = True,
                    read: ReadCrops | None = None) -> list[tuple[Seal, np.ndarray | None, object]]:
    """As `join_straddles`, with each joined seal's reading (None for a lone slice). The stitched
    discs are read together, by `read` (the review hands them to a page worker)."""
    cfg = settings()
    edges = [c for _, _, cands in per_page for c in cands if c.kind == "edge"]
    order = {(f, n): k for k, (f, n, _) in enumerate(per_page)}
    chains = _chains(edges, cfg["straddle_y_tolerance_mm"], order)
    crops = [stitch_slices(ch) for ch in chains]
    todo = [i for i, (ch, crop) in enumerate(zip(chains, crops)) if read_text and crop is not None and len(ch) > 1]
    readings: dict[int, object] = dict(zip(todo, (read or read_here)([crops[i] for i in todo]))) if todo else {}
    out: list[tuple[Seal, np.ndarray | None, object]] = []
    for i, (ch, crop) in enumerate(zip(chains, crops)):
        reading = readings.get(i)
        text, tconf = (reading.text, reading.confidence) if reading is not None else ("", 0.0)
        conf = min(1.0, 0.45 + 0.2 * len(ch)) * float(np.mean([c.confidence for c in ch])) / 0.75
        first = ch[0]
        out.append((Seal(file=first.file, page=first.page, bbox=clip_bbox(first.bbox), kind="straddle",
                         text=text, confidence=round(min(1.0, conf), 3),
                         pages=tuple(c.page for c in ch),
                         files=tuple(c.file for c in ch) if len({c.file for c in ch}) > 1 else ()), crop, reading))
    return out


def clip_bbox(b) -> tuple[float, float, float, float]:
    return tuple(float(min(1.0, max(0.0, v))) for v in b)  # type: ignore[return-value]
