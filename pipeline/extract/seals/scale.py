"""How many pixels a millimetre is on a page, from what the page is rather than what it says.

A scanner's or renderer's dpi is true, and the paper it implies (A4: 297 mm long) is plausible;
a phone photo or a screenshot says 72 or 96 dpi, or nothing, whatever it shows, and an image that
is nearly square, or much longer than wide (a screenshot, a strip), is no page — there the page is
taken for A4 (`a4_mm`), and the shape limits get some slack, since the paper may fill only part of
the frame. An image whose red ink fills it each way is one seal (a tight crop, a picture pasted
into a Word file): it is measured as a seal of `lone_seal_mm`. A screenshot of a photo viewer or a
browser shows the page as a light sheet inside the frame: the sheet is measured as a paper of
`paper_sizes_mm` (`framed_paper_dpi`), not the frame.
"""
from __future__ import annotations

import numpy as np

from pipeline.ocr.base import RasterPage

SLACK = (0.75, 1.3)
"""Size limits widen by these factors when the scale is only estimated."""
SIZED_KEYS = ("round_diameter_mm", "oval_major_mm", "oval_minor_mm", "small_oval_major_mm", "small_oval_minor_mm",
              "edge_height_mm", "edge_radius_mm")


def estimated(page: RasterPage, cfg: dict) -> bool:
    """True when the page's dpi cannot be trusted: the paper it implies is no plausible page."""
    if page.meta.get("dpi_trusted"):
        return False
    h, w = page.image.shape[:2]
    aspect = max(h, w) / max(min(h, w), 1)
    if page.dpi <= cfg["screen_dpi_max"] or not cfg["page_aspect_min"] <= aspect <= cfg["page_aspect_max"]:
        return True  # a screen's or camera's default dpi, or no page's shape (a strip, a wide screenshot)
    long_mm = max(h, w) / max(page.dpi, 1) * 25.4
    lo, hi = cfg["paper_long_mm"]
    return not (lo <= long_mm <= hi)


def working_dpi(page: RasterPage, cfg: dict) -> float:
    """The page's dpi, or that of A4 at this pixel size when `estimated` (unless a seal on it has
    already set the scale: `ring_sized_dpi`)."""
    if not estimated(page, cfg) or page.meta.get("seal_scaled") or page.meta.get("paper_scaled"):
        return float(page.dpi)
    h, w = page.image.shape[:2]
    short_mm, long_mm = paper_of_shape(max(h, w) / max(min(h, w), 1), cfg) or cfg["a4_mm"]
    return max(min(h, w) / (short_mm / 25.4), max(h, w) / (long_mm / 25.4), 10.0)


def paper_of_shape(aspect: float, cfg: dict) -> tuple[float, float] | None:
    """The paper of `paper_sizes_mm` other than A4 whose shape (long / short) is within
    `paper_aspect_tolerance` of `aspect` — an image that is a VAT invoice's 240 × 140 mm — else None."""
    for short_mm, long_mm in cfg["paper_sizes_mm"]:
        if [short_mm, long_mm] != list(cfg["a4_mm"]) and abs(long_mm / short_mm - aspect) <= cfg["paper_aspect_tolerance"]:
            return short_mm, long_mm
    return None


def with_slack(cfg: dict) -> dict:
    """The settings with their size limits widened (`SLACK`) for a page of estimated scale."""
    out = dict(cfg)
    for k in SIZED_KEYS:
        lo, hi = cfg[k]
        out[k] = [lo * SLACK[0], hi * SLACK[1]]
    return out


def seal_sized_dpi(page: RasterPage, mask: np.ndarray, cfg: dict) -> float | None:
    """The dpi at which the image is one seal — its red ink one ring that fills the image each way
    (`lone_seal_fill`) — else None. Asked only where the file's dpi is not trusted."""
    from pipeline.extract.seals.geometry import fit_ring

    if page.meta.get("dpi_trusted") or np.count_nonzero(mask) < 30:
        return None
    ys, xs = np.nonzero(mask)
    H, W = mask.shape
    ell, ring = fit_ring(xs, ys, cfg)
    if ell is None or ring < cfg["ring_min"]:
        return None
    major, minor = 2 * max(ell.a, ell.b), 2 * min(ell.a, ell.b)
    if minor < cfg["lone_seal_fill"] * min(H, W) or major / max(minor, 1) > 1.8:
        return None
    return major * (page.image.shape[1] / W) / (cfg["lone_seal_mm"] / 25.4)


def ring_sized_dpi(page: RasterPage, mask: np.ndarray, ppm: float, cfg: dict) -> float | None:
    """The dpi at which the clearest ring on a page of estimated scale is a seal of `lone_seal_mm`,
    when that ring is too big for any seal at the A4 guess (a screenshot or crop of a few seals is
    no A4 page), else None. The guess would leave such a seal to the side-by-side split, which finds
    several small "seals" in its arcs. Asked only where the scale is estimated, once."""
    import cv2

    from pipeline.extract.seals.geometry import fit_ring

    if page.meta.get("seal_scaled") or not mask.any():
        return None
    k = max(3, int(round(cfg["join_mm"] * ppm)) | 1)
    joined = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    too_big = cfg["round_diameter_mm"][1] * ppm * 1.15
    best = None
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if max(w, h) <= too_big:
            continue
        ys, xs = np.nonzero((labels[y:y + h, x:x + w] == i) & (mask[y:y + h, x:x + w] > 0))
        ell, ring = fit_ring(xs + x, ys + y, cfg)
        if ell is None or ring < cfg["rescale_ring_min"]:
            continue
        major, minor = 2 * max(ell.a, ell.b), 2 * min(ell.a, ell.b)
        if major / max(minor, 1) > cfg["rescale_aspect_max"] or major < 0.8 * max(w, h):
            continue  # not one ring filling its blob (text, a frame, seals side by side)
        if best is None or major > best:
            best = major
    if best is None:
        return None
    return best * (page.image.shape[1] / mask.shape[1]) / (cfg["lone_seal_mm"] / 25.4)


