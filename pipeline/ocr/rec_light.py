"""RapidOCR's line recogniser model on onnxruntime directly: the one recogniser of every page worker.

Why: importing RapidOCR builds its model catalogue with OmegaConf (an 85 KB YAML), ~0.45 s CPU per
worker process (issue 18). Seal arcs (pipeline/extract/seals/read.py) and the cascade's line crops
(`rapid.read_crops`, recognition only) need nothing of RapidOCR but this model; detection runs on
det_light/cls_light (rapid_light.py), and RapidOCR's own instance, where JIEBANG_RAPIDOCR=library
loads it, recognises with this same session (`rapid.ocr_instance`: one copy of the model). The
session is made as RapidOCR 3.10.0 makes its recogniser's (`OrtInferSession`: same model file from
rapid.yaml, graph optimisation, no CPU memory arena, rapid.yaml's threads, the CPU provider's arena
strategy) and exposes what its callers use of `TextRecognizer`: `session(batch)`, `resize_norm_img`,
`rec_image_shape`, `rec_batch_num`, `postprocess_op` (its CTC decode, `.character`, `.dict`) — the
same logits bit for bit and the same texts and scores (tests/test_seal_rec_light.py,
tests/test_rec_light_crops.py).
"""
from __future__ import annotations

import math
import os
from functools import lru_cache

import numpy as np

REC_HEIGHT = 48
"""The recogniser's input height: RapidOCR's `Rec.rec_img_shape` (rapid.py `rapidocr_params` passes it)."""


class _Session:
    def __init__(self, session):
        self.session = session
        self._inputs = [v.name for v in session.get_inputs()]
        self._outputs = [v.name for v in session.get_outputs()]

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        return self.session.run(self._outputs, dict(zip(self._inputs, [batch])))[0]


class _Decoder:
    """RapidOCR 3.10.0's `CTCLabelDecode` (rapidocr/ch_ppocr_rec/utils.py) without word boxes: its
    tables ('blank' first, the model's characters, then ' ') and its decode, step for step."""

    def __init__(self, characters: list[str]):
        self.character = ["blank", *characters, " "]
        self.dict = {ch: i for i, ch in enumerate(self.character)}

    def __call__(self, preds: np.ndarray, return_word_box: bool = False, **_kwargs) -> tuple[list[tuple[str, float]], list]:
        """(text, score) per batch row: best class per step, repeats then blanks dropped; the score is
        the mean of the kept steps' probabilities each rounded to 5 places, rounded to 5 (0 if none)."""
        if return_word_box:
            raise NotImplementedError("word boxes need RapidOCR's own decoder")
        idx_all, prob_all = preds.argmax(axis=2), preds.max(axis=2)
        out = []
        for idx, prob in zip(idx_all, prob_all):
            keep = np.ones(len(idx), dtype=bool)
            keep[1:] = idx[1:] != idx[:-1]
            keep &= idx != 0
            conf = [round(c, 5) for c in np.array(prob[keep]).tolist()] or [0]
            out.append(("".join(self.character[i] for i in idx[keep]), np.mean(conf).round(5).tolist()))
        return out, []


def ort_session(model_path: str, threads: int):
    """An onnxruntime session made as RapidOCR 3.10.0's `OrtInferSession` makes it with its config.yaml
    and rapid.yaml's threads (every light model: recogniser, det_light's detector, cls_light's classifier)."""
    from onnxruntime import GraphOptimizationLevel, InferenceSession, SessionOptions

    opts = SessionOptions()
    opts.log_severity_level = 4
    opts.enable_cpu_mem_arena = False
    opts.graph_optimization_level = GraphOptimizationLevel.ORT_ENABLE_ALL
    if 1 <= threads <= (os.cpu_count() or 1):
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = threads
    return InferenceSession(model_path, sess_options=opts,
                            providers=[("CPUExecutionProvider", {"arena_extend_strategy": "kSameAsRequested"})])


def bundled_model(task: str):
    """Path of rapid.yaml's model for `task` (Det, Rec, Cls) in the rapidocr wheel; missing: an error."""
    from pipeline.ocr.rapid_config import bundled_model_dir, settings

    path = bundled_model_dir() / settings()["models"][task]
    if not path.is_file():
        raise FileNotFoundError(f"RapidOCR bundled model missing: {path} (reinstall rapidocr==3.10.0)")
    return path


class LightRecognizer:
    def __init__(self, model_path: str, threads: int, min_width: int = 320, batch: int = 6):
        sess = ort_session(model_path, threads)
        self.session = _Session(sess)
        self.rec_image_shape = [3, REC_HEIGHT, int(min_width)]
        self.rec_batch_num = int(batch)
        self.postprocess_op = _Decoder(sess.get_modelmeta().custom_metadata_map["character"].splitlines())

    @staticmethod
    def resize_norm_img(img: np.ndarray, max_wh_ratio: float) -> np.ndarray:
        """RapidOCR's `TextRecognizer.resize_norm_img` for its 3×48 input."""
        import cv2

        img_width = int(REC_HEIGHT * max_wh_ratio)
        h, w = img.shape[:2]
        resized_w = img_width if math.ceil(REC_HEIGHT * w / float(h)) > img_width else int(math.ceil(REC_HEIGHT * w / float(h)))
        resized = cv2.resize(img, (resized_w, REC_HEIGHT)).astype("float32").transpose((2, 0, 1)) / 255
        resized -= 0.5
        resized /= 0.5
        out = np.zeros((3, REC_HEIGHT, img_width), dtype=np.float32)
        out[:, :, 0:resized_w] = resized
        return out


@lru_cache(maxsize=1)
def light_recognizer() -> LightRecognizer:
    from pipeline.ocr import stagetime
    from pipeline.ocr.rapid_config import settings

    with stagetime.stage("models"):
        path = bundled_model("Rec")
        cfg = settings()
        return LightRecognizer(str(path), int(cfg["threads"]), int(cfg.get("rec_min_width", 320)), int(cfg.get("rec_batch", 6)))


def seal_recognizer() -> LightRecognizer:
    """The recogniser for seal arcs: the light one, which RapidOCR's instance shares where loaded."""
    return light_recognizer()
