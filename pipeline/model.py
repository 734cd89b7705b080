"""Document model: Submission → Document → Page → Line → Word.

Every later stage reads these and never goes back to raw files, so they are small, frozen and
JSON-serialisable (pydantic). Boxes are fractions of the page, origin top-left, as SPEC §5 says,
so a fact's evidence is independent of the dpi the page was read at.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

BBox = tuple[float, float, float, float]
"""[x0, y0, x1, y1] as fractions of page width/height, origin top-left."""

PageSource = Literal["text_layer", "ocr", "docx"]
Verdict = Literal["eligible", "ineligible", "needs_review"]
FileKind = Literal["pdf", "tiff", "jpeg", "png", "bmp", "docx", "folder", "unknown"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Word(Frozen):
    text: str
    bbox: BBox
    confidence: float = Field(ge=0.0, le=1.0)


class Line(Frozen):
    text: str
    bbox: BBox
    confidence: float = Field(ge=0.0, le=1.0)
    words: tuple[Word, ...] = ()
    engine: str = ""
    """Which engine read this line: 'tesseract', 'rapidocr', 'text_layer', 'docx'."""


class Ruling(Frozen):
    """A ruled line of a table found on the page image (pipeline.ocr.rulings): a vertical rule at x
    = `at` from y = `start` to `end`, or a horizontal one at y = `at` from x = `start` to `end`
    (fractions of the page). Cell boundaries come from these, not from the text OCR read across them."""

    axis: Literal["v", "h"]
    at: float
    start: float
    end: float


class Page(Frozen):
    file: str
    """Path of the source file relative to the bundle (the evidence 'file')."""
    number: int = Field(ge=1)
    width: float
    """Page width in pixels at `dpi` (or PDF points at 72 dpi for text layers)."""
    height: float
    dpi: int = 300
    source: PageSource
    engine: str = ""
    rotation: int = 0
    """Clockwise degrees the raw page was turned by before reading (0/90/180/270)."""
    lines: tuple[Line, ...] = ()
    table: bool = False
    """True when `lines` came from a table cell (DOCX) so extractors can read rows."""
    rulings: tuple[Ruling, ...] = ()
    """Table rules seen on a scanned page, in the frame of the line boxes (empty for text pages)."""

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def mean_confidence(self) -> float:
        chars = sum(len(line.text) for line in self.lines)
        if not chars:
            return 0.0
        return sum(line.confidence * len(line.text) for line in self.lines) / chars


class DocumentError(Frozen):
    code: str
    """Stable machine code, e.g. 'encrypted_pdf', 'empty_file' (see pipeline.errors)."""
    message: str
    """One plain line for the reviewer (Chinese first, English after a '/')."""
    file: str = ""
    page: int | None = None


class Document(Frozen):
    file: str
    sha256: str
    kind: FileKind
    pages: tuple[Page, ...] = ()
    page_count: int = 0
    errors: tuple[DocumentError, ...] = ()


class SourceFile(Frozen):
    path: str
    sha256: str
    pages: int


class Submission(Frozen):
    """One top-level entry of a bundle: a file, or a folder whose files belong together."""

    name: str
    """Top-level entry name relative to the bundle (file or folder)."""
    files: tuple[str, ...]
    """Bundle-relative paths of the files, in reading order."""


class SealFrames(Frozen):
    """What the seal-arc recogniser saw (pipeline.extract.seals.read.pack_frames), kept with a seal
    find so any unit name can be scored against it later (`read.name_score`) without the
    recogniser: its (frames × characters) CTC log-probabilities, sparse — every entry above the
    floor (the recogniser's probabilities are clipped at 1e-6 before the log, and most of its
    ~18,700 characters sit there in every frame), exact (float32). Arrays are little-endian bytes,
    base64 in JSON. `frames == 0`: the seal was read and held nothing to read."""

    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_bytes="base64", val_json_bytes="base64")

    frames: int
    vocab: int
    """Columns (the recogniser's character list, blank = column 0) the entries index."""
    floor: float
    """Log-probability of every entry not listed (float32 value)."""
    counts: bytes
    """(frames,) uint16: entries listed per frame."""
    cols: bytes
    """(entries,) uint16: their columns, frame by frame."""
    logp: bytes
    """(entries,) float32: their log-probabilities."""


def sheet_verdict(verdict: str, errors) -> str:
    """The verdict a sheet may carry (SPEC §5, issue 17): a sheet with any error — a page not read, a
    budget that cut work, a file refused — is `needs_review`, never `eligible` or `ineligible`: the
    checks saw only part of the submission. Every sheet's verdict goes through here."""
    return "needs_review" if any(True for _ in errors) else verdict
