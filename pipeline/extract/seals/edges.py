"""Slices of a 骑缝章 at a page's edge: red ink there that one circle of seal radius explains.

A 骑缝章 leaves each fanned page a slice at its binding's opposite edge: rim inked where the circle
crosses the slice, the rest of the circle cut off (a half disc, a middle strip with only its top
and bottom arcs, a few-mm sliver). Booklets are stamped on the right or the left edge, landscape
ones on the top or bottom edge: every side is looked at, the top/bottom ones as the left/right of
the transposed page, in a band along the edge only (a slice is at most `edge_width_max_mm` wide).
Slices are looked for before whole seals, so a half disc is not taken for a round seal; they are
joined across pages later (`assemble.join_straddles`).
"""
from __future__ import annotations

import math

import cv2
import numpy as np

SIDES = ("left", "right", "top", "bottom")


def _circle_lsq(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float] | None:
    """Algebraic (Kåsa) circle through points: (cx, cy, R), or None when degenerate."""
    A = np.stack([2 * x, 2 * y, np.ones_like(x)], axis=1)
    try:
        (cx, cy, k), *_ = np.linalg.lstsq(A, x * x + y * y, rcond=None)
    except np.linalg.LinAlgError:
        return None
    r2 = k + cx * cx + cy * cy
    return (float(cx), float(cy), math.sqrt(r2)) if r2 > 0 else None


