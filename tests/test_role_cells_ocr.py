"""Wrapped role cells of scanned family-1 member tables (两种分工 in one narrow cell), read whole by
the cascade: the last cell's crop reaches the table's border rule (Tesseract dropped 开 at the cell's
edge with its box: 联合体牵头方、| 源贡献方), and a wrapped line's cell starts at the rule nearest its
text, not at an empty column's rule (公司 … 贡献单位 spanned the code column and was cut there:
91500151MA0M4DXA6X贡献单 | 牵头方、开源代码位). Pages are the generator's, read by the real cascade."""
from __future__ import annotations

import pytest
from family1_pages import planned_facts

from pipeline.model import Line, Ruling, Word
from pipeline.ocr.cascade_crops import reach_outer_rules


@pytest.mark.parametrize("seed, index", [
    (802, 10),  # 联合体牵头方、开 / 源贡献方
    (803, 6),   # 牵头方、开源代码 / 贡献单位 beside a wrapped name (有限 / 公司)
])
def test_wrapped_roles_read_whole(tmp_path, seed, index):
    exp, facts = planned_facts(tmp_path, seed, index, ("members",))
    got = sorted((m.name.value, m.roles) for m in facts.consortium)
    assert got == sorted((m["name"], tuple(m["roles"])) for m in exp["consortium"])


def _v(at):
    return Ruling(axis="v", at=at, start=0.0, end=1.0)


def test_outer_cells_reach_their_rules():
    line = Line(text="联合体牵头方、", bbox=(0.714, 0.50, 0.826, 0.52), confidence=0.9,
                words=(Word(text="联合体牵头方、", bbox=(0.714, 0.50, 0.826, 0.52), confidence=0.9),))
    cells = [(714.0, 500.0, 826.0, 520.0)]
    # 1000 x 1000 px page: a line height is 0.02 of the width; the border rule 0.056 away is in reach
    got = reach_outer_rules(cells, line, [_v(0.7097), _v(0.8827), _v(0.995)], 1000, 1000, 3.0)
    assert got[0][2] == pytest.approx(882.7 - 2.0) and got[0][0] == pytest.approx(709.7 + 2.0)
    # no rule within reach: unchanged
    assert reach_outer_rules(cells, line, [_v(0.995)], 1000, 1000, 3.0) == cells


def test_a_wrapped_lines_cell_starts_at_the_rule_nearest_its_text():
    import numpy as np

    from pipeline.ocr.cascade_crops import split_cells

    grey = np.full((1000, 1000), 255, np.uint8)
    words = (Word(text="公司", bbox=(0.207, 0.174, 0.239, 0.186), confidence=0.96),
             Word(text="贡献单位", bbox=(0.719, 0.18, 0.788, 0.192), confidence=0.9))
    line = Line(text="公司 贡献单位", bbox=(0.207, 0.174, 0.788, 0.192), confidence=0.9, words=words)
    cells = split_cells(line, grey, 0.7, 0.0, 2.0, [198.0, 484.0, 710.0])
    assert len(cells) == 2 and cells[1][0] > 700  # not from the code column's rule at 484
