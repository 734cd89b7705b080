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
