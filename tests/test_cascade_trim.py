"""Cascade crops lose the blank paper beside their ink before recognition (cascade_crops.trim_blank_sides):
the recogniser's cost grows with width. Pure function, then through a real rendered page."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.ocr_pages import render_page  # noqa: E402
from pipeline.ocr import cascade, rapid  # noqa: E402
from pipeline.ocr.base import RasterPage  # noqa: E402
from pipeline.ocr.cascade_crops import trim_blank_sides  # noqa: E402


def test_blank_sides_cut_to_the_margin_kept():
    img = np.full((30, 200), 255, np.uint8)
    img[10:20, 50:60] = 0
    out = trim_blank_sides(img, keep=8)
    assert out.shape == (30, 26)
    assert (out[:, :8] == 255).all() and (out[:, -8:] == 255).all() and (out[10:20, 8:18] == 0).all()


def test_every_inked_column_stays_and_faint_ink_counts():
    img = np.full((30, 200), 255, np.uint8)
    img[12, 5] = 180  # a faint speck far left (a dropped glyph's stroke) is ink
    img[10:20, 150:160] = 0
    out = trim_blank_sides(img, keep=3)
    assert out.shape[1] == 160 + 3 - 2 and out[12, 3] == 180


def test_nothing_to_cut_or_nothing_inked_returns_the_crop():
    blank = np.full((30, 50), 255, np.uint8)
    assert trim_blank_sides(blank, 4) is blank
    full = np.zeros((30, 50), np.uint8)
    assert trim_blank_sides(full, 4) is full
    empty = np.zeros((0, 0), np.uint8)
    assert trim_blank_sides(empty, 4) is empty


class KeepCrops:
    def __init__(self):
        self.crops = []

    def __call__(self, crops):
        self.crops.extend(crops)
        return rapid.read_crops(crops)


@pytest.fixture(scope="module")
def sample():
    return render_page(11, dpi=200)


def test_rendered_page_crops_carry_no_wide_blank_sides_and_key_values_hold(sample, monkeypatch):
    # trimming ships off (cascade.yaml: it changed readings both ways on seed 923); this page runs it on
    shipped = cascade.settings
    monkeypatch.setattr(cascade, "settings", lambda: {**shipped(), "trim_keep_heights": 0.5})
    rec = KeepCrops()
    eng = cascade.CascadeEngine(recognise=rec)
    page = eng.read(RasterPage("form.jpg", 1, sample.image, dpi=200))
    assert len(rec.crops) >= 3
    line_h = min(c.shape[0] for c in rec.crops) / (1 + 2 * cascade.settings()["margin"])  # crops carry margin rows
    keep = cascade.settings()["trim_keep_heights"] * max(c.shape[0] for c in rec.crops)
    for c in rec.crops:
        cols = np.flatnonzero((c < 200).any(axis=0))
        assert cols.size
        assert cols[0] <= keep + 1 and c.shape[1] - 1 - cols[-1] <= keep + 1
    assert line_h > 5
    texts = [ln.text for ln in page.lines]
    f = sample.facts
    assert f"统一社会信用代码：{f['uscc']}" in texts
    assert f"申报单位名称：{f['unit']}" in texts
    assert f"场地租赁期限：{f['lease']}" in texts
