"""One unit read in two places is one member: on a scanned family-1 agreement the member table's
lead row lost its name (only its code was read) while the agreement's sentence 联合体牵头单位为… named
the lead; both carry the same code, so the consortium has its planned three members, not a fourth
'lead' (which made consortium.size review: 牵头单位有2家)."""
from __future__ import annotations

from family1_pages import planned_facts

from pipeline.extract.units import one_unit_per_code
from pipeline.facts import Evidence, Fact, Unit


def test_lead_read_in_table_and_sentence_is_one_member(tmp_path):
    exp, facts = planned_facts(tmp_path, 800, 8, ("basic_info", "agreement", "members"))
    got = [(m.name.value, m.uscc.value, m.roles) for m in facts.consortium]
    want = [(m["name"], m["uscc"], tuple(m["roles"])) for m in exp["consortium"]]
    assert sorted(got) == sorted(want)


def _unit(name, code, roles, etype=None, conf=0.95):
    ev = tuple(Evidence(file="a.pdf", page=1, text=r, confidence=conf) for r in roles)
    return Unit(name=Fact(value=name, confidence=conf) if name else Fact(),
                uscc=Fact(value=code, confidence=1.0) if code else Fact(),
                entity_type=Fact(value=etype, confidence=1.0) if etype else Fact(), roles=roles, role_evidence=ev)


def test_one_unit_per_code():
    a = _unit(None, "91500236MAJW3EMX5G", ("lead",), "enterprise")
    b = _unit("重庆两江信息技术有限责任公司", "91500236MAJW3EMX5G", ("lead", "code_contributor"))
    c = _unit("重庆江枫网络科技股份有限公司", "91500112MAGCD5MYXL", ("application_unit",))
    merged = one_unit_per_code([a, c, b])
    assert [(m.name.value, m.roles, m.entity_type.value) for m in merged] == [
        ("重庆两江信息技术有限责任公司", ("lead", "code_contributor"), "enterprise"),
        ("重庆江枫网络科技股份有限公司", ("application_unit",), None)]
    assert len(merged[0].role_evidence) == 2
    # A shared code under two different names stays two members (the rules review it), and an
    # invalid code joins nothing.
    d = _unit("重庆市华岩大数据应用发展中心", "91500236MAJW3EMX5G", ("code_contributor",))
    assert len(one_unit_per_code([b, d])) == 2
    e, f = _unit("甲公司", "915002360000000000", ("lead",)), _unit("甲公司", "915002360000000000", ("lead",))
    assert len(one_unit_per_code([e, f])) == 2
