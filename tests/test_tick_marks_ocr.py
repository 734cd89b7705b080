"""A filled tick box neither engine reads (dev seed 933 #010, a TIFF: □企业■事业单位 □社会组织 … read □企业事业单位
□社会组织 …, the type then a guess at 0.69 — entity.type_allowed review): the solid square on the page goes back
into the line between the open boxes either side of it (pipeline/ocr/tick_marks.py). Through the planned page,
rendered tick rows read by the real engines, and by construction (where it goes; when it is left alone)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipeline.checks.rules import load_rules
from pipeline.checks.unit_rules import check_type_allowed
from pipeline.model import Line, Word
from pipeline.ocr.tick_marks import restore_filled_ticks

from family2_pages import planned_facts


def test_dropped_mark_on_the_planned_tiff_is_read(tmp_path: Path):
    expected, facts = planned_facts(tmp_path, 933, 12, 9, ("cover", "basic_info"), fmt="tiff")
    a = facts.applicant
    assert a.declared_type_text == expected["applicant"]["declared_type_text"] == "事业单位"
    assert check_type_allowed(a, "申报单位", load_rules()).status == "pass"


# ---------------------------------------------------------------- by construction: a grey strip, one line
H, W, LH = 200, 2000, 40   # page pixels; glyph height


def _page(cells: list[str]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """White page; at each cell's x a hollow ('o') or solid ('x') square of glyph size, or a glyph-like blot
    ('c': a character's strokes), 50 px apart. Returns the grey page and each cell's x span."""
    g = np.full((H, W), 255, np.uint8)
    spans, x = [], 100
    for c in cells:
        y0, y1, x1 = 80, 80 + LH - 8, x + LH - 8
        if c == "x":
            g[y0:y1, x:x1] = 0
        elif c == "o":
            g[y0:y1, x:x1] = 0
            g[y0 + 4:y1 - 4, x + 4:x1 - 4] = 255
        else:
            g[y0:y1, x + 10:x + 14] = 0   # a stroke, no square
            g[y0 + 14:y0 + 18, x:x1] = 0
        spans.append((x, x1))
        x += 50
    return g, spans


def _line(text: str, x0: int, x1: int) -> Line:
    box = (x0 / W, 75 / H, x1 / W, (80 + LH) / H)
    return Line(text=text, bbox=box, confidence=0.95, words=(Word(text=text, bbox=box, confidence=0.95),))


@pytest.mark.parametrize("layout, text, want", [
    ("oc" + "xcc" + "occ", "□甲乙丙□丁戊", "□甲■乙丙□丁戊"),     # between two boxes
    ("xcc" + "occ" + "occ", "甲乙□丙丁□戊己", "■甲乙□丙丁□戊己"),     # before the first box
    ("occ" + "occ" + "xcc", "□甲乙□丙丁甲乙", "□甲乙□丙丁■甲乙"),     # after the last
])
def test_mark_goes_where_the_square_stands(layout, text, want):
    g, spans = _page(list(layout))
    out = restore_filled_ticks([_line(text, spans[0][0], spans[-1][1])], g)[0]
    assert out.text == want and out.words[0].text == want


def test_lines_left_as_read():
    g, spans = _page(list("xccocc"))
    x0, x1 = spans[0][0], spans[-1][1]
    # a filled mark already read; no open box in the text (no tick row); boxes not matching the text's □
    for text in ("■甲乙□丙丁", "甲乙丙丁戊己", "□甲乙□丙丁"):
        assert restore_filled_ticks([_line(text, x0, x1)], g)[0].text == text
    g2, spans2 = _page(list("xccxcco"))  # two solid squares: which one is the mark is not known
    assert restore_filled_ticks([_line("甲乙丙丁□", spans2[0][0], spans2[-1][1])], g2)[0].text == "甲乙丙丁□"
