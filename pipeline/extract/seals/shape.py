"""Seal candidates by shape alone, on a page stored without colour (greyscale, bitonal, flat chroma).

There red cannot show, so the evidence is the seal's geometry: a ring of seal size whose rim is
inked nearly all the way round, much denser at the rim's radius than just inside and outside it
(a circle drawn through printed text crosses ink at every radius alike), with ink inside (the arc
text, the star). Round seals only; the caller reports a page where none is found, since a missing
seal cannot be told from one that does not show (`seal.present` is `review` there).
"""
from __future__ import annotations

import math

import cv2
import numpy as np

from pipeline.extract.seals.geometry import Ellipse

ANGLES = np.linspace(0, 2 * math.pi, 180, endpoint=False)


def _coverage(ink: np.ndarray, cx: float, cy: float, r: np.ndarray, half_band: float) -> np.ndarray:
    """For each radius in `r`: the fraction of directions with ink within ±half_band of it."""
    H, W = ink.shape
    dr = np.arange(-half_band, half_band + 0.5, 1.0)
    rr = r[:, None, None] + dr[None, :, None]
    qx = np.clip(np.round(cx + rr * np.cos(ANGLES)).astype(int), 0, W - 1)
    qy = np.clip(np.round(cy + rr * np.sin(ANGLES)).astype(int), 0, H - 1)
    return (ink[qy, qx] > 0).any(axis=1).mean(axis=1)


HOUGH_PPM = 2.0
"""Circles are looked for at ~50 dpi: a seal is still ~80 px across, and the search is cheap."""


def shape_candidates(small_rgb: np.ndarray, ppm: float, cfg: dict) -> list[tuple[dict, np.ndarray, np.ndarray]]:
    """Round seals on a colourless page (small-image coordinates): (classification, ink xs, ys)."""
    grey = cv2.cvtColor(small_rgb, cv2.COLOR_RGB2GRAY)
    paper = float(np.percentile(grey[::4, ::4], 90))
    ink = (grey < paper - 45).astype(np.uint8)
    lo, hi = cfg["round_diameter_mm"]
    f = min(1.0, HOUGH_PPM / ppm)
    tiny = cv2.resize(grey, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else grey
    tp = ppm * f
    blur = cv2.GaussianBlur(tiny, (5, 5), 1.0)
    circles = cv2.HoughCircles(blur, cv2.HOUGH_GRADIENT, dp=1.0, minDist=lo * tp * 0.5, param1=100,
                               param2=22, minRadius=int(lo * tp / 2), maxRadius=int(hi * tp / 2) + 1)
    if circles is None:
        return []
    band = max(1.5, 0.03 * lo * ppm / 2)
    H, W = ink.shape
    out: list[tuple[dict, np.ndarray, np.ndarray]] = []
    for cx, cy, r in circles[0][:40] / f:
        # the rim: the densest ring near Hough's radius
        radii = np.linspace(0.9 * r, 1.1 * r, 9)
        cov = _coverage(ink, cx, cy, radii, band)
        k = int(np.argmax(cov))
        ring, r = float(cov[k]), float(radii[k])
        if ring < cfg["grey_ring_min"]:
            continue
        # free-standing: little ink just outside the rim (a circle drawn through printed text finds
        # ink at every radius alike). Not measured inside: the arc text of many seals runs close
        # under the rim (a greyscale 附件4 seal: ring 0.98, 0.8 r 0.69, 1.2 r 0.07 was lost).
        outside = float(_coverage(ink, cx, cy, np.array([1.2 * r]), band)[0])
        if ring - outside < 0.3 or outside > cfg["grey_outside_max"]:
            continue
        if any(math.hypot(cx - o["ell"].cx, cy - o["ell"].cy) < cfg["pair_min_centre_distance"] * r for o, _, _ in out):
            continue
        x0, y0 = max(0, int(cx - 1.05 * r)), max(0, int(cy - 1.05 * r))
        x1, y1 = min(W, int(cx + 1.05 * r) + 1), min(H, int(cy + 1.05 * r) + 1)
        yy, xx = np.mgrid[y0:y1, x0:x1]
        d = np.hypot(xx - cx, yy - cy)
        box = ink[y0:y1, x0:x1]
        inner = box[(d > 0.3 * r) & (d < 0.85 * r)]
        fill = float(inner.mean()) if inner.size else 0.0
        if not (cfg["grey_inner_min"] <= fill <= cfg["grey_inner_max"]):
            continue
        core = box[d < 0.2 * r]
        star = bool(core.size and core.mean() > 0.3)
        ys, xs = np.nonzero((d <= 1.03 * r) & (box > 0))
        diam = 2 * r / ppm
        conf = 0.5 + 0.2 * min(1.0, (ring - cfg["grey_ring_min"]) / 0.15) + 0.05 * star
        out.append((dict(kind="round", ell=Ellipse(float(cx), float(cy), r, r, 0.0), ring=ring, star=star,
                         major=diam, minor=diam, conf=conf), xs + x0, ys + y0))
    return out
