"""Where a seal lies on a page, for the truth file: its box from the layout (never from pixels),
after the page's skew, as fractions of the page.
"""
from __future__ import annotations

import math

from pipeline.samples.typeset import A4_H, A4_W, SealMark


def seal_bbox_mm(s: SealMark) -> tuple[float, float, float, float]:
    """Axis-aligned box of the (rotated) seal outline, mm."""
    a, b = s.w / 2, s.h / 2
    t = math.radians(s.rotation)
    hw = math.sqrt((a * math.cos(t)) ** 2 + (b * math.sin(t)) ** 2)
    hh = math.sqrt((a * math.sin(t)) ** 2 + (b * math.cos(t)) ** 2)
    return s.cx - hw, s.cy - hh, s.cx + hw, s.cy + hh


def skew_box(box: tuple[float, float, float, float], angle_deg: float) -> tuple[float, float, float, float]:
    """Envelope of a box (mm) after the page is rotated by angle_deg (counter-clockwise) about its centre."""
    if not angle_deg:
        return box
    cx, cy = A4_W / 2, A4_H / 2
    t = math.radians(angle_deg)
    xs, ys = [], []
    for x, y in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])):
        dx, dy = x - cx, y - cy
        # PIL rotates counter-clockwise on screen (y down): x' = cx + dx cos + dy sin, y' = cy - dx sin + dy cos
        xs.append(cx + dx * math.cos(t) + dy * math.sin(t))
        ys.append(cy - dx * math.sin(t) + dy * math.cos(t))
    return min(xs), min(ys), max(xs), max(ys)


def frac(box: tuple[float, float, float, float]) -> list[float]:
    x0, y0, x1, y1 = box
    return [round(max(0.0, x0) / A4_W, 4), round(max(0.0, y0) / A4_H, 4),
            round(min(A4_W, x1) / A4_W, 4), round(min(A4_H, y1) / A4_H, 4)]
