"""Two members whose names differ only by legal form (重庆鼎新数码科技有限公司 乙方, 重庆鼎新数码科技股份有限公司 丙方:
helper's dev seed 1307 #011, image PDF) were merged by the name likeness (rapidfuzz ratio 92 ≥ 90): one member
disappeared, and with it its credit check. Names ending in two legal forms (labels.yaml legal_forms) are two units."""
from __future__ import annotations

from pathlib import Path

from pipeline.extract.fields import legal_form, same_unit

from family2_pages import planned_facts


def test_two_legal_forms_are_two_units():
    assert not same_unit("重庆鼎新数码科技有限公司", "重庆鼎新数码科技股份有限公司")
    assert not same_unit("重庆鼎新数码科技有限公司", "重庆鼎新数码科技有限责任公司")
    assert same_unit("重庆鼎新数码科技有限公司", "重庆鼎新数码科枝有限公司")      # an OCR variant of one name
    assert same_unit("重庆鼎新数码科技有限公司", "重庆鼎新数码科技有限公")        # the form cut short: no second form
    assert legal_form("汇川数码科技（重庆）有限公司") == "有限公司" and legal_form("重庆市澜图软件创新研究院") == ""


def test_members_of_two_legal_forms_stay_two(tmp_path: Path):
    expected, facts = planned_facts(tmp_path, 1307, 12, 10, ("members", "agreement", "signing"))
    names = {u.name.value for u in facts.consortium}
    assert {"重庆鼎新数码科技有限公司", "重庆鼎新数码科技股份有限公司"} <= names, names
    assert len(facts.consortium) == len(expected["consortium"])


def test_member_of_another_legal_form_does_not_take_the_applicants_code():
    """units.py matched names by its own likeness threshold: a member 重庆鼎新数码科技股份有限公司 whose code was not
    read took the applicant 重庆鼎新数码科技有限公司's code (ratio 92), and one_unit_per_code could then merge them."""
    from pipeline.extract.units import fill_member_codes
    from pipeline.facts import Fact, Unit

    code = "91500000MA5UA3W18Q"
    applicant = Unit(name=Fact(value="重庆鼎新数码科技有限公司", confidence=0.95), uscc=Fact(value=code, confidence=0.95))
    member = Unit(name=Fact(value="重庆鼎新数码科技股份有限公司", confidence=0.95), roles=("application_unit",))
    same = Unit(name=Fact(value="重庆鼎新数码科枝有限公司", confidence=0.95), roles=("lead",))  # an OCR variant
    got = fill_member_codes([member, same], applicant, [])
    assert not got[0].uscc.found and got[1].uscc.value == code
