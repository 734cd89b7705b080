"""A member table's 单位性质 cell that two engines' readings spliced into a garbled type word (dev seed
1202 #009, image PDF): 其他有限责任公司 came back 其他有限责艮责任公司, was taken for a unit's name in the
row and became a fourth member holding the lead's roles (a consortium.size review: two leads). A type
word with a couple of characters changed or added, none of them a unit's own, is no name. The page
through the real reader (family-2 plan, its planned scan look) and pure tests of is_type_word."""
from __future__ import annotations

from family2_pages import planned_facts

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract.member_list import is_type_word

RULES = load_rules()
MINE = ("consortium.size", "consortium.code_contributor", "consortium.application_unit")


def test_a_garbled_type_cell_is_no_member(tmp_path):
    exp, facts = planned_facts(tmp_path, 1202, 12, 8, ("cover", "members"))
    assert {u.name.value: u.roles for u in facts.consortium} == {
        m["name"]: tuple(m["roles"]) for m in exp["consortium"]}
    got = {r.rule: r.status for r in run_checks(facts, RULES, None) if r.rule in MINE}
    assert got == {c["rule"]: c["status"] for c in exp["checks"] if c["rule"] in MINE}


def test_garbled_type_words_are_no_names_and_short_names_stay():
    for t in ("其他有限责艮责任公司", "有限责任公公司", "企业有限责任公司"):
        assert is_type_word(t), t
    for n in ("渝信有限公司", "国合企业管理有限公司", "重庆有限公司", "中国社会组织促进会", "重庆云帆科技有限公司"):
        assert not is_type_word(n), n
