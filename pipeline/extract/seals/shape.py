"""Seal candidates by shape alone, on a page stored without colour (greyscale, bitonal, flat chroma).

There red cannot show, so the evidence is the seal's geometry: a ring (or an upright oval, looked
for around the circle Hough finds near it) of seal size whose rim is inked nearly all the way
round, much denser at the rim than just inside or just outside it (a circle drawn through printed
text crosses ink at every radius alike; inside a seal's rim lies its arc text, and a seal stamped
over text has text outside it), with ink inside (the arc text, the star); and 骑缝章 slices at the page's edges, which printed text does not touch
(`shape_slices`). The caller reports a page where none is found, since a missing seal cannot be
told from one that does not show (`seal.present` is `review` there).
"""
from __future__ import annotations

import math

import cv2
import numpy as np

from pipeline.extract.seals.edges import SIDES, find_slices
from pipeline.extract.seals.geometry import Ellipse, straight_rules
from pipeline.extract.seals.scale import shrink

ANGLES = np.linspace(0, 2 * math.pi, 180, endpoint=False)


def _coverage(ink: np.ndarray, cx, cy, a, half_band: float, b=None, angles: np.ndarray = ANGLES) -> np.ndarray:
    """For each ellipse (centres cx, cy; semi-axes a, b, upright; b = a: circles; scalars or
    arrays): the fraction of directions with ink within ±half_band of its outline."""
    a = np.atleast_1d(np.asarray(a, np.float64))
    b = a if b is None else np.atleast_1d(np.asarray(b, np.float64))
    cx, cy = np.broadcast_to(cx, a.shape), np.broadcast_to(cy, a.shape)
    H, W = ink.shape
    dr = np.arange(-half_band, half_band + 0.5, 1.0)[None, :, None]
    qx = np.clip(np.round(cx[:, None, None] + (a[:, None, None] + dr) * np.cos(angles)).astype(int), 0, W - 1)
    qy = np.clip(np.round(cy[:, None, None] + (b[:, None, None] + dr) * np.sin(angles)).astype(int), 0, H - 1)
    return (ink[qy, qx] > 0).any(axis=1).mean(axis=1)


def _best_oval(ink: np.ndarray, cx: float, cy: float, ppm: float, cfg: dict, band: float):
    """The upright oval of seal size near (cx, cy) whose outline is inked in most directions:
    (Ellipse, coverage). Hough looks for circles only, and gives an oval seal one up to ~10 mm
    off its centre: a coarse search (3 mm, 2 mm steps), then a fine one (1 mm) around the best."""
    lo_a, hi_a = (v / 2 * ppm for v in cfg["oval_major_mm"])
    lo_b, hi_b = (v / 2 * ppm for v in cfg["oval_minor_mm"])
    best: tuple[Ellipse, float] | None = None
    for span, step, ax, bx in ((9, 3, np.arange(lo_a, hi_a + 1, 2 * ppm), np.arange(lo_b, hi_b + 1, 2 * ppm)),
                               (2, 1, None, None)):
        if ax is None:
            e = best[0]
            cx, cy = e.cx, e.cy
            ax = np.arange(max(lo_a, e.a - 2 * ppm), min(hi_a, e.a + 2 * ppm) + 0.01, ppm)
            bx = np.arange(max(lo_b, e.b - 2 * ppm), min(hi_b, e.b + 2 * ppm) + 0.01, ppm)
        offs = np.arange(-span, span + 0.01, step) * ppm
        X, Y, A, B = (g.ravel() for g in np.meshgrid(cx + offs, cy + offs, ax, bx, indexing="ij"))
        ok = A >= cfg["oval_aspect_min"] * B
        if not ok.any():
            return None
        X, Y, A, B = X[ok], Y[ok], A[ok], B[ok]
        cov = _coverage(ink, X, Y, A, band, B, angles=ANGLES[::3] if step > 1 else ANGLES)
        k = int(np.argmax(cov))  # the fine search holds the coarse best: its result stands
        best = (Ellipse(float(X[k]), float(Y[k]), float(A[k]), float(B[k]), 0.0), float(cov[k]))
    return best


HOUGH_PPM = 2.0
"""Circles are looked for at ~50 dpi: a seal is still ~80 px across, and the search is cheap."""


