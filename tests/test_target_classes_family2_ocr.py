"""The target and plan classes of tests/test_target_classes.py through the real reader: family-2
pages (pipeline/samples/family2) rendered with their planned scan look into an image PDF, read by
the default OCR cascade, then extracted and checked against the plan's truth."""
from __future__ import annotations

import pytest
from family2_pages import planned_facts

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules

RULES = load_rules()


_read = planned_facts


@pytest.mark.parametrize("seed, n, index", [
    (11, 6, 1),   # 序号考核指标 | 目标值计量单位完成时限: the header cells OCR reads as one
    (12, 6, 3),   # 0.36 | 万平方米2028年底: a unit read with the deadline beside it
    (231, 10, 1),  # 服务企业融资额 5000万元: 万 stays with the unit of an own target
])
def test_declared_targets_and_their_rule_through_ocr(tmp_path, seed, n, index):
    exp, facts = _read(tmp_path, seed, n, index, ("cover", "targets"))
    got = {t.indicator: (t.value, t.unit) for t in facts.targets}
    want = {t["indicator"]: (t["value"], t["unit"]) for t in exp["targets"]}
    assert got == want
    status = {r.rule: r.status for r in run_checks(facts, RULES, None)}["targets.meet_indicators"]
    assert status == next(c["status"] for c in exp["checks"] if c["rule"] == "targets.meet_indicators")
