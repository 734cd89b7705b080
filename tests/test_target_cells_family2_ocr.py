"""Two ways a clearly read target became a review on family-2 scans (dev seeds 1300–1301).

- A comparator cut in two at a table rule (seed 1301 #010, image PDF): RapidOCR read 。不低于3600 as
  one word whose box a speck stretched over the name column; cut at the rule by character width, the
  row became 孵化场地面积。不低 | 于3600 and the value was lost (未找到指标). The comparator is put
  back whole at the value's start (targets.comparator_cut).
- A wrapped header read low (seed 1300 #006 image PDF, #008 TIFF): the indicators as columns, their
  names wrapped over two or three lines, a stray bracket or m² (“mi)”, a lone “）”) read at 0.3–0.6;
  the name still matched its indicator exactly and the value was read at 0.99, yet the whole target
  took the name's confidence and targets.meet_indicators was a review. A value read clearly under a
  name matched exactly may pass (Target.value_confidence); a value under its minimum is still judged
  on the name's confidence too (never a fail from a doubtful name).

Pages through the real reader with their planned scan look, and pure tests."""
from __future__ import annotations

from family2_pages import planned_facts

from pipeline.checks.engine import check_targets
from pipeline.checks.rules import load_rules
from pipeline.extract.layout import Cell
from pipeline.extract.target_values import make_target
from pipeline.extract.targets import comparator_cut
from pipeline.facts import ApplicationFacts
from pipeline.process import indicator_specs

RULES = load_rules()
SPECS = indicator_specs(RULES)


def _planned(exp):
    return next(c["status"] for c in exp["checks"] if c["rule"] == "targets.meet_indicators")


def test_a_comparator_cut_at_the_rule_keeps_its_value(tmp_path):
    exp, facts = planned_facts(tmp_path, 1301, 12, 9, ("cover", "targets"))
    got = {t.indicator: t.value for t in facts.targets}
    assert got.get("孵化场地面积") == 3600, facts.targets
    assert _planned(exp) == "pass"
    assert check_targets(facts, RULES, exp["track"]).status == "pass"


def test_a_wrapped_header_read_low_does_not_doubt_a_clear_value(tmp_path):
    exp, facts = planned_facts(tmp_path, 1300, 12, 5, ("cover", "targets"))
    assert _planned(exp) == "pass"
    got = check_targets(facts, RULES, exp["track"])
    assert got.status == "pass", got.detail


def test_a_wrapped_header_on_a_tiff(tmp_path):
    exp, facts = planned_facts(tmp_path, 1300, 12, 7, ("cover", "targets"), fmt="tiff")
    assert _planned(exp) == "pass"
    got = check_targets(facts, RULES, exp["track"])
    assert got.status == "pass", got.detail


def _cell(text, x0, x1, conf=0.95):
    return Cell(text, text, "f", 1, (x0, 0.2, x1, 0.22), conf, "ocr")


def test_comparator_cut():
    got = comparator_cut([_cell("2", 0.1, 0.16), _cell("孵化场地面积。不低", 0.17, 0.5), _cell("于3600", 0.5, 0.64),
                          _cell("平方米", 0.65, 0.71)])
    assert [c.text for c in got] == ["2", "孵化场地面积", "不低于3600", "平方米"]
    assert comparator_cut([_cell("面积不少", 0.1, 0.3), _cell("于三千六百", 0.3, 0.5)])[1].text == "不少于三千六百"
    assert [c.text for c in comparator_cut([_cell("。不低", 0.1, 0.3), _cell("于36", 0.3, 0.5)])] == ["不低于36"]
    # a head with no rest beside it, or a rest not followed by a figure: as read
    for row in (["数量不", "20家"], ["孵化场地面积不低", "于"], ["每年举办创新创业活动", "96"], ["场地达", "到期"]):
        assert [c.text for c in comparator_cut([_cell(row[0], 0.1, 0.3), _cell(row[1], 0.3, 0.5)])] == row


def _target(name_conf, value_conf, value, written="带动就业人数（人）"):
    ind = next(i for i in SPECS if i.name == "带动就业人数")
    shown = f"{value:g}"  # as a page writes it (200, not str(float) 200.0: zeros after a point are doubtful)
    used = [_cell(written, 0.6, 0.72, name_conf), _cell(shown, 0.62, 0.65, value_conf)]
    score = 100.0 if written.startswith("带动就业人数") else 85.0
    return make_target(ind, score, written, float(value), "人", used, shown)


