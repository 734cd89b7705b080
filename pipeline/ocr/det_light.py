"""RapidOCR's DB text detector on onnxruntime directly: boxes of text lines without importing RapidOCR.

Why: importing RapidOCR costs a page worker ~32 MB RSS (pydantic, requests, shapely, PIL, omegaconf…)
and ~0.42 s CPU (its OmegaConf catalogue), and a cascade worker imports it only to detect (blocks,
gap regions, whole pages: issue 18). This copies rapidocr 3.10.0's detector step for step, with its
config.yaml's `Det` values: `DetPreProcess` (resize to multiples of 32 under `limit_type` /
`limit_side_len`, normalise), the session (made as rec_light makes its own), `DBPostProcess`
(threshold 0.3, 2x2 dilation, contours, min-area boxes, fast box score ≥ 0.5, pyclipper unclip
1.6, clockwise order, clip) and `TextDetector.sorted_boxes` — ch_ppocr_det/main.py and utils.py.
Shapely served only the unclip distance (a polygon's area and perimeter): GEOS's own sums are
reproduced here in the same order, so the distance is the same float (tests/test_light_det_cls.py).
"""
from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np

SORT_Y_THRESHOLD = 10
THRESH, BOX_THRESH, MAX_CANDIDATES, UNCLIP_RATIO, MIN_SIZE = 0.3, 0.5, 1000, 1.6, 3
DEFAULT_LIMIT = ("min", 736)
"""RapidOCR's `Det.limit_type` / `Det.limit_side_len` (config.yaml): a whole page's short side to 736 px."""


def size32(h: int, w: int, ratio: float) -> tuple[int, int]:
    """(h, w) scaled by `ratio`, each rounded to a multiple of 32, as RapidOCR rounds them (its
    `DetPreProcess` and `resize_image_within_bounds` alike); a side may round to 0."""
    return int(round(int(h * ratio) / 32) * 32), int(round(int(w * ratio) / 32) * 32)


def det_input(img: np.ndarray, limit_type: str, limit_side_len: int) -> np.ndarray | None:
    """`DetPreProcess`: the network's 1×3×H×W input (sides multiples of 32), None if it rounds to nothing."""
    h, w = img.shape[:2]
    if limit_type == "max":
        ratio = float(limit_side_len) / (h if h > w else w) if max(h, w) > limit_side_len else 1.0
    else:
        ratio = float(limit_side_len) / (h if h < w else w) if min(h, w) < limit_side_len else 1.0
    resize_h, resize_w = size32(h, w, ratio)
    if resize_w <= 0 or resize_h <= 0:
        return None
    x = cv2.resize(img, (resize_w, resize_h)).astype(np.float32)
    # RapidOCR: (x * (1/255) - mean) / std with float64 mean/std (0.5), then float32. x - 0.5 and / 0.5
    # are exact in float64 for these float32 values, so float32 arithmetic in place rounds the same
    # once, without two float64 copies of the page (16 bytes a pixel more while it detects).
    x *= np.float32(1 / 255.0)
    x -= np.float32(0.5)
    x /= np.float32(0.5)
    return np.ascontiguousarray(x.transpose((2, 0, 1))[np.newaxis])


def mini_box(contour: np.ndarray) -> tuple[np.ndarray, float]:
    """`get_mini_boxes`: the min-area rectangle's corners (top-left, top-right, bottom-right,
    bottom-left as RapidOCR picks them) and its shorter side."""
    rect = cv2.minAreaRect(contour)
    points = sorted(list(cv2.boxPoints(rect)), key=lambda x: x[0])
    i1, i4 = (0, 1) if points[1][1] > points[0][1] else (1, 0)
    i2, i3 = (2, 3) if points[3][1] > points[2][1] else (3, 2)
    return np.array([points[i1], points[i2], points[i3], points[i4]]), min(rect[1])


def box_score_fast(bitmap: np.ndarray, _box: np.ndarray) -> float:
    h, w = bitmap.shape[:2]
    box = _box.copy()
    xmin = np.clip(np.floor(box[:, 0].min()).astype(np.int32), 0, w - 1)
    xmax = np.clip(np.ceil(box[:, 0].max()).astype(np.int32), 0, w - 1)
    ymin = np.clip(np.floor(box[:, 1].min()).astype(np.int32), 0, h - 1)
    ymax = np.clip(np.ceil(box[:, 1].max()).astype(np.int32), 0, h - 1)
    mask = np.zeros((ymax - ymin + 1, xmax - xmin + 1), dtype=np.uint8)
    box[:, 0] = box[:, 0] - xmin
    box[:, 1] = box[:, 1] - ymin
    cv2.fillPoly(mask, box.reshape(1, -1, 2).astype(np.int32), 1)
    return cv2.mean(bitmap[ymin:ymax + 1, xmin:xmax + 1], mask)[0]


