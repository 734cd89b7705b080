"""Read the unit name on a seal's arc: unwrap the ring into a straight strip, then OCR one line.

Why: the name runs 自左而右 around the upper arc with every character turned along it, which no
page OCR reads. A polar transform around the fitted rim turns the arc into an ordinary line of
upright characters. The strip is made from the ink's redness (R − max(G, B)), inverted, so red
ink becomes dark text on white and the black text printed under the seal disappears. The rim
(ink present in almost every direction) is blanked, and the longest run of ink along the arc
is the name (the horizontal 专用章 text and the star sit elsewhere).
OCR is RapidOCR's recogniser alone (no detector: the strip already is one line), using the
process-wide instance of pipeline.ocr.rapid with its bundled models (never downloads).
"""
from __future__ import annotations

import math
import unicodedata

import cv2
import numpy as np

from pipeline.extract.seals.detect import Ellipse, fit_ring, red_mask, settings

WORK_RADIUS = 200
"""The rim is resampled to this radius (px) before unwrapping: characters end up ~55 px high."""


def ink_darkness(rgb: np.ndarray) -> np.ndarray:
    """Grey image with red ink dark on white; black toner and paper both white."""
    a = rgb.astype(np.int16)
    redness = np.clip(a[..., 0] - np.maximum(a[..., 1], a[..., 2]), 0, 255).astype(np.float32)
    top = float(np.percentile(redness[redness > 20], 90)) if np.count_nonzero(redness > 20) > 50 else 120.0
    ink = np.clip(redness / max(top, 40.0), 0, 1)
    return (255 - ink * 255).astype(np.uint8)


def _ring_of(crop_rgb: np.ndarray) -> Ellipse | None:
    cfg = settings()
    scale = min(1.0, 160.0 / max(crop_rgb.shape[:2]))
    small = cv2.resize(crop_rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else crop_rgb
    ys, xs = np.nonzero(red_mask(small, cfg))
    if len(xs) < 30:
        return None
    ell, ring = fit_ring(xs, ys, cfg)
    if ell is None or ring < 0.3:
        return None
    return Ellipse(ell.cx / scale, ell.cy / scale, ell.a / scale, ell.b / scale, ell.theta)


def unwrap_arc(crop_rgb: np.ndarray) -> np.ndarray | None:
    """The seal's text band as a straight strip (dark ink on white), the name's run only;
    None when no ring is found."""
    ell = _ring_of(crop_rgb)
    if ell is None:
        return None
    grey = ink_darkness(crop_rgb)
    # affine map of the rim ellipse onto a circle of WORK_RADIUS centred in a square canvas
    side = 2 * WORK_RADIUS + 8
    c, s = math.cos(ell.theta), math.sin(ell.theta)
    rot = np.array([[c, s], [-s, c]])
    scale = np.diag([WORK_RADIUS / ell.a, WORK_RADIUS / ell.b])
    lin = rot.T @ scale @ rot
    off = np.array([side / 2, side / 2]) - lin @ np.array([ell.cx, ell.cy])
    M = np.hstack([lin, off[:, None]]).astype(np.float64)
    disc = cv2.warpAffine(grey, M, (side, side), flags=cv2.INTER_LINEAR, borderValue=255)
    lo, hi = settings()["text_band"]
    n_ang = int(2 * math.pi * WORK_RADIUS * (lo + hi) / 2)
    polar = cv2.warpPolar(disc, (WORK_RADIUS, n_ang), (side / 2, side / 2), WORK_RADIUS,
                          cv2.INTER_LINEAR + cv2.WARP_POLAR_LINEAR)
    band = polar[:, int(lo * WORK_RADIUS):int(hi * WORK_RADIUS)]  # rows = angle (clockwise)
    strip = np.ascontiguousarray(band.T[::-1, :])  # x = angle, y = radius, outward up
    ink = strip < 128
    # blank the rim: rows inked in most directions
    rows = ink.mean(axis=1) > 0.45
    strip[rows, :] = 255
    ink[rows, :] = False
    col = ink.sum(axis=0) > 1
    if not col.any():
        return None
    # longest circular run of ink columns, bridging gaps narrower than ~0.6 character
    bridge = int(0.6 * 0.3 * WORK_RADIUS)
    n = len(col)
    doubled = np.r_[col, col]
    runs = []
    start, last = None, None
    for i, v in enumerate(doubled):
        if v:
            if start is None:
                start = i
            elif i - last > bridge:
                runs.append((start, last))
                start = i
            last = i
    if start is not None:
        runs.append((start, last))
    a, b = max(runs, key=lambda r: min(r[1] - r[0], n - 1))
    b = min(b, a + n - 1)
    pad = 12
    idx = np.arange(a - pad, b + pad + 1) % n
    out = strip[:, idx]
    ys = np.nonzero(~(out > 200).all(axis=1))[0]
    if len(ys):
        out = out[max(0, ys[0] - 6):ys[-1] + 7]
    return np.pad(out, 10, constant_values=255)


def read_seal_text(crop_rgb: np.ndarray) -> tuple[str, float]:
    """(text, confidence 0..1) of the name on a seal crop; ("", 0.0) when it cannot be read —
    the seal is still a seal."""
    strip = unwrap_arc(crop_rgb)
    if strip is None or strip.shape[1] < 20:
        return "", 0.0
    from pipeline.ocr.rapid import ocr_instance

    h = strip.shape[0]
    if h != 48:
        strip = cv2.resize(strip, (max(1, int(strip.shape[1] * 48 / h)), 48), interpolation=cv2.INTER_AREA)
    rgb = cv2.cvtColor(strip, cv2.COLOR_GRAY2BGR)
    try:
        res = ocr_instance()(rgb, use_det=False, use_cls=False, use_rec=True)
    except Exception:  # a recogniser failure on one crop must not lose the seal
        return "", 0.0
    txts = getattr(res, "txts", None) or ()
    scores = getattr(res, "scores", None) or ()
    text = unicodedata.normalize("NFKC", "".join(txts)).strip()
    conf = float(np.mean(scores)) if scores else 0.0
    if not text:
        return "", 0.0
    return text, round(conf, 3)
