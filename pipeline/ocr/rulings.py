"""Table rules on a page image, kept as typed layout data (`Page.rulings`).

OCR reads a ruled table's row as one run across its columns (≥120不低于0.36 …): the text alone
cannot say where one cell ends. The rules on the image can. They are found with the same
morphology that erases them before Tesseract reads (pipeline.ocr.preprocess.rule_mask), in the
frame of the line boxes (deskewed), and turned into segments: one per connected stroke.
"""
from __future__ import annotations

import cv2
import numpy as np

from pipeline.model import Ruling
from pipeline.ocr.preprocess import rule_masks

MIN_SPAN_MM = 8.5
"""A rule shorter than this is a character stroke, not a table line (as preprocess.RULE_MM)."""


def _segments(mask: np.ndarray, axis: str, w: int, h: int, min_len: int) -> list[Ruling]:
    # outer contours, not connected-component labelling: the masks are nearly empty and
    # labelling the whole page costs ~10x more
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = []
    for c in contours:
        x, y, bw, bh = cv2.boundingRect(c)
        if axis == "v" and bh >= min_len:
            out.append(Ruling(axis="v", at=(x + bw / 2) / w, start=y / h, end=(y + bh) / h))
        elif axis == "h" and bw >= min_len:
            out.append(Ruling(axis="h", at=(y + bh / 2) / h, start=x / w, end=(x + bw) / w))
    return out


def find_rulings(grey: np.ndarray, dpi: int, masks: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[Ruling, ...]:
    """Vertical and horizontal rules of the grey page (ink dark on light), as page fractions,
    vertical ones first, each list sorted by position. `masks`: `rule_masks(grey, dpi)` when the
    caller has them (Tesseract's rule erasure made them from the same grey)."""
    h, w = grey.shape[:2]
    horiz, vert = masks if masks is not None else rule_masks(grey, dpi)
    min_len = max(15, int(MIN_SPAN_MM * dpi / 25.4))
    v = sorted(_segments(vert, "v", w, h, min_len), key=lambda r: (r.at, r.start))
    hz = sorted(_segments(horiz, "h", w, h, min_len), key=lambda r: (r.at, r.start))
    return tuple(v + hz)
