"""Target classes of scanned family-2 booklets (session 9), each through a real rendered page:
a 序号 centred in its column read glued to the name (3每 | 年举办…), a glyph of the name misread
(代码页献者), a speck beside a name (引进入驻企业（户）。), and an area in m² (㎡ and m² are m2 after
NFKC) in a numbered list of a text PDF. Each target is read as planned and the rule judged as planned."""
from __future__ import annotations

import pytest
from family2_pages import planned_facts

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules

RULES = load_rules()


@pytest.mark.parametrize("seed, index, fmt", [
    (500, 3, "image_pdf"),  # 3每年举办创新创业活动 over the 序号 and name cells: cut where the 3 ends
    (502, 8, "image_pdf"),  # 3代码页献者（人数）不低于120人: 页 for 贡, matched fully, no low-confidence review
    (504, 9, "image_pdf"),  # 引进入驻企业（户）。: the speck is no part of the name
    (500, 9, "text_pdf"),   # 2可自主支配孵化场地面积不低于4500m2;
])
def test_targets_and_their_rule_as_planned(tmp_path, seed, index, fmt):
    exp, facts = planned_facts(tmp_path, seed, 12, index, ("cover", "targets"), fmt)
    got = {t.indicator: (t.value, t.unit) for t in facts.targets}
    want = {t["indicator"]: (t["value"], t["unit"]) for t in exp["targets"]}
    assert got == want
    status = {r.rule: r.status for r in run_checks(facts, RULES, None)}["targets.meet_indicators"]
    assert status == next(c["status"] for c in exp["checks"] if c["rule"] == "targets.meet_indicators")
