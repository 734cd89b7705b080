"""Read the unit name on a seal's arc: unwrap the ring into a straight strip, recognise it, and
score unit names against what the recogniser saw.

Why this way:
- The name runs 自左而右 around the upper arc, each character upright along the rim's normal, at
  a constant distance inside the rim (also on an oval). So the strip is sampled along the offset
  curve of the fitted rim — evenly in arc length, rows = distance inward along the normal — which
  turns the arc into an ordinary line of upright characters on a round and an oval seal alike
  (an affine squash of the oval onto a circle shears its characters).
- The fitted ellipse is never exact (ink gaps, hand-stamped seals), so the strip is re-aligned on
  the rim found in every column; the rim itself stays out of the strip.
- Ink = darkness where the pixel is red: redness (R − max(G, B)) drops the black text printed
  under the seal, luminance keeps the strokes sharp (JPEG keeps colour at half resolution). On a
  page without colour (a seal found by shape) ink is darkness alone: the print under the seal
  crosses the band in short straight pieces no unit's name explains.
- The name is the complement of the widest empty stretch of the text band, measured in the band's
  outer half, which the star and the horizontal 专用章 line under it do not reach.
- Seal characters are bold, condensed and often faint: free OCR misreads some of them. Which unit
  stamped the seal is better asked of the recogniser's per-frame probabilities than of its best
  string: `name_score` gives how well a given name explains them (a CTC alignment, in nats below
  the recogniser's own best path). Unit names are known only after extraction, so the page worker
  keeps what the recogniser saw, packed (`pack_frames` → `SealFrames`: the entries above the
  1e-6 clip, ~27 KB a seal), with the seal find, and the review scores names on it without the
  recogniser.
The recogniser is RapidOCR's (pipeline.ocr.rapid's process-wide instance where the process has
loaded it, else the same model on onnxruntime alone: pipeline.ocr.rec_light; bundled models, never
downloads); its CTC output is taken from the recognition session directly. Its character list (the
columns) is read from the model file's metadata (`recogniser_charset`) without loading the model.
"""
from __future__ import annotations

import math
import unicodedata

import cv2
import numpy as np

from pipeline.extract.seals.frames import (  # re-exported: callers read frames off a reading
    SealReading,
    empty_frames,
    has_frames,
    name_score,
    pack_frames,
    recogniser_charset,
    unpack_frames,
    unpacked,
)
from pipeline.extract.seals.geometry import Ellipse, fit_ring, red_mask, settings

WORK_RADIUS = 160
"""Strip pixels per minor semi-axis of the rim: characters end up ~50 px high."""

def _ink(rgb: np.ndarray) -> np.ndarray:
    """Red ink strength 0..1: how dark a pixel is (luminance, below the paper), where it is red.

    Redness (R − max(G, B)) alone tells red ink from black toner, but it is a colour quantity,
    and JPEG scans keep colour at half resolution: strokes of redness bleed into each other.
    Luminance keeps the strokes sharp, so redness only gates which dark pixels count."""
    a = rgb.astype(np.float32)
    redness = np.clip(a[..., 0] - np.maximum(a[..., 1], a[..., 2]), 0, 255)
    strong = redness > 20
    if np.count_nonzero(strong) < 50:
        return np.zeros(rgb.shape[:2], np.float32)
    top = max(float(np.percentile(redness[strong], 90)), 40.0)
    gate = np.clip((redness - 12) / (0.45 * top), 0, 1)
    y = a[..., 0] * 0.299 + a[..., 1] * 0.587 + a[..., 2] * 0.114
    paper = float(np.percentile(y, 90))
    inky = float(np.percentile(y[redness > 0.6 * top], 15)) if np.count_nonzero(redness > 0.6 * top) > 20 else paper - 100
    dark = np.clip((paper - y) / max(paper - inky, 30.0), 0, 1)
    return dark * gate


def _grey_ink(rgb: np.ndarray) -> np.ndarray:
    """Ink strength 0..1 on a crop without colour: how much darker than the paper a pixel is.

    Black print under the seal counts as ink too; it crosses the ring's band as short straight
    pieces, which the recogniser mostly ignores and which no unit's name explains (`name_score`)."""
    y = cv2.cvtColor(np.ascontiguousarray(rgb[..., :3]), cv2.COLOR_RGB2GRAY).astype(np.float32)
    paper = float(np.percentile(y, 90))
    return np.clip((paper - y) / GREY_INK_SPAN, 0, 1)


