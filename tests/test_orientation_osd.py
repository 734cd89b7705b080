"""Orientation on low-confidence pages: OSD's confident 'upright' is taken without a second Tesseract
pass of the page turned 180°; an upside-down page is still turned (real Tesseract, rendered page)."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.ocr_pages import render_page  # noqa: E402
from pipeline.ocr import tesseract  # noqa: E402
from pipeline.ocr.base import RasterPage  # noqa: E402


@dataclass
class CountingTesseract(tesseract.TesseractEngine):
    reads: list = field(default_factory=list)
    osd: list = field(default_factory=list)

    def _read_grey(self, grey):
        self.reads.append(grey.shape)
        return super()._read_grey(grey)

    def orientation(self, grey):
        got = super().orientation(grey)
        self.osd.append(got)
        return got


@pytest.fixture(scope="module")
def sample():
    return render_page(7, dpi=200)


@pytest.fixture
def every_page_doubtful(monkeypatch):
    monkeypatch.setattr(tesseract, "LOW_CONFIDENCE_PAGE", 1.01)  # every page goes to OSD


def test_confident_upright_page_is_read_once(sample, every_page_doubtful):
    eng = CountingTesseract()
    got = eng.read_page_lines(RasterPage("form.png", 1, sample.image, dpi=200))
    assert got.rotation == 0
    assert eng.osd and eng.osd[0][0] == 0 and eng.osd[0][1] >= tesseract.OSD_TRUSTED_UPRIGHT
    assert len(eng.reads) == 1  # no second pass of the page turned 180°


def test_upside_down_page_still_turned(sample, every_page_doubtful):
    eng = CountingTesseract()
    got = eng.read_page_lines(RasterPage("form.png", 1, np.ascontiguousarray(sample.image[::-1, ::-1]), dpi=200))
    assert got.rotation == 180 and len(eng.reads) == 2
    assert any(sample.facts["uscc"] in ln.text for ln in got.lines)


def test_unsure_upright_osd_still_tries_180(sample, every_page_doubtful, monkeypatch):
    monkeypatch.setattr(tesseract, "OSD_TRUSTED_UPRIGHT", 1e9)  # OSD never sure enough
    eng = CountingTesseract()
    got = eng.read_page_lines(RasterPage("form.png", 1, sample.image, dpi=200))
    assert got.rotation == 0 and len(eng.reads) == 2
