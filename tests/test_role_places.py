"""Members' roles as each place states them (成员表, 联合体协议): the agreement's party head gives its
role (甲方（牵头单位）：A), and a doubled lead is a `fail` only when the places that state roles do not
contradict one another — when they do, `review` naming both places (seed 840 #011: tick rows misread
□ as ☑ gave three leads where the agreement names one). Pure text pages and hand-made facts."""
from __future__ import annotations

from test_checks_engine import APPL, CODE, LEAD, open_source
from test_extract_members import COVER, RULES
from test_extract_text import B, C, CODE as CODE_A, doc, page

from pipeline.checks.consortium_rules import check_consortium_size, places_contradict
from pipeline.extract import extract_facts
from pipeline.extract.layout import layouts
from pipeline.extract.member_prose import read_parties
from pipeline.facts import Evidence, RoleClaim

A_NAME, B_NAME, C_NAME = "重庆云帆科技有限公司", "重庆渝芯软件有限公司", "重庆市嘉陵软件评测中心"


def _cards(marks: tuple[str, str, str]) -> list[str]:
    return ["联合体成员情况",
            f"成员单位一 | {A_NAME}", f"统一社会信用代码 | {CODE_A}", f"承担角色 | {marks[0]}",
            f"成员单位二 | {B_NAME}", f"统一社会信用代码 | {B}", f"承担角色 | {marks[1]}",
            f"成员单位三 | {C_NAME}", f"统一社会信用代码 | {C}", f"承担角色 | {marks[2]}"]


def _agreement(heads: tuple[str, str, str], clauses: bool = True) -> list[str]:
    rows = ["联合体协议书", f"甲方{heads[0]}：{A_NAME}", f"乙方{heads[1]}：{B_NAME}", f"丙方{heads[2]}：{C_NAME}"]
    if clauses:
        rows.append("第二条 成员分工：乙方作为开源代码贡献单位，负责核心代码维护；丙方作为应用单位，负责成果落地应用。")
    return rows


def _size(f):
    return check_consortium_size(f, RULES)


MISREAD = ("■牵头单位 □开源代码贡献单位 □应用单位", "☑牵头单位 ■开源代码贡献单位 □应用单位",
           "☑牵头单位 □开源代码贡献单位 ■应用单位")
RIGHT = ("■牵头单位 □开源代码贡献单位 □应用单位", "□牵头单位 ■开源代码贡献单位 □应用单位",
         "□牵头单位 □开源代码贡献单位 ■应用单位")


def test_party_head_gives_its_role():
    f = extract_facts([doc(page(COVER, 1), page(_agreement(("（牵头单位）", "", ""), clauses=False), 2))])
    lead = next(u for u in f.consortium if u.name.value == A_NAME)
    assert lead.roles == ("lead",)
    assert [(c.place, c.roles) for c in lead.role_claims] == [("联合体协议", ("lead",))]
    pages = layouts([doc(page(_agreement(("（牵头单位）", "（开源代码贡献单位）", "（盖章）"), clauses=False), 1))])
    got = {n: r for n, r, _ in read_parties(pages)}
    assert got == {A_NAME: ("lead",), B_NAME: ("code_contributor",)}


def test_tick_rows_contradicting_the_agreement_make_multiple_leads_review_naming_both_places():
    f = extract_facts([doc(page(COVER, 1), page(_cards(MISREAD), 2, source="docx", table=True),
                           page(_agreement(("（牵头单位）", "", "")), 3))])
    assert sum("lead" in u.roles for u in f.consortium) == 3  # the union of the places, as before
    r = _size(f)
    assert r.status == "review", r
    assert "成员表" in r.detail and "联合体协议" in r.detail and "牵头单位有3家" in r.detail
    assert {e.page for e in r.evidence} >= {2, 3}


def test_places_that_agree_keep_a_multiple_lead_fail():
    two = ("■牵头单位 □开源代码贡献单位 □应用单位", "■牵头单位 ■开源代码贡献单位 □应用单位", RIGHT[2])
    f = extract_facts([doc(page(COVER, 1), page(_cards(two), 2, source="docx", table=True),
                           page(_agreement(("（牵头单位）", "（牵头单位）", "")), 3))])
    r = _size(f)
    assert r.status == "fail" and "牵头单位有2家" in r.detail, r
    # the member table alone (no other place states roles) still fails
    f = extract_facts([doc(page(COVER, 1), page(_cards(two), 2, source="docx", table=True))])
    assert _size(f).status == "fail"


def test_places_that_agree_on_one_lead_pass():
    f = extract_facts([doc(page(COVER, 1), page(_cards(RIGHT), 2, source="docx", table=True),
                           page(_agreement(("（牵头单位）", "", "")), 3))])
    assert _size(f).status == "pass"
    assert places_contradict(f.consortium, "lead", exact=True) == ("", ())


def _claims(unit, *claims):
    return unit.model_copy(update={"role_claims": tuple(
        RoleClaim(place=p, roles=roles, evidence=tuple(Evidence(file="a.pdf", page=pg, text=p) for _ in roles))
        for p, roles, pg in claims)})


def test_places_contradict_on_a_member_both_give_roles():
    a = _claims(LEAD, ("成员表", ("lead",), 2), ("联合体协议", ("lead",), 3))
    b = _claims(CODE, ("成员表", ("lead", "code_contributor"), 2), ("联合体协议", ("code_contributor",), 3))
    why, ev = places_contradict((a, b), "lead")
    assert "成员表写明重庆开源软件有限公司为牵头单位" in why and "联合体协议写其为开源代码贡献单位" in why
    assert [e.page for e in ev] == [2, 3]
    # a member only one place gives roles: nothing to contradict
    b = _claims(CODE, ("成员表", ("lead", "code_contributor"), 2))
    assert places_contradict((a, b), "lead") == ("", ())


def test_places_naming_different_leads_contradict_only_for_an_exact_count():
    a = _claims(LEAD, ("成员表", ("lead",), 2))
    b = _claims(CODE.model_copy(update={"roles": ("lead",)}), ("联合体协议", ("lead",), 3))
    assert places_contradict((a, b), "lead") == ("", ())
    why, ev = places_contradict((a, b), "lead", exact=True)
    assert "成员表写明牵头单位为重庆云杉科技有限公司" in why and "联合体协议写明牵头单位为重庆开源软件有限公司" in why
    facts = open_source(consortium=(a, b, APPL))
    r = check_consortium_size(facts, RULES)
    assert r.status == "review" and "牵头单位有2家" in r.detail
    # without role claims (one place only): the fail stands
    assert check_consortium_size(open_source(consortium=(LEAD, CODE.model_copy(update={"roles": ("lead",)}), APPL)),
                                 RULES).status == "fail"