def _rim_points(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Candidate rim points of a slice: the top and bottom ink of every column and the leftmost
    and rightmost ink of every row. Where the rim is inked these lie on it; the straight cut of
    the slice and characters where the rim is faint are outliers for the circle fit."""
    x, top, bot = _extremes(xs, ys)
    y, left, right = _extremes(ys, xs)
    return np.concatenate([x, x, left, right]), np.concatenate([top, bot, y, y])


def _extremes(key: np.ndarray, val: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every integer value of `key` that occurs: (that key, least `val`, greatest `val`)."""
    k0 = int(key.min())
    idx = (key - k0).astype(np.int64)
    n = int(idx.max()) + 1
    lo = np.full(n, np.inf)
    hi = np.full(n, -np.inf)
    np.minimum.at(lo, idx, val)
    np.maximum.at(hi, idx, val)
    have = np.isfinite(lo)
    return np.arange(n, dtype=np.float64)[have] + k0, lo[have].astype(np.float64), hi[have].astype(np.float64)


def _circle_hypotheses(px: np.ndarray, py: np.ndarray, rlo: float, rhi: float, tol: float,
                       tries: int = 400, keep: int = 12) -> list[tuple[float, float, float]]:
    """Circles of radius rlo..rhi through many of the points: the `keep` best of `tries` random
    triples (deterministic) by points within ±tol, each refined by least squares on those points."""
    n = len(px)
    if n < 8:
        return []
    rng = np.random.default_rng(n)
    idx = rng.integers(0, n, size=(tries, 3))
    x1, y1, x2, y2, x3, y3 = px[idx[:, 0]], py[idx[:, 0]], px[idx[:, 1]], py[idx[:, 1]], px[idx[:, 2]], py[idx[:, 2]]
    d = 2 * (x1 * (y2 - y3) + x2 * (y3 - y1) + x3 * (y1 - y2))
    ok = np.abs(d) > 1e-6
    d = np.where(ok, d, 1.0)
    s1, s2, s3 = x1 * x1 + y1 * y1, x2 * x2 + y2 * y2, x3 * x3 + y3 * y3
    cx = (s1 * (y2 - y3) + s2 * (y3 - y1) + s3 * (y1 - y2)) / d
    cy = (s1 * (x3 - x2) + s2 * (x1 - x3) + s3 * (x2 - x1)) / d
    r = np.hypot(x1 - cx, y1 - cy)
    ok &= (r >= rlo) & (r <= rhi)
    if not ok.any():
        return []
    cx, cy, r = cx[ok], cy[ok], r[ok]
    dist = np.abs(np.hypot(px[None, :] - cx[:, None], py[None, :] - cy[:, None]) - r[:, None])
    counts = (dist <= tol).sum(axis=1)
    out: list[tuple[float, float, float]] = []
    for i in np.argsort(-counts)[:keep]:
        circle = (float(cx[i]), float(cy[i]), float(r[i]))
        inl = dist[i] <= tol
        if inl.sum() >= 8:
            fit = _circle_lsq(px[inl], py[inl])
            if fit is not None and rlo <= fit[2] <= rhi:
                circle = fit
        out.append(circle)
    return out


def _chord_circle(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float, float] | None:
    """The circle whose chords are the slice's columns (top and bottom ink of each column), centre
    height the median of the columns' middles: well posed even for a narrow slice, whose short
    rim arcs alone hardly show curvature."""
    x, top, bot = _extremes(xs, ys)
    if len(x) < 4:
        return None
    half = (bot - top) / 2
    cy = float(np.median((top + bot) / 2))
    # half(x)^2 + x^2 = 2 cx x + (R^2 - cx^2): linear in (cx, K); columns cut through characters
    # (rim not inked there) are dropped and the fit repeated
    use = half >= np.percentile(half, 25)
    for _ in range(2):
        if use.sum() < 3 or np.ptp(x[use]) < 2:
            return None
        A = np.stack([2 * x[use], np.ones(use.sum())], axis=1)
        (cx, k), *_ = np.linalg.lstsq(A, half[use] ** 2 + x[use] ** 2, rcond=None)
        r2 = k + cx * cx
        if r2 <= 0:
            return None
        pred = np.sqrt(np.clip(r2 - (x - cx) ** 2, 0, None))
        use = np.abs(half - pred) <= 0.06 * math.sqrt(r2)
    return float(cx), cy, math.sqrt(r2)


def _rim_hits(mask: np.ndarray, circle: tuple[float, float, float], tol: float,
              t: np.ndarray) -> np.ndarray:
    cx, cy, R = circle
    H, W = mask.shape
    hits = np.zeros(len(t), bool)
    for dr in np.arange(-tol, tol + 0.5, 1.0):
        qx = np.clip(np.round(cx + (R + dr) * np.cos(t)).astype(int), 0, W - 1)
        qy = np.clip(np.round(cy + (R + dr) * np.sin(t)).astype(int), 0, H - 1)
        hits |= mask[qy, qx] > 0
    return hits


def _thin_slice(xs, ys, side: str, rlo: float, rhi: float, h_mm: float, w_min: float) -> dict | None:
    """A strip too narrow to show curvature (long booklets): the chord itself must be seal-sized,
    and the ink a strip, not a line (`w_min` pixels across: a scanner border's stepped edge left by
    the straight-rule eraser is a line one or two pixels wide)."""
    if xs.max() - xs.min() + 1 < w_min:
        return None
    half = (ys.max() - ys.min() + 1) / 2
    if not (rlo * 0.7 <= half <= rhi):
        return None
    R = max(rhi * 0.8, half)
    off = math.sqrt(max(R * R - half * half, 0.0))
    x0 = float(xs.max() + off) if side == "left" else float(xs.min() - off)
    return dict(kind="edge", R=R, x0=x0, cy=float((ys.min() + ys.max()) / 2), conf=0.6, h_mm=h_mm)


def classify_edge(xs, ys, side: str, ppm: float, cfg: dict, mask: np.ndarray) -> dict | None:
    """A slice of a 骑缝章 on the page's side: ink that one circle of seal radius explains, whose
    rim is inked along the part of the circle inside the slice, and that is cut off — the rest of
    the circle is not on this page (it is on the neighbouring pages of the fan)."""
    h_mm = (ys.max() - ys.min() + 1) / ppm
    w_mm = (xs.max() - xs.min() + 1) / ppm
    if not (cfg["edge_height_mm"][0] <= h_mm <= cfg["edge_height_mm"][1]) or w_mm > cfg["edge_width_max_mm"]:
        return None
    fill = len(xs) / max((xs.max() - xs.min() + 1) * (ys.max() - ys.min() + 1), 1)
    if not (0.04 <= fill <= 0.6):
        return None
    rlo, rhi = (v * ppm for v in cfg["edge_radius_mm"])
    if w_mm < cfg["edge_thin_mm"]:
        return _thin_slice(xs, ys, side, rlo, rhi, h_mm, cfg["edge_thin_min_mm"] * ppm)
    tol = max(1.5, cfg["edge_fit_residual"] * (rlo + rhi) / 2)
    px, py = _rim_points(xs, ys)
    hyps = _circle_hypotheses(px, py, rlo, rhi, tol)
    # a middle strip (only its top and bottom arcs inked): the rows' extremes are mostly the star,
    # the characters and the cut, outnumbering the arcs' points — search the columns' extremes alone
    x, top, bot = _extremes(xs, ys)
    hyps += _circle_hypotheses(np.concatenate([x, x]), np.concatenate([top, bot]), rlo, rhi, tol)
    chord = _chord_circle(xs, ys)
    if chord is not None and rlo <= chord[2] <= rhi:
        hyps.append(chord)
    t = np.linspace(0, 2 * math.pi, 360, endpoint=False)
    H = mask.shape[0]
    best = None
    for cx, cy, R in hyps:
        # the part of the circle within the slice's columns must show rim, and the ink must lie
        # within the circle with some of it well inside (text, star)
        ax, ay = cx + R * np.cos(t), cy + R * np.sin(t)
        inside = (ax >= xs.min() - 1) & (ax <= xs.max() + 1) & (ay >= 0) & (ay <= H - 1)
        if inside.sum() < 20:
            continue
        r = np.hypot(xs - cx, ys - cy)
        if np.mean(r <= R + tol) < 0.95 or np.mean(r <= 0.85 * R) < 0.08:
            continue
        hits = _rim_hits(mask, (cx, cy, R), tol, t)[inside]
        score = (int(hits.sum()), float(hits.mean()))
        if best is None or score > best[0]:
            best = (score, (cx, cy, R), float(inside.mean()))
    if best is None:  # a sliver too narrow for its curvature to show: the chord must be seal-sized
        return _thin_slice(xs, ys, side, rlo, rhi, h_mm, cfg["edge_thin_min_mm"] * ppm) if w_mm < cfg["edge_thin_fallback_mm"] else None
    (_, rim), (cx, cy, R), visible = best
    if visible > cfg["edge_visible_max"]:
        return None  # (nearly) the whole circle is here: a round seal, not a slice
    if rim < cfg["edge_rim_min"]:
        return None
    conf = 0.55 + 0.3 * min(1.0, (rim - cfg["edge_rim_min"]) / (0.95 - cfg["edge_rim_min"]))
    return dict(kind="edge", R=R, x0=cx, cy=cy, conf=conf, h_mm=h_mm)


def _group(stats: np.ndarray, idx: list[int], gap: float) -> list[list[int]]:
    """Parts of one slice (rim arcs, star, characters) along the edge, as groups of blob ids."""
    idx = sorted(idx, key=lambda i: stats[i][1])
    groups: list[list[int]] = []
    for i in idx:
        if groups and stats[i][1] <= max(stats[j][1] + stats[j][3] for j in groups[-1]) + gap:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _slice_in_group(g: list[int], labels: np.ndarray, band: np.ndarray, lr: str, ppm: float, cfg: dict,
                    most: int = 6) -> dict | None:
    """The slice among one group of edge blobs (sorted along the edge): the whole group, else the
    run of neighbouring blobs holding most ink that is one — printed text or a table's cell touching the
    side within `edge_group_gap_mm` of a slice joins its group and makes it too tall (f2s203)."""
    runs = [(0, len(g))]
    ys = np.nonzero(np.isin(labels, g))[0]
    tall = len(ys) and np.ptp(ys) + 1 > cfg["edge_height_mm"][1] * ppm
    if tall and 1 < len(g) <= most:  # the runs holding most ink first: a stray character holds little
        ink = np.bincount(labels[band > 0], minlength=max(g) + 1)[g]
        runs += sorted(((i, j) for i in range(len(g)) for j in range(i + 1, len(g) + 1) if j - i < len(g)),
                       key=lambda r: -int(ink[r[0]:r[1]].sum()))
    for i, j in runs:
        ys, xs = np.nonzero(np.isin(labels, g[i:j]) & (band > 0))
        if len(xs) < 30:
            continue
        e = classify_edge(xs, ys, lr, ppm, cfg, band)
        if e:
            return {**e, "xs": xs, "ys": ys}
    return None


def find_slices(mask: np.ndarray, ppm: float, cfg: dict, sides=SIDES) -> list[dict]:
    """Edge slices on every side of the (small-image) red mask. Each: kind 'edge', side, R, the
    circle's centre (x0, cy) and the slice's ink pixels (xs, ys), all in the mask's coordinates."""
    H, W = mask.shape
    touch = cfg["edge_touch_mm"] * ppm
    band_w = int((cfg["edge_width_max_mm"] + cfg["edge_touch_mm"] + 4) * ppm)
    k = max(3, int(round(cfg["join_mm"] * ppm)) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    gap = cfg["edge_group_gap_mm"] * ppm
    out: list[dict] = []
    for side in sides:
        t = side in ("top", "bottom")
        m = mask.T if t else mask
        mw = m.shape[1]
        near = m[:, : int(touch) + 1] if side in ("left", "top") else m[:, mw - int(touch) - 1:]
        if not near.any():
            continue
        x_off = 0 if side in ("left", "top") else max(0, mw - band_w)
        band = np.ascontiguousarray(m[:, x_off:x_off + band_w] if side in ("left", "top") else m[:, x_off:])
        bw = band.shape[1]
        joined = cv2.dilate(band, kernel)
        n, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
        lr = "left" if side in ("left", "top") else "right"
        idx = []
        for i in range(1, n):
            x, y, w, h, _ = stats[i]
            at_edge = x <= touch if lr == "left" else x + w >= bw - touch
            inner = x + w >= bw - 1 if lr == "left" else x <= 0 and x_off > 0
            if at_edge and not inner:
                idx.append(i)
        for g in _group(stats, idx, gap):
            e = _slice_in_group(g, labels, band, lr, ppm, cfg)
            if not e:
                continue
            xs, ys = e["xs"], e["ys"]
            xs = xs + x_off
            e["x0"] += x_off
            if t:  # back from the transposed page: x ↔ y
                xs, ys = ys, xs
                e["x0"], e["cy"] = e["cy"], e["x0"]
            e.update(side=side, xs=xs, ys=ys)
            out.append(e)
    return out