def ring_area_length(box: np.ndarray) -> tuple[float, float]:
    """Area and perimeter of the closed ring through `box`'s points, summed as GEOS sums them
    (`Area::ofRingSigned`'s shoelace relative to the first x, `Length::ofLine`): shapely's
    `Polygon(box).area` / `.length`."""
    pts = [(float(x), float(y)) for x, y in box.reshape(-1, 2)]
    pts.append(pts[0])
    n = len(pts)
    area = 0.0
    if n >= 3:
        x0 = pts[0][0]
        for i in range(1, n - 1):
            area += (pts[i][0] - x0) * (pts[i - 1][1] - pts[i + 1][1])
        area = abs(area / 2.0)
    length = 0.0
    for (xa, ya), (xb, yb) in zip(pts, pts[1:]):
        dx, dy = xb - xa, yb - ya
        length += math.sqrt(dx * dx + dy * dy)
    return area, length


def unclip(box: np.ndarray, ratio: float = UNCLIP_RATIO) -> np.ndarray:
    import pyclipper

    area, length = ring_area_length(box)
    offset = pyclipper.PyclipperOffset()
    offset.AddPath(box, pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    return np.array(offset.Execute(area * ratio / length)).reshape((-1, 1, 2))


def boxes_from_bitmap(pred: np.ndarray, bitmap: np.ndarray, dest_width: int, dest_height: int) -> tuple[list, list]:
    height, width = bitmap.shape
    contours = cv2.findContours((bitmap * 255).astype(np.uint8), cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)[-2]
    boxes, scores = [], []
    for contour in contours[:MAX_CANDIDATES]:
        points, sside = mini_box(contour)
        if sside < MIN_SIZE:
            continue
        score = box_score_fast(pred, points.reshape(-1, 2))
        if BOX_THRESH > score:
            continue
        box, sside = mini_box(unclip(points))
        if sside < MIN_SIZE + 2:
            continue
        box[:, 0] = np.clip(np.round(box[:, 0] / width * dest_width), 0, dest_width)
        box[:, 1] = np.clip(np.round(box[:, 1] / height * dest_height), 0, dest_height)
        boxes.append(box.astype(np.int32))
        scores.append(score)
    return boxes, scores


def order_clockwise(pts: np.ndarray) -> np.ndarray:
    """`order_points_clockwise`: top-left, top-right, bottom-right, bottom-left (float32)."""
    xs = pts[np.argsort(pts[:, 0]), :]
    left, right = xs[:2, :], xs[2:, :]
    tl, bl = left[np.argsort(left[:, 1]), :]
    tr, br = right[np.argsort(right[:, 1]), :]
    return np.array([tl, tr, br, bl], dtype="float32")


def filter_boxes(boxes: list, scores: list, img_height: int, img_width: int) -> tuple[np.ndarray, list]:
    """`filter_det_res`: ordered, clipped to the image, and none 3 px or narrower."""
    kept, kept_scores = [], []
    for box, score in zip(boxes, scores):
        box = order_clockwise(box)
        for p in range(box.shape[0]):
            box[p, 0] = int(min(max(box[p, 0], 0), img_width - 1))
            box[p, 1] = int(min(max(box[p, 1], 0), img_height - 1))
        if int(np.linalg.norm(box[0] - box[1])) <= 3 or int(np.linalg.norm(box[0] - box[3])) <= 3:
            continue
        kept.append(box)
        kept_scores.append(score)
    return np.array(kept), kept_scores


def sorted_boxes(dt_boxes: np.ndarray) -> np.ndarray:
    """`TextDetector.sorted_boxes`: top to bottom by first corner, left to right within 10 px of y."""
    if len(dt_boxes) == 0:
        return dt_boxes
    y_order = np.argsort(dt_boxes[:, 0, 1], kind="stable")
    by_y = dt_boxes[y_order]
    line_ids = np.concatenate([[0], np.cumsum((np.diff(by_y[:, 0, 1]) >= SORT_Y_THRESHOLD).astype(np.int32))])
    return by_y[np.lexsort((by_y[:, 0, 0], line_ids))]


class LightDetector:
    """`TextDetector.__call__`: (boxes N×4×2 float32, scores) of a BGR image, or (None, None)."""

    def __init__(self, model_path: str, threads: int):
        from pipeline.ocr.rec_light import ort_session

        self.session = ort_session(model_path, threads)
        self._inputs = [v.name for v in self.session.get_inputs()]
        self._outputs = [v.name for v in self.session.get_outputs()]

    def __call__(self, img: np.ndarray, limit: tuple[str, int] = DEFAULT_LIMIT) -> tuple[np.ndarray | None, list | None]:
        x = det_input(img, *limit)
        if x is None:
            return None, None
        pred = self.session.run(self._outputs, dict(zip(self._inputs, [x])))[0][:, 0, :, :]
        del x
        mask = cv2.dilate(np.array((pred > THRESH)[0]).astype(np.uint8), np.array([[1, 1], [1, 1]]))
        boxes, scores = boxes_from_bitmap(pred[0], mask, img.shape[1], img.shape[0])
        boxes, scores = filter_boxes(boxes, scores, img.shape[0], img.shape[1])
        if len(boxes) < 1:
            return None, None
        return sorted_boxes(boxes), scores


@lru_cache(maxsize=1)
def light_detector() -> LightDetector:
    from pipeline.ocr import stagetime
    from pipeline.ocr.rapid_config import settings
    from pipeline.ocr.rec_light import bundled_model

    with stagetime.stage("models"):
        return LightDetector(str(bundled_model("Det")), int(settings()["threads"]))
