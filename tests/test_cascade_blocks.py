"""Which Tesseract lines the cascade re-reads as a block (cascade_crops.unreliable_blocks, cascade.yaml
block_overlap): lines Tesseract split or mixed with seal residue overlap much; lines of running text at
tight spacing only touch, were read well, and are not worth RapidOCR's detection."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.ocr_pages import SANS, _font, _prose_source  # noqa: E402
from pipeline.model import Line  # noqa: E402
from pipeline.ocr import cascade  # noqa: E402
from pipeline.ocr.base import RasterPage  # noqa: E402
from pipeline.ocr.cascade_crops import unreliable_blocks  # noqa: E402
from pipeline.ocr.tesseract import TesseractEngine  # noqa: E402


def _line(y0, y1, x0=0.1, x1=0.5):
    return Line(text="x", bbox=(x0, y0, x1, y1), confidence=0.5)


def test_touching_lines_are_no_block_overlapping_ones_are():
    touching = [_line(0.100, 0.140), _line(0.132, 0.172)]  # share 20 % of a line's height
    split = [_line(0.300, 0.340), _line(0.320, 0.345, 0.3, 0.45)]  # share 80 % of the shorter
    lines = touching + split
    assert unreliable_blocks(lines, [0, 1, 2, 3], 0.35) == [[2, 3]]
    assert unreliable_blocks(lines, [0, 1, 2, 3], 0.0) == [[0, 1], [2, 3]]  # any overlap, as before
    assert unreliable_blocks([_line(0.1, 0.14), _line(0.14, 0.18)], [0], 0.0) == []  # edge to edge
    side_by_side = [_line(0.1, 0.14, 0.1, 0.3), _line(0.1, 0.14, 0.35, 0.6)]
    assert unreliable_blocks(side_by_side, [0, 1], 0.35) == []


@pytest.fixture(scope="module")
def tight_prose():
    """Running text at 300 dpi, 42 px glyphs on a 52 px pitch (line spacing 1.24, as booklets set it)."""
    W, H = 2480, 1200
    img = Image.new("RGB", (W, H), (255, 255, 255))
    d = ImageDraw.Draw(img)
    font = _font(SANS, 42)
    text = _prose_source()[:400]
    y, buf, maxw = 150, "", W - 460
    for ch in text:
        if d.textlength(buf + ch, font=font) > maxw:
            d.text((230, y), buf, font=font, fill=(0, 0, 0))
            y, buf = y + 52, ""
            if y > H - 150:
                break
        buf += ch
    return RasterPage("prose.png", 1, np.asarray(img), dpi=300)


def test_tight_prose_lines_read_by_tesseract_make_no_block(tight_prose):
    lines = TesseractEngine().read_page_lines(tight_prose).lines
    assert len(lines) >= 8
    everything = list(range(len(lines)))
    cfg = cascade.settings()
    assert unreliable_blocks(lines, everything, cfg["block_overlap"]) == []
    assert unreliable_blocks(lines, everything, 0.0) == [everything]  # any overlap: the page was one block
    heights = [ln.bbox[3] - ln.bbox[1] for ln in lines]
    pitch = float(np.median(np.diff(sorted(ln.bbox[1] for ln in lines))))
    assert pitch < 1.3 * float(np.median(heights))  # the lines are tight: boxes nearly touch
