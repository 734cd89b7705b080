"""RapidOCR's text-line angle classifier on onnxruntime directly: which crops are turned 180°.

Why: a cascade worker imported RapidOCR (~32 MB RSS, ~0.42 s CPU, issue 18) for its detector and this
classifier only. A copy of rapidocr 3.10.0's `TextClassifier` (ch_ppocr_cls/main.py, utils.py
`ClsPostProcess`) with its config.yaml's `Cls` values — the PP-OCRv4 mobile model's 3×48×192 input,
6 crops a batch sorted by width/height, labels "0"/"180", a crop turned when "180" scores over 0.9 —
on a session made as rec_light makes its own.
"""
from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np

SHAPE = (3, 48, 192)
BATCH = 6
THRESH = 0.9
LABELS = ("0", "180")


class LightClassifier:
    def __init__(self, model_path: str, threads: int):
        from pipeline.ocr.rec_light import ort_session

        self.session = ort_session(model_path, threads)
        self._inputs = [v.name for v in self.session.get_inputs()]
        self._outputs = [v.name for v in self.session.get_outputs()]
        self.cls_thresh = THRESH

    def __call__(self, img_list: list[np.ndarray]) -> tuple[list[np.ndarray], list[tuple[str, float]]]:
        """(the crops, those classified 180° over the threshold turned; (label, score) per crop)."""
        img_list = list(img_list)  # RapidOCR deep-copies; crops are only replaced here, never written
        ratios = [img.shape[1] / float(img.shape[0]) for img in img_list]
        indices = np.argsort(np.array(ratios))
        cls_res: list[tuple[str, float]] = [("", 0.0)] * len(img_list)
        for beg in range(0, len(img_list), BATCH):
            batch = np.concatenate([self.resize_norm_img(img_list[indices[i]])[np.newaxis, :]
                                    for i in range(beg, min(len(img_list), beg + BATCH))]).astype(np.float32)
            prob = self.session.run(self._outputs, dict(zip(self._inputs, [batch])))[0]
            for rno, idx in enumerate(prob.argmax(axis=1)):
                label, score = LABELS[int(idx)], prob[rno, int(idx)]
                k = indices[beg + rno]
                cls_res[k] = (label, score)
                if "180" in label and score > THRESH:
                    img_list[k] = cv2.rotate(img_list[k], 1)
        return img_list, cls_res

    @staticmethod
    def resize_norm_img(img: np.ndarray) -> np.ndarray:
        img_c, img_h, img_w = SHAPE
        h, w = img.shape[:2]
        ratio = w / float(h)
        resized_w = img_w if math.ceil(img_h * ratio) > img_w else int(math.ceil(img_h * ratio))
        resized = cv2.resize(img, (resized_w, img_h), interpolation=cv2.INTER_LINEAR).astype("float32")
        resized = resized.transpose((2, 0, 1)) / 255
        resized -= 0.5
        resized /= 0.5
        out = np.zeros((img_c, img_h, img_w), dtype=np.float32)
        out[:, :, :resized_w] = resized
        return out


def upside_down(cls_res: list[tuple[str, float]] | None, thresh: float = THRESH) -> bool:
    """Most lines turned 180° by the classifier (verdicts over `thresh`): the page itself is upside down."""
    verdicts = [label for label, score in (cls_res or []) if score > thresh]
    return bool(cls_res) and sum("180" in v for v in verdicts) > len(cls_res) / 2


@lru_cache(maxsize=1)
def light_classifier() -> LightClassifier:
    from pipeline.ocr import stagetime
    from pipeline.ocr.rapid_config import settings
    from pipeline.ocr.rec_light import bundled_model

    with stagetime.stage("models"):
        return LightClassifier(str(bundled_model("Cls")), int(settings()["threads"]))
