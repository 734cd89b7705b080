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


def _coverage(ink: np.ndarray, cx, cy, a, half_band: float, b=None, angles: np.ndarray = ANGLES,
              theta=0.0) -> np.ndarray:
    """For each ellipse (centres cx, cy; semi-axes a, b, a turned by theta radians from the x axis;
    b = a: circles; scalars or arrays): the fraction of directions with ink within ±half_band of
    its outline."""
    a = np.atleast_1d(np.asarray(a, np.float64))
    b = a if b is None else np.atleast_1d(np.asarray(b, np.float64))
    cx, cy = np.broadcast_to(cx, a.shape), np.broadcast_to(cy, a.shape)
    th = np.broadcast_to(np.asarray(theta, np.float64), a.shape)[:, None, None]
    H, W = ink.shape
    dr = np.arange(-half_band, half_band + 0.5, 1.0)[None, :, None]
    u = (a[:, None, None] + dr) * np.cos(angles)
    v = (b[:, None, None] + dr) * np.sin(angles)
    if np.any(th):
        c, s = np.cos(th), np.sin(th)
        u, v = u * c - v * s, u * s + v * c
    qx = np.clip(np.round(cx[:, None, None] + u).astype(int), 0, W - 1)
    qy = np.clip(np.round(cy[:, None, None] + v).astype(int), 0, H - 1)
    return (ink[qy, qx] > 0).any(axis=1).mean(axis=1)


def _grid_best(ink: np.ndarray, cx: float, cy: float, offs: np.ndarray, A: np.ndarray, B: np.ndarray,
               band: float, angles: np.ndarray, thetas=(0.0,), top: int = 1) -> list[tuple[Ellipse, float]]:
    """The `top` ellipses, centred at (cx, cy) moved by any pair of `offs`, with any semi-axes pair
    (A[i], B[i]) and turn of `thetas`, whose outlines are inked in most directions, best first:
    [(Ellipse, coverage)]; no two of the same semi-axes and turn."""
    if not len(A):
        return []
    X, Y, K, T = (g.ravel() for g in np.meshgrid(cx + offs, cy + offs, np.arange(len(A)), np.asarray(thetas),
                                                  indexing="ij"))
    cov = _coverage(ink, X, Y, A[K], band, B[K], angles=angles, theta=T)
    out: list[tuple[Ellipse, float]] = []
    seen: set = set()
    for k in np.argsort(-cov, kind="stable"):
        if (int(K[k]), float(T[k])) in seen:
            continue
        seen.add((int(K[k]), float(T[k])))
        out.append((Ellipse(float(X[k]), float(Y[k]), float(A[K[k]]), float(B[K[k]]), float(T[k])), float(cov[k])))
        if len(out) == top:
            break
    return out


OVAL_TURNS = np.radians(np.arange(-10, 10.1, 5))
"""An oval seal is stamped turned by up to ~12°: the fine search tries these turns."""


def _best_oval(ink: np.ndarray, cx: float, cy: float, ppm: float, cfg: dict, band: float):
    """The oval of seal size near (cx, cy) whose outline is inked in most directions: (Ellipse,
    coverage). Hough looks for circles only, and gives an oval seal one up to ~10 mm off its
    centre: a coarse search (3 mm, 2 mm steps, upright), then a fine one (1 mm, turned up to 12°)
    around the best when that could reach a rim — and, until one reaches a rim, around the next
    best sizes/turns (`grey_oval_starts`: text lines under a turned oval favour a short upright one)."""
    lo_a, hi_a = (v / 2 * ppm for v in cfg["oval_major_mm"])
    lo_b, hi_b = (v / 2 * ppm for v in cfg["oval_minor_mm"])
    A, B = (g.ravel() for g in np.meshgrid(np.arange(lo_a, hi_a + 1, 2 * ppm), np.arange(lo_b, hi_b + 1, 2 * ppm)))
    ok = A >= cfg["oval_aspect_min"] * B
    starts = _grid_best(ink, cx, cy, np.arange(-9, 9.01, 3) * ppm, A[ok], B[ok], band, ANGLES[::3],
                        top=cfg["grey_oval_starts"])
    if not starts or starts[0][1] < cfg["grey_oval_coarse_min"]:
        return starts[0] if starts else None
    found = []
    for best in starts:  # text lines under a turned oval make the coarse (upright) grid's best a short one
        if best[1] < cfg["grey_oval_coarse_min"]:
            break
        for _ in range(4):  # climb until the best stays put: text under the seal makes local peaks
            e = best[0]
            A, B = (g.ravel() for g in np.meshgrid(np.arange(max(lo_a, e.a - 2 * ppm), min(hi_a, e.a + 2 * ppm) + 0.01, ppm),
                                                   np.arange(max(lo_b, e.b - 2 * ppm), min(hi_b, e.b + 2 * ppm) + 0.01, ppm)))
            ok = A >= cfg["oval_aspect_min"] * B
            fine = _grid_best(ink, e.cx, e.cy, np.arange(-2, 2.01, 1) * ppm, A[ok], B[ok], band, ANGLES[::4], OVAL_TURNS)
            if not fine or fine[0][0] == e:
                break
            best = fine[0]
        e = best[0]
        found.append((e, float(_coverage(ink, e.cx, e.cy, e.a, band, e.b, theta=e.theta)[0])))
        if found[-1][1] >= cfg["grey_ring_min"]:
            break  # a rim: the other starts are not climbed (time)
    return max(found, key=lambda f: f[1])


