"""Applicant facts on other templates (issue 15): the site's tenure from a tick row (▇自有 □租赁, the
open option's word is no lease wording) — pure-text rows here; rendered pages through real Tesseract
in test_applicant_facts_ocr.py."""
from __future__ import annotations

import pytest

from pipeline.extract.layout import layouts
from pipeline.extract.site import extract_site, tenure_ticks
from pipeline.model import Document, Line, Page


def page(rows, n=1, source="ocr", conf=0.95):
    lines, y = [], 0.05
    for text in rows:
        lines.append(Line(text=text, bbox=(0.1, y, min(0.1 + 0.012 * len(text), 1.0), y + 0.015),
                          confidence=conf, engine="tesseract"))
        y += 0.03
    return Page(file="a.pdf", number=n, width=2480, height=3508, source=source, lines=tuple(lines))


def pages_of(*pages):
    return layouts([Document(file="a.pdf", sha256="0" * 64, kind="pdf", pages=tuple(pages), page_count=len(pages))])


OWNED = ["四、场地情况", "场地地址 重庆市渝北区星光大道12号", "权属情况 {a}自有  {b}租赁",
         "产权证明 场地系我单位自有产权，已办理不动产权证书"]


@pytest.mark.parametrize("a, b", [("▇", "□"), ("■", "□"), ("☑", "☐"), ("√", "□")])
def test_owned_site_ticked_in_a_row_with_an_open_lease_option_is_owned(a, b):
    rows = [r.format(a=a, b=b) for r in OWNED]
    site = extract_site(pages_of(page(rows, 3)))
    assert site.tenure.value == "owned", site.tenure
    assert "勾选“自有”" in site.tenure.evidence[0].note
    assert not site.lease_years.found


def test_leased_site_ticked_reads_the_lease_period_after_the_row():
    rows = ["权属情况 □自有  ■租赁", "租赁期限 2025年1月1日至2028年12月31日"]
    site = extract_site(pages_of(page(rows, 3)))
    assert site.tenure.value == "leased"
    assert site.lease_years.value == 4.0


def test_undecided_tick_row_falls_back_to_the_words_outside_it():
    # both marks garbled alike: the row says nothing, the 产权证明 sentence does (not the row's 租赁)
    rows = [r.format(a="口", b="口") for r in OWNED]
    ticks = tenure_ticks(pages_of(page(rows, 3)))
    assert len(ticks) == 1 and ticks[0].tenure is None
    assert extract_site(pages_of(page(rows, 3))).tenure.value == "owned"


def test_lease_words_without_a_tick_row_still_decide():
    rows = ["场地性质为租赁。租赁期限2025年1月1日至2027年12月31日，出租方持有产权证明。"]
    assert extract_site(pages_of(page(rows, 3))).tenure.value == "leased"


# ---------------------------------------------------------------- entity type

@pytest.mark.parametrize("written, etype", [
    ("有限责任公司（自然人投资或控股）", "enterprise"),  # 自然人 qualifies the company, it is no 'other'
    ("其他有限责任公司", "enterprise"),
    ("民办非企业单位（法人）", "social_organization"),  # 非企业 is not 企业
    ("园区运营管理机构（有限责任公司）", "park_operator"),
    ("事业单位（公益一类）", "public_institution"),
    ("其他（个体工商户）", "other"),
    ("机关法人", "other"),
])
def test_declared_type_is_the_word_written_first(written, etype):
    from pipeline.extract.entity import classify_declared
    assert classify_declared(written) == etype


