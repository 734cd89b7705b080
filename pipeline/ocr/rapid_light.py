"""RapidOCR's whole pipeline — detect, classify, recognise — from the light models, without importing it.

Why: a page worker that detects (cascade blocks, gap regions, whole pages) imported RapidOCR 3.10.0
for it: +32 MB RSS and ~0.42 s CPU per worker (issue 18). This copies the glue of its `RapidOCR`
(main.py: `preprocess_img`, `run_ocr_steps`, `build_final_output`, `filter_by_text_score`) and of
utils/process_img.py (`resize_image_within_bounds`, `apply_vertical_padding`, `get_rotate_crop_image`,
`map_boxes_to_original`) with config.yaml's `Global` values, over det_light, cls_light and rec_light
(recognition by rapid_rec's batching): the same boxes, texts, scores and 180° verdicts
(benchmarks/rapid_light_identity.py, tests/test_light_det_cls.py). Env JIEBANG_RAPIDOCR=library
runs RapidOCR itself instead (rapid.py, rapid_page.py), for comparison.
"""
from __future__ import annotations

import os

import cv2
import numpy as np

MIN_SIDE_LEN = 30
MIN_HEIGHT = 30
WIDTH_HEIGHT_RATIO = 8


def use_library() -> bool:
    """JIEBANG_RAPIDOCR=library: detect with RapidOCR itself (the old path, for comparison)."""
    return os.environ.get("JIEBANG_RAPIDOCR", "").strip().lower() == "library"


def _resize(img: np.ndarray, ratio: float) -> tuple[np.ndarray, float, float]:
    from pipeline.ocr.det_light import size32

    h, w = img.shape[:2]
    resize_h, resize_w = size32(h, w, ratio)
    if resize_w <= 0 or resize_h <= 0:
        raise ValueError("resize_w or resize_h is less than or equal to 0")
    return cv2.resize(img, (resize_w, resize_h)), h / resize_h, w / resize_w


def preprocess_img(ori: np.ndarray, max_side_len: int) -> tuple[np.ndarray, dict]:
    """`RapidOCR.preprocess_img`: the long side to at most `max_side_len`, the short to at least 30,
    each to multiples of 32; op_record with the ratios back to `ori`."""
    img, ratio_h, ratio_w = ori, 1.0, 1.0
    h, w = img.shape[:2]
    if max(h, w) > max_side_len:
        img, ratio_h, ratio_w = _resize(img, float(max_side_len) / (h if h > w else w))
    h, w = img.shape[:2]
    if min(h, w) < MIN_SIDE_LEN:
        img, ratio_h, ratio_w = _resize(img, float(MIN_SIDE_LEN) / (h if h < w else w))
    return img, {"preprocess": {"ratio_h": ratio_h, "ratio_w": ratio_w}}


def vertical_padding(img: np.ndarray, op_record: dict) -> np.ndarray:
    """`apply_vertical_padding`: a strip 30 px or lower, or wider than 8:1, gets black above and below."""
    h, w = img.shape[:2]
    if h <= MIN_HEIGHT or w / h > WIDTH_HEIGHT_RATIO:
        pad = int(abs(max(int(w / WIDTH_HEIGHT_RATIO), MIN_HEIGHT) * 2 - h) / 2)
        op_record["padding_1"] = {"top": pad, "left": 0}
        return cv2.copyMakeBorder(img, pad, pad, 0, 0, cv2.BORDER_CONSTANT, value=(0, 0, 0))
    op_record["padding_1"] = {"top": 0, "left": 0}
    return img


