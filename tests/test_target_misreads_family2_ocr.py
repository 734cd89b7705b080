"""Target classes of scanned family-2 booklets (session 12), each through a real rendered page:
a ≥ Tesseract read as = in a numbered prose target (每年举办创新创业活动=28场, dev seed 841 #008), and
a table row a skewed scan cut in two lines, its value cells a third of a line above its name
(5000 | 万元 | 实施期末 over 5 | 5服务企业融资额, dev seed 842 #004); session 13, seed 923 (retired from
the untouched measurement): a speck before the comparator, 目 read as 日 in a name; dev seed 1181:
a name's last glyph read into the value cell.
Each target is read as planned and the rule judged as planned."""
from __future__ import annotations

import pytest
from family2_pages import planned_facts

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract.layout import Cell
from pipeline.extract.target_values import value_of
from pipeline.extract.targets import split_row

RULES = load_rules()


@pytest.mark.parametrize("seed, index", [
    (841, 7),  # （三）每年举办创新创业活动≥28场； read （三）每年举办创新创业活动=28场；
    (842, 3),  # row 5 of a skewed table read as two lines: values above, 序号 and name below
    (923, 9),  # 4.带动就业（人数）。不少于300人； a speck between name and comparator (seed 923 #010)
    (923, 10),  # 1开源项日数量: 目 read as 日 in a table's name cell (seed 923 #011)
    (1181, 9),  # 可自主支配孵化场地面 | 积≥12000: the name's last glyph in the value cell; the site
                # table's 3200m² was taken instead (dev seed 1181 #010)
    (1185, 3),  # 不低于30.家: a speck between the figure and its unit (dev seed 1185 #004)
])
def test_targets_and_their_rule_as_planned(tmp_path, seed, index):
    exp, facts = planned_facts(tmp_path, seed, 12, index, ("cover", "targets"))
    got = {t.indicator: (t.value, t.unit) for t in facts.targets}
    want = {t["indicator"]: (t["value"], t["unit"]) for t in exp["targets"]}
    assert got == want
    status = {r.rule: r.status for r in run_checks(facts, RULES, None)}["targets.meet_indicators"]
    assert status == next(c["status"] for c in exp["checks"] if c["rule"] == "targets.meet_indicators")


@pytest.mark.parametrize("text, want", [
    ("=28场", (28.0, "场", "28")),   # ≥ read as =
    ("＝28场", (28.0, "场", "28")),
    ("≥28场", (28.0, "场", "28")),
    ("28=场", None),                  # never inside a value
    ("不低于30.家", (30.0, "家", "30")),  # a speck between the figure and its unit
    ("30.5家", (30.5, "家", "30.5")),     # a decimal point stays
])
def test_equals_read_for_at_least_is_a_bound(text, want):
    assert value_of(text) == want


def _cell(text, x0, y0, x1, y1):
    return Cell(text, text, "f", 1, (x0, y0, x1, y1), 0.95, "ocr")


def test_split_row_one_row_in_two_lines_only():
    values = (_cell("5000", 0.50, 0.3307, 0.54, 0.3475), _cell("万元", 0.64, 0.3307, 0.68, 0.3475))
    name = (_cell("5", 0.117, 0.3421, 0.125, 0.3563), _cell("5服务企业融资额", 0.187, 0.3421, 0.325, 0.3563))
    assert split_row(values, name)
    # the next table row, a row height further down, is another row
    below = (_cell("6", 0.117, 0.3721, 0.125, 0.3863), _cell("新增知识产权", 0.187, 0.3721, 0.325, 0.3863))
    assert not split_row(values, below)
    # cells in the same column are two rows (a name under a name)
    assert not split_row(name, (_cell("带动就业人数", 0.19, 0.357, 0.30, 0.371),))
    assert not split_row((), name)


def test_a_name_glyph_spilled_into_the_value_cell_goes_back_to_the_name():
    from pipeline.extract.targets import _name_spill
    from pipeline.extract.target_values import default_indicators

    inds = default_indicators()
    cells = [_cell("可自主支配孵化场地面", 0.2, 0.2, 0.4, 0.22), _cell("积≥12000", 0.45, 0.2, 0.55, 0.22)]
    name, ind, score, out = _name_spill(cells, "可自主支配孵化场地面", 0.0, inds)
    assert (name, ind.name, out[1].text) == ("可自主支配孵化场地面积", "孵化场地面积", "≥12000")
    # a name already whole keeps its value cell as it is
    assert _name_spill([_cell("孵化场地面积", 0.2, 0.2, 0.4, 0.22), _cell("约≥12000", 0.45, 0.2, 0.55, 0.22)],
                       "孵化场地面积", 100.0, inds) is None
