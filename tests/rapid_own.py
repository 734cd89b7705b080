"""RapidOCR 3.10.0's own recogniser, made as its `RapidOCR._load_rec_model` makes it, for tests that
check the pipeline's recogniser (pipeline/ocr/rec_light.py, shared by `rapid.ocr_instance`) against it."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def own_recognizer():
    from rapidocr.ch_ppocr_rec.main import TextRecognizer

    from pipeline.ocr import rapid

    cfg = rapid.ocr_instance().cfg
    cfg.Rec.engine_cfg = cfg.EngineConfig[cfg.Rec.engine_type.value]
    cfg.Rec.font_path = cfg.Global.font_path
    cfg.Rec.model_root_dir = cfg.Global.model_root_dir
    return TextRecognizer(cfg.Rec)
