"""Facts of rendered pages scanned and read by a real OCR engine, as one TIFF submission — the set-up the
real-OCR meaning tests share (the page drawing stays in each test; rendering helpers are in pages.py)."""
from __future__ import annotations

import numpy as np

from pages import scan
from pipeline.checks.rules import Rules
from pipeline.extract import extract_facts
from pipeline.facts import ApplicationFacts
from pipeline.model import Document
from pipeline.ocr.base import RasterPage
from pipeline.process import indicator_specs


def facts_of_scans(engine, images, rules: Rules, *, dpi: int, angle: float, file: str = "b.tif") -> ApplicationFacts:
    """Each image scanned (slight skew `angle`, seed = its index), read by `engine`, extracted as one submission."""
    pages = tuple(engine.read(RasterPage(file=file, number=k + 1, dpi=dpi,
                                         image=np.asarray(scan(img, angle=angle, seed=k).convert("RGB"))))
                  for k, img in enumerate(images))
    d = Document(file=file, sha256="0" * 64, kind="tiff", pages=pages, page_count=len(pages))
    return extract_facts([d], indicators=indicator_specs(rules))
