"""A role read low in one place, stated the same confidently in another (dev seed 1306 #003, JPEG
folder): the member table's role cell 开源贡献单 / 位 wrapped, its lone 位 read at 0.69, while the
agreement says 乙方作为开源贡献单位 at 0.93; consortium.size and code_contributor were reviews
(识别置信度偏低) where every member and role was right. Roles that every place states alike, one place
confidently, count as read — for a pass only: a missing or doubled role is judged as before. Through
the real rendered pages, and pure tests of consortium_rules."""
from __future__ import annotations

from family2_pages import planned_facts

from pipeline.checks.consortium_rules import check_code_contributor, check_consortium_size
from pipeline.checks.rules import load_rules
from pipeline.checks.engine import run_checks
from pipeline.facts import ApplicationFacts, Evidence, Fact, RoleClaim, Unit

RULES = load_rules()


def test_a_role_read_low_in_the_table_but_stated_in_the_agreement(tmp_path):
    exp, facts = planned_facts(tmp_path, 1306, 12, 2, ("cover", "members", "agreement", "signing"))
    planned = {c["rule"]: c["status"] for c in exp["checks"] if c["rule"].startswith("consortium")}
    got = {r.rule: r for r in run_checks(facts, RULES, None) if r.rule.startswith("consortium")}
    assert planned == {k: "pass" for k in planned}
    assert {k: r.status for k, r in got.items()} == planned, {k: r.detail for k, r in got.items()}


def _ev(conf, text="x"):
    return Evidence(file="f", page=1, text=text, confidence=conf)


def _unit(name, roles, *claims):
    """claims: (place, roles, confidence)."""
    rc = tuple(RoleClaim(place=p, roles=r, evidence=tuple(_ev(c) for _ in r)) for p, r, c in claims)
    low = min((e.confidence for c in rc[:1] for e in c.evidence), default=0.95)
    return Unit(name=Fact(value=name, confidence=0.95, evidence=(_ev(0.95, name),)), roles=roles,
                role_evidence=tuple(_ev(low) for _ in roles), role_claims=rc)


def _facts(*members):
    return ApplicationFacts(consortium=members, consortium_list=Fact(value=len(members), confidence=0.95,
                                                                    evidence=(_ev(0.95),)))


def test_agreeing_places_support_a_pass_only():
    lead = _unit("重庆甲科技有限公司", ("lead", "code_contributor"), ("成员表", ("lead", "code_contributor"), 0.94))
    app = _unit("重庆丙科技有限公司", ("application_unit",), ("成员表", ("application_unit",), 0.96))
    agreed = _unit("重庆乙研究院", ("code_contributor",), ("成员表", ("code_contributor",), 0.69),
                   ("联合体协议", ("code_contributor",), 0.93))
    assert check_consortium_size(_facts(lead, agreed, app), RULES).status == "pass"
    assert check_code_contributor(_facts(lead, agreed, app), RULES).status == "pass"
    # one place only, the other place read low too, or the places disagree: review as before
    alone = _unit("重庆乙研究院", ("code_contributor",), ("成员表", ("code_contributor",), 0.69))
    both_low = _unit("重庆乙研究院", ("code_contributor",), ("成员表", ("code_contributor",), 0.69),
                     ("联合体协议", ("code_contributor",), 0.7))
    other = _unit("重庆乙研究院", ("code_contributor",), ("成员表", ("code_contributor",), 0.69),
                  ("联合体协议", ("application_unit",), 0.93))
    for m in (alone, both_low, other):
        assert check_consortium_size(_facts(lead, m, app), RULES).status == "review"
    # a missing lead stays a review when a role was read low, agreeing places or not
    no_lead = _unit("重庆甲科技有限公司", ("code_contributor",), ("成员表", ("code_contributor",), 0.94))
    assert check_consortium_size(_facts(no_lead, agreed, app), RULES).status == "review"


def test_a_low_place_that_lost_a_role_does_not_hold_the_pass():
    """Dev seed 935 #009: the table's role cell read 联合体牵头。联、代贡献方 at 0.44 (the lead alone), the
    agreement 甲方作为联合体牵头人、代码贡献方 at 0.94: a garbled place that lost a role adds none."""
    app = _unit("重庆丙科技有限公司", ("application_unit",), ("成员表", ("application_unit",), 0.96))
    cc = _unit("重庆乙研究院", ("code_contributor",), ("成员表", ("code_contributor",), 0.95))
    lost = _unit("重庆甲科技有限公司", ("lead", "code_contributor"), ("成员表", ("lead",), 0.44),
                 ("联合体协议", ("lead", "code_contributor"), 0.94))
    assert check_consortium_size(_facts(lost, cc, app), RULES).status == "pass"
    assert check_code_contributor(_facts(lost, cc, app), RULES).status == "pass"
    # a low place naming a role the sure place does not, or a sure place that lost one: review as before
    added = _unit("重庆甲科技有限公司", ("lead", "code_contributor"), ("成员表", ("lead", "application_unit"), 0.44),
                  ("联合体协议", ("lead", "code_contributor"), 0.94))
    sure_lost = _unit("重庆甲科技有限公司", ("lead", "code_contributor"), ("成员表", ("lead", "code_contributor"), 0.44),
                      ("联合体协议", ("lead",), 0.94))
    for m in (added, sure_lost):
        assert check_consortium_size(_facts(m, cc, app), RULES).status == "review"
