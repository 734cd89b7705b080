"""The applicant's code and entity type on family-2 pages (pipeline/samples/family2) rendered with their
planned scan look, written as an image PDF and read by the REAL reader (default OCR cascade), then
extracted and checked. Each case is a class that was lost before:

- a 4-column basic-information grid whose label 统一社会信用代码（注册号） wraps in its cell
  (统一社会信用 / 代码（注册号 / ）): the open note was taken for the value, the code beside it was lost,
  and the 单位类型 tick row whose filled mark OCR dropped stayed unconfirmed — two wrong reviews;
- a ticked ■其他（个体工商户） whose detail OCR cut short (■其他(个体工)): no type was taken at all (review
  where the truth is a fail on evidence). Seed 427 was meant as a measurement seed: this class was
  found on it, so it is a test seed now.
"""
from __future__ import annotations

from family2_pages import planned_facts

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules

RULES = load_rules()


def test_code_under_a_label_whose_note_wraps_open_confirms_the_ticked_type(tmp_path):
    exp, facts = planned_facts(tmp_path, 282, 12, 11, ("cover", "basic_info"))
    assert facts.applicant.uscc.value == exp["applicant"]["uscc"], facts.applicant.uscc
    assert facts.applicant.entity_type.value == exp["applicant"]["entity_type"] == "social_organization"
    rules = ("entity.type_allowed", "entity.uscc_valid")
    got = {r.rule: r.status for r in run_checks(facts, RULES, None) if r.rule in rules}
    assert got == {c["rule"]: c["status"] for c in exp["checks"] if c["rule"] in rules} == \
        {"entity.type_allowed": "pass", "entity.uscc_valid": "pass"}


def test_ticked_other_whose_detail_ocr_cut_short_fails_on_evidence(tmp_path):
    exp, facts = planned_facts(tmp_path, 427, 6, 1, ("cover", "basic_info"))
    assert exp["applicant"]["entity_type"] == "other"
    assert facts.applicant.entity_type.value == "other", facts.applicant.entity_type
    got = {r.rule: r.status for r in run_checks(facts, RULES, None) if r.rule == "entity.type_allowed"}
    assert got == {c["rule"]: c["status"] for c in exp["checks"] if c["rule"] == "entity.type_allowed"} == \
        {"entity.type_allowed": "fail"}
