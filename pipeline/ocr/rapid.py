"""RapidOCR engine ("rapidocr"): PP-OCRv6 small det/rec + mobile angle classifier on onnxruntime.

Why this engine: on scanned form pages it reads ~0.4% CER and every line exactly, where Tesseract
drops ruled tables and text under seals (domain-notes §5.2). Its cost is ~5 s/page/core, so the
default "cascade" engine only asks it to re-read chosen crops (`read_crops`).

Rules kept here:
- Only the models bundled in the rapidocr 3.10.0 wheel (rapidocr/models/). Each model is passed
  by explicit `model_path`, so RapidOCR never routes to its ModelScope download; a missing file
  fails when the instance is made (every model file is checked then). Nothing here imports RapidOCR
  by default (issue 18: +32 MB RSS, ~0.42 s CPU per worker): recognition alone (the cascade's crops,
  `read_crops`; seal arcs) runs on rec_light's recogniser, detection (`detect_and_read`, rapid_page)
  on RapidOCR's steps copied over the light models (rapid_light.py: det_light, cls_light), each
  model loaded on first use. JIEBANG_RAPIDOCR=library detects with RapidOCR itself (`detecting()`,
  sharing that recogniser) for comparison (benchmarks/rapid_light_identity.py).
- One onnxruntime intra/inter-op thread; one instance per process (`ocr_instance()` cache).
- Input is the red channel of the RGB page as grey: red seal ink turns white, so RapidOCR does
  not read the seal's own text into the page and reads the black text under it.
Settings live in rapid.yaml next to this file.
"""
from __future__ import annotations

import threading
from functools import lru_cache
from typing import Callable

import numpy as np

from pipeline.model import Line, Page, Word
from pipeline.ocr import stagetime
from pipeline.ocr.base import RasterPage, register
from pipeline.ocr.lookalikes import fix_lines
from pipeline.ocr.preprocess import levelled_red
from pipeline.ocr.punctuation import fix_punctuation
from pipeline.ocr.rapid_config import CONFIG_PATH, bundled_model_dir, settings  # noqa: F401  (rapid.settings() for callers)
from pipeline.ocr.rapid_rec import BoundedRecognizer, capped_width, recognize
from pipeline.ocr.rec_light import REC_HEIGHT

ENGINE = "rapidocr"


def rapidocr_params(cfg: dict | None = None) -> dict:
    """The `params` dict for `RapidOCR(params=...)`: bundled model files, threads, logging."""
    cfg = cfg or settings()
    root = bundled_model_dir()
    params: dict = {
        "Global.max_side_len": int(cfg["max_side_len"]),
        "Global.text_score": float(cfg["text_score"]),
        "Global.use_cls": bool(cfg["use_cls"]),
        "Global.log_level": "warning",
        "Global.model_root_dir": str(root),
        "EngineConfig.onnxruntime.intra_op_num_threads": int(cfg["threads"]),
        "EngineConfig.onnxruntime.inter_op_num_threads": int(cfg["threads"]),
        "Rec.rec_img_shape": [3, REC_HEIGHT, int(cfg.get("rec_min_width", 320))],
        "Rec.rec_batch_num": int(cfg.get("rec_batch", 6)),
    }
    for task, filename in cfg["models"].items():
        path = root / filename
        if not path.is_file():
            raise FileNotFoundError(f"RapidOCR bundled model missing: {path} (reinstall rapidocr==3.10.0)")
        params[f"{task}.model_path"] = str(path)
    return params


ENGINE_LOCK = threading.Lock()
"""One RapidOCR instance per process: its calls (and the detector limits set around them) one at a time."""


@lru_cache(maxsize=1)
def ocr_instance():
    """The process-wide RapidOCR object (model files checked: fail early, offline), recognising with
    the process's light recogniser (rec_light: one copy of the model), bounded in memory
    (`rapid_rec.BoundedRecognizer`); detector and classifier come with `detecting()`."""
    from pipeline.ocr.rec_light import light_recognizer

    stagetime.count("rapidocr_loads")  # processes that imported RapidOCR (issue 18: ~0.45 s CPU each)
    with stagetime.stage("models"):
        from rapidocr import RapidOCR

        engine = RapidOCR(params=rapidocr_params())
        engine.cfg.Rec.font_path = engine.cfg.Global.font_path  # as its own `_load_rec_model` sets it
        engine.text_rec = BoundedRecognizer(light_recognizer(), int(settings()["rec_max_batch_px"]), engine.cfg.Rec)
    return engine


def detecting():
    """`ocr_instance()` with its detector and angle classifier loaded (on the first detection)."""
    engine = ocr_instance()
    if engine.text_det is None or engine.text_cls is None:
        with stagetime.stage("models"):
            engine._load_det_model()
            engine._load_cls_model()
    return engine