def test_dropped_filled_mark_in_a_two_option_row_ticks_the_bare_option():
    rows = ["权属情况 自有 □租赁", "场地面积 2600平方米"]
    site = extract_site(pages_of(page(rows, 3)))
    assert site.tenure.value == "owned" and site.tenure.confidence < 0.8  # nothing else says 自有
    rows = ["权属情况 □自有 租赁", "租赁期限 2025年1月1日至2028年12月31日"]
    assert extract_site(pages_of(page(rows, 3))).tenure.value == "leased"
    # the page's own 自有产权 confirms the tick told by a missing mark
    rows = ["权属情况 自有 □租赁", "产权证明 场地系我单位自有产权"]
    site = extract_site(pages_of(page(rows, 3)))
    assert site.tenure.value == "owned" and site.tenure.confidence > 0.85 and "相符" in site.tenure.evidence[0].note


@pytest.mark.parametrize("row", [
    "□企业□事业单位□社会组织□产业园区运营管理机构其他(个体工商户)",  # OCR dropped the ■ of 其他
    "□企业 □事业单位 □社会组织 □产业园区运营管理机构 ■其他（个体工商户）",
])
def test_bracketed_detail_of_a_ticked_option_is_no_option_of_its_own(row):
    from pipeline.extract.entity import classify_declared, tick_choice
    tick = tick_choice(row)
    assert tick.option is not None and tick.option.startswith("其他"), tick
    assert classify_declared(tick.option) == "other"


def test_open_box_read_as_kou_beside_a_bare_option_is_no_tick():
    # ■企业 read as 企业 (mark dropped), □其他 read as 口其他: the bare option is the ticked one
    from pipeline.extract.entity import tick_choice
    assert tick_choice("企业□事业单位□社会组织□产业园区运营管理机构口其他").option == "企业"
    # a real odd mark with every option boxed still ticks its option
    assert tick_choice("□企业□事业单位□社会组织□产业园区运营管理机构国其他").option == "其他"


def _table_page(rows, n=1):
    """rows of cells: each cell a Line of its own on one row (a ruled table as OCR splits it)."""
    lines, y = [], 0.05
    for row in rows:
        x = 0.08
        for text in row:
            lines.append(Line(text=text, bbox=(x, y, x + 0.012 * len(text), y + 0.015), confidence=0.95,
                              engine="tesseract"))
            x += 0.012 * len(text) + 0.05
        y += 0.03
    return Page(file="a.pdf", number=n, width=2480, height=3508, source="ocr", lines=tuple(lines))


def test_code_whose_last_character_ocr_put_into_the_next_cell_is_taken_back():
    from pipeline.extract.entity import unit_from_pages
    rows = [["申报单位名称", "重庆白鹭信创科技有限公司"], ["统一社会信用代码", "91500153MAY21E9E6", "6注册资金", "500万元"],
            ["单位性质", "企业"]]
    u = unit_from_pages(pages_of(_table_page(rows)))
    assert u.uscc.value == "91500153MAY21E9E66", u.uscc
    # a 17-character code whose next cell gives no valid 18th character stays as read (a rule says review)
    rows[1] = ["统一社会信用代码", "91500153MAY21E9E6", "注册资金", "500万元"]
    assert unit_from_pages(pages_of(_table_page(rows))).uscc.value == "91500153MAY21E9E6"


def test_consortium_lead_takes_the_type_its_own_form_declares():
    from pipeline.extract.units import with_own_type
    from pipeline.facts import Fact, Unit
    name = Fact(value="重庆鹿鸣算力科技有限公司", confidence=0.97)
    lead = Unit(name=name, entity_type=Fact(value="enterprise", confidence=0.66))
    form = Unit(name=name, entity_type=Fact(value="enterprise", confidence=0.97),
                declared_type_text="有限责任公司（自然人投资或控股）")
    got = with_own_type(lead, form)
    assert got.entity_type.confidence == 0.97 and got.declared_type_text.startswith("有限责任公司")
    other = form.model_copy(update={"name": Fact(value="重庆博远人工智能科技股份有限公司", confidence=0.97)})
    assert with_own_type(lead, other) is lead  # another unit's form says nothing of the lead