def shape_candidates(grey: np.ndarray, ink: np.ndarray, ppm: float, cfg: dict) -> list[tuple[dict, np.ndarray, np.ndarray]]:
    """Round and oval seals on a colourless page (small-image coordinates; `grey_ink` gives the
    grey page and its ink): (classification, ink xs, ys)."""
    ink = (ink > 0).astype(np.uint8)  # 0/1: its means are fractions
    lo, hi = cfg["round_diameter_mm"]
    tiny, f = shrink(grey, min(1.0, HOUGH_PPM / ppm))
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
        # the rim: the densest ring near Hough's radius; else an oval seal around Hough's circle
        radii = np.linspace(0.9 * r, 1.1 * r, 9)
        cov = _coverage(ink, cx, cy, radii, band)
        k = int(np.argmax(cov))
        ring, r = float(cov[k]), float(radii[k])
        e, kind = Ellipse(float(cx), float(cy), r, r, 0.0), "round"
        if ring < cfg["grey_ring_min"]:
            if ring < cfg["grey_oval_hint_min"]:  # no seal's outline near this circle at all
                continue
            e, ring = _best_oval(ink, cx, cy, ppm, cfg, band) or (e, 0.0)
            kind = "oval"
            if ring < cfg["grey_ring_min"]:
                continue
        if e.cx - e.a < 1 or e.cy - e.b < 1 or e.cx + e.a > W - 2 or e.cy + e.b > H - 2:
            continue  # running past the page's side: a 骑缝章 slice (`shape_slices`), or nothing
        # a circle drawn through printed text finds as much ink just inside and just outside; a
        # rim stands out from one of them at least (inside it lies the seal's own arc text, and a
        # seal stamped over text has text outside on that side)
        around = _coverage(ink, e.cx, e.cy, np.array([0.8 * e.a, 1.2 * e.a]), band, np.array([0.8 * e.b, 1.2 * e.b])).min()
        if ring - around < 0.3:
            continue
        if any(math.hypot(e.cx - o["ell"].cx, e.cy - o["ell"].cy) < cfg["pair_min_centre_distance"] * e.a
               for o, _, _ in out):
            continue
        x0, y0 = max(0, int(e.cx - 1.05 * e.a)), max(0, int(e.cy - 1.05 * e.b))
        x1, y1 = min(W, int(e.cx + 1.05 * e.a) + 1), min(H, int(e.cy + 1.05 * e.b) + 1)
        yy, xx = np.mgrid[y0:y1, x0:x1]
        d = e.rho(xx.astype(np.float64), yy.astype(np.float64))
        box = ink[y0:y1, x0:x1]
        inner = box[(d > 0.3) & (d < 0.85)]
        fill = float(inner.mean()) if inner.size else 0.0
        if not (cfg["grey_inner_min"] <= fill <= cfg["grey_inner_max"]):
            continue
        core = box[d < 0.2]
        star = bool(core.size and core.mean() > 0.3)
        ys, xs = np.nonzero((d <= 1.03) & (box > 0))
        conf = 0.5 + 0.2 * min(1.0, (ring - cfg["grey_ring_min"]) / 0.15) + 0.05 * star
        out.append((dict(kind=kind, ell=e, ring=ring, star=star, major=2 * e.a / ppm, minor=2 * e.b / ppm,
                         conf=conf), xs + x0, ys + y0))
    return out


def grey_ink(small_rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The page in grey, and its ink: darker than the paper by a clear margin (0/255)."""
    grey = cv2.cvtColor(small_rgb, cv2.COLOR_RGB2GRAY)
    hist = np.cumsum(cv2.calcHist([np.ascontiguousarray(grey[::4, ::4])], [0], None, [256], [0, 256]).ravel())
    paper = float(np.searchsorted(hist, 0.9 * hist[-1]))  # the 90th percentile, from a histogram
    return grey, ((grey < paper - 45) * 255).astype(np.uint8)


def shape_slices(ink: np.ndarray, ppm: float, cfg: dict) -> list[dict]:
    """骑缝章 slices on a colourless page: the ink mask with long straight strokes (table rules, a
    scanner's dark border) erased, read by the same edge test as red ink (`edges.find_slices`).
    Only the sides with ink near them are looked at, and the straight strokes are looked for in
    their bands only: on a page of text that is most of the work saved. `ink` is changed."""
    # the page's outermost strip: a scanner's dark border or the paper edge's shadow, short pieces
    # of which the straight-rule test leaves, would join the slice next to them into no circle
    b = max(1, int(round(cfg["grey_border_mm"] * ppm)))
    ink[:b], ink[-b:], ink[:, :b], ink[:, -b:] = 0, 0, 0, 0
    H, W = ink.shape
    t = int(cfg["edge_touch_mm"] * ppm) + 1
    w = int((cfg["edge_width_max_mm"] + cfg["edge_touch_mm"] + 4) * ppm)
    near = {"left": ink[:, :t], "right": ink[:, W - t:], "top": ink[:t], "bottom": ink[H - t:]}
    bands = {"left": ink[:, :w], "right": ink[:, max(0, W - w):], "top": ink[:w], "bottom": ink[max(0, H - w):]}
    least = cfg["grey_edge_ink_min_mm2"] * ppm * ppm  # scanner specks are not a slice's rim
    sides = tuple(side for side in SIDES if np.count_nonzero(near[side]) >= least)
    for side in sides:
        band = bands[side]  # a view: erasing here erases in `ink`
        band[straight_rules(band, ppm, cfg, step_deg=1.0) > 0] = 0  # a border, table rules: long and straight
    return find_slices(ink, ppm, cfg, sides=sides) if sides else []