def ocr_grey(image: np.ndarray) -> np.ndarray:
    """Grey input for RapidOCR: the levelled red channel (preprocess.levelled_red).

    In the plain red channel seal ink is still light grey, dark enough for RapidOCR to read the
    seal's arc text and 申报专用章 into the page; levelling stretches it to white while black text
    stays black.
    """
    return levelled_red(image)


def as_bgr(grey: np.ndarray) -> np.ndarray:
    return np.repeat(grey[..., None], 3, axis=2) if grey.ndim == 2 else grey


def read_crops(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """Recognition only (no detection) on single-line crops; returns (text, score 0..1) per crop.

    RGB crops go through `ocr_grey` like whole pages; grey crops are taken as already prepared
    (cut from `ocr_grey(page)`, which levels against the whole page's paper).

    Read by the light recogniser (rec_light.py) with RapidOCR's batching (`rapid_rec.recognize`):
    the texts and scores of RapidOCR's `recognize_txt`, without importing RapidOCR.
    """
    if not crops:
        return []
    from pipeline.ocr.rec_light import light_recognizer

    rec = light_recognizer()
    cap = int(settings().get("rec_max_crop_px", 0))
    imgs = [as_bgr(c if c.ndim == 2 else ocr_grey(c)) for c in crops]
    if cap:
        imgs = [capped_width(im, cap, REC_HEIGHT) for im in imgs]
    with ENGINE_LOCK:
        out = recognize(rec, imgs, int(settings()["rec_max_batch_px"]))
    return [("".join(fix_punctuation([str(t)])), float(np.clip(s, 0.0, 1.0))) for t, s in out]


def detect_and_read(grey: np.ndarray, region: bool = False, dpi: int | None = None) -> tuple[list[tuple[np.ndarray, str, float]], bool]:
    """Full RapidOCR on a grey image: ((quadrilateral 4x2 in pixels, text, score) per box, upside_down).

    The steps of `RapidOCR.__call__` (3.10.0), run by rapid_light on the light models (RapidOCR's own
    with JIEBANG_RAPIDOCR=library), keep the angle classifier's verdicts: when most lines were turned
    180° the page itself is upside down (the texts are already upright; only the boxes and their
    order need turning).

    `region=True` is for a small part of a page (a few lines): the detector then works at the
    crop's own scale instead of enlarging its short side to 736 px (5x the work on a line strip);
    given the page's `dpi`, no finer than `region_dpi` (a block of lines under a seal at 300 dpi
    took a worker to ~680 MB; whole pages are detected at ~170 dpi anyway). Recognition still
    reads the boxes from the full-resolution image.
    """
    from pipeline.ocr import rapid_light
    from pipeline.ocr.cls_light import upside_down

    limit = None
    if region:
        side = int(settings()["max_side_len"])
        if dpi:
            side = min(side, max(32, int(max(grey.shape[:2]) * min(1.0, settings()["region_dpi"] / dpi))))
        limit = ("max", side)
    if not rapid_light.use_library():  # RapidOCR's steps on the light models: RapidOCR never imported
        with ENGINE_LOCK:
            items, cls_res = rapid_light.ocr(as_bgr(grey), limit)
        return items, upside_down(cls_res)
    engine = detecting()
    with ENGINE_LOCK:
        det = engine.text_det
        saved = det.limit_type, det.limit_side_len
        if limit:
            det.limit_type, det.limit_side_len = limit
        try:
            return _detect_and_read(engine, grey)
        finally:
            det.limit_type, det.limit_side_len = saved


def page_upside_down(engine, cls) -> bool:
    """Most lines turned 180° by RapidOCR's angle classifier: the page itself is upside down."""
    from pipeline.ocr.cls_light import upside_down

    return upside_down(cls.cls_res, engine.cfg.Cls.cls_thresh)


def _detect_and_read(engine, grey: np.ndarray) -> tuple[list[tuple[np.ndarray, str, float]], bool]:
    engine.update_params(use_det=True, use_cls=bool(settings()["use_cls"]), use_rec=True)
    ori = engine.load_img(as_bgr(grey))
    img, op_record = engine.preprocess_img(ori)
    det, cls, rec, crops = engine.run_ocr_steps(img, op_record)
    res = engine.build_final_output(ori, det, cls, rec, crops, op_record)
    upside_down = page_upside_down(engine, cls)
    return result_items(res), upside_down


def result_items(res, shift: tuple[float, float] = (0.0, 0.0)) -> list[tuple[np.ndarray, str, float]]:
    """(quadrilateral in pixels moved by `shift`, text, score) per box of a RapidOCR result; [] when it
    has no boxes or texts."""
    if getattr(res, "boxes", None) is None or getattr(res, "txts", None) is None or len(res) == 0:
        return []
    d = np.asarray(shift, dtype=np.float32)
    return [(np.asarray(b, dtype=np.float32) + d, str(t), float(s)) for b, t, s in zip(res.boxes, res.txts, res.scores)]


def _join(a: str, b: str) -> str:
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return a + " " + b
    return a + b


def group_rows(items: list, span: Callable[[object], tuple[float, float]], row_overlap: float) -> list[list]:
    """Items grouped into text rows, top to bottom (order inside a row is left to the caller).

    `span(item)` gives the item's (top, bottom); two items share a row when their vertical overlap
    is at least `row_overlap` of the shorter one (compared with the row's median top/bottom).
    """
    ordered = sorted(items, key=lambda it: sum(span(it)) / 2)
    rows: list[list] = []
    for it in ordered:
        top, bottom = span(it)
        for row in reversed(rows[-3:]):
            r0 = float(np.median([span(r)[0] for r in row]))
            r1 = float(np.median([span(r)[1] for r in row]))
            if min(r1, bottom) - max(r0, top) >= row_overlap * min(r1 - r0, bottom - top):
                row.append(it)
                break
        else:
            rows.append([it])
    rows.sort(key=lambda r: float(np.median([sum(span(it)) / 2 for it in r])))
    return rows


def reading_order(lines: list[Line], row_overlap: float | None = None) -> list[Line]:
    """Lines sorted into rows (top to bottom), left to right within a row."""
    ov = settings()["row_overlap"] if row_overlap is None else row_overlap
    rows = group_rows(list(lines), lambda ln: (ln.bbox[1], ln.bbox[3]), ov)
    return [ln for row in rows for ln in sorted(row, key=lambda ln: ln.bbox[0])]


def boxes_to_lines(items: list[tuple[np.ndarray, str, float]], width: float, height: float,
                   engine: str = ENGINE, row_overlap: float | None = None,
                   join_gap_heights: float | None = None) -> list[Line]:
    """Pixel quadrilaterals → Lines (bbox fractions of the page) in reading order.

    Boxes are grouped into rows (vertical overlap ≥ `row_overlap` of the shorter box), rows sorted
    top to bottom and boxes left to right; same-row boxes closer than `join_gap_heights` line
    heights become one Line whose Words are the boxes (label：value pairs split by the detector),
    wider gaps (table columns) stay separate Lines.
    """
    cfg = settings()
    row_overlap = cfg["row_overlap"] if row_overlap is None else row_overlap
    join_gap_heights = cfg["join_gap_heights"] if join_gap_heights is None else join_gap_heights
    boxes = []
    for quad, text, score in items:
        text = "".join(fix_punctuation([text.strip()]))
        if not text:
            continue
        x0, y0 = float(quad[:, 0].min()), float(quad[:, 1].min())
        x1, y1 = float(quad[:, 0].max()), float(quad[:, 1].max())
        boxes.append((x0, y0, x1, y1, text, float(np.clip(score, 0.0, 1.0))))
    rows = group_rows(boxes, lambda b: (b[1], b[3]), row_overlap)
    lines: list[Line] = []

    def frac(b):
        return (max(0.0, min(1.0, b[0] / width)), max(0.0, min(1.0, b[1] / height)),
                max(0.0, min(1.0, b[2] / width)), max(0.0, min(1.0, b[3] / height)))

    for row in rows:
        row.sort(key=lambda b: b[0])
        groups: list[list[tuple]] = [[row[0]]]
        for b in row[1:]:
            prev = groups[-1][-1]
            h = max(prev[3] - prev[1], b[3] - b[1])
            if b[0] - prev[2] < join_gap_heights * h:
                groups[-1].append(b)
            else:
                groups.append([b])
        for g in groups:
            text = ""
            for b in g:
                text = _join(text, b[4])
            chars = sum(len(b[4]) for b in g)
            conf = sum(b[5] * len(b[4]) for b in g) / chars
            box = (min(b[0] for b in g), min(b[1] for b in g), max(b[2] for b in g), max(b[3] for b in g))
            words = tuple(Word(text=b[4], bbox=frac(b), confidence=b[5]) for b in g)
            lines.append(Line(text=text, bbox=frac(box), confidence=conf, words=words, engine=engine))
    return lines


class RapidOcrEngine:
    """OcrEngine over RapidOCR. Upside-down pages are recognised from the angle classifier and
    returned in the upright frame with `rotation` 180; sideways pages are not handled here."""

    name = ENGINE

    def read(self, page: RasterPage) -> Page:
        h, w = page.image.shape[:2]
        items, upside_down = detect_and_read(ocr_grey(page.image))
        turn = 0
        if upside_down:  # boxes into the frame of the page turned 180°
            items = [(np.array([w, h], dtype=np.float32) - quad, t, s) for quad, t, s in items]
            turn = 180
        lines = fix_lines(boxes_to_lines(items, w, h))
        return Page(file=page.file, number=page.number, width=w, height=h, dpi=page.dpi, source="ocr",
                    engine=ENGINE, rotation=(page.rotation + turn) % 360, lines=tuple(lines))


@register(ENGINE)
def make_engine(**options) -> RapidOcrEngine:
    return RapidOcrEngine()
