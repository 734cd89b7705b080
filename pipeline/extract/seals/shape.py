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


def _coverage(ink: np.ndarray, cx: float, cy: float, r: float, half_band: float) -> float:
    """Fraction of directions with ink within ±half_band of radius r."""
    H, W = ink.shape
    hit = np.zeros(len(ANGLES), bool)
    for dr in np.arange(-half_band, half_band + 0.5, 1.0):
        qx = np.round(cx + (r + dr) * np.cos(ANGLES)).astype(int)
        qy = np.round(cy + (r + dr) * np.sin(ANGLES)).astype(int)
        ok = (qx >= 0) & (qx < W) & (qy >= 0) & (qy < H)
        hit[ok] |= ink[qy[ok], qx[ok]] > 0
    return float(hit.mean())


def shape_candidates(small_rgb: np.ndarray, ppm: float, cfg: dict) -> list[tuple[dict, np.ndarray, np.ndarray]]:
    """Round seals on a colourless page (small-image coordinates): (classification, ink xs, ys)."""
    grey = cv2.cvtColor(small_rgb, cv2.COLOR_RGB2GRAY)
    paper = float(np.percentile(grey, 90))
    ink = (grey < paper - 45).astype(np.uint8)
    lo, hi = cfg["round_diameter_mm"]
    blur = cv2.GaussianBlur(grey, (5, 5), 1.2)
    circles = cv2.HoughCircles(blur, cv2.HOUGH_GRADIENT, dp=1.5, minDist=lo * ppm * 0.5, param1=100,
                               param2=25, minRadius=int(lo * ppm / 2), maxRadius=int(hi * ppm / 2) + 1)
    if circles is None:
        return []
    band = max(1.5, 0.03 * lo * ppm / 2)
    out: list[tuple[dict, np.ndarray, np.ndarray]] = []
    for cx, cy, r in circles[0][:40]:
        # the rim: refine the radius to the densest ring near Hough's
        best = max(((_coverage(ink, cx, cy, rr, band), rr) for rr in np.linspace(0.92 * r, 1.08 * r, 7)))
        ring, r = best
        if ring < cfg["grey_ring_min"]:
            continue
        around = max(_coverage(ink, cx, cy, 0.8 * r, band), _coverage(ink, cx, cy, 1.2 * r, band))
        if ring - around < 0.3:
            continue
        yy, xx = np.ogrid[: ink.shape[0], : ink.shape[1]]
        d = np.hypot(xx - cx, yy - cy)
        inner = ink[(d > 0.3 * r) & (d < 0.85 * r)]
        fill = float(inner.mean()) if inner.size else 0.0
        if not (cfg["grey_inner_min"] <= fill <= cfg["grey_inner_max"]):
            continue
        if any(math.hypot(cx - o["ell"].cx, cy - o["ell"].cy) < cfg["pair_min_centre_distance"] * r for o, _, _ in out):
            continue
        star = float(ink[d < 0.2 * r].mean()) > 0.3 if (d < 0.2 * r).any() else False
        sel = (d <= 1.03 * r) & (ink > 0)
        ys, xs = np.nonzero(sel)
        diam = 2 * r / ppm
        conf = 0.5 + 0.2 * min(1.0, (ring - cfg["grey_ring_min"]) / 0.15) + 0.05 * star
        out.append((dict(kind="round", ell=Ellipse(float(cx), float(cy), float(r), float(r), 0.0), ring=ring,
                         star=bool(star), major=diam, minor=diam, conf=conf), xs, ys))
    return out
