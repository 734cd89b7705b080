"""One unit, many places through real rendered pages and real Tesseract (issue 15): the cover prints the
code with one look-alike wrong (what an OCR error gives the extractor), the licence copy prints it
right; the pipeline takes the valid reading and names both places, says 疑为… when only the cover is
there, and never passes the credit check of a unit listed under the right code."""
from __future__ import annotations

import pytest

from pages import blank_a4, ruled_table, text_at
from scanned_facts import facts_of_scans
from pipeline.checks.credit import CreditIndex, load_credit_list
from pipeline.checks.rules import load_rules
from pipeline.checks.unit_rules import check_credit, check_uscc_valid
from pipeline.ocr.base import get_engine

DPI = 200
S = DPI / 300
RULES = load_rules()
NAME, GOOD, SEVEN = "重庆云帆科技有限公司", "91500000MA5UA3W18Q", "91500000MA5UA3W78Q"


@pytest.fixture(scope="module")
def engine():
    return get_engine("tesseract")


def _table(d, x0, y0, widths, h, rows):
    ruled_table(d, x0, y0, widths, h, rows, S)


def cover(code):
    img, d = blank_a4(S)
    text_at(d, 250, 200, "附件2", S)
    text_at(d, 330, 600, "重庆市软信领域创新创业社区建设运营", S, 76)
    text_at(d, 700, 760, "“揭榜挂帅”申报书", S, 76)
    _table(d, 300, 1500, [520, 1400], 150, [["申报单位名称", NAME], ["统一社会信用代码", code], ["单位性质", "企业"]])
    return img


def licence():
    img, d = blank_a4(S)
    text_at(d, 700, 300, "营业执照（副本）复印件", S, 60)
    text_at(d, 300, 600, GOOD, S)  # printed under the licence's title, no label beside it
    text_at(d, 300, 760, f"名        称 {NAME}", S)
    text_at(d, 300, 920, "类        型 有限责任公司", S)
    return img


def facts_of(engine, images):
    return facts_of_scans(engine, images, RULES, dpi=DPI, angle=0.2, file="c.tif")


def test_a_code_misprinted_on_the_cover_is_the_licence_copys_reading(engine):
    f = facts_of(engine, [cover(SEVEN), licence()])
    assert f.applicant.uscc.value == GOOD, f.applicant.uscc
    notes = " ".join(e.note for e in f.applicant.uscc.evidence)
    assert SEVEN in notes and "封面" in notes, notes
    r = check_uscc_valid(f.applicant, "申报单位", RULES)
    assert r.status == "pass", r.detail


def test_cover_alone_is_review_with_the_suspected_code_and_credit_never_passes(engine, tmp_path):
    f = facts_of(engine, [cover(SEVEN)])
    r = check_uscc_valid(f.applicant, "申报单位", RULES)
    assert r.status == "review" and f"疑为 {GOOD}" in r.detail, r.detail
    p = tmp_path / "d.csv"
    p.write_text("序号,被执行人姓名/名称,身份证号码/组织机构代码,执行法院,案号,发布时间\r\n"
                 f"1,重庆失信科技有限公司,{GOOD},重庆市第一中级人民法院,(2025)渝01执1号,2025-03-01\r\n", encoding="utf-8")
    index = CreditIndex.build([load_credit_list(p)])
    c = check_credit("credit.dishonest_debtor", "dishonest_debtor", f.applicant, "申报单位", RULES, index)
    assert c.status == "review" and "重庆失信科技有限公司" in c.detail, c.detail
