"""Boxes read on a cropped raster, as fractions of the whole page.

The pixel budget crops a huge page to its content before rendering (readers/pdf.py `_fit`); OCR and
the seal detector then give boxes as fractions of that crop. Evidence boxes are fractions of the page
(model.BBox), so the highlight lands on the page the workbench shows: `to_page` maps them through the
crop window (`RasterPage.meta['window']`: left, top, width, height as fractions of the page, top-left
origin), turned as the page was turned for reading.
"""
from __future__ import annotations

Window = tuple[float, float, float, float]


def turned(window: Window, rotation: int) -> Window:
    """The crop window in the frame of the page turned `rotation` degrees clockwise (as OCR turned it)."""
    x, y, w, h = window
    k = (rotation // 90) % 4
    if k == 1:  # (x, y) → (1 - y, x)
        return 1 - y - h, x, h, w
    if k == 2:  # (x, y) → (1 - x, 1 - y)
        return 1 - x - w, 1 - y - h, w, h
    if k == 3:  # (x, y) → (y, 1 - x)
        return y, 1 - x - w, h, w
    return window


def box(b, window: Window) -> tuple[float, float, float, float]:
    x, y, w, h = window
    return (x + b[0] * w, y + b[1] * h, x + b[2] * w, y + b[3] * h)


def to_page(page, finds, window: Window | None):
    """(page, seal finds) with every box and centre a fraction of the whole page, and the page's
    size (pixels at its dpi; seals: millimetres) the whole page's."""
    if not window:
        return page, finds
    w = turned(tuple(window), page.rotation if page is not None else 0)
    if page is not None:
        lines = tuple(line.model_copy(update={
            "bbox": box(line.bbox, w),
            "words": tuple(word.model_copy(update={"bbox": box(word.bbox, w)}) for word in line.words)})
            for line in page.lines)
        page = page.model_copy(update={"lines": lines, "width": page.width / w[2], "height": page.height / w[3]})
    moved = []
    for f in finds:
        cx, cy = f.center
        mm = f.page_size_mm
        moved.append(f.model_copy(update={
            "bbox": box(f.bbox, w), "center": (w[0] + cx * w[2], w[1] + cy * w[3]),
            "page_size_mm": (mm[0] / w[2], mm[1] / w[3]) if mm[0] and mm[1] else mm}))
    return page, moved
