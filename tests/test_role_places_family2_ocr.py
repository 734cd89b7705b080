"""Roles from two places on a family-2 scan (pipeline/samples/family2 pages rendered with their planned
scan look, read by the REAL reader): seed 840 (12 applications), application #011. Its member cards'
tick rows came back misread (□ read as ☑ before 牵头单位, a ■ dropped) and gave all three members the
lead — a `consortium.size` fail (multiple leads) on an eligible application — though the agreement's
party head 甲方（牵头单位） and its clauses name one lead. The places contradict: `review` naming both."""
from __future__ import annotations

from family2_pages import read_planned_pages

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract import extract_facts


def test_misread_tick_rows_against_the_agreement_are_review_not_a_multiple_lead_fail(tmp_path):
    sub, doc = read_planned_pages(tmp_path, 840, 12, 10, ("members", "agreement"))
    facts = extract_facts([doc])
    want = {m["name"]: tuple(m["roles"]) for m in sub.truth["expected"]["consortium"]}
    assert {u.name.value for u in facts.consortium} == set(want)
    lead = next(n for n, r in want.items() if "lead" in r)
    agreed = {u.name.value: c.roles for u in facts.consortium for c in u.role_claims if c.place == "联合体协议"}
    assert agreed == want  # the head 甲方（牵头单位） gives the lead its role; the clauses the others theirs
    got = {r.rule: r for r in run_checks(facts, load_rules(), None) if r.rule.startswith("consortium.")}
    size = got["consortium.size"]
    assert size.status == "review", size.detail
    assert "成员表" in size.detail and "联合体协议" in size.detail
    assert len({e.page for e in size.evidence}) == 2  # the member cards' page and the agreement's
    assert lead in size.detail
    assert got["consortium.code_contributor"].status == "pass"
    assert got["consortium.application_unit"].status == "pass"


def test_a_clause_giving_two_parties_roles_and_a_speck_inside_a_role_cell(tmp_path):
    """Seed 926 (the untouched family-2 bundle of session 12, retired to dev) #005: the member table's
    third role cell read 开源代码贡,献单位 (a speck inside the phrase) and the agreement gives 乙方 and 丙方
    their roles in one clause (乙方作为代码贡献方，……，丙方作为开源代码贡献单位): the third member had no
    role, so the consortium's missing application unit — the planned `fail` — came out `review`."""
    sub, doc = read_planned_pages(tmp_path, 926, 12, 4, ("members", "agreement"))
    facts = extract_facts([doc])
    want = {m["name"]: tuple(m["roles"]) for m in sub.truth["expected"]["consortium"]}
    assert {u.name.value: u.roles for u in facts.consortium} == want
    agreed = {u.name.value: c.roles for u in facts.consortium for c in u.role_claims if c.place == "联合体协议"}
    assert agreed == want
    got = {r.rule: r.status for r in run_checks(facts, load_rules(), None) if r.rule.startswith("consortium.")}
    assert got == {c["rule"]: c["status"] for c in sub.truth["expected"]["checks"] if c["rule"].startswith("consortium.")}
    assert got["consortium.application_unit"] == "fail"


def test_a_speck_boxed_under_a_role_cell_does_not_make_it_doubtful(tmp_path):
    """Seed 927 (retired from the untouched set) #011, a TIFF: a 。 read at confidence 0.0 under the
    third member's role cell (the line 。 62 below it) was joined into 应用单位。 at confidence 0.0, and
    consortium.size and consortium.application_unit came out `review` (识别置信度偏低) on an eligible
    application whose every member and role was read right."""
    sub, doc = read_planned_pages(tmp_path, 927, 12, 10, ("cover", "members", "agreement"), fmt="tiff")
    facts = extract_facts([doc])
    want = {m["name"]: tuple(m["roles"]) for m in sub.truth["expected"]["consortium"]}
    assert {u.name.value: u.roles for u in facts.consortium} == want
    got = {r.rule: r.status for r in run_checks(facts, load_rules(), None) if r.rule.startswith("consortium.")}
    assert got == {c["rule"]: c["status"] for c in sub.truth["expected"]["checks"] if c["rule"].startswith("consortium.")}


def test_a_speck_joined_to_a_cell_keeps_the_cells_confidence():
    from pipeline.extract.layout import Cell, join_cells

    def cell(text, conf):
        return Cell(text, text, "f", 1, (0.6, 0.2, 0.7, 0.22), conf, "ocr")

    assert join_cells(cell("应用单位", 0.99), cell("。", 0.0)).confidence == 0.99
    assert join_cells(cell("。", 0.0), cell("应用单位", 0.99)).confidence == 0.99
    assert join_cells(cell("应用", 0.99), cell("单位", 0.4)).confidence == 0.4   # a read piece still counts
    assert join_cells(cell("3", 0.99), cell(".", 0.1)).confidence == 0.1          # a decimal point is read
    assert join_cells(cell("。", 0.2), cell("，", 0.0)).confidence == 0.0