def rotate_crop(img: np.ndarray, points: np.ndarray) -> np.ndarray:
    """`get_rotate_crop_image`: the quadrilateral warped upright (cubic, replicated border); a crop
    1.5x taller than wide is turned 90°."""
    points = np.array(points, copy=True)
    width = int(max(np.linalg.norm(points[0] - points[1]), np.linalg.norm(points[2] - points[3])))
    height = int(max(np.linalg.norm(points[0] - points[3]), np.linalg.norm(points[1] - points[2])))
    pts_std = np.array([[0, 0], [width, 0], [width, height], [0, height]]).astype(np.float32)
    m = cv2.getPerspectiveTransform(points, pts_std)
    dst = cv2.warpPerspective(img, m, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)
    if dst.shape[0] * 1.0 / dst.shape[1] >= 1.5:
        dst = np.ascontiguousarray(np.rot90(dst))
    return dst


def map_boxes(boxes: np.ndarray, op_record: dict, ori_h: int, ori_w: int) -> np.ndarray:
    """`map_boxes_to_original`: padding taken off, scaled back, clipped to the original image."""
    for op in reversed(list(op_record.keys())):
        v = op_record[op]
        if "padding" in op:
            boxes[:, :, 0] -= v.get("left")
            boxes[:, :, 1] -= v.get("top")
        elif "preprocess" in op:
            boxes[:, :, 0] *= v.get("ratio_w")
            boxes[:, :, 1] *= v.get("ratio_h")
    boxes = np.where(boxes < 0, 0, boxes)
    boxes[..., 0] = np.where(boxes[..., 0] > ori_w, ori_w, boxes[..., 0])
    boxes[..., 1] = np.where(boxes[..., 1] > ori_h, ori_h, boxes[..., 1])
    return boxes


def classify_and_read(crops: list[np.ndarray], use_cls: bool) -> tuple[list[tuple[str, float]], list | None]:
    """`run_ocr_steps` after detection: the angle classifier (turning 180° crops), then recognition
    by rapid_rec's batching (RapidOCR's own, memory bounded) → ((text, score) per crop, cls_res)."""
    from pipeline.ocr.cls_light import light_classifier
    from pipeline.ocr.rapid_config import settings
    from pipeline.ocr.rapid_rec import recognize
    from pipeline.ocr.rec_light import light_recognizer

    cls_res = None
    if use_cls:
        crops, cls_res = light_classifier()(crops)
    return recognize(light_recognizer(), crops, int(settings()["rec_max_batch_px"])), cls_res


def final_items(boxes: np.ndarray, read: list[tuple[str, float]], op_record: dict, ori_shape: tuple,
                text_score: float) -> list[tuple[np.ndarray, str, float]]:
    """`build_final_output` + `filter_by_text_score`: boxes mapped to the original image, empty
    texts and texts scoring under `text_score` dropped → (quad float32, text, score) per line."""
    boxes = map_boxes(boxes, op_record, ori_shape[0], ori_shape[1])
    out = []
    for box, (text, score) in zip(boxes, read):
        if text.strip() and not score < text_score:
            out.append((np.asarray(box, dtype=np.float32), str(text), float(score)))
    return out


def ocr(bgr: np.ndarray, limit: tuple[str, int] | None = None) -> tuple[list[tuple[np.ndarray, str, float]], list | None]:
    """`RapidOCR.__call__` on a 3-channel image: ((quad, text, score) per line, the classifier's
    cls_res or None). `limit`: the detector's (limit_type, limit_side_len), RapidOCR's default if None."""
    from pipeline.ocr.det_light import DEFAULT_LIMIT, light_detector
    from pipeline.ocr.rapid_config import settings

    cfg = settings()
    img, op_record = preprocess_img(bgr, int(cfg["max_side_len"]))
    img = vertical_padding(img, op_record)
    boxes, _scores = light_detector()(img, limit or DEFAULT_LIMIT)
    if boxes is None:  # RapidOCR: "The text detection result is empty"
        return [], None
    crops = [rotate_crop(img, box) for box in boxes]
    read, cls_res = classify_and_read(crops, bool(cfg["use_cls"]))
    return final_items(boxes, read, op_record, bgr.shape[:2], float(cfg["text_score"])), cls_res
