"""Target classes of scanned family-2 booklets (session 12), each through a real rendered page:
a ≥ Tesseract read as = in a numbered prose target (每年举办创新创业活动=28场, dev seed 841 #008).
Each target is read as planned and the rule judged as planned."""
from __future__ import annotations

import pytest
from family2_pages import planned_facts

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract.target_values import value_of

RULES = load_rules()


@pytest.mark.parametrize("seed, index", [
    (841, 7),  # （三）每年举办创新创业活动≥28场； read （三）每年举办创新创业活动=28场；
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
])
def test_equals_read_for_at_least_is_a_bound(text, want):
    assert value_of(text) == want