GREY_INK_SPAN = 90.0
"""Grey levels below the paper at which a colourless pixel counts as full ink (a red seal scanned in
grey is ~100–130 on paper ~235; the rim mask takes 45 below the paper, as `shape.grey_ink`)."""


def _ring_of(crop_rgb: np.ndarray, colour: bool = True) -> Ellipse | None:
    cfg = settings()
    scale = min(1.0, 240.0 / max(crop_rgb.shape[:2]))
    small = cv2.resize(crop_rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else crop_rgb
    ys, xs = np.nonzero(red_mask(small, cfg) if colour else _grey_ink(small) * GREY_INK_SPAN > 45)
    if len(xs) < 30:
        return None
    ell, ring = fit_ring(xs, ys, cfg)
    if ell is None or ring < 0.3:
        return None
    return Ellipse(ell.cx / scale, ell.cy / scale, ell.a / scale, ell.b / scale, ell.theta)


def _circular_median(v: np.ndarray, k: int) -> np.ndarray:
    pad = np.r_[v[-(k // 2):], v, v[:k // 2]]
    return np.median(np.lib.stride_tricks.sliding_window_view(pad, k), axis=1)


def _text_strip(crop_rgb: np.ndarray, colour: bool = True) -> np.ndarray | None:
    """Ink strength (0..1) of the text band as a straight strip, outward up, the whole way round
    (x = arc length clockwise); None when no ring is found. `colour` False: a seal found by shape on
    a page without colour — its ring and ink are told by darkness instead of redness."""
    ell = _ring_of(crop_rgb, colour)
    if ell is None:
        return None
    lo_frac, hi_frac = settings()["text_band"]
    ink = _ink(crop_rgb) if colour else _grey_ink(crop_rgb)
    a, b = max(ell.a, ell.b), min(ell.a, ell.b)
    theta = ell.theta if ell.a >= ell.b else ell.theta + math.pi / 2
    step = b / WORK_RADIUS  # crop pixels per strip pixel
    # the rim ellipse sampled evenly in arc length
    u = np.linspace(0, 2 * math.pi, 4096, endpoint=False)
    seg = np.hypot(a * np.sin(u), b * np.cos(u)) * (2 * math.pi / len(u))
    n = int(seg.sum() / step)
    us = np.interp(np.arange(n) * step, np.r_[0, np.cumsum(seg)[:-1]], u)
    c, s = math.cos(theta), math.sin(theta)
    ex, ey = a * np.cos(us), b * np.sin(us)
    nx, ny = b * np.cos(us), a * np.sin(us)
    norm = np.hypot(nx, ny)
    nx, ny = nx / norm, ny / norm
    EX, EY = ell.cx + ex * c - ey * s, ell.cy + ex * s + ey * c
    NX, NY = nx * c - ny * s, nx * s + ny * c
    # distance inward along the normal, from a little outside the rim to the band's inner edge
    d = np.arange(-0.12 * b, hi_frac * b, step)
    mx = (EX[None, :] - d[:, None] * NX[None, :]).astype(np.float32)
    my = (EY[None, :] - d[:, None] * NY[None, :]).astype(np.float32)
    full = cv2.remap(ink, mx, my, cv2.INTER_LINEAR, borderValue=0)
    # the rim's outer edge in every column (first ink from outside), smoothed round the ring
    zone = full[: int(0.24 * b / step)] > 0.35
    first = np.where(zone.any(axis=0), np.argmax(zone, axis=0), np.nan)
    default = 0.12 * b / step
    med = float(np.nanmedian(first)) if np.isfinite(first).any() else default
    first = np.where(np.isfinite(first) & (np.abs(first - med) < 0.06 * b / step), first, med)
    first = _circular_median(first, 61)
    rows = np.arange(int(lo_frac * b / step), int(hi_frac * b / step))
    ys = (first[None, :] + rows[:, None]).astype(np.float32)
    xs = np.broadcast_to(np.arange(n, dtype=np.float32)[None, :], ys.shape).astype(np.float32)
    return cv2.remap(full, xs, ys, cv2.INTER_LINEAR, borderValue=0)


def unwrap_arc(crop_rgb: np.ndarray, colour: bool = True) -> np.ndarray | None:
    """The seal's name as a straight strip (dark ink on white, uint8), the name's run only;
    None when no ring or no ink is found."""
    strip = _text_strip(crop_rgb, colour)
    if strip is None:
        return None
    n = strip.shape[1]
    col = (strip[: strip.shape[0] // 2] > 0.3).sum(axis=0) > 1
    if not col.any():
        return None
    # the name is everything but the widest empty stretch round the ring
    idx = np.nonzero(col)[0]
    gaps = np.diff(np.r_[idx, idx[0] + n])
    g = int(np.argmax(gaps))
    start, end = int(idx[(g + 1) % len(idx)]), int(idx[g])
    if end < start:
        end += n
    pad = 10
    cols = np.arange(start - pad, end + pad + 1) % n
    grey = (255 - np.clip(strip[:, cols], 0, 1) ** 0.7 * 255).astype(np.uint8)
    return np.pad(grey, 8, constant_values=255)


def _recogniser():
    from pipeline.ocr.rec_light import seal_recognizer

    return seal_recognizer()


def read_strip(strip: np.ndarray) -> SealReading:
    """Recognise one unwrapped strip (uint8, dark on white)."""
    rec = _recogniser()
    h = strip.shape[0]
    img = cv2.resize(strip, (max(8, int(strip.shape[1] * 48 / h)), 48), interpolation=cv2.INTER_AREA)
    bgr = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    norm = rec.resize_norm_img(bgr, max(bgr.shape[1] / 48, 320 / 48))[None].astype(np.float32)
    probs = np.asarray(rec.session(norm))[0]
    charset = rec.postprocess_op.character
    best = probs.argmax(axis=1)
    chars, scores, prev = [], [], -1
    for t, i in enumerate(best):
        if i != prev and i != 0:
            chars.append(charset[i])
            scores.append(float(probs[t, i]))
        prev = i
    text = unicodedata.normalize("NFKC", "".join(chars)).strip()
    conf = round(float(np.mean(scores)), 3) if scores else 0.0
    logp = np.log(np.maximum(probs, 1e-6)).astype(np.float32)
    return SealReading(text if text else "", conf if text else 0.0, logp, rec.postprocess_op.dict,
                       pack_frames(logp))


def read_seal(crop_rgb: np.ndarray, colour: bool = True) -> SealReading:
    """Text, confidence (0..1) and the recogniser's frames (full and packed) for the name on a seal
    crop; an empty reading (empty frames) when it cannot be read — the seal is still a seal."""
    strip = unwrap_arc(crop_rgb, colour)
    if strip is None or strip.shape[1] < 20:
        return SealReading(frames=empty_frames())
    try:
        return read_strip(strip)
    except Exception:  # a recogniser failure on one crop must not lose the seal
        return SealReading(frames=empty_frames())


def read_seal_packed(crop_rgb: np.ndarray) -> SealReading:
    """`read_seal` without the full matrix: small enough to send between processes."""
    r = read_seal(crop_rgb)
    return SealReading(r.text, r.confidence, frames=r.frames)


def read_seal_text(crop_rgb: np.ndarray) -> tuple[str, float]:
    """(text, confidence 0..1) of the name on a seal crop; ("", 0.0) when it cannot be read."""
    r = read_seal(crop_rgb)
    return r.text, r.confidence


def read_candidates(cands: list) -> list:
    """Read the name on every whole seal of a page's candidates (`detect.detect_page`) in place:
    text, confidence and packed frames. Slices are read later, stitched (`assemble`). Seals found
    by shape on a page without colour are read by darkness (dev seed 935 #012: a greyscale scan in a
    .docx, every place's name garbled under the seal — unread, the applicant's three seals were no
    one's)."""
    for c in cands:
        if c.kind != "edge" and c.crop is not None:
            r = read_seal(c.crop, getattr(c, "colour", True))
            c.text, c.text_confidence, c.frames = r.text, r.confidence, r.frames
    return cands


__all__ = ["SealReading", "has_frames", "name_score", "pack_frames", "read_candidates", "read_seal",
           "read_seal_packed", "read_seal_text", "recogniser_charset", "unpack_frames", "unpacked", "unwrap_arc"]

