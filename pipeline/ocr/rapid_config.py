"""RapidOCR's settings (rapid.yaml) and where its bundled models are: what both the RapidOCR engine
(rapid.py) and the standalone recogniser (rec_light.py) read, without either importing the other."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

CONFIG_PATH = Path(__file__).with_name("rapid.yaml")


@lru_cache(maxsize=1)
def settings() -> dict:
    return yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))


def bundled_model_dir() -> Path:
    import rapidocr  # the package only: its engine (and OmegaConf catalogue) loads on first use

    return Path(rapidocr.__file__).resolve().parent / "models"
