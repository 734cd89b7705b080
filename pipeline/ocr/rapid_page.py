"""Whole-page RapidOCR for the cascade: detection over the page's inked box only, band by band.

Detection costs by area: ~2.7 s CPU and ~600 MB at once for an A4 page at the 2000 px RapidOCR works
at (two page workers doing it together took a 100-page run past 1.2 GB, issue 18), and the pages the
cascade hands over whole (a 目录, a signature page under seals) are mostly white. Run on the light
models (rapid_light.py; RapidOCR itself with JIEBANG_RAPIDOCR=library), the same lines either way.
"""
from __future__ import annotations

import cv2
import numpy as np

from pipeline.ocr.rapid import ENGINE_LOCK, as_bgr, detecting, page_upside_down, result_items, settings


def detect_and_read_page(grey: np.ndarray) -> tuple[list[tuple[np.ndarray, str, float]], bool]:
    """`detect_and_read` of a whole page, detected over its inked area only and band by band.

    Detection costs by area: ~2.7 s CPU and ~600 MB at once for an A4 page at the 2000 px RapidOCR
    works at (two page workers doing it together took a 100-page run past 1.2 GB, issue 18). A 目录
    or signature page is mostly white: the page is scaled exactly as RapidOCR scales it, its inked box
    (`content_box`) is cut out, and the detector sees it in overlapping horizontal bands
    (`_detect_in_bands`); the lines found are read from the same scaled page as in the whole-page
    call, and their boxes mapped back to the page.
    """
    from pipeline.ocr import rapid_light

    if not rapid_light.use_library():
        return _light_page(grey)
    from rapidocr.ch_ppocr_cls.utils import TextClsOutput  # rapidocr is imported only where it runs

    cfg = settings()["page_content"]
    engine = detecting()
    with ENGINE_LOCK:
        ori = engine.load_img(as_bgr(grey))
        img, op_record = engine.preprocess_img(ori)
        # from here RapidOCR needs only the page's shape (boxes mapped back, the result's `img`): the
        # full-size 3-channel page (26 MB at 300 dpi) need not sit under the detector's tensors
        ori = np.broadcast_to(np.zeros((), ori.dtype), ori.shape)
        box = content_box(img[..., 0] if img.ndim == 3 else img, cfg) or (0, 0, img.shape[1], img.shape[0])
        x0, y0, x1, y1 = box
        sub = np.ascontiguousarray(img[y0:y1, x0:x1])
        det = engine.text_det
        saved = det.limit_type, det.limit_side_len
        try:
            found = _detect_in_bands(det, sub, int(cfg["band_px"]), int(cfg["band_overlap_px"]))
        finally:
            det.limit_type, det.limit_side_len = saved
        if found.boxes is None:
            return [], False
        crops = engine.crop_text_regions(sub, found.boxes)
        upright, cls = engine.cls_and_rotate(crops) if settings()["use_cls"] else (crops, TextClsOutput())
        rec = engine.recognize_txt(upright)
        record = {"preprocess": dict(op_record["preprocess"]), "padding_1": {"top": 0, "left": 0}}
        res = engine.build_final_output(ori, found, cls, rec, crops, record)
    upside_down = page_upside_down(engine, cls)
    shift = (x0 * op_record["preprocess"]["ratio_w"], y0 * op_record["preprocess"]["ratio_h"])
    return result_items(res, shift), upside_down


def _light_page(grey: np.ndarray) -> tuple[list[tuple[np.ndarray, str, float]], bool]:
    """`detect_and_read_page` on the light models (rapid_light: RapidOCR's steps, RapidOCR not imported)."""
    from pipeline.ocr import rapid_light
    from pipeline.ocr.cls_light import upside_down
    from pipeline.ocr.det_light import light_detector

    cfg = settings()
    with ENGINE_LOCK:
        shape = grey.shape[:2]
        img, op_record = rapid_light.preprocess_img(as_bgr(grey), int(cfg["max_side_len"]))
        box = content_box(img[..., 0], cfg["page_content"]) or (0, 0, img.shape[1], img.shape[0])
        x0, y0, x1, y1 = box
        sub = np.ascontiguousarray(img[y0:y1, x0:x1])
        del img
        boxes = _band_boxes(lambda part, limit: light_detector()(part, limit)[0], sub,
                            int(cfg["page_content"]["band_px"]), int(cfg["page_content"]["band_overlap_px"]))
        if boxes is None:
            return [], False
        crops = [rapid_light.rotate_crop(sub, b) for b in boxes]
        read, cls_res = rapid_light.classify_and_read(crops, bool(cfg["use_cls"]))
        record = {"preprocess": dict(op_record["preprocess"]), "padding_1": {"top": 0, "left": 0}}
        items = rapid_light.final_items(boxes, read, record, shape, float(cfg["text_score"]))
    shift = np.array([x0 * op_record["preprocess"]["ratio_w"], y0 * op_record["preprocess"]["ratio_h"]], dtype=np.float32)
    return [(q + shift, t, s) for q, t, s in items], upside_down(cls_res)


