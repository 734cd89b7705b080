"""Find official seals on one page image: red ink, then shape evidence.

Why this way (domain-notes §3): a seal is a 38–45 mm red ring with text and usually a star; the
things that fool a colour-only detector are red headings and rules (wrong size/shape), solid red
logos (no ring, filled) and stamps of other colours (not red). So: a red mask on a page scaled to
~100 dpi (fast, and area-averaging lifts faint ink above paper noise); long straight strokes
erased from it (the rules of red-ruled tables: their tall cells look like rings, and no part of a
rim is straight for long); 骑缝章 slices at the page's edges first (`edges`); blobs of nearby ink;
and per blob an ellipse fitted to the outermost ink in every direction — a seal's outermost ink
is its rim, so most directions agree with the ellipse; a square, a grid or a word do not.
Sizes are millimetres; pixels follow the page's resolution as the page shows it (`scale`): the
file's dpi when the paper it implies is a plausible size, else the dpi of A4 — a phone photo or
a screenshot says 72 dpi whatever it shows; an image that is one seal and nothing else is
measured as a seal. A page stored without colour gets shape-based candidates (`shape`).
This stage only finds and classifies; reading the text is `read`, attribution `assemble`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from pipeline.extract.seals.edges import find_slices
from pipeline.extract.seals.inks import hue_split
from pipeline.extract.seals.geometry import blank_boxes, colour_state, straight_rules, fit_ring, hue_of, inside, red_mask, red_masks, settings
from pipeline.extract.seals.rims import rim_profile, small_oval
from pipeline.extract.seals.scale import estimated, framed_paper_dpi, ring_sized_dpi, seal_sized_dpi, shrink, working_dpi, with_slack
from pipeline.model import BBox, SealFrames
from pipeline.ocr.base import RasterPage

__all__ = ["PageSeals", "SealCandidate", "detect_page", "detect_seals", "red_mask", "settings"]


@dataclass
class SealCandidate:
    """A seal (or a slice of one) found on one page. Small: the page image is not kept."""

    file: str
    page: int
    bbox: BBox
    """Fractions of the page, origin top-left."""
    kind: str
    """'round', 'oval', or 'edge' (a slice of a 骑缝章 on one of the page's edges)."""
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
    colour: bool = True
    """False: found by shape alone on a page stored without colour (no red to go by, no text read)."""
    printed: bool = False
    """True: the 全国统一发票监制章 printed in an invoice's title (an oval below every unit seal's size,
    `rims.small_oval`) — the tax office's printed mark, no party's seal: never any unit's (`assemble`)."""


@dataclass
class PageSeals:
    """What one page shows: its seal candidates, and whether it could show red at all."""

    candidates: list[SealCandidate]
    colour: str = "colour"
    """'colour'; 'flat' — no chroma on the page (its file may show colour elsewhere); 'grey' — the
    file stores the page without colour (a greyscale/bitonal image: `RasterPage.meta['stored']`)."""



def _downscale(page: RasterPage, dpi: float, cfg: dict) -> tuple[np.ndarray, float]:
    img = page.image
    if img.ndim == 2:
        img = cv2.cvtColor(img, cv2.COLOR_GRAY2RGB)
    s = min(1.0, cfg["work_dpi"] / max(dpi, 1)) if not page.meta.get("lone_seal") else 1.0
    img, s = shrink(img, s)
    return np.ascontiguousarray(img[..., :3]), s


# --------------------------------------------------------------------------- whole seals


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
        kind, printed = "round", False
    else:
        # an oval below every unit seal's size, taken on its shape alone, is the 监制章 printed in an invoice's title
        printed = not (cfg["oval_major_mm"][0] <= major <= cfg["oval_major_mm"][1]
                       and cfg["oval_minor_mm"][0] <= minor <= cfg["oval_minor_mm"][1])
        if printed and not small_oval(mask, ell, ring, major, minor, cfg):
            return None
        kind = "oval"
    _, _, rho = inside(mask, ell)
    area = math.pi * ell.a * ell.b
    fill = np.count_nonzero(rho < 1.0) / max(area, 1.0)
    if not (cfg["fill_min"] <= fill <= cfg["fill_max"]):
        return None
    core = math.pi * (0.22 * ell.a) * (0.22 * ell.b)
    star = np.count_nonzero(rho < 0.22) / max(core, 1.0) > 0.3
    inner = np.count_nonzero((rho > 0.4) & (rho < 0.88)) / max(area * (0.88**2 - 0.4**2), 1.0)
    if inner < 0.015:  # an empty red ring (a drawn circle) carries no seal text
        return None
    if rim_profile(mask, ell)[0] * min(ell.a, ell.b) / ppm < cfg["rim_min_mm"]:
        return None  # a hairline "rim": drawn frames, not a stamped or printed seal
    conf = 0.55 + 0.3 * min(1.0, (ring - cfg["ring_min"]) / (0.9 - cfg["ring_min"])) + 0.1 * star
    conf += 0.05 * (lo + 5 <= major <= hi - 5)
    return dict(kind=kind, ell=ell, ring=ring, star=bool(star), major=major, minor=minor,
                conf=min(1.0, conf), printed=printed)


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


def _discs(mask: np.ndarray, ppm: float, cfg: dict, rejoin: bool = True) -> list[tuple[dict, np.ndarray, np.ndarray]]:
    """Round and oval seals in the red mask (slices already taken out): (classification, blob pixels).
    A seal stamped over a block of text has its rim cut wherever a black line crosses it (red under
    toner is black), in pieces too far apart to join: with `rejoin` (the page's millimetres are
    known, not guessed), seal-sized blobs that made no seal are joined again over a text line's
    height (`rejoin_mm`), and clear rings (`rejoin_ring_min`) made of two or more of them are seals too."""
    found, left, pieces = _disc_pass(mask, ppm, cfg, cfg["join_mm"])
    if rejoin and len(pieces) >= 2:
        again = _disc_pass(left, ppm, cfg, cfg["rejoin_mm"], pieces)[0]
        found += [f for f in again if f[0]["ring"] >= cfg["rejoin_ring_min"]]
    return found


def _disc_pass(mask: np.ndarray, ppm: float, cfg: dict, join_mm: float, pieces: list | None = None):
    """One look at the mask's blobs joined over `join_mm` (only at blobs holding two or more of
    `pieces`, when given): the seals found, and the ink of the seal-sized blobs that made none, as
    a mask and one pixel (x, y) each."""
    H, W = mask.shape
    left = np.zeros_like(mask)
    failed: list[tuple[int, int]] = []
    k = max(3, int(round(join_mm * ppm)) | 1)
    joined = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    if pieces is not None:
        px = np.array(pieces)
        wanted = np.bincount(labels[px[:, 1], px[:, 0]], minlength=n) >= 2
    min_side = min(cfg["edge_height_mm"][0], cfg["oval_minor_mm"][0]) * ppm
    seal_side = cfg["round_diameter_mm"][1] * ppm * 1.15
    touch = cfg["edge_touch_mm"] * ppm
    out = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if max(w, h) < min_side or (pieces is not None and not wanted[i]):
            continue
        xs, ys = _blob_pixels(labels, mask, stats[i], i)
        if len(xs) < 30:
            continue
        found: list[dict] = []
        if max(w, h) <= seal_side:
            d = _classify_disc(xs, ys, mask, ppm, cfg)
            if d:
                found.append(d)
        elif max(w, h) <= cfg["max_blob_mm"] * ppm:
            # seals stamped side by side or overlapping: one blob, several rings
            found = _split_blob(xs, ys, x, y, w, h, mask, ppm, cfg)
        # a "disc" whose rim would run past the page's side is a 骑缝章 slice the edge test missed
        found = [d for d in found if touch < d["ell"].cx - max(d["ell"].a, d["ell"].b) + touch * 2
                 and d["ell"].cx + max(d["ell"].a, d["ell"].b) < W - 1 + touch]
        out += [(d, xs, ys) for d in found]
        if not found and max(w, h) <= seal_side:
            left[ys, xs] = 255
            failed.append((int(xs[0]), int(ys[0])))
    return out, left, failed


def _split_blob(xs, ys, x, y, w, h, mask, ppm, cfg) -> list[dict]:
    sub = np.zeros((h, w), np.uint8)
    sub[ys - y, xs - x] = 255
    found = []
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
               > cfg["pair_min_centre_distance"] * max(k["ell"].a, k["ell"].b) for k in kept):
            kept.append(d)
    return kept


