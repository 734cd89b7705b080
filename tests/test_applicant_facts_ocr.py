"""Applicant facts through REAL OCR (issue 15): an owned site whose 权属情况 row is a tick row
(▇自有 □租赁) and an information table whose 单位性质 is written with a qualifier in brackets
(有限责任公司（自然人投资或控股）) or ticked with a detail in brackets (■其他（个体工商户）), rendered here with Pillow and read by the cascade engine."""
from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from pages import blank_a4, ruled_table, text_at
from scanned_facts import facts_of_scans
from pipeline.checks import engine as E
from pipeline.checks.rules import load_rules
from pipeline.ocr.base import get_engine

DPI = 200
S = DPI / 300
RULES = load_rules()
NAME, CODE = "重庆云帆科技有限公司", "91500000MA5UA3W18Q"


@pytest.fixture(scope="module")
def engine():
    return get_engine("cascade")


def blank() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    return blank_a4(S)


def text(d, x, y, s, px=44):
    text_at(d, x, y, s, S, px)


def table(d, x0, y0, widths, h, rows):
    ruled_table(d, x0, y0, widths, h, rows, S)


def cover(type_text: str):
    img, d = blank()
    text(d, 250, 200, "附件2")
    text(d, 330, 600, "重庆市软信领域创新创业社区建设运营", 76)
    text(d, 700, 760, "“揭榜挂帅”申报书", 76)
    table(d, 300, 1500, [520, 1400], 150, [["申报单位名称", NAME], ["统一社会信用代码", CODE], ["单位性质", type_text]])
    return img


def site_page(mark: str):
    img, d = blank()
    text(d, 250, 200, "四、场地情况", 52)
    table(d, 250, 400, [450, 1500], 150, [["场地地址", "重庆市渝北区星光大道12号"], ["场地面积", "2600平方米"],
                                         ["权属情况", f"{mark}自有    □租赁"],
                                         ["产权证明", "场地系我单位自有产权，已办理不动产权证书"]])
    return img


def facts_of(engine, images):
    return facts_of_scans(engine, images, RULES, dpi=DPI, angle=0.3, file="b.tif")


@pytest.mark.parametrize("mark", ["▇", "■"])
def test_owned_site_ticked_in_a_tick_row_is_owned(engine, mark):
    f = facts_of(engine, [cover("企业"), site_page(mark)])
    assert f.site.tenure.value == "owned", (f.site.tenure, [e.text for e in f.site.tenure.evidence])
    assert E.check_tenure_proof(f, RULES).status != "fail"


def test_type_with_a_bracketed_qualifier_is_the_kind_written_first(engine):
    f = facts_of(engine, [cover("有限责任公司（自然人投资或控股）")])
    assert f.applicant.entity_type.value == "enterprise", f.applicant.entity_type
    assert E.check_type_allowed(f.applicant, "申报单位", RULES).status == "pass"


def test_ticked_other_with_its_detail_in_brackets_fails_on_evidence(engine):
    img, d = blank()
    text(d, 250, 200, "附件2")
    text(d, 330, 600, "重庆市软信领域创新创业社区建设运营", 76)
    table(d, 150, 1500, [380, 1850], 150, [["申报单位名称", "荣昌区启明网络工作室"],
                                          ["统一社会信用代码", "92500153MAWXNGW24N"],
                                          ["单位性质", "□企业 □事业单位 □社会组织 ■其他（个体工商户）"]])
    f = facts_of(engine, [img])
    assert f.applicant.entity_type.value == "other", f.applicant.entity_type
    r = E.check_type_allowed(f.applicant, "申报单位", RULES)
    assert r.status == "fail" and "个体工商户" in r.detail, r.detail