def _best_circle(ink: np.ndarray, cx: float, cy: float, r: float, ppm: float, cfg: dict, band: float):
    """The circle of seal size near Hough's (cx, cy, r) whose outline is inked in most directions:
    (Ellipse, coverage). Hough's centre and radius move with a fraction of a pixel in the shrink and
    with a pale or broken rim (up to ~3 mm, ~15 % of the radius): the rim's own ink decides, in a
    coarse search (1 mm steps over ±3 mm, radius ±25 %), then finer ones around the best."""
    lo, hi = (v / 2 * ppm for v in cfg["round_diameter_mm"])
    step = max(1.0, ppm)
    radii = np.arange(max(lo, 0.75 * r), min(hi, 1.25 * r) + 0.01, step)
    best = next(iter(_grid_best(ink, cx, cy, np.arange(-3, 3.01, 1) * step, radii, radii, band, ANGLES[::3])), None)
    if best is None or best[1] < cfg["grey_oval_coarse_min"]:
        return best
    for _ in range(4):  # climb until the best stays put
        e = best[0]
        radii = np.arange(max(lo, e.a - step), min(hi, e.a + step) + 0.01, step / 2)
        fine = _grid_best(ink, e.cx, e.cy, np.arange(-1, 1.01, 0.5) * step, radii, radii, band, ANGLES)
        if not fine or fine[0][0] == e:
            break
        best = fine[0]
    return best


HOUGH_PPM = 2.0
"""Circles are looked for at ~50 dpi: a seal is still ~80 px across, and the search is cheap."""


def _hough(image: np.ndarray, ppm: float, lo: float, hi: float) -> list[tuple[float, float, float]]:
    """Circles of seal size (small-image coordinates). Run on the grey page and on its ink: a faint
    seal's outline has too weak a gradient in the grey for Hough's edge threshold, while its ink is as
    black as any (dev seed 932 #005: a pale oval 丁方 seal on a greyscale DOCX picture, no circle near it)."""
    tiny, f = shrink(image, min(1.0, HOUGH_PPM / ppm))
    tp = ppm * f
    blur = cv2.GaussianBlur(tiny, (5, 5), 1.0)
    circles = cv2.HoughCircles(blur, cv2.HOUGH_GRADIENT, dp=1.0, minDist=lo * tp * 0.5, param1=100,
                               param2=22, minRadius=int(lo * tp / 2), maxRadius=int(hi * tp / 2) + 1)
    return [] if circles is None else [tuple(c) for c in circles[0][:40] / f]


