"""Members, roles and targets on family-2 pages (pipeline/samples/family2) rendered with their planned
scan look, written as an image PDF and read by the REAL reader (default OCR cascade), then extracted
and checked. Each case is a class that was lost before:

- member cards whose 承担角色 tick row lost its filled mark (□牵头单位开源代码贡献单位□应用单位) and an
  agreement clause wrapped after the party's alias (……；丙方 / 作为开源贡献单位，……): a member without a role;
- a transposed targets table (指标 | 入驻企业…（户） | … / 三年目标 | 120 | …) whose last column is the
  applicant's own target (服务企业融资额（万元）): dropped, where a table row would have been kept;
- members written as numbered prose items (（一）牵头单位：A公司（统一社会信用代码：…）) whose names wrap.
"""
from __future__ import annotations

from family2_pages import planned_facts

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules

RULES = load_rules()


_read = planned_facts


def test_role_tick_mark_lost_and_agreement_clause_wrapped_through_ocr(tmp_path):
    exp, facts = _read(tmp_path, 31, 8, 4, ("cover", "members", "agreement", "signing"))
    want = {m["name"]: tuple(m["roles"]) for m in exp["consortium"]}
    assert {u.name.value: tuple(u.roles) for u in facts.consortium} == want
    assert facts.consortium_list.value == len(want), facts.consortium_list.reason
    got = {r.rule: r.status for r in run_checks(facts, RULES, None) if r.rule.startswith("consortium.")}
    assert got == {c["rule"]: c["status"] for c in exp["checks"] if c["rule"].startswith("consortium.")}
    assert got["consortium.application_unit"] == "fail"  # this booklet has none: read whole, so a fail


def test_own_target_column_of_a_transposed_table_through_ocr(tmp_path):
    exp, facts = _read(tmp_path, 31, 8, 1, ("cover", "targets"))
    got = {t.indicator: (t.value, t.unit) for t in facts.targets}
    want = {t["indicator"]: (t["value"], t["unit"]) for t in exp["targets"]}
    assert "服务企业融资额" in want and got["服务企业融资额"] == want["服务企业融资额"]
    assert not [t for t in facts.targets if t.indicator == "服务企业融资额" and t.matched]
    assert len(got) == len(want)


def test_members_as_numbered_prose_items_with_names_wrapped_through_ocr(tmp_path):
    """（二）开源代码贡献单位：重庆……有 / 限公司（统一社会信用代码：…）: each item names one member with its
    role; a name wrapped onto the next line is read from the joined lines, so the list is read whole."""
    exp, facts = _read(tmp_path, 14, 6, 4, ("cover", "members", "agreement"))
    want = {m["name"]: tuple(m["roles"]) for m in exp["consortium"]}
    assert {u.name.value: tuple(u.roles) for u in facts.consortium} == want
    assert facts.consortium_list.value == len(want), facts.consortium_list.reason
    got = {r.rule: r.status for r in run_checks(facts, RULES, None) if r.rule.startswith("consortium.")}
    assert got == {c["rule"]: c["status"] for c in exp["checks"] if c["rule"].startswith("consortium.")}


def test_agreement_party_line_lost_still_agrees_with_the_member_list_through_ocr(tmp_path):
    """甲方、乙方、丁方 read, 丙方's line lost: the parties count to 丁方 (4), which agrees with the four
    member cards, so the list is read whole and a missing 应用单位 is a fail, not a review."""
    exp, facts = _read(tmp_path, 41, 8, 4, ("cover", "members", "agreement", "signing", "targets"))
    assert facts.consortium_list.value == len(exp["consortium"]) == 4, facts.consortium_list.reason
    got = {r.rule: r.status for r in run_checks(facts, RULES, None) if r.rule.startswith("consortium.")}
    assert got == {c["rule"]: c["status"] for c in exp["checks"] if c["rule"].startswith("consortium.")}


def test_member_item_whose_name_holds_a_place_in_brackets_in_a_text_pdf(tmp_path):
    """（三）应用单位：汇川数码科技（重庆）有限公司（统一社会信用代码：…）: lost, the item list said 2 members where
    the count and the agreement's parties said 3 (consortium.size review). This booklet is a text PDF:
    written as one and read from its text layer by the real reader."""
    exp, facts = _read(tmp_path, 282, 12, 2, ("cover", "members", "agreement", "signing"), "text_pdf")
    want = {m["name"]: tuple(m["roles"]) for m in exp["consortium"]}
    assert "汇川数码科技（重庆）有限公司" in want
    assert {u.name.value: tuple(u.roles) for u in facts.consortium} == want
    assert facts.consortium_list.value == len(want) == 3, facts.consortium_list.reason
    got = {r.rule: r.status for r in run_checks(facts, RULES, None) if r.rule == "consortium.size"}
    assert got == {"consortium.size": "pass"}
