"""The OCR engine contract: a raster page in, a `Page` of lines with boxes and confidences out.

Engines register by name (`--ocr-engine`); every line records the engine that read it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

import numpy as np

from pipeline.model import Page


@dataclass
class RasterPage:
    """A page as pixels, produced by a reader and consumed by OCR engines and the seal detector.

    `image` is RGB uint8 (H, W, 3): colour matters, the red channel hides seals from OCR and the
    red mask finds them.
    """

    file: str
    number: int
    image: np.ndarray
    dpi: int = 300
    rotation: int = 0
    meta: dict = field(default_factory=dict)


class OcrEngine(Protocol):
    name: str

    def read(self, page: RasterPage) -> Page: ...


_REGISTRY: dict[str, Callable[..., OcrEngine]] = {}


def register(name: str):
    def deco(factory: Callable[..., OcrEngine]):
        _REGISTRY[name] = factory
        return factory

    return deco


def available() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def get_engine(name: str, **options) -> OcrEngine:
    _load_builtin()
    if name not in _REGISTRY:
        raise ValueError(f"unknown OCR engine {name!r}; choose from {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name](**options)


def _load_builtin() -> None:
    # Importing the modules registers them; optional engines may be missing while being built.
    import importlib

    for mod in ("pipeline.ocr.tesseract", "pipeline.ocr.rapid", "pipeline.ocr.cascade"):
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            if exc.name != mod:
                raise