def detect_page(page: RasterPage) -> PageSeals:
    """All seals and 骑缝章 slices on one page, with an RGB crop each (~0.05 s a 300-dpi page),
    and whether the page carries colour. Text is not read here (`read.read_candidates`)."""
    cfg = settings()
    dpi = working_dpi(page, cfg)
    guessed = estimated(page, cfg)
    if guessed:
        cfg = with_slack(cfg)
    small, s = _downscale(page, dpi, cfg)
    ppm = dpi * s / 25.4  # small-image pixels per mm
    page_mm = (page.image.shape[1] / dpi * 25.4, page.image.shape[0] / dpi * 25.4)
    # stored without colour ('grey', from the reader) or showing none ('flat': any grey-looking page)
    # a stored image whose every pixel is grey (a copier's "auto colour" page saved as RGB in a colour
    # file) was stored without colour too; a page rendered from vectors is not: it could show red
    seen = colour_state(small, cfg) if page.meta.get("stored") != "grey" else "grey"
    state = "grey" if seen == "grey" and "stored" in page.meta else "flat" if seen != "colour" else "colour"
    if state == "grey":
        mask = faint = np.zeros(small.shape[:2], np.uint8)
        faint_area = False
    else:
        mask, faint = red_masks(small, cfg)
        # enough faint ink away from any ordinary red for a pale seal to be there (`_faint_pass`)
        away = faint.copy()
        away[cv2.dilate(mask, np.ones((5, 5), np.uint8)) > 0] = 0
        faint_area = np.count_nonzero(away) >= cfg["faint_area_min_mm2"] * ppm * ppm
    shaped: list[SealCandidate] = []
    if state != "colour":
        # no red can show here (a few reddish pixels of scanner noise are no colour): the seal's
        # shape is the evidence left
        from pipeline.extract.seals.shape import grey_ink, shape_candidates, shape_slices

        grey, ink = grey_ink(small)
        found = shape_candidates(grey, ink, ppm, cfg)
        found = [(e, e["xs"], e["ys"]) for e in shape_slices(ink, ppm, cfg)] + found
        shaped = [_candidate(page, small, s, mask, d, xs, ys, ppm, page_mm, colour=False) for d, xs, ys in found]
    if not mask.any() and not (faint_area and state == "colour"):
        return PageSeals(shaped, colour=state)
    if guessed:
        lone = seal_sized_dpi(page, mask, cfg)
        if lone:  # the image is one seal (a tight crop, a pasted picture): measure it as one
            return detect_page(RasterPage(file=page.file, number=page.number, image=page.image, dpi=round(lone),
                                          rotation=page.rotation,
                                          meta={**page.meta, "dpi_trusted": True, "lone_seal": True}))
    if guessed:
        framed = framed_paper_dpi(page, small, mask, s, cfg)
        if framed:  # a sheet shown inside a screenshot's or photo's frame: measure by the sheet
            return detect_page(RasterPage(file=page.file, number=page.number, image=page.image, dpi=round(framed),
                                          rotation=page.rotation, meta={**page.meta, "paper_scaled": True}))
    inked = mask.copy()  # before the rules go: a rule of one ink is no rule of the other (`hue_split`)
    mask[straight_rules(mask, ppm, cfg) > 0] = 0
    if guessed:
        ringed = ring_sized_dpi(page, mask, ppm, cfg)
        if ringed:  # a seal too big for an A4 page of this size: the image is no A4 page; measure by the seal
            return detect_page(RasterPage(file=page.file, number=page.number, image=page.image, dpi=round(ringed),
                                          rotation=page.rotation, meta={**page.meta, "seal_scaled": True}))
    out: list[SealCandidate] = []
    rest = mask.copy()
    # a sheet shown inside a frame (`framed_paper_dpi`) has its edges inside the image: the frame's are no paper's edge
    for e in find_slices(mask, ppm, cfg) if not page.meta.get("paper_scaled") else []:
        out.append(_candidate(page, small, s, mask, e, e["xs"], e["ys"], ppm, page_mm))
        rest[e["ys"], e["xs"]] = 0
    found = [f for f in _discs(rest, ppm, cfg, rejoin=not guessed) if _on_paper(small, f[0]["ell"], cfg)]
    for d, xs, ys in found:
        out.append(_candidate(page, small, s, rest, d, xs, ys, ppm, page_mm))
    if faint_area:
        out += _faint_pass(page, small, s, ppm, page_mm, out, faint, cfg, rejoin=not guessed)
    left = rest.copy()
    blank_boxes(left, [c.bbox for c in out])  # ink that made no seal: only then may a seal hide among another ink's letters
    inks = hue_split(small, inked, cfg) if np.count_nonzero(left) >= cfg["faint_area_min_mm2"] * ppm * ppm else []
    for ink in inks:  # a seal printed over letters or rules of another ink: each ink alone
        ink[straight_rules(ink, ppm, cfg) > 0] = 0
        blank_boxes(ink, [c.bbox for c in out])
        out += [_candidate(page, small, s, ink, d, xs, ys, ppm, page_mm)
                for d, xs, ys in _discs(ink, ppm, cfg, rejoin=not guessed) if _on_paper(small, d["ell"], cfg)]
    if out:  # red seals found: the page shows colour, whatever its share of coloured pixels
        return PageSeals(out)
    return PageSeals(shaped, colour=state)


