"""Page preprocessing for OCR: seal removal, ruled-table removal, orientation and skew.

Measured on rendered form pages (domain-notes §5): the red channel as the grey image makes red seal
ink vanish while black text under it stays (an HSV mask whitens the dark-red edges of black strokes);
erasing long table rules stops Tesseract from dropping whole tables. Together: ~25% → ~1.5% CER.
"""
from __future__ import annotations

import math

import cv2
import numpy as np

RULE_MM = 8.5
"""Minimum length of a line treated as a table rule (about the shortest table cell edge)."""


def red_channel(rgb: np.ndarray) -> np.ndarray:
    """Grey image in which red ink is as bright as the paper."""
    if rgb.ndim == 2:
        return rgb
    return np.ascontiguousarray(rgb[:, :, 0])


def remove_rules(grey: np.ndarray, dpi: int) -> np.ndarray:
    """Paint long horizontal and vertical rules white; characters are far shorter than RULE_MM."""
    length = max(15, int(RULE_MM * dpi / 25.4))
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    rules = cv2.bitwise_or(horiz, vert)
    if not rules.any():
        return grey
    rules = cv2.dilate(rules, np.ones((3, 3), np.uint8))
    out = grey.copy()
    out[rules > 0] = 255
    return out


def estimate_skew(grey: np.ndarray, dpi: int) -> float:
    """Skew angle in degrees (positive = text runs down to the right), from text-line blobs.

    Characters are smeared horizontally into line blobs; the median angle of the long blobs'
    minimum-area rectangles is the page skew. Cheap: runs on a page downscaled to ~100 dpi.
    """
    scale = min(1.0, 100.0 / max(dpi, 1))
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else grey
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    ink = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    angles: list[float] = []
    weights: list[float] = []
    contours, _ = cv2.findContours(ink, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    for c in contours:
        x, y, w, h = cv2.boundingRect(c)
        if w < 60 or h > w / 4:
            continue
        (_, _), (rw, rh), ang = cv2.minAreaRect(c)
        if rw < rh:
            ang -= 90
        if ang < -45:
            ang += 90
        if ang > 45:
            ang -= 90
        if abs(ang) <= 10:
            angles.append(ang)
            weights.append(w)
    if len(angles) < 3:
        return 0.0
    order = np.argsort(angles)
    a = np.asarray(angles)[order]
    w = np.asarray(weights)[order]
    cum = np.cumsum(w)
    return float(a[np.searchsorted(cum, cum[-1] / 2)])


def rotate(img: np.ndarray, degrees: float, fill: int | tuple = 255) -> np.ndarray:
    """Rotate by any angle around the centre, keeping the page size (small deskew angles)."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    border = fill if img.ndim == 2 else (fill,) * 3 if isinstance(fill, int) else fill
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border)


def rotate_quadrant(img: np.ndarray, clockwise_degrees: int) -> np.ndarray:
    k = (clockwise_degrees // 90) % 4
    if k == 0:
        return img
    codes = {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(img, codes[k])


DESKEW_MIN_DEGREES = 0.8
"""Below this Tesseract reads as well without deskewing (measured: ±1.5° needed none)."""


def prepare_for_ocr(rgb: np.ndarray, dpi: int, *, erase_rules: bool = True) -> tuple[np.ndarray, float]:
    """Red channel, deskew when it helps, rules erased. Returns (grey image, skew corrected in degrees)."""
    grey = red_channel(rgb)
    skew = estimate_skew(grey, dpi)
    if abs(skew) >= DESKEW_MIN_DEGREES and not math.isnan(skew):
        grey = rotate(grey, skew)
    else:
        skew = 0.0
    if erase_rules:
        grey = remove_rules(grey, dpi)
    return grey, skew
