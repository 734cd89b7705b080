"""A target value whose last characters Tesseract dropped with their box, at the end of a table row
whose rules the page does not show to Tesseract (red rules vanish in the red channel it reads):
三百 read 三, 200 read 2, 30 read 3 (dev seeds 928 — the untouched family-1 bundle of session 12,
retired — and 1184). Two things kept the right reading out:

- the row's last cell ended where Tesseract's line ended, so no ink was seen beside its words and the
  cell was not re-read (cascade_crops.reach_outer_ink: the last cell reaches over ink right after it);
- when it was re-read (三百 by RapidOCR at 1.0) the reading became two words (三 in Tesseract's box,
  百 after it) and the line's text was rebuilt pairing one piece per segment with the words' list:
  the line lost its last characters (cascade_splice.splice).
Pages are the generator's, rendered with their planned scan look and read by the real cascade.
"""
from __future__ import annotations

import pytest
from family1_pages import planned_facts

from pipeline.model import Line, Word
from pipeline.ocr.cascade_splice import Segment, splice


@pytest.mark.parametrize("seed, index", [(928, 3), (1184, 5), (1184, 10)])
def test_target_values_read_whole_at_a_rows_end(tmp_path, seed, index):
    exp, facts = planned_facts(tmp_path, seed, index, ("targets",))
    got = {t.indicator: t.value for t in facts.targets}
    assert got == {t["indicator"]: float(t["value"]) for t in exp["targets"]}


def test_a_cell_reading_longer_than_tesseracts_keeps_all_its_characters():
    words = (Word(text="4", bbox=(0.14, 0.29, 0.15, 0.31), confidence=0.95),
             Word(text="人", bbox=(0.55, 0.29, 0.58, 0.31), confidence=0.95),
             Word(text="三", bbox=(0.69, 0.29, 0.71, 0.31), confidence=0.9))
    line = Line(text="4 人 三", bbox=(0.14, 0.29, 0.71, 0.31), confidence=0.93, words=words)
    w, h = 1000, 1000
    segs = [Segment(0, 0, (130, 290, 160, 310), cell=True, read=False),
            Segment(1, 1, (540, 290, 600, 310), cell=True, read=False),
            Segment(2, 2, (630, 290, 760, 310), cell=True)]
    out = splice(line, segs, [("三百", 1.0)], w, h)
    assert out.text == "4 人 三百"
    assert "".join(wd.text for wd in out.words) == "4人三百"
