"""Find official seals on one page image: red ink, then shape evidence.

Why this way (domain-notes §3): a seal is a 38–45 mm red ring with text and usually a star; the
things that fool a colour-only detector are red headings and rules (wrong size/shape), solid red
logos (no ring, filled) and stamps of other colours (not red). So: a red mask on a page scaled to
~100 dpi (fast, and area-averaging lifts faint ink above paper noise), blobs of nearby ink, and per
blob an ellipse fitted to the outermost ink in every direction — a seal's outermost ink is its rim,
so most directions agree with the ellipse; a square, a grid or a word do not. Sizes come from the
page dpi. A red partial disc touching the left/right edge is an edge slice of a 骑缝章; slices are
joined across pages later (`straddle.join_straddles`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import yaml

from pipeline.model import BBox
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


def _classify_edge(xs, ys, side: str, ppm: float, cfg: dict) -> dict | None:
    """An edge slice: the top and bottom outlines per column follow one circle of seal radius."""
    h_mm = (ys.max() - ys.min() + 1) / ppm
    w_mm = (xs.max() - xs.min() + 1) / ppm
    if not (cfg["edge_height_mm"][0] <= h_mm <= cfg["edge_height_mm"][1]) or w_mm > cfg["edge_width_max_mm"]:
        return None
    fill = len(xs) / max((xs.max() - xs.min() + 1) * (ys.max() - ys.min() + 1), 1)
    if not (0.04 <= fill <= 0.6):
        return None
    cols = xs - xs.min()
    ncol = int(cols.max()) + 1
    top = np.full(ncol, np.inf)
    bot = np.full(ncol, -np.inf)
    np.minimum.at(top, cols, ys)
    np.maximum.at(bot, cols, ys)
    have = np.isfinite(top)
    x = np.arange(ncol, dtype=np.float64)[have] + xs.min()
    t, b = top[have], bot[have]
    cy = float(np.median((t + b) / 2))
    half = (b - t) / 2
    # circle: half(x)^2 + x^2 = 2 x0 x + (R^2 - x0^2): linear in (x0, K)
    rlo, rhi = (v * ppm for v in cfg["edge_radius_mm"])
    if len(x) >= 4 and np.ptp(x) >= 2:
        use = np.ones(len(x), bool)
        for _ in range(2):  # refit without columns cut through characters (rim not inked there)
            A = np.stack([2 * x[use], np.ones(use.sum())], axis=1)
            sol, *_ = np.linalg.lstsq(A, half[use] ** 2 + x[use] ** 2, rcond=None)
            x0, k = sol
            r2 = k + x0 * x0
            R = math.sqrt(r2) if r2 > 0 else 0.0
            pred = np.sqrt(np.clip(R * R - (x - x0) ** 2, 0, None))
            nxt = np.abs(half - pred) <= cfg["edge_fit_residual"] * max(R, 1.0)
            if nxt.sum() < max(4, 0.5 * len(x)):
                break
            use = nxt
    else:
        x0, R = float(x.mean()), float(half.max())
    thin = w_mm < 6.0
    if not thin and not (rlo <= R <= rhi):
        return None
    if thin:  # too narrow to see curvature: the chord itself must be seal-sized
        R = max(R, float(half.max()))
        if not (rlo * 0.7 <= half.max() <= rhi):
            return None
    else:
        pred = np.sqrt(np.clip(R * R - (x - x0) ** 2, 0, None))
        # only columns whose rim is inked count; text inside makes `half` smaller, never larger
        res = np.abs(half - pred)
        good = res <= cfg["edge_fit_residual"] * R
        if good.mean() < 0.6:
            return None
        if np.median(np.abs((t + b) / 2 - cy)) > 0.05 * R:
            return None
    conf = 0.6 if thin else 0.75
    return dict(kind="edge", R=R, x0=x0, cy=cy, conf=conf, h_mm=h_mm)


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


def detect_seals(page: RasterPage, *, read_text: bool = False) -> list[SealCandidate]:
    """All seals and 骑缝章 slices on one page, with an RGB crop each.

    `read_text=True` also OCRs round/oval seals (`read.read_seal_text`), which costs ~0.1–0.3 s a
    seal; detection alone is ~0.1 s a 300-dpi page."""
    cfg = settings()
    small, s = _downscale(page, cfg)
    H, W = small.shape[:2]
    ppm = page.dpi * s / 25.4  # small-image pixels per mm
    mask = red_mask(small, cfg)
    if not mask.any():
        return []
    k = max(3, int(round(cfg["join_mm"] * ppm)) | 1)
    joined = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    min_side = min(cfg["edge_height_mm"][0], cfg["oval_minor_mm"][0]) * ppm
    touch = cfg["edge_touch_mm"] * ppm
    page_mm = (page.image.shape[1] / page.dpi * 25.4, page.image.shape[0] / page.dpi * 25.4)
    out: list[SealCandidate] = []
    claimed = np.zeros(n, dtype=bool)
    edge_parts: dict[str, list[int]] = {"left": [], "right": []}
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        side = "left" if x <= touch else "right" if x + w >= W - touch else None
        if side:
            edge_parts[side].append(i)
        if max(w, h) < min_side:
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
        # a "disc" whose rim would run past the page's side is a 骑缝章 slice (e.g. half a seal)
        found = [d for d in found if touch < d["ell"].cx - max(d["ell"].a, d["ell"].b) + touch * 2
                 and d["ell"].cx + max(d["ell"].a, d["ell"].b) < W - 1 + touch]
        for d in found:
            claimed[i] = True
            out.append(_candidate(page, small, s, mask, d, xs, ys, ppm, page_mm))
    # 骑缝章 slices: the parts of one slice (rim arcs, star, characters) may be separate blobs
    gap = cfg["edge_group_gap_mm"] * ppm
    for side, idx in edge_parts.items():
        idx = sorted((i for i in idx if not claimed[i]), key=lambda i: stats[i][1])
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
            e = _classify_edge(xs, ys, side, ppm, cfg)
            if e:
                e["side"] = side
                out.append(_candidate(page, small, s, mask, e, xs, ys, ppm, page_mm))
    if read_text:
        from pipeline.extract.seals.read import read_seal_text

        for c in out:
            if c.kind != "edge" and c.crop is not None:
                c.text, c.text_confidence = read_seal_text(c.crop)
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
