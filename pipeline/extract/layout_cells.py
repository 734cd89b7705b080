"""A cell of a page's layout (text with its box, confidence and the way back to its line) and how two
pieces of one cell join: the unit every extractor reads, kept apart from how rows are built
(layout.py) so that row builders in other modules (ruled_rows.py) can use it without a cycle."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pipeline.extract.config import labels
from pipeline.facts import Evidence
from pipeline.model import BBox


@dataclass(frozen=True)
class Cell:
    text: str
    """Normalised text (see `norm`)."""
    raw: str
    file: str
    page: int
    bbox: BBox
    confidence: float
    source: str
    """Page source: text_layer / ocr / docx."""
    origin: int = -1
    """Index of the Line it came from: runs of one Line stay apart, runs of different Lines that
    touch are joined (text-layer fragments)."""

    def evidence(self, confidence: float | None = None, note: str = "") -> Evidence:
        conf = self.confidence if confidence is None else confidence
        return Evidence(file=self.file, page=self.page, bbox=self.bbox, text=self.raw,
                        confidence=max(0.0, min(1.0, conf)), note=note)


def is_speck(text: str) -> bool:
    """`text` is only specks (。 、 . …, labels.yaml line_specks): no reading of its own."""
    specks = _line_specks()
    return bool(text.strip()) and all(ch in specks or ch.isspace() for ch in text)


@lru_cache(maxsize=1)
def _line_specks() -> frozenset[str]:
    return frozenset(labels()["line_specks"])


def _rule_mark(text: str) -> bool:
    """`text` is only dashes (labels.yaml rule_marks): what OCR makes of a table rule's piece."""
    marks = labels().get("rule_marks", "")
    return bool(text.strip()) and all(ch in marks or ch.isspace() for ch in text)


def join_cells(a: Cell, b: Cell) -> Cell:
    """`a` and `b` as one cell. A speck joined to a reading keeps the reading's confidence: a scan's
    。 under a code's cell, read at 0.02, made the code a review (dev seed 1200 #011); so does a piece
    of a rule read as a dash under a wrapped cell (代码贡献单位、应 / 用推广单位 / 一 at 0.75: three
    consortium rules a review of roles read right, dev seed 1495 #08, skewed JPEG)."""
    box = (min(a.bbox[0], b.bbox[0]), min(a.bbox[1], b.bbox[1]), max(a.bbox[2], b.bbox[2]), max(a.bbox[3], b.bbox[3]))
    conf = min(a.confidence, b.confidence)
    mute_a, mute_b = is_speck(a.text) or _rule_mark(a.text), is_speck(b.text) or _rule_mark(b.text)
    if mute_a != mute_b:
        conf = b.confidence if mute_a else a.confidence
    return Cell(a.text + b.text, a.raw + b.raw, a.file, a.page, box, conf, a.source, b.origin)
