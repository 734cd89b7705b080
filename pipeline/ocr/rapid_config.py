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
    """rapidocr's models/ folder, found without importing the package (the light models need its files only)."""
    import importlib.util

    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("rapidocr is not installed: its bundled models are needed (pip install rapidocr==3.10.0)")
    return Path(spec.submodule_search_locations[0]).resolve() / "models"