def _band_boxes(detect, img: np.ndarray, band: int, overlap: int) -> np.ndarray | None:
    """Text boxes of `img` (at its own scale) found band by band, top to bottom; None if none.

    Bands `band` px tall overlap by at least `overlap` px; a box is kept from the band in whose own
    part (split at the middle of each overlap) its centre lies, where a line no taller than the
    overlap is whole. Memory then grows with the band, not the page. `detect(part, (limit_type,
    limit_side_len))` gives a part's boxes or None.
    """
    h = img.shape[0]
    starts = [0] if h <= band else [*range(0, h - band, band - overlap), h - band]
    ends = [min(h, s + band) for s in starts]
    cuts = [0.0] + [(starts[k + 1] + ends[k]) / 2 for k in range(len(starts) - 1)] + [float(h)]
    boxes = []
    for k, (s, e) in enumerate(zip(starts, ends)):
        part = np.ascontiguousarray(img[s:e])
        found = detect(part, ("max", max(part.shape[:2])))  # at its own scale
        if found is None:
            continue
        for b in found:
            b = np.asarray(b, dtype=np.float32) + np.array([0, s], dtype=np.float32)
            if cuts[k] <= float(b[:, 1].mean()) < cuts[k + 1]:
                boxes.append(b)
    if not boxes:
        return None
    order = sorted(range(len(boxes)), key=lambda i: (float(boxes[i][0, 1]), float(boxes[i][0, 0])))
    return np.array([boxes[i] for i in order])


def _detect_in_bands(det, img: np.ndarray, band: int, overlap: int):
    """`_band_boxes` with RapidOCR's own detector (JIEBANG_RAPIDOCR=library), as its TextDetOutput."""
    from rapidocr.ch_ppocr_det.utils import TextDetOutput

    def detect(part, limit):
        det.limit_type, det.limit_side_len = limit
        return det(part).boxes

    boxes = _band_boxes(detect, img, band, overlap)
    return TextDetOutput() if boxes is None else TextDetOutput(img, boxes, [0.0] * len(boxes))


def content_box(grey: np.ndarray, cfg: dict) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) of the ink on a page image, sides whole multiples of 32 where the page allows;
    None when it covers more than `max_share` of the page (nothing to save) or there is no ink
    (the whole page is detected then).

    Ink touching the image's edge (a scanner's dark border, a 骑缝章 slice) is left out: text never
    touches the edge, and taking the border in would take the whole page.
    """
    h, w = grey.shape[:2]
    f = float(cfg["probe_px"]) / max(h, w)
    small = cv2.resize(grey, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
    ink = cv2.dilate((small < int(cfg["ink_below"])).astype(np.uint8), np.ones((3, 3), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    sh, sw = ink.shape
    kept = [stats[i] for i in range(1, n)
            if stats[i][0] > 0 and stats[i][1] > 0 and stats[i][0] + stats[i][2] < sw and stats[i][1] + stats[i][3] < sh]
    if not kept:
        return None
    margin = int(cfg["margin_px"])
    x0 = max(0, int(min(s[0] for s in kept) / f) - margin)
    y0 = max(0, int(min(s[1] for s in kept) / f) - margin)
    x1 = min(w, int(max(s[0] + s[2] for s in kept) / f) + margin)
    y1 = min(h, int(max(s[1] + s[3] for s in kept) / f) + margin)
    x0, x1 = _whole_32(x0, x1, w)
    y0, y1 = _whole_32(y0, y1, h)
    if (x1 - x0) * (y1 - y0) > float(cfg["max_share"]) * w * h:
        return None
    return x0, y0, x1, y1


def _whole_32(a: int, b: int, size: int) -> tuple[int, int]:
    """Widen [a, b) to a whole multiple of 32, inside [0, size) where it fits."""
    want = -(-(b - a) // 32) * 32
    if want > size:
        return 0, size
    b = a + want
    if b > size:
        a, b = size - want, size
    return a, b
