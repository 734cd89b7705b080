"""What a read of one file gives: the Document and the seal finds on its pages (`DocumentRead`), and
the file's content hash that keys the read cache."""
from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.model import BBox, Document, Frozen, SealFrames


class SealFind(Frozen):
    """A seal candidate as found on one page (pipeline.extract.seals.SealCandidate without its
    pixels: the crop is a PNG in the crops folder). Kept unjoined and unattributed: straddle slices
    may continue in the submission's next file, and the unit names come only from extraction —
    `frames` (what the arc recogniser saw, packed) lets the review score them without reading the
    crop again."""

    file: str
    page: int
    bbox: BBox
    kind: str
    confidence: float
    center: tuple[float, float]
    size_mm: tuple[float, float]
    ring: float = 0.0
    star: bool = False
    edge: str | None = None
    hue: float = 0.0
    text: str = ""
    text_confidence: float = 0.0
    page_size_mm: tuple[float, float] = (0.0, 0.0)
    frames: SealFrames | None = None
    crop_file: str = ""
    colour: bool = True
    """False: found by shape alone on a page without colour (issue 16)."""
    printed: bool = False
    """True: an invoice's printed 监制章, no party's seal (`SealCandidate.printed`)."""


class DocumentRead(Frozen):
    document: Document
    seal_finds: tuple[SealFind, ...] = ()
    seconds: float = 0.0
    ocr_pages: int = 0
    stages: dict = {}
    """Per-stage [wall s, cpu s, entries] and counters of this read's pages (`ocr.stagetime`)."""
    colourless_pages: tuple[int, ...] = ()
    """Pages looked at for seals that could not show red (stored without colour, or the whole file's
    chroma flat): there a missing seal is no evidence (`seal.present` is `review`)."""

    def as_file(self, rel: str) -> "DocumentRead":
        """This read for another file with the same bytes: reads are cached by content, and a copy of
        one scan in two submissions must cite its own path in evidence, errors and seals."""
        old = self.document.file
        if old == rel:
            return self
        moved = lambda items: tuple(x.model_copy(update={"file": rel}) if x.file == old else x for x in items)  # noqa: E731
        doc = self.document.model_copy(update={"file": rel, "pages": moved(self.document.pages),
                                               "errors": moved(self.document.errors)})
        return self.model_copy(update={"document": doc, "seal_finds": moved(self.seal_finds)})


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
