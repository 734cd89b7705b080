"""A ruled table row whose border lies beyond the cell reach (seed 931 #03, a JPEG scan of our own
target table: 三百 read 三 at 0.96, 百 dropped with its box): the last cell stretches over the ink right
after the line's end as an unruled row's does, and a cell holding only a Chinese numeral is a value
cell (re-read like a cell of digits)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from pipeline.model import Line, Ruling
from pipeline.ocr.cascade import _reach_outer, make_cascade

from family1_pages import planned_facts


def test_a_ruled_rows_last_cell_reaches_over_ink_when_no_rule_is_near():
    grey = np.full((200, 1000), 255, dtype=np.uint8)
    grey[104:116, 500:520] = 0   # the last word Tesseract kept (三)
    grey[104:116, 524:546] = 0   # the glyph it dropped (百)
    line = Line(text="人 三", bbox=(0.30, 0.49, 0.52, 0.61), confidence=0.96)
    cells = [(300.0, 98.0, 330.0, 122.0), (495.0, 98.0, 521.0, 122.0)]
    cfg = make_cascade().config()
    far = [Ruling(axis="v", at=0.9, start=0.3, end=0.7)]  # the border: further than the reach
    got = _reach_outer(cells, line, [0.4], far, grey, cfg)
    assert got[-1][2] >= 546 and got[0] == cells[0]
    near = [Ruling(axis="v", at=0.56, start=0.3, end=0.7)]  # a rule within reach: the cell ends at it
    assert 546 <= _reach_outer(cells, line, [0.4], near, grey, cfg)[-1][2] < 560


def test_a_chinese_numeral_cut_at_a_ruled_rows_end_is_read_whole(tmp_path: Path):
    expected, facts = planned_facts(tmp_path, 931, 3, ("targets",))
    got = {t.indicator: t.value for t in facts.targets}
    assert got.get("带动就业人数") == 300, got
