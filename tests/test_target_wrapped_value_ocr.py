"""A target value wrapped in its cell on a scan (dev seed 1200 #006, image PDF): 不少于12000 in a narrow
预期目标 column wraps as 不少于1200 / 0; no engine read the lone 0, yet the word's box took it in (the
row's value box 1.6 times the column's others). 1200 < 3000 made targets.meet_indicators a `fail` the
truth does not have. A value box much taller than its column's others under the minimum is doubtful
(review), never a fail. The page through the real reader (family-2 plan, its planned scan look) and
a pure test of target_columns.late_values."""
from __future__ import annotations

from family2_pages import planned_facts

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract.target_columns import late_values
from pipeline.facts import Evidence, Target
from pipeline.process import indicator_specs

RULES = load_rules()
SPECS = indicator_specs(RULES)


def test_a_value_whose_wrapped_line_ocr_lost_is_no_fail(tmp_path):
    exp, facts = planned_facts(tmp_path, 1200, 12, 5, ("cover", "targets"))
    planned = next(c["status"] for c in exp["checks"] if c["rule"] == "targets.meet_indicators")
    got = {r.rule: r for r in run_checks(facts, RULES, None)}["targets.meet_indicators"]
    assert planned == "pass" and got.status in ("pass", "review"), got.detail
    t = next(t for t in facts.targets if t.indicator == "孵化场地面积")
    assert t.value == 12000 or "换行的部分可能漏识别" in t.evidence[-1].note, t


def _t(name, value, text, unit, y0, y1):
    ev = (Evidence(file="f", page=1, bbox=(0.17, y0, 0.49, y1), text=name, confidence=0.95),
          Evidence(file="f", page=1, bbox=(0.511, y0, 0.511 + 0.012 * len(text), y1), text=text, confidence=0.95))
    return Target(indicator=name, value=value, unit=unit, written=name, matched=True, evidence=ev)


def test_a_tall_value_box_under_the_minimum_is_doubtful():
    ind = next(i for i in SPECS if i.name == "孵化场地面积")
    rows = [_t("入驻企业数量", 120, "不少于120", "家", 0.217, 0.238),
            _t("孵化场地面积", 1200, "不少于1200", ind.unit, 0.249, 0.281),
            _t("年度创新创业活动", 28, "≥28", "场", 0.299, 0.315), _t("带动就业人数", 1200, "不低于1200", "人", 0.330, 0.350)]
    got = late_values(rows, SPECS)
    assert got[1].evidence[-1].confidence < RULES.thresholds.low_confidence
    assert "换行的部分可能漏识别" in got[1].evidence[-1].note
    assert got[:1] + got[2:] == rows[:1] + rows[2:]
    # as tall as the others, or at or above the minimum: as read
    level = _t("孵化场地面积", 1200, "不少于1200", ind.unit, 0.249, 0.268)
    assert late_values([rows[0], level] + rows[2:], SPECS)[1] == level
    enough = _t("孵化场地面积", ind.min, "不少于3000", ind.unit, 0.249, 0.281)
    assert late_values([rows[0], enough] + rows[2:], SPECS)[1] == enough
