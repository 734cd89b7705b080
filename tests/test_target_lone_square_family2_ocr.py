"""A declared area whose m OCR lost before its ² (dev seed 1523 #010, TIFF: （二）社区运营场地面积达到3600²；):
NFKC folded the ² into the figure (36002, no unit), the target went unread and the site table's 场地面积
3200m² stood in for it. A ² right after a figure is m² (`layout.norm`): 1000² would otherwise read 10002
and pass a minimum of 3000. The pure test fails before the fix; the seed's TIFF rendered again here
reads the m (the bundle's scan did not reproduce), kept as a check that the area stays the declared one."""
from __future__ import annotations

from family2_pages import read_planned_submission

from pipeline.checks.rules import load_rules
from pipeline.extract import extract_facts
from pipeline.extract.layout import norm
from pipeline.extract.target_values import value_of
from pipeline.process import indicator_specs


def test_a_lone_square_after_a_figure_is_square_metres():
    assert value_of(norm("3600²")) == (3600.0, "m2", "3600")
    assert value_of(norm("1000²")) == (1000.0, "m2", "1000")
    assert norm("3600m²") == "3600m2"


def test_declared_area_with_its_m_lost(tmp_path):
    sub, doc = read_planned_submission(tmp_path, 1523, 12, 9)
    facts = extract_facts([doc], indicators=indicator_specs(load_rules()))
    want = {t["indicator"]: t["value"] for t in sub.truth["expected"]["targets"]}
    got = {t.indicator: t.value for t in facts.targets if t.indicator in want}
    assert got["孵化场地面积"] == want["孵化场地面积"] == 3600
    assert got == want