def _facts(*targets):
    ind = {i.name: i for i in SPECS if i.track == "innovation_community"}
    others = [make_target(i, 100.0, i.name, float(i.min), i.unit, [_cell(i.name, 0.1, 0.2), _cell(f"{i.min:g}", 0.3, 0.4)],
                          f"{i.min:g}") for n, i in ind.items() if n != "带动就业人数"]
    return ApplicationFacts(targets=tuple(others) + targets)


def test_a_name_read_low_supports_a_pass_only():
    ind = next(i for i in SPECS if i.name == "带动就业人数")
    low, t = RULES.thresholds.low_confidence, _target(0.3, 0.99, ind.min + 100)
    assert t.value_confidence == 0.99 and all(e.confidence < low for e in t.evidence)
    got = check_targets(_facts(t), RULES, "innovation_community")
    assert got.status == "pass" and "名称识别置信度偏低" in got.detail, got.detail
    # under the minimum: the name's doubt withholds the fail
    assert check_targets(_facts(_target(0.3, 0.99, ind.min - 100)), RULES, "innovation_community").status == "review"
    assert check_targets(_facts(_target(0.95, 0.99, ind.min - 100)), RULES, "innovation_community").status == "fail"
    # the value read low, or the name matched only by similarity: review as before
    assert _target(0.95, 0.3, ind.min + 100).value_confidence is None
    assert check_targets(_facts(_target(0.3, 0.5, ind.min + 100)), RULES, "innovation_community").status == "review"
    fuzzy = _target(0.3, 0.99, ind.min + 100, written="带动就业岗位")
    assert fuzzy.value_confidence is None
    assert check_targets(_facts(fuzzy), RULES, "innovation_community").status == "review"


def test_a_speck_inside_a_wrapped_header_name(tmp_path):
    """Dev seed 1303 #006 (JPEG folder): 吸纳带动就”业（人） read at 0.62 — the ” matched only by
    similarity, so the clear ≥600 stayed doubtful. Specks inside a name (labels.yaml
    name_inner_specks) are no part of it."""
    exp, facts = planned_facts(tmp_path, 1303, 12, 5, ("cover", "targets"))
    assert _planned(exp) == "pass"
    got = check_targets(facts, RULES, exp["track"])
    assert got.status == "pass", got.detail


def test_inner_specks_are_no_part_of_a_name():
    from pipeline.extract.target_values import indicator_key, match_indicator

    assert indicator_key("吸纳带动就”业（人）") == indicator_key("吸纳带动就业（人）")
    assert match_indicator("吸纳带动就”业（人）", SPECS)[1] == 100


def test_a_name_head_cut_off_with_the_row_number(tmp_path):
    """Dev seed 1304 #010 (JPEG folder): 4.吸纳带动就业 cut at the 序号 column's rule as 4.吸 | 纳带动就业
    (the point after the 4 hid where the figures end); the name 纳带动就业 matched nothing and the
    indicator was not found. The name's head goes back to its cell (targets.number_cut)."""
    exp, facts = planned_facts(tmp_path, 1304, 12, 9, ("cover", "targets"))
    assert _planned(exp) == "pass"
    assert {t.indicator: t.value for t in facts.targets}.get("带动就业人数") == 300, facts.targets
    assert check_targets(facts, RULES, exp["track"]).status == "pass"


def test_number_cut():
    from pipeline.extract.targets import number_cut

    got = number_cut([_cell("4.吸", 0.1, 0.17), _cell("纳带动就业", 0.17, 0.29), _cell("300", 0.5, 0.54)])
    assert [c.text for c in got] == ["4.", "吸纳带动就业", "300"]
    assert [c.text for c in number_cut([_cell("12入驻", 0.1, 0.17), _cell("企业数量", 0.17, 0.29)])] == ["12", "入驻企业数量"]
    for row in (["4", "吸纳带动就业"], ["4.吸", "300"], ["入驻企业", "数量"], ["4.吸纳带", "动就业"]):
        assert [c.text for c in number_cut([_cell(row[0], 0.1, 0.17), _cell(row[1], 0.17, 0.29)])] == row
