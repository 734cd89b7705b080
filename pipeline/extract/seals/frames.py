"""What the arc recogniser saw, kept and scored: `SealReading`, its frames packed small enough to
travel with a seal find (`pack_frames`), the recogniser's character list read off the model file
(`recogniser_charset`), and `name_score` — how well a unit's name explains the frames (a CTC
alignment). No recogniser is loaded here: the review scores names without one.
"""
from __future__ import annotations

import importlib.util
import math
import mmap
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from pipeline.model import SealFrames


@dataclass(frozen=True)
class SealReading:
    text: str = ""
    confidence: float = 0.0
    logp: np.ndarray | None = field(default=None, repr=False)
    """(frames, characters) log-probabilities of the recogniser's CTC output, column 0 = blank."""
    index: dict | None = field(default=None, repr=False)
    """character → column of `logp`."""
    frames: SealFrames | None = field(default=None, repr=False)
    """`logp` packed (`pack_frames`): what a seal find keeps. An empty one (0 frames) = read, and
    nothing to read; None = not read."""


# --------------------------------------------------------------------------- the recogniser's frames, packed


def empty_frames() -> SealFrames:
    return SealFrames(frames=0, vocab=0, floor=0.0, counts=b"", cols=b"", logp=b"")


def pack_frames(logp: np.ndarray) -> SealFrames:
    """The (frames, characters) float32 log-probabilities as `SealFrames`: the entries above the
    matrix's floor (the 1e-6 clip), exactly — `unpack_frames` gives the same matrix back, so
    `name_score` gives the same scores.

    Why not the k likeliest characters per frame and a floor for the rest: on a faint or
    misread seal the right name's characters rank far down in some frames, and an upper-bound
    floor for them moved attribution (seed-8080 bundle, 82 seals × their units and all 32 units:
    k=16 changed 13 of 164 decisions, k=64 still 4). Entries above the clip are ~80 a frame on
    average (median 7): ~27 KB a seal on average (median ~15 KB, largest ~200 KB); int16 fixed
    point would save a third but let near-tied names swap places."""
    T, C = logp.shape
    floor = float(logp.min()) if logp.size else 0.0
    rows, cols = np.nonzero(logp > floor)
    return SealFrames(frames=T, vocab=C, floor=floor,
                      counts=np.bincount(rows, minlength=T).astype("<u2").tobytes(),
                      cols=cols.astype("<u2").tobytes(), logp=logp[rows, cols].astype("<f4").tobytes())


def unpack_frames(f: SealFrames) -> np.ndarray:
    """The (frames, characters) float32 log-probability matrix of packed frames."""
    out = np.full((f.frames, f.vocab), np.float32(f.floor), np.float32)
    rows = np.repeat(np.arange(f.frames), np.frombuffer(f.counts, "<u2").astype(np.int64))
    out[rows, np.frombuffer(f.cols, "<u2")] = np.frombuffer(f.logp, "<f4")
    return out


def _onnx_metadata(path: Path) -> dict[str, str]:
    """The `metadata_props` of an ONNX model file, read off the protobuf's top level (field 14)
    without onnx or onnxruntime: the weights (the graph, field 7) are skipped by their length."""

    def varint(buf, pos: int) -> tuple[int, int]:
        out = shift = 0
        while True:
            b = buf[pos]
            pos += 1
            out |= (b & 0x7F) << shift
            if b < 0x80:
                return out, pos
            shift += 7

    def fields(buf, pos: int, end: int):
        while pos < end:
            key, pos = varint(buf, pos)
            num, wire = key >> 3, key & 7
            if wire == 0:
                _, pos = varint(buf, pos)
            elif wire == 1:
                pos += 8
            elif wire == 5:
                pos += 4
            elif wire == 2:
                n, pos = varint(buf, pos)
                yield num, pos, pos + n
                pos += n
            else:
                raise ValueError(f"{path}: not an ONNX model (wire type {wire})")

    meta: dict[str, str] = {}
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        for num, a, b in fields(buf, 0, len(buf)):
            if num == 14:
                entry = {n: bytes(buf[x:y]).decode("utf-8") for n, x, y in fields(buf, a, b)}
                meta[entry.get(1, "")] = entry.get(2, "")
    return meta


