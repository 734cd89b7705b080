"""A piece of a table rule that OCR reads as a dash under a wrapped cell does not lower the cell's confidence
(dev seed 1495 #08, family 1, skewed JPEG): the role cell 代码贡献单位、应 / 用推广单位 took a lone 一 at 0.75
from the rule under it, the roles' evidence fell under the threshold and consortium.size, code_contributor and
application_unit were reviews of roles read right. labels.yaml rule_marks, as specks are (join_cells)."""
from __future__ import annotations

from pathlib import Path

from pipeline.checks.rules import load_rules
from pipeline.extract.layout_cells import Cell, join_cells

from family1_pages import planned_facts


def test_roles_keep_their_confidence_over_a_rule_read_as_a_dash(tmp_path: Path):
    expected, facts = planned_facts(tmp_path, 1495, 8, ("members",))
    low = load_rules().thresholds.low_confidence
    want = {m["name"]: set(m["roles"]) for m in expected["consortium"]}
    got = {str(m.name.value): m for m in facts.consortium}
    assert set(got) == set(want)
    for name, roles in want.items():
        assert set(got[name].roles) == roles
        assert min(e.confidence for e in got[name].role_evidence) >= low, got[name].role_evidence


def test_a_dash_joined_keeps_the_reading_confidence():
    a = Cell("应用推广单位", "应用推广单位", "f", 1, (0.7, 0.2, 0.8, 0.21), 0.95, "ocr")
    b = Cell("一", "一", "f", 1, (0.8, 0.22, 0.81, 0.222), 0.4, "ocr")
    assert join_cells(a, b).confidence == 0.95
    assert join_cells(a, Cell("单位", "单位", "f", 1, (0.7, 0.22, 0.72, 0.23), 0.6, "ocr")).confidence == 0.6
