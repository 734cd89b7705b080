"""Image files: JPEG, PNG, BMP and multi-page TIFF, with a guard against decompression bombs."""
from __future__ import annotations

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


def raster(path: Path, rel: str, index: int) -> RasterPage:
    img = _open(path, rel)
    try:
        if index:
            img.seek(index)
        dpi = guess_dpi(img)
        stored = "grey" if img.mode in ("1", "L", "LA", "I", "I;16", "F") else "colour"  # seals need colour (issue 16)
        try:
            rgb = img.convert("RGB")
            arr = np.asarray(rgb)
        except (OSError, SyntaxError, ValueError) as exc:
            raise InputError("truncated", type(exc).__name__, file=rel, page=index + 1) from exc
    finally:
        img.close()
    return RasterPage(file=rel, number=index + 1, image=arr, dpi=dpi, meta={"stored": stored})
