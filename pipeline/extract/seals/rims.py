"""What a fitted rim shows along its rays: how thick the rim is, and whether text lies inside it.

Why: the 全国统一发票监制章 printed in an invoice's title is an oval of ~30 × 20 mm — the size of a
red digit, a letter of a red logo or a loop of a watermark, which size alone cannot tell from it.
Its shape can: a seal's rim is a thin closed line (~1 mm on a 20 mm oval), and inside it, apart
from the rim by a strip of paper, runs its arc text. A bold digit's outline is a thick stroke with
nothing (or one crossing stroke) inside. So along rays from the centre: the rim's radial run of
ink, as a fraction of the semi-axis the ray meets, and the share of rays meeting ink again between
the rim and the middle (`text_band`).
"""
from __future__ import annotations

import math

import numpy as np

from pipeline.extract.seals.geometry import Ellipse


def rim_profile(mask: np.ndarray, ell: Ellipse, rays: int = 72, inner: float = 0.45) -> tuple[float, float]:
    """(rim thickness, text share) of the ellipse `ell` on the 0/255 `mask`.

    Each ray is walked inward from just outside the rim (1.1 of the ellipse) to `inner`: the first
    run of ink is the rim, its length over the ray's length (1.0 = centre to rim) its thickness;
    the ray shows text when ink follows after paper. Thickness is the median over rays that meet
    a rim; the text share counts every ray (a ray with no rim shows no text)."""
    H, W = mask.shape
    reach = max(ell.a, ell.b)
    steps = max(8, int(math.ceil(reach * 1.1)))  # about one pixel a step along the longest ray
    t = np.linspace(1.1, inner, steps)
    ang = np.linspace(0, 2 * math.pi, rays, endpoint=False)
    c, s = math.cos(ell.theta), math.sin(ell.theta)
    u = ell.a * np.cos(ang)[:, None] * t[None, :]
    v = ell.b * np.sin(ang)[:, None] * t[None, :]
    xs = np.clip(np.round(ell.cx + u * c - v * s).astype(int), 0, W - 1)
    ys = np.clip(np.round(ell.cy + u * s + v * c).astype(int), 0, H - 1)
    ink = mask[ys, xs] > 0  # rays × steps, outside in
    step = (t[0] - t[-1]) / max(steps - 1, 1)
    thick, text = [], 0
    for row in ink:
        on = np.flatnonzero(row)
        if not len(on):
            continue
        start = on[0]
        off = np.flatnonzero(~row[start:])
        if not len(off):  # ink all the way in: a solid shape, no rim
            thick.append(len(row) * step)
            continue
        end = start + off[0]
        thick.append((end - start) * step)
        text += bool(row[end:].any())
    if not thick:
        return 1.0, 0.0
    return float(np.median(thick)), text / rays


def small_oval(mask: np.ndarray, ell: Ellipse, ring: float, major_mm: float, minor_mm: float, cfg: dict) -> bool:
    """The oval is a 监制章-sized seal (`small_oval_*` in seals.yaml): its size in range, a closed rim
    (`ring` ≥ small_oval_ring_min), thin, with arc text inside."""
    lo_a, hi_a = cfg["small_oval_major_mm"]
    lo_b, hi_b = cfg["small_oval_minor_mm"]
    if not (lo_a <= major_mm <= hi_a and lo_b <= minor_mm <= hi_b) or ring < cfg["small_oval_ring_min"]:
        return False
    thick, text = rim_profile(mask, ell)
    return thick <= cfg["small_oval_rim_max"] and text >= cfg["small_oval_text_min"]
