"""merge_wrapped on a narrow scanned member table (issue 15, seed 600 #002): the header's 序号 box
reached down to row 1 and the skewed rule under the header lay just inside row 1's box, so row 1 was
joined into the header (单位名称重庆市…中心); and the name's second line (中心), under the first
column of a table without 序号 read, stayed a row of its own. Pure tests of layout.merge_wrapped."""
from __future__ import annotations

from pipeline.extract.layout import Cell, is_speck, join_cells, merge_wrapped
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


def test_a_wrapped_cells_lines_joined_in_one_row_read_top_line_first():
    """A narrow scanned member table (seed 660 #003, TIFF): the wrapped name's second line (公司) and the
    code's (6Y) start a hair left of the first line and came into its row; joined left to right they
    read 公司重庆九章软件技术股份有限 and 6Y91500119MALPEDUJ (no name, the code turned)."""
    from pipeline.extract.layout import merge_fragments

    row = sorted([C("重庆九章软件技术股份有限", 0.362, 0.155, 0.57, 0.175, 1), C("公司", 0.359, 0.171, 0.403, 0.19, 2),
                  C("91500119MALPEDUJ", 0.5941, 0.162, 0.753, 0.174, 3), C("6Y", 0.5939, 0.179, 0.612, 0.188, 4)],
                 key=lambda c: c.bbox[0])
    assert [c.text for c in merge_fragments(row)] == ["重庆九章软件技术股份有限公司", "91500119MALPEDUJ6Y"]
    # runs side by side on one line stay in reading order, whichever box reaches higher
    side = [C("重庆九章", 0.30, 0.160, 0.36, 0.175, 1), C("软件公司", 0.361, 0.150, 0.42, 0.172, 2)]
    assert [c.text for c in merge_fragments(side)] == ["重庆九章软件公司"]


def test_a_tall_first_line_reaching_into_a_short_second_line_is_still_above_it():
    """Seed 804 #007: …促进 (0.166–0.191) over 中心 (0.182–0.200) share just over half 中心's height; by
    their middles 中心 is the line below, so the name reads 重庆市澜图数字化转型促进中心, not 中心重庆市…促进."""
    from pipeline.extract.layout import merge_fragments

    row = [C("中心", 0.15417, 0.18213, 0.18138, 0.19966, 3), C("重庆市澜图数字化转型促进", 0.15478, 0.16631, 0.33978, 0.19111, 4)]
    assert [c.text for c in merge_fragments(row)] == ["重庆市澜图数字化转型促进中心"]


def test_a_speck_joined_under_a_cell_keeps_the_cells_confidence():
    """Dev seed 1200 #011: the 。 read at 0.02 under a code's cell (the wrapped label's line 码。。)
    made the code a review. A speck holds no reading; two readings still keep the lower one."""
    code = Cell("12500111768459396R", "12500111768459396R", "f", 1, (0.27, 0.18, 0.54, 0.20), 0.99, "ocr", 0)
    speck = Cell("。", "。", "f", 1, (0.40, 0.206, 0.41, 0.224), 0.02, "ocr", 1)
    low = Cell("码", "码", "f", 1, (0.12, 0.206, 0.14, 0.224), 0.31, "ocr", 1)
    assert join_cells(code, speck).confidence == 0.99
    assert join_cells(speck, code).confidence == 0.99
    assert join_cells(code, low).confidence == 0.31
    assert join_cells(speck, speck).confidence == 0.02
    assert is_speck("。 、") and not is_speck("码。") and not is_speck(" ")