def _on_paper(small: np.ndarray, ell, cfg: dict) -> bool:
    """A seal is ink lines on paper: inside its rim most pixels are not red, and those are light.
    A red object — a tie, a bus, a solid badge — fills its outline; a screenshot's or a photo's
    dark ground is no paper."""
    H, W = small.shape[:2]
    r = max(ell.a, ell.b)
    x0, y0, x1, y1 = max(0, int(ell.cx - r)), max(0, int(ell.cy - r)), min(W, int(ell.cx + r) + 1), min(H, int(ell.cy + r) + 1)
    if x1 <= x0 or y1 <= y0:
        return False
    px = small[y0:y1, x0:x1].astype(np.int16)
    yy, xx = np.mgrid[y0:y1, x0:x1]
    inner = ell.rho(xx.astype(np.float64), yy.astype(np.float64)) < 0.9
    if not inner.any():
        return False
    redness = px[..., 0] - np.maximum(px[..., 1], px[..., 2])
    plain = inner & (redness < cfg["paper_redness_max"])
    if np.count_nonzero(plain) < cfg["paper_inside_min"] * np.count_nonzero(inner):
        return False
    light = float(np.median(px.max(axis=2)[plain]))
    if light >= cfg["paper_value_min"]:
        return True
    # a dim photo? the page's own typical pixel (every 4th row and column: cheap, and enough)
    return light >= paper_value_min(float(np.median(small[::4, ::4].max(axis=2))), cfg)


