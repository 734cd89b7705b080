"""Shared ground of the seal stages: the settings, the ink masks and the rim-ellipse fit.

Detection (`detect`, `edges`, `shape`) and reading (`read`) both fit the rim and both need to
know which pixels are seal ink; they import these from here and never each other, so the stages
run one way: candidates → classified seals → read text → attributed seal (`assemble`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import yaml

CONFIG_PATH = Path(__file__).with_name("seals.yaml")


@lru_cache(maxsize=1)
def settings() -> dict:
    return yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- ink


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


def red_masks(rgb: np.ndarray, cfg: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """`red_mask` at the usual threshold and at the faint one (`faint_redness_min`), computed once
    (uint8 OpenCV arithmetic: redness saturates at 0, and only thresholds above 0 are asked)."""
    cfg = cfg or settings()
    r, g, b = cv2.split(np.ascontiguousarray(rgb[..., :3]))
    redness = cv2.subtract(r, cv2.max(g, b))
    lowest = min(cfg["redness_min"], cfg["faint_redness_min"])
    if not cv2.countNonZero(cv2.compare(redness, lowest, cv2.CMP_GE)):  # nothing red at all: no hue needed
        empty = np.zeros(redness.shape, np.uint8)
        return empty, empty.copy()
    hue = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)[..., 0]
    ok = cv2.bitwise_and(cv2.compare(r, cfg["red_value_min"], cv2.CMP_GE),
                         cv2.bitwise_or(cv2.compare(hue, cfg["hue_low_max"], cv2.CMP_LE),
                                        cv2.compare(hue, cfg["hue_high_min"], cv2.CMP_GE)))
    strong = cv2.bitwise_and(ok, cv2.compare(redness, cfg["redness_min"], cv2.CMP_GE))
    faint = cv2.bitwise_and(ok, cv2.compare(redness, cfg["faint_redness_min"], cv2.CMP_GE))
    return strong, faint


def colour_state(rgb: np.ndarray, cfg: dict | None = None) -> str:
    """How much colour a page image can show: 'grey' — stored without colour (a greyscale or bitonal
    file, expanded to RGB by the readers: every pixel has R = G = B); 'flat' — stored in colour but
    its chroma is flat (a colour scan of a page with no coloured ink at all, or one whose seal the
    copier's "auto colour" greyed); 'colour'. On 'grey' and 'flat' pages the absence of red is no
    evidence that there is no seal (issue 16).

    Chroma = max − min of the channels; a seal of even a few cm² gives hundreds of pixels far above
    the JPEG noise, so a count of such pixels is the test."""
    cfg = cfg or settings()
    if rgb.ndim == 2 or rgb.shape[2] == 1:
        return "grey"
    step = max(1, int(math.sqrt(rgb.shape[0] * rgb.shape[1] / 150_000)))
    a = np.ascontiguousarray(rgb[::step, ::step, :3])
    r, g, b = cv2.split(a)
    chroma = cv2.subtract(cv2.max(cv2.max(r, g), b), cv2.min(cv2.min(r, g), b))
    if np.count_nonzero(chroma) <= chroma.size * 0.001:
        return "grey"
    strong = np.count_nonzero(chroma >= cfg["colour_chroma_min"])
    return "colour" if strong >= max(50, cfg["colour_pixels_min"] * chroma.size) else "flat"


def has_colour(rgb: np.ndarray, cfg: dict | None = None) -> bool:
    return colour_state(rgb, cfg) == "colour"


# --------------------------------------------------------------------------- the rim ellipse


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


def outermost(xs: np.ndarray, ys: np.ndarray, cx: float, cy: float, bins: int) -> tuple[np.ndarray, np.ndarray]:
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
        ox, oy = outermost(xs, ys, cx, cy, bins)
        ell = _fit(ox, oy)
        if ell is None:
            return None, 0.0
        # refit on the rim points only: gaps in faint rims let text points drag the fit inward
        rho = ell.rho(ox, oy)
        keep = np.abs(rho - 1) <= 2 * tol
        if keep.sum() >= 8:
            ell = _fit(ox[keep], oy[keep]) or ell
        cx, cy = ell.cx, ell.cy
    ox, oy = outermost(xs, ys, ell.cx, ell.cy, bins)
    rho = ell.rho(ox, oy)
    return ell, float(np.count_nonzero(np.abs(rho - 1) <= tol)) / bins


def hue_of(rgb_small: np.ndarray, mask: np.ndarray) -> float:
    hue = cv2.cvtColor(rgb_small, cv2.COLOR_RGB2HSV)[..., 0][mask > 0].astype(np.float64)
    if hue.size == 0:
        return 0.0
    ang = hue * (2 * math.pi / 180)
    return float((math.degrees(math.atan2(np.sin(ang).mean(), np.cos(ang).mean())) / 2) % 180)


def inside(mask: np.ndarray, ell: Ellipse, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


def blank_boxes(mask: np.ndarray, boxes) -> None:
    """Clear these boxes (page fractions x0, y0, x1, y1), and 2 px around them, from `mask`: the seals
    already found there are done."""
    H, W = mask.shape
    for b in boxes:
        mask[max(0, int(b[1] * H) - 2):int(b[3] * H) + 3, max(0, int(b[0] * W) - 2):int(b[2] * W) + 3] = 0


def ink_along(mask: np.ndarray, x1: int, y1: int, x2: int, y2: int) -> float:
    """Share of the points along the segment (one a pixel) that lie on ink of `mask`."""
    n = max(2, int(math.hypot(x2 - x1, y2 - y1)) + 1)
    xs = np.clip(np.round(np.linspace(x1, x2, n)).astype(int), 0, mask.shape[1] - 1)
    ys = np.clip(np.round(np.linspace(y1, y2, n)).astype(int), 0, mask.shape[0] - 1)
    return float(np.count_nonzero(mask[ys, xs])) / n


def straight_rules(mask: np.ndarray, ppm: float, cfg: dict, step_deg: float = 0.5) -> np.ndarray:
    """Long straight red strokes — table rules, underlines, frames — as a mask to erase.

    No part of a seal's rim is straight for long (a 42 mm ring's rim holds straight runs of
    ~14 mm, a 45×30 oval's ~20 mm), so near-axis segments longer than `rule_min_mm` are not seal
    ink. Hough segments rather than a morphological opening: a scanned page is skewed, and a
    1–2 px rule drifts off any horizontal kernel within a few centimetres. `step_deg`: the angle
    step (1° halves the work; a rule_min_mm segment half a step off strays < 1 px from its bin).
    A rule is inked along its whole length (`rule_cover_min` of it, gaps bridged by the thickening):
    a row of letters lines up its strokes for Hough too, with paper between them — erased, it would
    cut the rim of a seal printed over the letters (the 监制章 in an invoice's title)."""
    length = cfg["rule_min_mm"] * ppm
    # thickened first: a faint 1–2 px rule breaks up and wanders across pixel rows on a scan
    thick = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    segs = cv2.HoughLinesP(thick, 1, math.radians(step_deg), threshold=int(length * 0.5), minLineLength=int(length),
                           maxLineGap=max(2, int(round(cfg["rule_gap_mm"] * ppm))))
    out = np.zeros_like(mask)
    if segs is None:
        return out
    tilt = math.radians(cfg["rule_max_tilt_deg"])
    width = max(3, int(round(cfg["rule_erase_mm"] * ppm)))
    for x1, y1, x2, y2 in segs.reshape(-1, 4):
        ang = math.atan2(abs(y2 - y1), abs(x2 - x1))
        if (ang <= tilt or ang >= math.pi / 2 - tilt) and ink_along(thick, x1, y1, x2, y2) >= cfg["rule_cover_min"]:
            cv2.line(out, (int(x1), int(y1)), (int(x2), int(y2)), 255, width)
    return out