def framed_paper_dpi(page: RasterPage, small: np.ndarray, mask: np.ndarray, s: float, cfg: dict) -> float | None:
    """The dpi at which a sheet of paper shown inside the frame (a screenshot of a viewer, a photo of a
    sheet on a desk) is a paper of `paper_sizes_mm` (the one nearest its shape), else None.

    The sheet is a region of one light, grey colour — the paper next to the red ink (`paper_tolerance`
    around one of its commonest values) — whose box has a page's shape, holds red ink, is mostly that
    colour (`paper_fill_min`: text and rules cut it), lies inside the frame without touching its border,
    and covers at most `paper_frame_max` of it (else the frame is the page). A sheet inside another
    (a viewer's white window around its grey ground around the paper) is the innermost. `small` is the
    page's RGB at scale `s`, `mask` its red ink. Asked only where the scale is estimated, once."""
    import cv2

    if page.meta.get("seal_scaled") or page.meta.get("paper_scaled") or page.meta.get("lone_seal") or not mask.any():
        return None
    H, W = mask.shape
    r, g, b = cv2.split(np.ascontiguousarray(small[..., :3]))
    hi = cv2.max(cv2.max(r, g), b)  # cv2, not ndarray.max(axis=2): 10× cheaper on a page
    grey = cv2.subtract(hi, cv2.min(cv2.min(r, g), b)) < cfg["paper_chroma_max"]
    near = cv2.dilate(mask, np.ones((5, 5), np.uint8)) & ~cv2.dilate(mask, np.ones((3, 3), np.uint8))
    counts = np.bincount(hi[(near > 0) & grey & (hi >= cfg["sheet_value_min"])], minlength=256)
    tol = cfg["paper_tolerance"]
    red = cv2.integral(mask) // 255
    sheets = []
    for value in np.argsort(-counts)[:3]:
        if not counts[value]:
            break
        stats = cv2.connectedComponentsWithStats(cv2.inRange(hi, int(value) - tol, int(value) + tol) & grey.view(np.uint8), connectivity=8)[2]
        x, y, w, h, area = stats[1:].T
        big = (w * h >= cfg["paper_frame_min"] * W * H) & (w * h <= cfg["paper_frame_max"] * W * H)
        for x, y, w, h, area in stats[1:][big & (x > 0) & (y > 0) & (x + w < W) & (y + h < H)]:
            if (cfg["page_aspect_min"] <= max(w, h) / min(w, h) <= cfg["paper_aspect_max"]
                    and area >= cfg["paper_fill_min"] * w * h
                    and red[y + h, x + w] - red[y, x + w] - red[y + h, x] + red[y, x] >= 30):
                sheets.append((int(x), int(y), int(w), int(h)))
    inner = [a for a in sheets if not any(b != a and _holds(a, b) for b in sheets)]
    if not inner:
        return None
    x, y, w, h = max(inner, key=lambda b: b[2] * b[3])  # innermost sheets: the largest
    aspect = max(w, h) / min(w, h)
    short_mm, long_mm = min(cfg["paper_sizes_mm"], key=lambda p: abs(p[1] / p[0] - aspect))
    return max(w, h) / s / (long_mm / 25.4)


def _holds(a: tuple, b: tuple) -> bool:
    """Box `a` (x, y, w, h) holds box `b`."""
    return a[0] <= b[0] and a[1] <= b[1] and a[0] + a[2] >= b[0] + b[2] and a[1] + a[3] >= b[1] + b[3]


def shrink(img: np.ndarray, s: float) -> tuple[np.ndarray, float]:
    """`img` scaled by `s` (< 1) with area averaging, and the factor used. When 1/s is within 5% of
    a whole number k the image is cut to a multiple of k pixels (losing < k pixels at the right
    and bottom) and shrunk by exactly k: OpenCV averages whole k×k blocks then, 3–10× cheaper than
    its general area resampling (a 300-dpi page to 100 dpi: 0.02 s instead of 0.06 s CPU)."""
    import cv2

    if s >= 1.0:
        return img, 1.0
    k = round(1 / s)
    if k >= 2 and abs(1 / s - k) <= 0.05 * k:
        h, w = img.shape[0] - img.shape[0] % k, img.shape[1] - img.shape[1] % k
        return cv2.resize(img[:h, :w], (w // k, h // k), interpolation=cv2.INTER_AREA), 1.0 / k
    out = cv2.resize(img, (max(1, round(img.shape[1] * s)), max(1, round(img.shape[0] * s))),
                     interpolation=cv2.INTER_AREA)
    return out, s