def paper_value_min(page_light: float, cfg: dict) -> float:
    """How light a seal's paper must be on a page whose typical pixel is `page_light` (median of the
    brightest channel): `paper_value_min` on a lit page; a dim phone photo's paper is only as light as
    the photo (`paper_value_rel` of it), but never darker than `paper_value_floor` — a dark screen
    ground is no paper however dark its screenshot."""
    return max(cfg["paper_value_floor"], min(cfg["paper_value_min"], cfg["paper_value_rel"] * page_light))


def _faint_pass(page, small, s, ppm, page_mm, found: list[SealCandidate], faint: np.ndarray,
                cfg: dict, rejoin: bool = True) -> list[SealCandidate]:
    """Faint seals (pale pink on a low-resolution or washed-out scan) fall below the red mask's
    threshold: look again with a lower one (`faint`), away from the seals already found, and keep
    only clear rings on paper."""
    fcfg = {**cfg, "redness_min": cfg["faint_redness_min"]}
    blank_boxes(faint, [c.bbox for c in found])
    if np.count_nonzero(faint) < 30:
        return []
    faint[straight_rules(faint, ppm, fcfg) > 0] = 0
    out = []
    for d, xs, ys in _discs(faint, ppm, fcfg, rejoin):
        if d["ring"] >= cfg["faint_ring_min"] and _on_paper(small, d["ell"], fcfg):
            d["conf"] = min(d["conf"], 0.7)
            out.append(_candidate(page, small, s, faint, d, xs, ys, ppm, page_mm))
    return out


def detect_seals(page: RasterPage) -> list[SealCandidate]:
    """The seal candidates of one page (`detect_page` without the colour flag)."""
    return detect_page(page).candidates


def _candidate(page: RasterPage, small: np.ndarray, s: float, mask: np.ndarray, d: dict,
               xs: np.ndarray, ys: np.ndarray, ppm: float, page_mm, colour: bool = True) -> SealCandidate:
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
                         ring=round(ring, 3), star=star, edge=d.get("side"), hue=hue_of(small, sel),
                         crop=crop, page_size_mm=page_mm, colour=colour, printed=bool(d.get("printed")))
