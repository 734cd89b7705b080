"""A member card's 承担角色 tick row whose marks OCR dropped before two options (□牵头单位 开源代码贡献单位应用单位:
one ■ and one □ lost, dev seed 1360 #011): both options were taken as ticked, and the member became a code
contributor the agreement (丁方作为应用推广单位) does not make it — a role that could pass
consortium.code_contributor on nothing. A role only such a guess gives, that another place stating the
member's roles does not give, is dropped; alone, the guess stands as before."""
from __future__ import annotations

from pathlib import Path

from pipeline.extract.member_list import guessed_roles

from family2_pages import planned_facts


def test_roles_taken_by_guess_are_named():
    assert guessed_roles("□牵头单位 开源代码贡献单位应用单位") == {"code_contributor", "application_unit"}
    assert guessed_roles("□牵头单位 ■开源代码贡献单位 □应用单位") == set()     # a mark read
    assert guessed_roles("□牵头单位 □开源代码贡献单位 应用单位") == set()      # one bare option: no guess between two


def test_a_guessed_role_the_agreement_does_not_give_is_dropped(tmp_path: Path):
    expected, facts = planned_facts(tmp_path, 1360, 12, 10, ("members", "agreement", "signing"))
    got = {u.name.value: set(u.roles) for u in facts.consortium}
    want = {m["name"]: set(m["roles"]) for m in expected["consortium"]}
    assert got == want, got


def test_a_set_aside_guess_keeps_its_claim_and_withholds_a_fail(tmp_path: Path):
    """The guess set aside stays in the table's claim, so the places disagree on the member; with no other
    holder of the role, consortium.code_contributor is then a review naming both places, not a fail."""
    from test_checks_engine import APPL, LEAD, open_source

    from pipeline.checks.consortium_rules import check_code_contributor
    from pipeline.checks.rules import load_rules
    from pipeline.facts import Evidence, RoleClaim

    def claim(place, roles):
        return RoleClaim(place=place, roles=roles, evidence=tuple(Evidence(file="a.pdf", page=2, text=place) for _ in roles))

    guessed = APPL.model_copy(update={"role_claims": (claim("成员表", ("code_contributor", "application_unit")),
                                                       claim("联合体协议", ("application_unit",)))})
    rules = load_rules()
    got = check_code_contributor(open_source(consortium=(LEAD, guessed)), rules)
    assert got.status == "review" and "两处不一致" in got.detail, got.detail
    # the places agree that nobody holds it: the fail stands on what was read
    agreed = APPL.model_copy(update={"role_claims": (claim("成员表", ("application_unit",)),
                                                      claim("联合体协议", ("application_unit",)))})
    assert check_code_contributor(open_source(consortium=(LEAD, agreed)), rules).status == "fail"
    # and on the page: the member keeps the table's guessed claim, not the role
    expected, facts = planned_facts(tmp_path, 1360, 12, 10, ("members", "agreement", "signing"))
    unit = next(u for u in facts.consortium if u.name.value == "重庆锦程物联科技有限公司")
    assert unit.roles == ("application_unit",)
    assert "code_contributor" in next(c.roles for c in unit.role_claims if c.place == "成员表")
