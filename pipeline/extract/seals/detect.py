"""Find official seals on one page image: red ink, then shape evidence.

Why this way (domain-notes §3): a seal is a 38–45 mm red ring with text and usually a star; the
things that fool a colour-only detector are red headings and rules (wrong size/shape), solid red
logos (no ring, filled) and stamps of other colours (not red). So: a red mask on a page scaled to
~100 dpi (fast, and area-averaging lifts faint ink above paper noise); long straight strokes
erased from it (the rules of red-ruled tables: their tall cells look like rings, and no part of a
rim is straight for long); blobs of nearby ink; and per blob an ellipse fitted to the outermost
ink in every direction — a seal's outermost ink is its rim, so most directions agree with the
ellipse; a square, a grid or a word do not. Sizes come from the page dpi.
A 骑缝章 leaves each fanned page a slice at its left/right edge: red ink there that one circle of
seal radius explains, rim inked where the circle crosses the slice, the rest of the circle cut
off (a half disc, a middle strip with only its top and bottom arcs, a few-mm sliver). Slices are
looked for first, so a half disc is not taken for a round seal; they are joined across pages
later (`assemble.join_straddles`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import yaml

from pipeline.model import BBox, SealFrames
from pipeline.ocr.base import RasterPage

CONFIG_PATH = Path(__file__).with_name("seals.yaml")


@lru_cache(maxsize=1)
def settings() -> dict:
    return yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))


@dataclass
class SealCandidate:
    """A seal (or a slice of one) found on one page. Small: the page image is not kept."""

    file: str
    page: int
    bbox: BBox
    """Fractions of the page, origin top-left."""
    kind: str
    """'round', 'oval', or 'edge' (a slice of a 骑缝章 on the page's left/right edge)."""
    confidence: float
    center: tuple[float, float]
    """Centre as page fractions (for an edge slice: the fitted circle's centre, may lie off-page)."""
    size_mm: tuple[float, float]
    """(major, minor) outer diameters in mm; for an edge slice (2R, chord height)."""
    ring: float = 0.0
    """Fraction of directions whose outermost ink sits on the fitted rim."""
    star: bool = False
    edge: str | None = None
    hue: float = 0.0
    """Mean OpenCV hue of the ink (0..180, red wraps): straddle slices of one seal agree."""
    crop: np.ndarray | None = field(default=None, repr=False)
    """RGB crop of the seal at the page's resolution."""
    text: str = ""
    text_confidence: float = 0.0
    page_size_mm: tuple[float, float] = (0.0, 0.0)
    frames: SealFrames | None = field(default=None, repr=False)
    """What the arc recogniser saw, packed (`read.pack_frames`), for scoring unit names later;
    None when not read."""


# --------------------------------------------------------------------------- red mask


def red_mask(rgb: np.ndarray, cfg: dict | None = None) -> np.ndarray:
    """uint8 0/255 mask of red-to-orange ink. Redness = R − max(G, B) catches faint and dark reds
    alike; the hue window drops orange-yellow highlights' neighbours and brownish paper."""
    cfg = cfg or settings()
    a = rgb.astype(np.int16)
    r = a[..., 0]
    redness = r - np.maximum(a[..., 1], a[..., 2])
    hue = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)[..., 0]
    ok = (redness >= cfg["redness_min"]) & (r >= cfg["red_value_min"])
    ok &= (hue <= cfg["hue_low_max"]) | (hue >= cfg["hue_high_min"])
    return ok.astype(np.uint8) * 255


