"""Tesseract engine (chi_sim, psm 4) through pytesseract: the bulk engine.

Why it is set up this way (domain-notes §5):
- OMP_THREAD_LIMIT=1: Tesseract's OpenMP threading was 2–4x slower; we parallelise with processes.
- pytesseract given an array writes a PNG first (1–2 s a page); we write a BMP ourselves (~10 ms)
  and pass the path — to libtesseract in this process (tess_api.py: no process and model load per
  page, ~0.1 s CPU a page), or to the CLI through pytesseract with JIEBANG_TESSERACT=cli.
- Tesseract's "words" for Chinese are arbitrary 1–2 character runs, so lines are rebuilt from
  `image_to_data` rows: words of one (block, paragraph, line) joined without spaces between CJK.
- psm 4 (one column of variable-size text), not psm 3: on form pages psm 3's layout analysis
  drops whole table columns (measured: the 单位 column vanished on a clean render), psm 4 reads a
  table row as one line, which is also what the table extractor wants. CER is the same (1.5 vs 1.6%).
- Upside-down pages read with very low confidence; only then we ask OSD for the orientation and
  read again, so upright pages pay nothing for it.
"""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from typing import NamedTuple

import cv2
import numpy as np

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import pytesseract  # noqa: E402

from pipeline.heap import release_memory  # noqa: E402
from pipeline.model import Line, Page, Word  # noqa: E402
from pipeline.ocr.punctuation import fix_punctuation  # noqa: E402
from pipeline.ocr import stagetime, tess_api  # noqa: E402
from pipeline.ocr.base import RasterPage, register  # noqa: E402
from pipeline.ocr.leaders import page_confidence  # noqa: E402
from pipeline.ocr.lookalikes import fix_lines  # noqa: E402
from pipeline.ocr.tick_marks import restore_filled_ticks  # noqa: E402
from pipeline.ocr.preprocess import prepare_for_ocr, remove_rules, rotate_quadrant, rule_masks  # noqa: E402
from pipeline.ocr.rulings import find_rulings  # noqa: E402

LOW_CONFIDENCE_PAGE = 0.62
"""Mean page confidence under which the page may be upside down or sideways (right ≈ .91, wrong ≈ .46)."""
OSD_TRUSTED_UPRIGHT = 2.0
"""OSD's orientation_conf above which its 'upright' is taken without reading the page turned 180° too
(a second full Tesseract pass, ~1 s a page). Measured on 37 scanned pages of a family-2 bundle (seed
803), each upright and turned 180°: OSD named the right orientation on all 74, confidence 0.74–18.
Sparse pages (a 目录: 0.86) stay below this and still get the 180° read."""

_ASCII_WORD = re.compile(r"[A-Za-z0-9]$")


def join_words(words: list[str]) -> str:
    """Join Tesseract word strings: a space only between two Latin/digit runs."""
    out = ""
    for w in words:
        if out and _ASCII_WORD.search(out) and re.match(r"[A-Za-z0-9]", w):
            out += " "
        out += w
    return out


def lines_from_data(data: dict, width: int, height: int, engine: str = "tesseract") -> list[Line]:
    """Group `image_to_data` rows into Lines with boxes as page fractions and confidences 0..1."""
    groups: dict[tuple, list[int]] = {}
    for i, text in enumerate(data["text"]):
        if not str(text).strip():
            continue
        conf = float(data["conf"][i])
        if conf < 0:
            continue
        key = (data["page_num"][i], data["block_num"][i], data["par_num"][i], data["line_num"][i])
        groups.setdefault(key, []).append(i)
    lines: list[Line] = []
    for idxs in groups.values():
        words = []
        texts = fix_punctuation([str(data["text"][i]).strip() for i in idxs])
        for i, text in zip(idxs, texts):
            x, y, w, h = (int(data[k][i]) for k in ("left", "top", "width", "height"))
            words.append(
                Word(
                    text=text,
                    bbox=_frac(x, y, x + w, y + h, width, height),
                    confidence=min(1.0, max(0.0, float(data["conf"][i]) / 100.0)),
                )
            )
        text = join_words([w.text for w in words])
        chars = sum(len(w.text) for w in words)
        conf = sum(w.confidence * len(w.text) for w in words) / max(chars, 1)
        x0 = min(w.bbox[0] for w in words)
        y0 = min(w.bbox[1] for w in words)
        x1 = max(w.bbox[2] for w in words)
        y1 = max(w.bbox[3] for w in words)
        lines.append(Line(text=text, bbox=(x0, y0, x1, y1), confidence=conf, words=tuple(words), engine=engine))
    lines.sort(key=lambda ln: (round(ln.bbox[1], 3), ln.bbox[0]))
    return lines


def _frac(x0, y0, x1, y1, width, height) -> tuple[float, float, float, float]:
    return (
        round(max(0.0, min(1.0, x0 / width)), 5),
        round(max(0.0, min(1.0, y0 / height)), 5),
        round(max(0.0, min(1.0, x1 / width)), 5),
        round(max(0.0, min(1.0, y1 / height)), 5),
    )


def write_fast_image(grey: np.ndarray, directory: str | None = None) -> str:
    """Write an uncompressed BMP (fast to write and for Tesseract to read); caller deletes it."""
    fd, path = tempfile.mkstemp(suffix=".bmp", prefix="jiebang-ocr-", dir=directory)
    os.close(fd)
    if not cv2.imwrite(path, grey):
        raise OSError(f"could not write {path}")
    return path