def shape_candidates(grey: np.ndarray, ink: np.ndarray, ppm: float, cfg: dict) -> list[tuple[dict, np.ndarray, np.ndarray]]:
    """Round and oval seals on a colourless page (small-image coordinates; `grey_ink` gives the
    grey page and its ink): (classification, ink xs, ys)."""
    ink = (ink > 0).astype(np.uint8)  # 0/1: its means are fractions
    lo, hi = cfg["round_diameter_mm"]
    circles = _hough(grey, ppm, lo, hi) + _hough(255 - 255 * ink, ppm, lo, hi)
    if not circles:
        return []
    band = max(1.5, 0.03 * lo * ppm / 2)
    H, W = ink.shape
    out: list[tuple[dict, np.ndarray, np.ndarray]] = []
    for cx, cy, r in circles:
        # the rim: the densest ring near Hough's radius; else an oval seal around Hough's circle
        radii = np.linspace(0.9 * r, 1.1 * r, 9)
        cov = _coverage(ink, cx, cy, radii, band)
        k = int(np.argmax(cov))
        ring, r = float(cov[k]), float(radii[k])
        e, kind = Ellipse(float(cx), float(cy), r, r, 0.0), "round"
        if ring < cfg["grey_ring_min"]:
            if ring < cfg["grey_oval_hint_min"]:  # no seal's outline near this circle at all
                continue
            # Hough's circle a little off a round seal's rim, or near an oval seal's
            e, ring = _best_circle(ink, cx, cy, r, ppm, cfg, band) or (e, 0.0)
            if ring < cfg["grey_ring_min"]:
                e, ring = _best_oval(ink, cx, cy, ppm, cfg, band) or (e, 0.0)
                kind = "oval"
            if ring < cfg["grey_ring_min"]:
                continue
        if e.cx - e.a < 1 or e.cy - e.b < 1 or e.cx + e.a > W - 2 or e.cy + e.b > H - 2:
            continue  # running past the page's side: a 骑缝章 slice (`shape_slices`), or nothing
        # a circle drawn through printed text finds as much ink just inside and just outside; a
        # rim stands out from one of them at least (inside it lies the seal's own arc text, and a
        # seal stamped over text has text outside on that side)
        around = _coverage(ink, e.cx, e.cy, np.array([0.8 * e.a, 1.2 * e.a]), band, np.array([0.8 * e.b, 1.2 * e.b]),
                           theta=e.theta).min()
        if ring - around < 0.3:
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
    # best rims first: a ring centred inside a kept one is the same seal found from another circle
    kept: list[tuple[dict, np.ndarray, np.ndarray]] = []
    for o in sorted(out, key=lambda o: -o[0]["ring"]):
        e = o[0]["ell"]
        if all(math.hypot(e.cx - k["ell"].cx, e.cy - k["ell"].cy) >= cfg["pair_min_centre_distance"] * k["ell"].a
               for k, _, _ in kept):
            kept.append(o)
    return kept


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
    erase_scanner_ground(ink, ppm, cfg)
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


def _side_views(ink: np.ndarray) -> dict[str, np.ndarray]:
    """Each side of the page as a view whose column 0 is that side (writing to it writes to `ink`)."""
    return {"left": ink, "right": ink[:, ::-1], "top": ink.T, "bottom": ink[::-1].T}


def ground_line(run: np.ndarray, ppm: float, cfg: dict) -> tuple[float, float] | None:
    """The paper's edge along one side, from the run of ink from the image's border inward in each
    row (0: paper at the border): the scanner's ground beyond a skewed page is a wedge whose inner
    side is straight, so run ≈ a + b·row over the rows it covers. A slice touching the ground adds
    rows that run further (outliers, trimmed). (a, b), or None when there is no ground long enough
    along the side or no straight edge fits it."""
    rows = np.nonzero(run > 0)[0]
    if len(rows) < cfg["grey_ground_min_mm"] * ppm:
        return None
    r = run[rows].astype(np.float64)
    y = rows.astype(np.float64)
    keep = np.ones(len(rows), bool)
    for tol_mm in (4.0, 1.5, 0.6):
        if keep.sum() < cfg["grey_ground_min_mm"] * ppm:
            return None
        b, a = np.polyfit(y[keep], r[keep], 1)
        keep = np.abs(r - (a + b * y)) <= max(1.5, tol_mm * ppm)
    if abs(b) > math.tan(math.radians(cfg["grey_ground_max_tilt_deg"])) or keep.mean() < 0.6:
        return None
    return float(a), float(b)


def erase_scanner_ground(ink: np.ndarray, ppm: float, cfg: dict) -> None:
    """Erase the scanner's dark ground beyond a skewed page's edge, and `grey_ground_margin_mm` of
    paper inside it (the edge's blur), on every side where there is one (`ground_line`). On a grey page the ground is
    "ink": left in, its wedge at a corner (the straight-rule eraser leaves it in steps) looks like
    a 骑缝章 sliver. A real slice lies on the paper, inside the line: only its outermost strip goes,
    as at the image's border. `ink` is changed."""
    reach = int(cfg["grey_ground_max_mm"] * ppm)
    margin = cfg["grey_ground_margin_mm"] * ppm
    for v in _side_views(ink).values():
        band = v[:, :reach] > 0
        run = np.where(band.all(axis=1), band.shape[1], np.argmin(band, axis=1))
        line = ground_line(run, ppm, cfg)
        if line is None:
            continue
        a, b = line
        edge = a + b * np.arange(v.shape[0]) + margin
        cols = np.arange(v.shape[1])[None, :]
        v[cols < np.ceil(edge)[:, None]] = 0
