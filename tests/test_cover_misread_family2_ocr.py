"""A cover name misread under a seal is the unit its code says (dev seed 932 #007, a greyscale JPEG
folder): RapidOCR read 联合体牵头单位（盖章） | 重庆市森域云计算有限责任公司 as …森域市进安有里支住公司 at 0.70
with the applicant's code 9150…3X labelled right under it. It became a second lead (consortium.size
review: 牵头单位有2家) and a 多处写法不一致 of the applicant's name (entity.uscc_valid review). The code is
checksummed and two units never share one: a name read unsurely over the unit's own code is a misread
and votes nothing; a surely read other name over the same code stays a disagreement (a renamed unit)."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.extract import extract_facts
from pipeline.facts import PLACES_DISAGREE
from pipeline.model import Document, Line, Page

from family2_pages import planned_facts

CODE = "91500118MAY9KXEY3X"


def test_cover_name_misread_under_a_seal_is_the_lead(tmp_path: Path):
    expected, facts = planned_facts(tmp_path, 932, 12, 6, ("cover", "members", "agreement"))
    got = sorted((m.name.value, m.uscc.value, m.roles) for m in facts.consortium)
    want = sorted((m["name"], m["uscc"], tuple(m["roles"])) for m in expected["consortium"])
    assert got == want
    a = facts.applicant
    assert a.name.value == expected["applicant"]["name"] and a.uscc.value == CODE
    assert not any(PLACES_DISAGREE in e.note for e in a.name.evidence), a.name.evidence


def _page(rows, n):
    lines, y = [], 0.05
    for text, conf in rows:
        lines.append(Line(text=text, bbox=(0.1, y, min(0.1 + 0.012 * len(text), 1.0), y + 0.015),
                          confidence=conf, engine="tesseract"))
        y += 0.03
    return Page(file="a.pdf", number=n, width=2480, height=3508, source="ocr", lines=tuple(lines))


@pytest.mark.parametrize("conf, disagree", [(0.70, False), (0.98, True)])
def test_other_name_over_the_same_code_by_how_surely_it_was_read(conf, disagree):
    cover = _page([("联合体牵头单位（盖章） 重庆市森域市进安有里支住公司", conf), (f"统一社会信用代码 {CODE}", 0.99),
                   ("联合体成员单位 重庆千帆信息技术产业研究院", 0.99)], 1)
    table = _page([("序号 单位名称 统一社会信用代码 承担角色", 0.97),
                   (f"1 重庆市森域云计算有限责任公司 {CODE} 牵头单位", 0.97),
                   ("2 重庆千帆信息技术产业研究院 12500110341982209A 应用单位", 0.97)], 2)
    info = _page([("单位名称 重庆市森域云计算有限责任公司", 0.97), (f"统一社会信用代码 {CODE}", 0.97)], 3)
    doc = Document(file="a.pdf", sha256="0" * 64, kind="pdf", pages=(cover, table, info), page_count=3)
    facts = extract_facts([doc])
    assert facts.applicant.name.value == "重庆市森域云计算有限责任公司"
    assert any(PLACES_DISAGREE in e.note for e in facts.applicant.name.evidence) == disagree
    leads = [m.name.value for m in facts.consortium if "lead" in m.roles]
    assert leads[0] == "重庆市森域云计算有限责任公司"
