"""merge_wrapped on a narrow scanned member table (issue 15, seed 600 #002): the header's 序号 box
reached down to row 1 and the skewed rule under the header lay just inside row 1's box, so row 1 was
joined into the header (单位名称重庆市…中心); and the name's second line (中心), under the first
column of a table without 序号 read, stayed a row of its own. Pure tests of layout.merge_wrapped."""
from __future__ import annotations

from pipeline.extract.layout import Cell, merge_wrapped
from pipeline.model import Ruling


def C(text, x0, y0, x1, y1, origin=0):
    return Cell(text, text, "f", 1, (x0, y0, x1, y1), 0.9, "ocr", origin)


def H(y):
    return Ruling(axis="h", at=y, start=0.09, end=0.90)


HEADER = (C("序号", 0.092, 0.131, 0.118, 0.161), C("单位名称", 0.131, 0.123, 0.322, 0.147),
          C("统一社会信用代码", 0.333, 0.123, 0.445, 0.147), C("承担角色", 0.633, 0.123, 0.689, 0.147))
ROW1 = (C("重庆市蓝湾数字化转型促进", 0.132, 0.165, 0.323, 0.187, 1), C("12500116547984621B", 0.329, 0.165, 0.517, 0.187, 1),
        C("牵头方", 0.629, 0.165, 0.728, 0.187, 1))
WRAP = (C("中心", 0.141, 0.184, 0.167, 0.199, 2),)
RULES = [H(0.125), H(0.166), H(0.2075)]


def test_a_rule_just_inside_the_next_rows_box_parts_it_from_the_header():
    rows = merge_wrapped([HEADER, ROW1], RULES)
    assert [[c.text for c in r] for r in rows] == [[c.text for c in HEADER], [c.text for c in ROW1]]


def test_without_that_rule_the_rows_run_together():
    """The same rows with no rule read: the row under the header is taken as its wrapped line."""
    rows = merge_wrapped([HEADER, ROW1], [H(0.125)])
    assert len(rows) == 1


def test_a_names_second_line_under_the_first_column_of_a_ruled_table_joins_its_row():
    rows = merge_wrapped([HEADER, ROW1, WRAP], RULES)
    assert [c.text for c in rows[1]] == ["重庆市蓝湾数字化转型促进中心", "12500116547984621B", "牵头方"]
    assert len(rows) == 2


def test_under_the_first_column_without_rules_or_with_a_number_a_line_stays_a_row():
    """No rules read: a line under the first column may be the next row (its 序号 or name)."""
    assert len(merge_wrapped([ROW1, WRAP], [])) == 2
    numbered = (C("2", 0.141, 0.184, 0.167, 0.199, 2),)
    assert len(merge_wrapped([ROW1, numbered], RULES)) == 2
