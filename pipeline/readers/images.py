"""Image files: JPEG, PNG, BMP and multi-page TIFF, with a guard against decompression bombs."""
from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from pipeline.errors import InputError
from pipeline.ocr.base import RasterPage

MAX_PIXELS = 120_000_000
"""A4 at 600 dpi is 35 MP; anything far above is a bomb or not a page."""
A4_INCHES = (8.27, 11.69)


def _open(path: Path, rel: str) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(path)
            w, h = img.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InputError("decompression_bomb", file=rel) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InputError("truncated", type(exc).__name__, file=rel) from exc
    if w * h > MAX_PIXELS:
        raise InputError("decompression_bomb", f"{w}×{h}", file=rel)
    return img


def frame_count(path: Path, rel: str) -> int:
    img = _open(path, rel)
    try:
        return max(1, int(getattr(img, "n_frames", 1)))
    except Exception as exc:  # a damaged TIFF fails while walking its frames (SyntaxError, TypeError...)
        raise InputError("truncated", type(exc).__name__, file=rel) from exc
    finally:
        img.close()


def guess_dpi(img: Image.Image) -> int:
    """The file's dpi when plausible, else the dpi an A4 page of this pixel size would have."""
    dpi = img.info.get("dpi")
    if dpi:
        try:
            d = int(round(float(dpi[0])))
        except (TypeError, ValueError, IndexError):
            d = 0
        if 100 <= d <= 1200:
            return d
    w, h = img.size
    short, long_ = sorted((w, h))
    return max(72, int(round(max(short / A4_INCHES[0], long_ / A4_INCHES[1]))))


def within_budget(img: Image.Image) -> Image.Image:
    """The image at most intake.yaml `page_pixels` large: a JPEG is decoded smaller by its own DCT
    scaling (draft: the full size is never allocated), anything else reduced after decoding."""
    from pipeline.intake import default_limits

    budget = default_limits().page_pixels
    w, h = img.size
    if w * h <= budget:
        return img
    factor = math.ceil(math.sqrt(w * h / budget))
    if img.format == "JPEG":
        img.draft("RGB", (w // factor, h // factor))
    w, h = img.size
    if w * h > budget:
        img.load()
        img = img.reduce(math.ceil(math.sqrt(w * h / budget)))
    return img


GREY_MODES = ("1", "L", "LA", "I", "I;16", "F")
"""Pillow modes that store a picture without colour."""


def raster(path: Path, rel: str, index: int) -> RasterPage:
    img = _open(path, rel)
    try:
        if index:
            img.seek(index)
        dpi = guess_dpi(img)
        w0 = img.size[0]
        stored = "grey" if img.mode in GREY_MODES else "colour"  # seals need colour (issue 16)
        try:
            img = within_budget(img)
            # convert() to the mode it has is a copy (35 MB more at 300 dpi A4, issue 18): only other modes
            rgb = img if img.mode == "RGB" else img.convert("RGB")
            arr = np.asarray(rgb)
            meta = {}
            if rgb.size[0] != w0:  # read smaller than stored: the dpi shrinks with it
                dpi = max(1, int(round(dpi * rgb.size[0] / w0)))
                meta["scale_dpi"] = dpi
        except (OSError, SyntaxError, ValueError) as exc:
            raise InputError("truncated", type(exc).__name__, file=rel, page=index + 1) from exc
    finally:
        img.close()
    meta["stored"] = stored
    return RasterPage(file=rel, number=index + 1, image=arr, dpi=dpi, meta=meta)


BLANK_INK_FRACTION = 0.0002
"""Below this share of inked pixels a page is blank (a 5-character line on A4 is ~0.003)."""
BLANK_CONTRAST = 25
"""A pixel is ink when it is this much darker than the paper (in its darkest channel: red seals count);
low, so a faded scan is not taken for blank (scanner noise is isolated dots, removed first)."""


def looks_blank(image: np.ndarray) -> bool:
    """True for a page with (almost) nothing on it, decided on a quarter-size copy in a few ms, so
    blank pages skip orientation detection, OCR and seal search (a 2,000-page blank PDF spent minutes
    there). Scanner speckle is isolated dots; the morphological opening removes them first."""
    import cv2

    if image.size == 0:
        return True
    h, w = image.shape[:2]
    f = max(1, int(round(max(h, w) / 2000)))
    small = cv2.resize(image, (max(1, w // f), max(1, h // f)), interpolation=cv2.INTER_AREA) if f > 1 else image
    if small.ndim == 3:
        small = cv2.min(cv2.min(small[..., 0], small[..., 1]), small[..., 2])  # = np.min(axis=2), 20x faster
    paper = float(cv2.calcHist([small], [0], None, [256], [0, 256]).cumsum().searchsorted(0.9 * small.size))
    ink = (small < paper - BLANK_CONTRAST).astype(np.uint8)
    if ink.mean() > 10 * BLANK_INK_FRACTION:  # clearly not blank: skip the cleanup
        return False
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    return float(ink.mean()) < BLANK_INK_FRACTION