def _downscale(page: RasterPage, cfg: dict) -> tuple[np.ndarray, float]:
    img = page.image
    if img.ndim == 2:
        img = cv2.cvtColor(img, cv2.COLOR_GRAY2RGB)
    s = min(1.0, cfg["work_dpi"] / max(page.dpi, 1))
    if s < 1.0:
        img = cv2.resize(img, (max(1, round(img.shape[1] * s)), max(1, round(img.shape[0] * s))),
                         interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(img[..., :3]), s


# --------------------------------------------------------------------------- shape evidence


@dataclass
class Ellipse:
    cx: float
    cy: float
    a: float
    b: float
    theta: float
    """radians; a is the semi-axis along theta."""

    def rho(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        dx, dy = xs - self.cx, ys - self.cy
        c, s = math.cos(self.theta), math.sin(self.theta)
        u = (dx * c + dy * s) / max(self.a, 1e-6)
        v = (-dx * s + dy * c) / max(self.b, 1e-6)
        return np.sqrt(u * u + v * v)


def _outermost(xs: np.ndarray, ys: np.ndarray, cx: float, cy: float, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Per angle bin around (cx, cy), the ink pixel farthest out: the rim where there is one."""
    dx, dy = xs - cx, ys - cy
    r = dx * dx + dy * dy
    b = ((np.arctan2(dy, dx) + math.pi) * (bins / (2 * math.pi))).astype(np.int32) % bins
    order = np.lexsort((r, b))
    bs = b[order]
    last = np.r_[bs[1:] != bs[:-1], True]
    pick = order[last]
    return xs[pick], ys[pick]


def _fit(xs: np.ndarray, ys: np.ndarray) -> Ellipse | None:
    if len(xs) < 6:
        return None
    pts = np.stack([xs, ys], axis=1).astype(np.float32)
    try:
        (cx, cy), (w, h), ang = cv2.fitEllipse(pts)
    except cv2.error:
        return None
    if not (w > 2 and h > 2 and np.isfinite([cx, cy, w, h]).all()):
        return None
    return Ellipse(cx, cy, w / 2, h / 2, math.radians(ang))


def fit_ring(xs: np.ndarray, ys: np.ndarray, cfg: dict, bins: int = 96,
             start: tuple[float, float] | None = None) -> tuple[Ellipse | None, float]:
    """Fit the rim ellipse to ink pixels (xs, ys); return it and the ring score (fraction of the
    `bins` directions whose outermost ink lies within ±tolerance of the ellipse)."""
    xs = xs.astype(np.float64)
    ys = ys.astype(np.float64)
    cx, cy = start if start else ((xs.min() + xs.max()) / 2, (ys.min() + ys.max()) / 2)
    tol = cfg["ring_tolerance"]
    ell = None
    for _ in range(3):
        ox, oy = _outermost(xs, ys, cx, cy, bins)
        ell = _fit(ox, oy)
        if ell is None:
            return None, 0.0
        # refit on the rim points only: gaps in faint rims let text points drag the fit inward
        rho = ell.rho(ox, oy)
        keep = np.abs(rho - 1) <= 2 * tol
        if keep.sum() >= 8:
            ell = _fit(ox[keep], oy[keep]) or ell
        cx, cy = ell.cx, ell.cy
    ox, oy = _outermost(xs, ys, ell.cx, ell.cy, bins)
    rho = ell.rho(ox, oy)
    return ell, float(np.count_nonzero(np.abs(rho - 1) <= tol)) / bins


def _hue_of(rgb_small: np.ndarray, mask: np.ndarray) -> float:
    hue = cv2.cvtColor(rgb_small, cv2.COLOR_RGB2HSV)[..., 0][mask > 0].astype(np.float64)
    if hue.size == 0:
        return 0.0
    ang = hue * (2 * math.pi / 180)
    return float((math.degrees(math.atan2(np.sin(ang).mean(), np.cos(ang).mean())) / 2) % 180)


def _inside(mask: np.ndarray, ell: Ellipse, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ink pixels of `mask` in the box around `ell` (all blobs: the star is often its own blob),
    with their normalised radius."""
    r = max(ell.a, ell.b) * scale + 2
    H, W = mask.shape
    x0, y0 = max(0, int(ell.cx - r)), max(0, int(ell.cy - r))
    x1, y1 = min(W, int(ell.cx + r) + 1), min(H, int(ell.cy + r) + 1)
    ys, xs = np.nonzero(mask[y0:y1, x0:x1])
    xs = xs.astype(np.float64) + x0
    ys = ys.astype(np.float64) + y0
    return xs, ys, ell.rho(xs, ys)


def _classify_disc(xs, ys, mask: np.ndarray, ppm: float, cfg: dict, start=None) -> dict | None:
    """Round or oval seal from its blob's ink pixels (small-image coords), or None."""
    ell, ring = fit_ring(xs, ys, cfg, start=start)
    if ell is None or ring < cfg["ring_min"]:
        return None
    major, minor = 2 * max(ell.a, ell.b) / ppm, 2 * min(ell.a, ell.b) / ppm
    aspect = major / max(minor, 1e-6)
    lo, hi = cfg["round_diameter_mm"]
    if aspect < cfg["oval_aspect_min"]:
        if not (lo <= minor and major <= hi):
            return None
        kind = "round"
    else:
        if not (cfg["oval_major_mm"][0] <= major <= cfg["oval_major_mm"][1]
                and cfg["oval_minor_mm"][0] <= minor <= cfg["oval_minor_mm"][1]):
            return None
        kind = "oval"
    _, _, rho = _inside(mask, ell)
    area = math.pi * ell.a * ell.b
    fill = np.count_nonzero(rho < 1.0) / max(area, 1.0)
    if not (cfg["fill_min"] <= fill <= cfg["fill_max"]):
        return None
    core = math.pi * (0.22 * ell.a) * (0.22 * ell.b)
    star = np.count_nonzero(rho < 0.22) / max(core, 1.0) > 0.3
    inner = np.count_nonzero((rho > 0.4) & (rho < 0.88)) / max(area * (0.88**2 - 0.4**2), 1.0)
    if inner < 0.015:  # an empty red ring (a drawn circle) carries no seal text
        return None
    conf = 0.55 + 0.3 * min(1.0, (ring - cfg["ring_min"]) / (0.9 - cfg["ring_min"])) + 0.1 * star
    conf += 0.05 * (lo + 5 <= major <= hi - 5)
    return dict(kind=kind, ell=ell, ring=ring, star=bool(star), major=major, minor=minor,
                conf=min(1.0, conf))


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


def _classify_edge(xs, ys, side: str, ppm: float, cfg: dict, mask: np.ndarray) -> dict | None:
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
        # a strip too narrow to show curvature (long booklets): the chord itself must be seal-sized
        half = (ys.max() - ys.min() + 1) / 2
        if not (rlo * 0.7 <= half <= rhi):
            return None
        R = max(rhi * 0.8, half)
        off = math.sqrt(max(R * R - half * half, 0.0))
        x0 = float(xs.max() + off) if side == "left" else float(xs.min() - off)
        return dict(kind="edge", R=R, x0=x0, cy=float((ys.min() + ys.max()) / 2), conf=0.6, h_mm=h_mm)
    tol = max(1.5, cfg["edge_fit_residual"] * (rlo + rhi) / 2)
    px, py = _rim_points(xs, ys)
    hyps = _circle_hypotheses(px, py, rlo, rhi, tol)
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
    if best is None:
        return None
    (_, rim), (cx, cy, R), visible = best
    if visible > cfg["edge_visible_max"]:
        return None  # (nearly) the whole circle is here: a round seal, not a slice
    if rim < cfg["edge_rim_min"]:
        return None
    conf = 0.55 + 0.3 * min(1.0, (rim - cfg["edge_rim_min"]) / (0.95 - cfg["edge_rim_min"]))
    return dict(kind="edge", R=R, x0=cx, cy=cy, conf=conf, h_mm=h_mm)


def _blob_pixels(labels: np.ndarray, mask: np.ndarray, stat, i: int) -> tuple[np.ndarray, np.ndarray]:
    x, y, w, h, _ = stat
    sel = (labels[y:y + h, x:x + w] == i) & (mask[y:y + h, x:x + w] > 0)
    ys, xs = np.nonzero(sel)
    return xs + x, ys + y


def _hough_discs(sub: np.ndarray, ppm: float, cfg: dict) -> list[tuple[float, float, float]]:
    """Circles of seal size inside a red blob too big for one seal (seals stamped side by side)."""
    lo, hi = cfg["round_diameter_mm"]
    blur = cv2.GaussianBlur(sub, (5, 5), 1.5)
    circles = cv2.HoughCircles(blur, cv2.HOUGH_GRADIENT, dp=1.5, minDist=lo * ppm * 0.6, param1=120,
                               param2=22, minRadius=int(lo * ppm / 2), maxRadius=int(hi * ppm / 2))
    return [] if circles is None else [tuple(map(float, c)) for c in circles[0][:8]]


# --------------------------------------------------------------------------- the detector


def _straight_rules(mask: np.ndarray, ppm: float, cfg: dict) -> np.ndarray:
    """Long straight red strokes — table rules, underlines, frames — as a mask to erase.

    No part of a seal's rim is straight for long (a 42 mm ring's rim holds straight runs of
    ~14 mm, a 45×30 oval's ~20 mm), so near-axis segments longer than `rule_min_mm` are not seal
    ink. Hough segments rather than a morphological opening: a scanned page is skewed, and a
    1–2 px rule drifts off any horizontal kernel within a few centimetres."""
    length = cfg["rule_min_mm"] * ppm
    # thickened first: a faint 1–2 px rule breaks up and wanders across pixel rows on a scan
    thick = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    segs = cv2.HoughLinesP(thick, 1, math.pi / 360, threshold=int(length * 0.5), minLineLength=int(length),
                           maxLineGap=max(2, int(round(cfg["rule_gap_mm"] * ppm))))
    out = np.zeros_like(mask)
    if segs is None:
        return out
    tilt = math.radians(cfg["rule_max_tilt_deg"])
    width = max(3, int(round(cfg["rule_erase_mm"] * ppm)))
    for x1, y1, x2, y2 in segs.reshape(-1, 4):
        ang = math.atan2(abs(y2 - y1), abs(x2 - x1))
        if ang <= tilt or ang >= math.pi / 2 - tilt:
            cv2.line(out, (int(x1), int(y1)), (int(x2), int(y2)), 255, width)
    return out


def detect_seals(page: RasterPage, *, read_text: bool = False) -> list[SealCandidate]:
    """All seals and 骑缝章 slices on one page, with an RGB crop each.

    `read_text=True` also reads round/oval seals (`read.read_seal`: text and packed frames), which
    costs ~0.05 s a seal; detection alone is ~0.05 s a 300-dpi page."""
    cfg = settings()
    small, s = _downscale(page, cfg)
    H, W = small.shape[:2]
    ppm = page.dpi * s / 25.4  # small-image pixels per mm
    mask = red_mask(small, cfg)
    if not mask.any():
        return []
    mask[_straight_rules(mask, ppm, cfg) > 0] = 0
    k = max(3, int(round(cfg["join_mm"] * ppm)) | 1)
    joined = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    min_side = min(cfg["edge_height_mm"][0], cfg["oval_minor_mm"][0]) * ppm
    touch = cfg["edge_touch_mm"] * ppm
    page_mm = (page.image.shape[1] / page.dpi * 25.4, page.image.shape[0] / page.dpi * 25.4)
    out: list[SealCandidate] = []
    claimed = np.zeros(n, dtype=bool)
    # 骑缝章 slices first: ink near the left/right side that is part of a circle cut off there.
    # The parts of one slice (rim arcs, star, characters) may be separate blobs.
    edge_parts: dict[str, list[int]] = {"left": [], "right": []}
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        side = "left" if x <= touch else "right" if x + w >= W - touch else None
        if side:
            edge_parts[side].append(i)
    gap = cfg["edge_group_gap_mm"] * ppm
    for side, idx in edge_parts.items():
        idx = sorted(idx, key=lambda i: stats[i][1])
        groups: list[list[int]] = []
        for i in idx:
            if groups and stats[i][1] <= max(stats[j][1] + stats[j][3] for j in groups[-1]) + gap:
                groups[-1].append(i)
            else:
                groups.append([i])
        for g in groups:
            parts = [_blob_pixels(labels, mask, stats[i], i) for i in g]
            xs = np.concatenate([p[0] for p in parts])
            ys = np.concatenate([p[1] for p in parts])
            if len(xs) < 30:
                continue
            e = _classify_edge(xs, ys, side, ppm, cfg, mask)
            if e:
                e["side"] = side
                claimed[g] = True
                out.append(_candidate(page, small, s, mask, e, xs, ys, ppm, page_mm))
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if claimed[i] or max(w, h) < min_side:
            continue
        xs, ys = _blob_pixels(labels, mask, stats[i], i)
        if len(xs) < 30:
            continue
        found: list[dict] = []
        if max(w, h) <= cfg["round_diameter_mm"][1] * ppm * 1.15:
            d = _classify_disc(xs, ys, mask, ppm, cfg)
            if d:
                found.append(d)
        elif max(w, h) <= cfg["max_blob_mm"] * ppm:
            sub = np.zeros((h, w), np.uint8)
            sub[ys - y, xs - x] = 255
            for cx, cy, r in _hough_discs(sub, ppm, cfg):
                near = (xs - x - cx) ** 2 + (ys - y - cy) ** 2 <= (1.12 * r) ** 2
                if near.sum() < 30:
                    continue
                d = _classify_disc(xs[near], ys[near], mask, ppm, cfg, start=(cx + x, cy + y))
                if d:
                    found.append(d)
            # best rims first; a disc centred inside an accepted one is the overlap, not a seal
            kept: list[dict] = []
            for d in sorted(found, key=lambda d: -d["ring"]):
                if all(math.hypot(d["ell"].cx - k["ell"].cx, d["ell"].cy - k["ell"].cy)
                       > 0.8 * max(k["ell"].a, k["ell"].b) for k in kept):
                    kept.append(d)
            found = kept
        # a "disc" whose rim would run past the page's side is a 骑缝章 slice the edge test missed
        found = [d for d in found if touch < d["ell"].cx - max(d["ell"].a, d["ell"].b) + touch * 2
                 and d["ell"].cx + max(d["ell"].a, d["ell"].b) < W - 1 + touch]
        for d in found:
            out.append(_candidate(page, small, s, mask, d, xs, ys, ppm, page_mm))
    if read_text:
        from pipeline.extract.seals.read import read_seal

        for c in out:
            if c.kind != "edge" and c.crop is not None:
                r = read_seal(c.crop)
                c.text, c.text_confidence, c.frames = r.text, r.confidence, r.frames
    return out


def _candidate(page: RasterPage, small: np.ndarray, s: float, mask: np.ndarray, d: dict,
               xs: np.ndarray, ys: np.ndarray, ppm: float, page_mm) -> SealCandidate:
    H, W = small.shape[:2]
    if d["kind"] == "edge":
        x0, x1 = xs.min(), xs.max() + 1
        y0, y1 = ys.min(), ys.max() + 1
        center = (d["x0"] / W, d["cy"] / H)
        size = (2 * d["R"] / ppm, d["h_mm"])
        ring, star = 0.0, False
    else:
        e = d["ell"]
        # the ellipse's bounding box, padded a little: the crop must hold the whole rim
        c, sn = math.cos(e.theta), math.sin(e.theta)
        hx = math.sqrt((e.a * c) ** 2 + (e.b * sn) ** 2) * 1.04 + 2
        hy = math.sqrt((e.a * sn) ** 2 + (e.b * c) ** 2) * 1.04 + 2
        x0, x1 = max(0, e.cx - hx), min(W, e.cx + hx)
        y0, y1 = max(0, e.cy - hy), min(H, e.cy + hy)
        center = (e.cx / W, e.cy / H)
        size = (d["major"], d["minor"])
        ring, star = d["ring"], d["star"]
    bbox = (float(x0) / W, float(y0) / H, float(x1) / W, float(y1) / H)
    img = page.image
    fh, fw = img.shape[:2]
    cx0, cy0 = int(max(0, bbox[0] * fw)), int(max(0, bbox[1] * fh))
    cx1, cy1 = int(min(fw, math.ceil(bbox[2] * fw))), int(min(fh, math.ceil(bbox[3] * fh)))
    crop = np.ascontiguousarray(img[cy0:cy1, cx0:cx1, :3]).copy()
    sel = np.zeros_like(mask)
    sel[ys, xs] = 255
    return SealCandidate(file=page.file, page=page.number, bbox=bbox, kind=d["kind"],
                         confidence=round(float(d["conf"]), 3), center=center, size_mm=size,
                         ring=round(ring, 3), star=star, edge=d.get("side"), hue=_hue_of(small, sel),
                         crop=crop, page_size_mm=page_mm)