def mean_confidence(lines: list[Line]) -> float:
    chars = sum(len(ln.text) for ln in lines)
    return sum(ln.confidence * len(ln.text) for ln in lines) / chars if chars else 0.0


class TesseractLines(NamedTuple):
    lines: list[Line]
    rotation: int
    """Clockwise rotation applied to make the page upright."""
    rgb: np.ndarray
    """The upright page."""
    grey: np.ndarray
    """Levelled red channel, deskewed, rules not erased: the frame of the line boxes."""
    masks: tuple[np.ndarray, np.ndarray] | None = None
    """`rule_masks(grey, dpi)` when the rules were erased: `find_rulings` takes them instead of
    running the same morphology again (~4 % of the raw-Tesseract floor, issue 18)."""


@dataclass
class TesseractEngine:
    lang: str = "chi_sim"
    psm: int = 4
    erase_rules: bool = True
    timeout: float = 180.0
    detect_orientation: bool = True
    name: str = "tesseract"

    def unload(self) -> None:
        """Let this thread's Tesseract model go until the next read (`tess_api.close_thread_engines`)."""
        if tess_api.in_process():
            tess_api.close_thread_engines()

    def _read_grey(self, grey: np.ndarray) -> list[Line]:
        h, w = grey.shape[:2]
        if tess_api.in_process():
            # what preparing the page freed goes back to the OS first, or it stays resident beside
            # Tesseract's own ~100 MB (heap.py)
            release_memory()
            data = tess_api.image_to_data(grey, self.lang, self.psm, self.timeout)
            return lines_from_data(data, w, h, self.name)
        path = write_fast_image(grey)
        release_memory()  # the worker waits on the tesseract process now
        try:
            data = pytesseract.image_to_data(
                path,
                lang=self.lang,
                config=f"--psm {self.psm}",
                output_type=pytesseract.Output.DICT,
                timeout=self.timeout,
            )
        finally:
            os.unlink(path)
        return lines_from_data(data, w, h, self.name)

    def orientation(self, grey: np.ndarray) -> tuple[int, float]:
        """(clockwise rotation 0/90/180/270 that makes the page upright, OSD's confidence in it) from
        Tesseract OSD; (0, 0.0) when OSD fails."""
        if tess_api.in_process():
            got = tess_api.image_to_osd(grey)
            return (got[0] % 360, got[1]) if got else (0, 0.0)
        path = write_fast_image(grey)
        release_memory()  # as in `_read_grey`: the worker waits on tesseract
        try:
            osd = pytesseract.image_to_osd(path, config="--psm 0", output_type=pytesseract.Output.DICT, timeout=60)
        except pytesseract.TesseractError:
            return 0, 0.0
        finally:
            os.unlink(path)
        return int(osd.get("rotate", 0)) % 360, float(osd.get("orientation_conf") or 0.0)

    def read_lines(self, page: RasterPage) -> tuple[list[Line], int, np.ndarray]:
        """Lines of the page, the clockwise rotation applied, and the upright RGB image."""
        got = self.read_page_lines(page)
        return got.lines, got.rotation, got.rgb

    def read_page_lines(self, page: RasterPage) -> TesseractLines:
        """As `read_lines`, plus the grey Tesseract read before its rules were erased (the cascade
        crops from it; computing it once saves ~5% of a page's time)."""
        rgb = page.image
        grey = self._prepare(rgb, page.dpi)
        erased, masks = self._erase(grey, page.dpi)
        lines = self._read_grey(erased)
        rotation = 0
        if self.detect_orientation and page_confidence(lines) < LOW_CONFIDENCE_PAGE:  # dot leaders left out (leaders.py)
            with stagetime.stage("orientation"):  # OSD and the second read
                stagetime.count("pages_osd")
                rot, conf = self.orientation(grey)
                candidates = [rot] if rot else ([] if conf >= OSD_TRUSTED_UPRIGHT else [180])
                for rot in candidates:
                    turned = rotate_quadrant(rgb, rot)
                    g2 = self._prepare(turned, page.dpi)
                    erased2, masks2 = self._erase(g2, page.dpi)
                    lines2 = self._read_grey(erased2)
                    if mean_confidence(lines2) > mean_confidence(lines) + 0.05:
                        lines, rotation, rgb, grey, masks = lines2, rot, turned, g2, masks2
        return TesseractLines(lines, rotation, rgb, grey, masks)

    @staticmethod
    def _prepare(rgb: np.ndarray, dpi: int) -> np.ndarray:
        with stagetime.stage("ocr_prep"):
            return prepare_for_ocr(rgb, dpi, erase_rules=False)[0]

    def _erase(self, grey: np.ndarray, dpi: int) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
        """(grey with its rules erased, the rule masks) — (grey, None) when rules are kept."""
        if not self.erase_rules:
            return grey, None
        with stagetime.stage("ocr_prep"):
            masks = rule_masks(grey, dpi)
            return remove_rules(grey, dpi, masks), masks

    def read(self, page: RasterPage) -> Page:
        lines, rotation, rgb, grey, masks = self.read_page_lines(page)
        h, w = rgb.shape[:2]
        return Page(
            file=page.file,
            number=page.number,
            width=w,
            height=h,
            dpi=page.dpi,
            source="ocr",
            engine=self.name,
            rotation=(page.rotation + rotation) % 360,
            lines=tuple(restore_filled_ticks(fix_lines(lines), grey)),
            rulings=find_rulings(grey, page.dpi, masks),
        )


@register("tesseract")
def make_tesseract(**options) -> TesseractEngine:
    return TesseractEngine(**options)