def test_several_ticked_types_are_told_apart_by_the_code():
    from pipeline.checks.rules import load_rules
    from pipeline.checks.unit_rules import check_type_allowed
    from pipeline.extract.entity import unit_from_pages
    row = "☑企业□事业单位□社会组织□产业园区运营管理机构v其他(个体工商户)"  # an open box read as ☑
    rows = [["申报单位名称", "江津区乘风软件开发经营部"], ["统一社会信用代码", "92500116MA04M0RK6H"], ["法人类型", row]]
    u = unit_from_pages(pages_of(_table_page(rows)))
    assert u.entity_type.value == "other" and u.entity_type.confidence >= 0.8, u.entity_type
    assert "勾选了多项" in u.entity_type.evidence[0].note
    r = check_type_allowed(u, "申报单位", load_rules())
    assert r.status == "fail" and "个体工商户" in r.detail, r.detail
    # without a code to choose, the row stays undecided: never a confident type
    rows[1] = ["统一社会信用代码", "（未填）"]
    u = unit_from_pages(pages_of(_table_page(rows)))
    assert u.entity_type.confidence < 0.8


# ---------------------------------------------------------------- codes split over cells, one unit many places

def test_member_codes_split_over_two_cells_or_read_only_for_the_applicant_are_filled():
    from pipeline.extract import extract_facts
    from pipeline.model import Document
    cover = ["附件3", "重庆市软信领域开源社区建设运营“揭榜挂帅”申报书", "联合体牵头单位（盖章）：澜图互联网科技（重庆）有限公司",
             "统一社会信用代码：91500119MAPMY0BX81"]
    table = [["序号", "联合体分工", "成员单位", "机构代码", "所在区县"],
             ["1", "联合体牵头人", "澜图互联网科技(重庆)有限公司", "。1", "91500119MAPMY0BX8", "南川区"],
             ["2", "开源贡献单位", "重庆汇川数字技能培训学校", "52500153090698931Y", "梁平区"],
             ["3", "应用单位", "重庆市博远算力科技有限责任公司", "。A", "91500155MAB6EQ7M4", "梁平区"]]
    d = Document(file="a.pdf", sha256="0" * 64, kind="pdf", page_count=2,
                 pages=(page(cover, 1), _table_page(table, 2)))
    f = extract_facts([d])
    codes = {str(u.name.value): u.uscc.value for u in f.consortium}
    assert codes.get("重庆市博远算力科技有限责任公司") == "91500155MAB6EQ7M4A", codes
    assert codes.get("澜图互联网科技（重庆）有限公司") == "91500119MAPMY0BX81", codes


def test_split_code_parts_join_only_when_both_check_digits_pass():
    from pipeline.extract.code_parts import completed
    from pipeline.extract.layout import Cell
    cells = [Cell(t, t, "a.pdf", 1, (0.1 * k, 0.1, 0.1 * k + 0.08, 0.12), 0.9, "ocr")
             for k, t in enumerate(["。A", "91500155MAB6EQ7M4", "梁平区"])]
    assert completed("91500155MAB6EQ7M4", cells[1], cells) == ("91500155MAB6EQ7M4A", cells[0])
    wrong = [Cell("。B", "。B", "a.pdf", 1, (0.0, 0.1, 0.08, 0.12), 0.9, "ocr"), *cells[1:]]
    assert completed("91500155MAB6EQ7M4", wrong[1], wrong) is None


def test_a_cover_misread_is_outvoted_by_the_places_that_agree():
    from pipeline.extract.entity import unit_from_pages
    from pipeline.extract.units import reconcile
    right, misread = "重庆市鼎新人工智能科技有限责任公司", "重庆市鼎新人工智能科枝有限责任公司"
    pages = pages_of(page(["附件2", f"申报单位（盖章）：{misread}"], 1),
                     _table_page([["单位名称", right], ["统一社会信用代码", "91500115MAMB6MCY49"]], 2),
                     page(["承诺书", f"单位名称：{right}", "出租方单位名称：重庆两江物业管理有限公司"], 3))
    u = reconcile(unit_from_pages(pages), pages)
    assert u.name.value == right, u.name


