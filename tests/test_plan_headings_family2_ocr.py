"""Plan section headings OCR read a character short (pipeline/extract/plans.py). Dev seed 1424 #002 (text
PDF whose plan page is a scan): （一）发展规划 read （一）发展划, the section was not found and plan.complete
a review on a complete plan. A numbered short heading holding a section word with one inner character
dropped names that section (at a lower confidence). Pure tests and the page through the real reader."""
from __future__ import annotations

from family2_pages import read_planned_submission

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract import extract_facts
from pipeline.extract.layout_cells import Cell
from pipeline.extract.layout import PageLayout
from pipeline.extract.plans import extract_plan_sections

RULES = load_rules()


def _page(*texts):
    rows = tuple((Cell(t, t, "f", 1, (0.1, 0.1 + 0.03 * k, 0.5, 0.12 + 0.03 * k), 0.95, "ocr", k),) for k, t in enumerate(texts))
    return PageLayout("f", 1, "ocr", rows)


def test_a_numbered_heading_a_character_short_names_its_section():
    got = extract_plan_sections([_page("（一）发展划", "（二）年度标", "（三）具体实施案", "（四）运营管理度")])
    assert all(f.found for f in got.values()), got
    assert 0.8 < got["development_plan"].confidence < 0.95


def test_a_sentence_or_an_unnumbered_line_is_no_heading_however_alike():
    got = extract_plan_sections([_page("本社区发展划定区域", "这是发展划分的原则，用于说明后续各项工作的安排和要求")])
    assert not got["development_plan"].found


def test_plan_heading_read_short_through_ocr(tmp_path):
    sub, doc = read_planned_submission(tmp_path, 1424, 12, 1, straddle=True)
    facts = extract_facts([doc])
    assert facts.plan_sections["development_plan"].found, facts.plan_sections
    got = {r.rule: r.status for r in run_checks(facts, RULES, None) if r.rule == "plan.complete"}
    assert got == {c["rule"]: c["status"] for c in sub.truth["expected"]["checks"] if c["rule"] == "plan.complete"} \
        == {"plan.complete": "pass"}
