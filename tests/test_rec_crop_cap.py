"""A thin crop is not stretched past rapid.yaml `rec_max_crop_px` for the recogniser (issue 18: memory).

The recogniser's memory grows with the width it is given; a 10 px row of 目录 leader dots scaled to the
48 px line height was read 4 416 px wide and took a page worker up 256 MB (dev f2-1521 #005 p2). Such a
crop is padded with its paper above and below instead (`rapid_rec.capped_width`); a text line at its own
height is handed over untouched. Pure tests, and a planned contents page rendered and read by the real
cascade and recogniser."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from pipeline.ocr import rapid, rec_light
from pipeline.ocr.rapid_rec import capped_width

from family2_pages import read_planned_pages


def test_a_thin_crop_is_padded_with_its_paper_to_the_cap():
    row = np.full((10, 920, 3), 250, np.uint8)
    row[4:6, ::12] = 30  # leader dots
    out = capped_width(row, 1920, 48)
    assert out.shape == (23, 920, 3)
    assert out.shape[1] * 48 <= 1920 * out.shape[0]
    top = (23 - 10) // 2
    assert np.array_equal(out[top:top + 10], row)  # the dots as they were
    assert (out[:top] == 250).all() and (out[top + 10:] == 250).all()  # paper, not black


def test_a_line_at_its_own_height_is_untouched():
    line = np.full((40, 1500, 3), 255, np.uint8)
    assert capped_width(line, 1920, 48) is line
    grey = np.full((10, 400), 200, np.uint8)
    assert capped_width(grey, 1920, 48) is grey


def test_a_contents_pages_leader_rows_reach_the_recogniser_no_wider_than_the_cap(tmp_path: Path, monkeypatch):
    """Seed 1401 #008's 300 dpi contents page: a 14 px leader row would be read 3 175 px wide."""
    widths: list[int] = []
    thin: list[tuple] = []
    call, cap_fn = rec_light._Session.__call__, rapid.capped_width

    def spy(self, batch):
        widths.append(batch.shape[-1])
        return call(self, batch)

    def cap_spy(img, max_px, height):
        if img.shape[1] * height > max_px * img.shape[0]:
            thin.append(img.shape[:2])
        return cap_fn(img, max_px, height)

    monkeypatch.setattr(rec_light._Session, "__call__", spy)
    monkeypatch.setattr(rapid, "capped_width", cap_spy)
    cap = int(rapid.settings()["rec_max_crop_px"])
    _plan, doc = read_planned_pages(tmp_path, 1401, 8, 7, ("toc",))
    assert doc.pages and widths
    assert thin, "the contents page has a leader row thinner than its text"
    assert max(widths) <= cap, widths