def test_label_note_wrapped_open_in_its_cell_leaves_the_value_beside_it():
    """统一社会信用代码（注册号） wrapped in its cell as 统一社会信用 / 代码(注册号 / ): the open note is the
    label's, not a value; the code beside it is read, and it confirms the ticked type whose mark OCR
    dropped (without the code that type stayed below the threshold: a wrong review)."""
    from pipeline.checks.rules import load_rules
    from pipeline.checks.unit_rules import check_type_allowed
    from pipeline.extract.entity import unit_from_pages
    from pipeline.extract.fields import strip_value
    assert strip_value("(注册号") == "" and strip_value("（注册号）52500116045127566J") == "52500116045127566J"
    rows = [["单位名称", "重庆悦来开源软件发展研究中心", "成立时间", "2013年7月12日"],
            ["统一社会信用", "52500116045127566J", "注册资金", "2000万元"], ["代码(注册号"], [")"],
            ["单位类型", "□企业□事业单位社会组织□产业园区运营管理机构□其他"]]
    u = unit_from_pages(pages_of(_table_page(rows)))
    assert u.uscc.value == "52500116045127566J", u.uscc
    assert u.entity_type.value == "social_organization"
    assert check_type_allowed(u, "申报单位", load_rules()).status == "pass"


def test_ticked_option_with_a_detail_cut_short_by_ocr_is_the_option():
    """■其他（个体工） — OCR lost 商户: the option 其他 decides; the code (92) agrees, so a fail on evidence;
    a code of another kind (91) leaves it to review."""
    from pipeline.checks.rules import load_rules
    from pipeline.checks.unit_rules import check_type_allowed
    from pipeline.extract.entity import classify_declared, unit_from_pages
    assert classify_declared("其他（个体工）") == "other" and classify_declared("其他（个体工商户）") == "other"
    rows = [["申报单位名称", "大足区玉衡网络工作室"], ["机构代码(统一社会信用代码)", "92500111MACP4EK33A"],
            ["单位类型", "□企业□事业单位□社会组织□产业园区运营管理机构■其他(个体工)"]]
    u = unit_from_pages(pages_of(_table_page(rows)))
    assert u.entity_type.value == "other", u.entity_type
    assert check_type_allowed(u, "申报单位", load_rules()).status == "fail"
    rows[1] = ["机构代码(统一社会信用代码)", "91500152MA5NLK3722"]
    assert check_type_allowed(unit_from_pages(pages_of(_table_page(rows))), "申报单位", load_rules()).status == "review"


def test_tick_confirmed_by_a_code_admitting_only_that_type_takes_the_codes_confidence():
    """Seed 805 #008: ■其他 read by its odd mark on a row OCR read at 0.79, code 92… (个体工商户 only):
    the type carries the code's confidence. A code admitting several types (93: 其他 or 企业) or
    disagreeing does not lift it."""
    from pipeline.extract.entity import TICK_LABEL, type_fact
    from pipeline.extract.fields import Found
    from pipeline.extract.layout import Cell
    from pipeline.facts import Fact

    row = Cell("单位性质", "单位性质", "a.pdf", 1, (0.1, 0.2, 0.2, 0.22), 0.79, "ocr")
    tick = Found("其他", (row,), 0.9, TICK_LABEL + "：勾选符号识别为“国”")
    code = Fact(value="92500117MACPEDEY0D", confidence=0.95)
    fact, _ = type_fact([tick], code)
    assert fact.value == "other" and fact.confidence == 0.95
    fact, _ = type_fact([tick], Fact(value="93500117MACPEDEY0D", confidence=0.95))
    assert fact.value == "other" and fact.confidence == 0.79
    fact, _ = type_fact([tick], Fact(value="91500117MACPEDEY0D", confidence=0.95))
    assert fact.confidence < 0.5