@lru_cache(maxsize=1)
def recogniser_charset() -> tuple[str, ...] | None:
    """The recogniser's columns — 'blank', the model's character list, ' ' — as RapidOCR builds
    them (CTCLabelDecode), from the bundled model file; None when it cannot be read."""
    from pipeline.ocr import rapid

    spec = importlib.util.find_spec("rapidocr")  # where the package is, without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(spec.submodule_search_locations[0]) / "models" / rapid.settings()["models"]["Rec"]
    try:
        chars = _onnx_metadata(path)["character"].splitlines()
    except (OSError, KeyError, ValueError, IndexError):
        return None
    return ("blank", *chars, " ")


@lru_cache(maxsize=1)
def _recogniser_index() -> dict[str, int] | None:
    charset = recogniser_charset()
    return {c: i for i, c in enumerate(charset)} if charset else None


# --------------------------------------------------------------------------- scoring a name


def _column(index: dict, ch: str) -> int | None:
    """The recogniser's column for a character of a name (NFKC folds full-width brackets, the
    recogniser knows both forms)."""
    for c in (ch, unicodedata.normalize("NFKC", ch), {"(": "（", ")": "）"}.get(ch, ch)):
        if c in index:
            return index[c]
    return None


def name_score(reading: SealReading, name: str, wildcard: tuple[int, int] | None = None) -> float:
    """How well `name` explains what the recogniser saw: the best CTC path spelling it over the
    whole strip (the strip holds the name's run only) minus the recogniser's own best path, in
    nats (0 = exactly what it read; a firmly contradicted character costs ~5–14, a character the
    strip shows and the name lacks costs as much).
    `wildcard=(i, j)` lets characters i..j-1 of the name be anything. −inf when nothing was read.
    Works on the full matrix (`reading.logp`) when there is one, else on the packed frames."""
    chars = [c for c in unicodedata.normalize("NFKC", name) if not c.isspace()]
    got = _matrix(reading) if chars else None
    if got is None:
        return -math.inf
    L, index = got
    anything = L[:, 1:].max(axis=1)
    cols, ids = [L[:, 0]], [0]
    for k, ch in enumerate(chars):
        if wildcard and wildcard[0] <= k < wildcard[1]:
            cols.append(anything)
            ids.append(-1)
        else:
            j = _column(index, ch)
            if j is None:  # a character the recogniser cannot write: do not hold it against the name
                cols.append(anything)
                ids.append(-1)
            else:
                cols.append(L[:, j])
                ids.append(j)
        cols.append(L[:, 0])
        ids.append(0)
    em = np.stack(cols, axis=1).astype(np.float64)
    lab = np.array(ids)
    T, S = em.shape
    skip = np.zeros(S, bool)  # CTC may skip the blank between two different characters
    skip[2:] = (lab[2:] != 0) & ((lab[2:] != lab[:-2]) | (lab[2:] == -1))
    top = L.max(axis=1).astype(np.float64)
    NEG = -1e18
    D = np.full(S, NEG)
    D[:2] = em[0, :2]
    for t in range(1, T):
        prev = np.maximum(D, np.r_[NEG, D[:-1]])
        prev = np.maximum(prev, np.where(skip, np.r_[NEG, NEG, D[:-2]], NEG))
        D = prev + em[t]
    best = max(D[-1], D[-2])
    return float(best - top.sum()) if best > NEG / 2 else -math.inf


def has_frames(reading) -> bool:
    """The reading carries the recogniser's output (full or packed) to score names on."""
    if reading is None:
        return False
    if getattr(reading, "logp", None) is not None:
        return True
    f = getattr(reading, "frames", None)
    return f is not None and f.frames > 0


def unpacked(reading: SealReading) -> SealReading:
    """The reading with its full matrix (unpacked from its frames when it has none): scoring many
    names then unpacks once."""
    if reading.logp is not None:
        return reading
    got = _matrix(reading)
    return reading if got is None else SealReading(reading.text, reading.confidence, got[0], got[1], reading.frames)


def _matrix(reading) -> tuple[np.ndarray, dict] | None:
    """(log-probabilities, character → column) of a reading: its full matrix, or its packed
    frames unpacked (the recogniser's character list read from the model file); None when there
    is nothing to score."""
    L = getattr(reading, "logp", None)
    if L is not None and getattr(reading, "index", None):
        return L, reading.index
    f = getattr(reading, "frames", None)
    if f is None or not f.frames:
        return None
    charset, index = recogniser_charset(), _recogniser_index()
    if not index or len(charset) != f.vocab:  # frames of another recogniser model
        return None
    return unpack_frames(f), index
