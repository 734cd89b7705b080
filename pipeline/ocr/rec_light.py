"""RapidOCR's line recogniser model on onnxruntime directly, for a process that needs nothing else of
RapidOCR: a Tesseract worker reading seal arcs (pipeline/extract/seals/read.py).

Why: importing RapidOCR builds its model catalogue with OmegaConf twice (an 85 KB YAML), ~0.5 s
CPU per worker process before the first seal is read — ~1 s of a Tesseract run on 2 workers, ~6 %
of the raw-Tesseract floor on the demo (issue 18). The session here is made as RapidOCR 3.10.0 makes
its recogniser's (`OrtInferSession`: same model file from rapid.yaml, graph optimisation, no CPU
memory arena, rapid.yaml's threads, the CPU provider's arena strategy) and exposes what the arc
reader uses of `TextRecognizer`: `session(batch)`, `resize_norm_img`, `postprocess_op.character`
and `.dict` — the same logits, bit for bit (tests/test_seal_rec_light.py).
"""
from __future__ import annotations

import math
import os
from functools import lru_cache

import numpy as np

REC_HEIGHT = 48
"""RapidOCR's `Rec.rec_img_shape` height (rapid.py `rapidocr_params`)."""


class _Session:
    def __init__(self, session):
        self.session = session
        self._inputs = [v.name for v in session.get_inputs()]
        self._outputs = [v.name for v in session.get_outputs()]

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        return self.session.run(self._outputs, dict(zip(self._inputs, [batch])))[0]


class _Decoder:
    """RapidOCR's `CTCLabelDecode` tables: 'blank' first, the model's characters, then ' '."""

    def __init__(self, characters: list[str]):
        self.character = ["blank", *characters, " "]
        self.dict = {ch: i for i, ch in enumerate(self.character)}


class LightRecognizer:
    def __init__(self, model_path: str, threads: int):
        from onnxruntime import GraphOptimizationLevel, InferenceSession, SessionOptions

        opts = SessionOptions()
        opts.log_severity_level = 4
        opts.enable_cpu_mem_arena = False
        opts.graph_optimization_level = GraphOptimizationLevel.ORT_ENABLE_ALL
        if 1 <= threads <= (os.cpu_count() or 1):
            opts.intra_op_num_threads = threads
            opts.inter_op_num_threads = threads
        sess = InferenceSession(model_path, sess_options=opts,
                                providers=[("CPUExecutionProvider", {"arena_extend_strategy": "kSameAsRequested"})])
        self.session = _Session(sess)
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
    from pipeline.ocr.rapid import bundled_model_dir, settings

    with stagetime.stage("models"):
        path = bundled_model_dir() / settings()["models"]["Rec"]
        if not path.is_file():
            raise FileNotFoundError(f"RapidOCR bundled model missing: {path} (reinstall rapidocr==3.10.0)")
        return LightRecognizer(str(path), int(settings()["threads"]))


RAPID_ENGINES = frozenset({"cascade", "rapidocr"})
"""Page engines that read with RapidOCR itself (pipeline/ocr/cascade.py, rapid.py)."""
_RAPID_HERE: list[bool] = []


def engine_started(name: str) -> None:
    """Called when this process makes a page engine (pipeline/reading/page.py): a RapidOCR engine's
    process reads seal arcs with RapidOCR's own recogniser, loaded sooner or later anyway."""
    if name in RAPID_ENGINES and not _RAPID_HERE:
        _RAPID_HERE.append(True)


def seal_recognizer():
    """The recogniser for seal arcs: RapidOCR's own in a process that loads RapidOCR (a cascade
    worker: no second copy of the model), else the light one."""
    from pipeline.ocr.rapid import ocr_instance

    if _RAPID_HERE or ocr_instance.cache_info().currsize:
        return ocr_instance().text_rec
    return light_recognizer()
