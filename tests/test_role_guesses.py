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
