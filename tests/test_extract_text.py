"""Extractors on hand-built pages: clean, OCR-noisy (O/0, spaces, full width, no colon), label and
value split over two lines or two table cells, DOCX table rows joined by ' | '."""
from __future__ import annotations

import datetime as dt

import pytest

from pipeline import uscc
from pipeline.extract import IndicatorSpec, default_indicators, extract_facts
from pipeline.extract.layout import layouts, page_layout
from pipeline.extract.values import parse_date, parse_number, years_between
from pipeline.model import Document, Line, Page, Word

CODE = "91500000MA5UA3W18Q"
INST = uscc.complete("12500112" + "45678912"[:8] + uscc.org_code_check("45678912"))


def page(rows, n=1, source="ocr", conf=0.95, table=False, file="a.pdf"):
    """rows: list of str (one line each) or list of (x0, text) for several runs on one row."""
    lines, y = [], 0.05
    for row in rows:
        runs = row if isinstance(row, list) else [(0.1, row)]
        for x0, text in runs:
            w = 0.012 * len(text)
            lines.append(Line(text=text, bbox=(x0, y, min(x0 + w, 1.0), y + 0.015), confidence=conf, engine="tesseract"))
        y += 0.03
    return Page(file=file, number=n, width=2480, height=3508, source=source, lines=tuple(lines), table=table)


def doc(*pages, file="a.pdf"):
    return Document(file=file, sha256="0" * 64, kind="pdf", pages=tuple(pages), page_count=len(pages))


COVER = ["附件2", "重庆市软信领域创新创业社区建设运营“揭榜挂帅”申报材料", "申报单位（盖章）：重庆云帆科技有限公司", "申报日期：2026年7月20日"]


def innovation(info_rows, extra=(), source="ocr"):
    return doc(page(COVER, 1, source), page(info_rows + list(extra), 2, source))


# ---------------------------------------------------------------- values

@pytest.mark.parametrize("text, want", [
    ("2026年7月20日", dt.date(2026, 7, 20)), ("2026.7.20", dt.date(2026, 7, 20)), ("2026-07-20", dt.date(2026, 7, 20)),
    ("二〇二六年七月二十日", dt.date(2026, 7, 20)), ("二O二六年七月一日", dt.date(2026, 7, 1)),
    ("2026 年 7 月 1 日", dt.date(2026, 7, 1)), ("二〇二六年十二月三十一日", dt.date(2026, 12, 31)),
    ("二二五年八月一日", dt.date(2025, 8, 1)), ("二O〇二六年七月十五日", dt.date(2026, 7, 15)),
])
def test_dates_in_common_forms(text, want):
    assert parse_date(text) == want


def test_numbers_and_lease_years():
    assert parse_number("1,200") == 1200 and parse_number("1.2万") == 12000
    assert parse_number("肆拾伍") == 45 and parse_number("四十五") == 45 and parse_number("伍仟贰佰") == 5200
    assert parse_number("约45家") is None
    assert years_between(dt.date(2026, 7, 1), dt.date(2029, 6, 30)) == 3
    assert years_between(dt.date(2026, 1, 1), dt.date(2027, 6, 30)) == pytest.approx(1.5, abs=0.01)


# ---------------------------------------------------------------- applicant

@pytest.mark.parametrize("rows", [
    ["单位名称：重庆云帆科技有限公司", f"统一社会信用代码：{CODE}", "单位性质：企业"],
    ["单位名称重庆云帆科技有限公司", f"统一社会信用代码 {CODE[:4]} {CODE[4:8]} {CODE[8:12]} {CODE[12:]}", "单位性质 企业"],
    ["单位名称：", "重庆云帆科技有限公司", "统一社会信用代码：", CODE, "单位性质：企业"],
    [[(0.1, "单位名称"), (0.4, "重庆云帆科技有限公司")], [(0.1, "统一社会信用代码"), (0.4, CODE)], [(0.1, "单位性质"), (0.4, "企业")]],
    ["单位名称：重庆云帆科技有限公司", "统一社会信用代码：" + CODE.translate(str.maketrans("0123456789ABCDEFGHJKLMNPQRTUWXY", "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ")), "单位性质：企业"],
    ["单位名称：重庆云帆科技有限公司", "统一社会信用代玛：" + CODE, "单位性质：企业"],
], ids=["colon", "no-colon-spaced-code", "split-lines", "two-cells", "full-width", "label-misread"])
def test_applicant_name_code_type(rows):
    f = extract_facts([innovation(rows)])
    assert f.track.value == "innovation_community"
    assert f.applicant.name.value == "重庆云帆科技有限公司"
    assert f.applicant.uscc.value == CODE
    assert f.applicant.entity_type.value == "enterprise"
    ev = f.applicant.uscc.evidence[0]
    assert ev.file == "a.pdf" and ev.page == 2 and ev.bbox is not None and 0 < ev.confidence <= 0.95


def test_uscc_ocr_confusion_repaired_and_said():
    noisy = CODE.replace("0", "O", 2).replace("1", "I", 1)
    f = extract_facts([innovation(["单位名称：重庆云帆科技有限公司", f"统一社会信用代码：{noisy}", "单位性质：企业"])])
    assert f.applicant.uscc.value == CODE
    assert "修正" in f.applicant.uscc.evidence[0].note
    assert f.applicant.uscc.confidence < 0.95


def test_uscc_failing_check_kept_as_read_not_repaired_on_text_layer():
    bad = CODE[:17] + ("A" if CODE[17] != "A" else "B")
    f = extract_facts([innovation(["单位名称：重庆云帆科技有限公司", f"统一社会信用代码：{bad}"], source="text_layer")])
    assert f.applicant.uscc.value == bad
    assert not uscc.is_valid(f.applicant.uscc.value)
    assert "校验不通过" in f.applicant.uscc.evidence[0].note


def test_entity_type_disagreeing_with_code_is_surfaced():
    f = extract_facts([innovation(["单位名称：重庆云帆科技有限公司", f"统一社会信用代码：{CODE}", "单位性质：事业单位"])])
    et = f.applicant.entity_type
    assert et.value == "public_institution"
    assert "不一致" in et.evidence[0].note and et.confidence < 0.6
    f2 = extract_facts([innovation(["单位名称：重庆市软件评测中心", f"统一社会信用代码：{INST}", "单位性质：公益二类事业单位"])])
    assert f2.applicant.entity_type.value == "public_institution" and "相符" in f2.applicant.entity_type.evidence[0].note


@pytest.mark.parametrize("text, want", [("园区运营企业", "park_operator"), ("社会组织（社会团体）", "social_organization"),
                                        ("民办非企业单位", "social_organization"), ("个体工商户", "other"), ("机关", "other"),
                                        ("有限责任公司", "enterprise")])
def test_entity_type_words(text, want):
    f = extract_facts([innovation(["单位名称：重庆云帆科技有限公司", f"单位性质：{text}"])])
    assert f.applicant.entity_type.value == want
    assert f.applicant.declared_type_text == text


def test_entity_type_from_code_when_not_declared():
    f = extract_facts([innovation(["单位名称：重庆市软件评测中心", f"统一社会信用代码：{INST}"])])
    assert f.applicant.entity_type.value == "public_institution"
    assert "推定" in f.applicant.entity_type.evidence[0].note


def test_missing_values_are_none_with_reason():
    f = extract_facts([doc(page(["附件2", "创新创业社区申报书", "申报单位（盖章）：", "日期："]))])
    assert f.applicant.name.value is None and "未找到" in f.applicant.name.reason
    assert f.applicant.uscc.value is None and f.applicant.uscc.reason
    assert f.declared_on.value is None and f.declared_on.reason
    assert f.site.tenure.value is None and f.site.tenure.reason


# ---------------------------------------------------------------- site

@pytest.mark.parametrize("text, start, end, years", [
    ("租赁期限自2026年7月1日至2029年6月30日止。", dt.date(2026, 7, 1), dt.date(2029, 6, 30), 3),
    ("租赁期限：2026.7.1—2029.6.30", dt.date(2026, 7, 1), dt.date(2029, 6, 30), 3),
    ("租赁期限自二〇二六年七月一日至二〇三一年六月三十日", dt.date(2026, 7, 1), dt.date(2031, 6, 30), 5),
    ("租赁面积3200平方米，自2026年1月1日起租期叁年。", dt.date(2026, 1, 1), None, 3),
    ("租赁面积3200平方米，自2025年3月1日起租期36个月。", dt.date(2025, 3, 1), None, 3),
    ("场地为租赁，租期5年。", None, None, 5),
    ("场地为租赁，租期两年。", None, None, 2),
])
def test_lease_period(text, start, end, years):
    f = extract_facts([innovation(["单位名称：重庆云帆科技有限公司", text])])
    s = f.site
    assert s.tenure.value == "leased"
    assert s.lease_start.value == start and s.lease_end.value == end and s.lease_years.value == years
    if end is None:
        assert s.lease_end.reason


def test_lease_wrapped_over_two_lines_cites_both():
    f = extract_facts([innovation(["社区场地位于重庆市金开大道1号，租赁面积3200平方米，租赁期限自2026年7月1日至", "2029年6月30日止，出租方产权证明见附件。"])])
    assert f.site.lease_years.value == 3 and len(f.site.lease_years.evidence) == 2


def test_owned_site():
    f = extract_facts([innovation(["社区场地为本单位自有房产，已取得不动产权证书（渝（2021）渝北区不动产权第123456号）。"])])
    assert f.site.tenure.value == "owned" and f.site.lease_years.value is None and f.site.lease_years.reason


# ---------------------------------------------------------------- targets

TABLE_ROWS = ["序号 | 指标名称 | 单位 | 目标值", "1 | 入驻企业数 | 家 | 45", "2 | 孵化场地面积 | 平方米 | 伍仟贰佰",
              "3 | 年度创新创业活动 | 场 | 1.2万", "4 | 带动就业人数 | 人 | 1,200", "5 | 服务满意度调查 | 次 | 4"]


def test_targets_docx_table_fuzzy_names_numerals_and_unmatched():
    d = doc(page(COVER, 1), page(TABLE_ROWS, 2, source="docx", table=True))
    f = extract_facts([d])
    by = {t.indicator: t for t in f.targets}
    assert by["入驻企业数量"].value == 45 and by["入驻企业数量"].written == "入驻企业数" and by["入驻企业数量"].matched
    assert by["孵化场地面积"].value == 5200 and by["孵化场地面积"].unit == "平方米"
    assert by["年度创新创业活动"].value == 12000
    assert by["带动就业人数"].value == 1200
    assert by["服务满意度调查"].matched is False
    assert all(t.evidence and t.evidence[0].page == 2 for t in f.targets)


def test_target_numerals_that_lost_a_character_are_doubted_not_changed():
    """三 where 三千 was written (OCR dropped 千) is far under the minimum; 四八 is not a regular numeral.
    The value stays as read; confidence drops under the review threshold and the note says why."""
    inds = [IndicatorSpec(track="innovation_community", name="孵化场地面积", unit="平方米", min=3000),
            IndicatorSpec(track="innovation_community", name="入驻企业数量", unit="家", min=30),
            IndicatorSpec(track="innovation_community", name="带动就业人数", unit="人", min=300),
            IndicatorSpec(track="innovation_community", name="年度创新创业活动", unit="场", min=24)]
    rows = ["序号 | 指标名称 | 单位 | 目标值", "1 | 孵化场地面积 | 平方米 | 三", "2 | 入驻企业数量 | 家 | 四八",
            "3 | 带动就业人数 | 人 | 叁佰伍拾", "4 | 年度创新创业活动 | 场 | 两千"]
    f = extract_facts([doc(page(COVER, 1), page(rows, 2, source="docx", table=True))], indicators=inds)
    by = {t.indicator: t for t in f.targets}
    area, firms, jobs, events = (by[n] for n in ("孵化场地面积", "入驻企业数量", "带动就业人数", "年度创新创业活动"))
    assert (area.value, firms.value, jobs.value, events.value) == (3, 48, 350, 2000)
    assert max(e.confidence for e in area.evidence) <= 0.5 and "十分之一" in area.evidence[0].note
    assert max(e.confidence for e in firms.evidence) <= 0.7 and "不是规范的中文数字" in firms.evidence[0].note
    assert all(e.confidence > 0.9 and not e.note for t in (jobs, events) for e in t.evidence)
    # without a minimum (default indicators) only the written form is judged
    f = extract_facts([doc(page(COVER, 1), page(rows, 2, source="docx", table=True))])
    assert all(e.confidence > 0.9 for t in f.targets if t.indicator == "孵化场地面积" for e in t.evidence)


@pytest.mark.parametrize("cells, want", [
    (["4", "年度开源活动场24"], ("年度开源活动", 24, "场")),  # the row after its 序号 read as one run
    (["2", "孵化场地面积平方米4500"], ("孵化场地面积", 4500, "平方米")),
    (["3", "年度创新创业活动", "场48"], ("年度创新创业活动", 48, "场")),  # unit and value as one run
    (["1", "开源项目数量", "个壹拾"], ("开源项目数量", 10, "个")),
    (["3代码贡献者人数人", "200"], ("代码贡献者人数", 200, "人")),
])
def test_target_rows_with_cells_read_together(cells, want):
    """Row shapes the cascade engine gives when it reads several cells of a row as one run."""
    rows = [[(0.1, "序号"), (0.3, "指标名称"), (0.55, "单位"), (0.75, "目标值")], list(zip((0.1, 0.3, 0.55), cells))]
    open_source = want[0] in ("年度开源活动", "开源项目数量", "代码贡献者人数")
    cover = ["附件3", "开源社区申报材料"] if open_source else COVER
    f = extract_facts([doc(page(cover, 1), page(rows, 2))])
    assert [(t.indicator, t.value, t.unit) for t in f.targets] == [want]


def test_targets_geometry_rows_from_runs():
    rows = [[(0.1, "序号"), (0.2, "指标名称"), (0.5, "单位"), (0.7, "目标值")]]
    for i, (n, u, v) in enumerate([("入驻企业数量", "家", "45"), ("带动就业人数", "人", "三百八十")], 1):
        rows.append([(0.1, str(i)), (0.2, n), (0.5, u), (0.7, v)])
    f = extract_facts([doc(page(COVER, 1), page(rows, 2))])
    assert {(t.indicator, t.value, t.unit) for t in f.targets} == {("入驻企业数量", 45, "家"), ("带动就业人数", 380, "人")}


def test_targets_from_word_boxes_of_one_ocr_run():
    words = [Word(text=t, bbox=(x, 0.3, x + 0.01 * len(t), 0.315), confidence=0.9)
             for x, t in [(0.1, "1"), (0.2, "社区开发者人数"), (0.5, "人"), (0.7, "1500")]]
    line = Line(text="1社区开发者人数人1500", bbox=(0.1, 0.3, 0.74, 0.315), confidence=0.9, words=tuple(words))
    p = Page(file="b.pdf", number=1, width=1, height=1, source="ocr", lines=(line,))
    assert [c.text for c in page_layout(p).rows[0]] == ["1", "社区开发者人数", "人", "1500"]
    inds = [IndicatorSpec(track="open_source_community", name="社区开发者人数", unit="人")]
    f = extract_facts([Document(file="b.pdf", sha256="x", kind="pdf", pages=(p,))], indicators=inds)
    assert f.targets[0].indicator == "社区开发者人数" and f.targets[0].value == 1500


# ---------------------------------------------------------------- dates, plans, track

@pytest.mark.parametrize("line", ["申报日期：2026年7月20日", "申报日期 2026.7.20", "申报日期：二〇二六年七月二十日", "申报日期：2026-07-20"])
def test_declared_on(line):
    f = extract_facts([doc(page(["附件2", "创新创业社区", line]))])
    assert f.declared_on.value == dt.date(2026, 7, 20)


def test_declared_on_prefers_labelled_date_over_signature_date():
    f = extract_facts([doc(page(["附件2", "创新创业社区", "日期：2026年7月1日", "申报日期：2026年7月20日"]))])
    assert f.declared_on.value == dt.date(2026, 7, 20)


def test_plan_sections_are_headings_not_mentions():
    rows = ["一、发展规划", "立足重庆软件产业……", "（二）年度目标", "3.实施方案", "制定《社区入驻管理办法》等管理制度，建立服务质量监督与退出机制。"]
    f = extract_facts([innovation(rows)])
    ps = f.plan_sections
    assert ps["development_plan"].found and ps["annual_targets"].found and ps["implementation_plan"].found
    assert not ps["management_rules"].found and ps["management_rules"].reason


@pytest.mark.parametrize("rows, want", [
    (["附件3", "重庆市软信领域开源社区建设运营“揭榜挂帅”申报材料"], "open_source_community"),
    (["附 件 2", "重庆市软信领域创新创业杜区建设运营申报材料"], "innovation_community"),
    (["附件4", "申报单位推荐表", "申报方向：开源社区"], "recommendation_form"),
    (["申报材料", "目录"], "unknown"),
])
def test_track(rows, want):
    assert extract_facts([doc(page(rows))]).track.value == want


# ---------------------------------------------------------------- consortium

B = uscc.complete("91500105MA5U" + "XY12" + uscc.org_code_check("MA5UXY12")[0])
C = INST


def test_consortium_from_member_table_and_agreement():
    cover = ["附件3", "重庆市软信领域开源社区建设运营“揭榜挂帅”申报材料", "申报日期：2026年7月15日"]
    table = ["序号 | 单位名称 | 统一社会信用代码 | 联合体分工",
             f"1 | 重庆云帆科技有限公司 | {CODE} | 联合体牵头方",
             f"2 | 重庆渝芯软件有限公司 | {B} | 开源代码贡献单位",
             f"3 | 重庆市嘉陵软件评测中心 | {C} | 成员单位（应用单位）"]
    agreement = ["联合体协议", "甲方（牵头单位）：重庆云帆科技有限公司", "乙方（代码贡献方）：重庆渝芯软件有限公司",
                 "丙方：重庆市嘉陵软件评测中心（应用推广单位）", "联合体由牵头单位负责申报材料的组织编制。"]
    d = doc(page(cover, 1), page(table, 2, source="docx", table=True), page(agreement, 3))
    f = extract_facts([d])
    assert f.track.value == "open_source_community"
    got = {u.name.value: (u.uscc.value, u.roles) for u in f.consortium}
    assert got == {"重庆云帆科技有限公司": (CODE, ("lead",)), "重庆渝芯软件有限公司": (B, ("code_contributor",)),
                   "重庆市嘉陵软件评测中心": (C, ("application_unit",))}
    assert f.applicant.name.value == "重庆云帆科技有限公司" and f.applicant.uscc.value == CODE
    assert f.applicant.entity_type.value == "enterprise"
    assert all(u.role_evidence for u in f.consortium)


def test_consortium_roles_only_in_agreement_codes_on_member_pages():
    cover = ["附件3", "开源社区建设运营申报材料"]
    agreement = ["甲方（联合体牵头方）：重庆云帆科技有限公司", "乙方（开源代码贡献单位、应用单位）：重庆渝芯软件有限公司"]
    p3 = ["单位名称：重庆云帆科技有限公司", f"统一社会信用代码：{CODE}", "单位性质：企业"]
    p4 = ["单位名称：重庆渝芯软件有限公司", f"统一社会信用代码：{B}", "单位性质：民营企业"]
    f = extract_facts([doc(page(cover, 1), page(agreement, 2), page(p3, 3), page(p4, 4))])
    got = {u.name.value: (u.uscc.value, u.roles) for u in f.consortium}
    assert got == {"重庆云帆科技有限公司": (CODE, ("lead",)),
                   "重庆渝芯软件有限公司": (B, ("code_contributor", "application_unit"))}


# ---------------------------------------------------------------- recommendation form

def test_recommendation_form_district_and_opinion():
    rows = ["附件4", "申报单位推荐表", "推荐单位：重庆市渝北区经济和信息化委员会", "申报单位：重庆云帆科技有限公司",
            "推荐意见：", "经审核，该单位申报材料真实完整，符合申报条件，同意推荐。", "（盖章）", "日期：2026年7月22日"]
    f = extract_facts([doc(page(rows))])
    assert f.track.value == "recommendation_form"
    assert f.district.value == "渝北区"
    assert "同意推荐" in f.district_opinion.value
    assert f.declared_on.value == dt.date(2026, 7, 22)


# ---------------------------------------------------------------- speed and defaults

def test_default_indicators_are_spec_table():
    names = {(i.track, i.name, i.unit) for i in default_indicators()}
    assert ("innovation_community", "孵化场地面积", "平方米") in names and len(names) == 9


def test_extraction_of_a_long_document_is_repeatable():
    """Speed is measured by benchmarks/extract_fields.py (ms/page), not here: a timed assert flakes on a
    shared CI box. What is checked: a second pass over the same pages gives the same facts (caches in
    spaCy and the patterns do not leak state between documents) and every page gets a layout."""
    rows = ["单位名称：重庆云帆科技有限公司", f"统一社会信用代码：{CODE}", "单位性质：企业", "租赁期限自2026年7月1日至2029年6月30日止"]
    filler = ["本社区立足重庆软件和信息服务业，打造创新创业环境，三年内建成具有区域影响力的社区。"] * 30
    d = doc(*[page(COVER, 1)] + [page(rows + filler, n) for n in range(2, 22)])
    first = extract_facts([d])
    assert extract_facts([d]) == first
    assert len(layouts([d])) == 21


# ---------------------------------------------------------------- layout from real reader shapes

def _ln(text, x0, y0, x1, y1, engine="text_layer", words=()):
    return Line(text=text, bbox=(x0, y0, x1, y1), confidence=1.0 if engine == "text_layer" else 0.9, engine=engine, words=words)


def test_text_layer_fragments_join_and_wrapped_cells_rejoin_their_row():
    """pdfium gives runs split per font change; a long name and a role wrap inside their cells."""
    y, h = 0.30, 0.012
    lines = [_ln("1", 0.13, y, 0.14, y + h), _ln("重庆", 0.20, y, 0.23, y + h), _ln("缙云数", 0.23, y, 0.275, y + h),
             _ln("字科技（两江）有限", 0.275, y, 0.41, y + h), _ln("91500109MA5JKAUE5F", 0.45, y, 0.66, y + h),
             _ln("联合体牵头方、代", 0.71, y, 0.85, y + h),
             _ln("公司", 0.20, y + 0.016, 0.23, y + 0.016 + h), _ln("码贡献单位", 0.71, y + 0.016, 0.79, y + 0.016 + h)]
    p = Page(file="m.pdf", number=1, width=595, height=842, source="text_layer", lines=tuple(lines))
    rows = page_layout(p).rows
    assert [c.text for c in rows[0]] == ["1", "重庆缙云数字科技(两江)有限公司", "91500109MA5JKAUE5F", "联合体牵头方、代码贡献单位"]
    assert len(rows) == 1


def test_cascade_row_with_cell_words_and_spaces_between_scripts():
    words = (Word(text="1", bbox=(0.134, 0.159, 0.168, 0.168), confidence=0.99),
             Word(text="重庆渝芯软件有限公司", bbox=(0.173, 0.158, 0.429, 0.176), confidence=0.99),
             Word(text="91500112MAE2EAD43H 牵头方、开源代码", bbox=(0.434, 0.158, 0.855, 0.176), confidence=0.98))
    row = _ln("1 重庆渝芯软件有限公司 91500112MAE2EAD43H 牵头方、开源代码", 0.134, 0.158, 0.855, 0.176, "rapidocr", words)
    cont = _ln("贡献单位、应用单位", 0.713, 0.178, 0.854, 0.19, "tesseract")
    p = Page(file="s.tif", number=1, width=1, height=1, source="ocr", lines=(row, cont))
    rows = page_layout(p).rows
    assert [c.text for c in rows[0]] == ["1", "重庆渝芯软件有限公司", "91500112MAE2EAD43H", "牵头方、开源代码贡献单位、应用单位"]


def _rapid(words, y0, y1):
    """A RapidOCR line of word boxes: [(text, x0, x1)]."""
    ws = tuple(Word(text=t, bbox=(a, y0, b, y1), confidence=0.99) for t, a, b in words)
    return _ln(" ".join(t for t, _, _ in words), words[0][1], y0, words[-1][2], y1, "rapidocr", ws)


def test_next_row_with_its_number_read_into_the_name_is_not_a_wrapped_line():
    """Cascade boxes of a targets table (seed 9090, 11_创新 p8): row 3's 序号 came back inside its name
    cell, so no cell of row 3 sat in the first column and it was taken for row 2's wrapped line."""
    lines = (_rapid([("1", 0.124, 0.179), ("入驻企业数量", 0.187, 0.42), ("家", 0.428, 0.642), ("30", 0.65, 0.735)], 0.182, 0.21),
             _rapid([("2", 0.127, 0.181), ("孵化场地面积", 0.186, 0.453), ("平方米", 0.457, 0.662), ("4500", 0.667, 0.752)], 0.221, 0.239),
             _rapid([("3年度创新创业活动", 0.122, 0.471), ("场", 0.479, 0.64), ("三十六", 0.649, 0.773)], 0.249, 0.277),
             _rapid([("4", 0.122, 0.179), ("带动就业人数", 0.187, 0.45), ("人", 0.458, 0.64), ("360", 0.648, 0.745)], 0.281, 0.309))
    p = Page(file="t.tif", number=1, width=2480, height=3508, source="ocr", lines=lines)
    assert [[c.text for c in r] for r in page_layout(p).rows][1:3] == [["2", "孵化场地面积", "平方米", "4500"],
                                                                      ["3年度创新创业活动", "场", "三十六"]]
    f = extract_facts([doc(page(COVER, 1), p)])
    assert {(t.indicator, t.value) for t in f.targets} == {("入驻企业数量", 30), ("孵化场地面积", 4500),
                                                           ("年度创新创业活动", 36), ("带动就业人数", 360)}


def test_sentence_under_a_table_is_not_the_wrapped_line_of_its_last_row():
    """Cascade boxes (seed 9191, 01_创新 p8): the last row read as one tall run, cells estimated from
    it, and the sentence under the table within a line height of it: the sentence spans the unit and
    value cells, so it is no wrapped line of the name cell."""
    lines = (_rapid([("3", 0.128, 0.181), ("年度创新创业活动", 0.185, 0.469), ("场", 0.473, 0.636), ("24", 0.64, 0.723)], 0.26, 0.274),
             _rapid([("4 带动就业人数 人 600", 0.092, 0.769)], 0.284, 0.313),
             _ln("以上目标均不低于榜单考核指标要求，将按年度分解落实。", 0.17, 0.335, 0.719, 0.358, "tesseract"))
    p = Page(file="t.tif", number=1, width=1654, height=2339, source="ocr", lines=lines)
    rows = [[c.text for c in r] for r in page_layout(p).rows]
    assert rows[1:] == [["4", "带动就业人数人", "600"], ["以上目标均不低于榜单考核指标要求,将按年度分解落实。"]]
    f = extract_facts([doc(page(COVER, 1), p)])
    assert {(t.indicator, t.value, t.unit) for t in f.targets} == {("年度创新创业活动", 24, "场"), ("带动就业人数", 600, "人")}


def test_member_row_read_as_one_run_with_code_and_role_wrapped():
    """Cascade shapes (seed 9090, 16_开源 p5): RapidOCR read a whole member row as one run with the code
    glued between name and role; the code's last character and the role's end wrapped to a line
    Tesseract read under them."""
    code = uscc.complete("91500120MA4Q5KPC" + uscc.org_code_check("MA4Q5KPC"))
    row = _rapid([(f"2重庆嘉陵信息科技有限公司{code[:17]}代码贡献单位、产", 0.105, 0.848)], 0.199, 0.223)
    tess = Line(text=f"{code[17]}业化应用单位", bbox=(0.485, 0.224, 0.807, 0.236), confidence=0.95, engine="tesseract",
                words=(Word(text=code[17], bbox=(0.485, 0.224, 0.497, 0.236), confidence=0.95),
                       Word(text="业化应用单位", bbox=(0.652, 0.224, 0.807, 0.236), confidence=0.95)))
    p = Page(file="m.tif", number=2, width=1654, height=2339, source="ocr", lines=(row, tess))
    assert [[c.text for c in r] for r in page_layout(p).rows] == [["2重庆嘉陵信息科技有限公司", code, "代码贡献单位、产业化应用单位"]]
    f = extract_facts([doc(page(["附件3", "开源社区申报材料"], 1), p)])
    assert [(u.name.value, u.uscc.value, u.roles) for u in f.consortium] == [
        ("重庆嘉陵信息科技有限公司", code, ("code_contributor", "application_unit"))]


def test_wrapped_name_and_role_in_one_run_under_a_row_whose_number_is_in_the_name_cell():
    """Cascade shapes (seed 9090, 10_开源 p5): 1山城信息科技（西部科学城）有限 | code | 联合体牵头方、开, and
    under it one run '公司源代码贡献单位' — the name's end, then the role's end (a role phrase itself)."""
    code = uscc.complete("91500154MA42445Q" + uscc.org_code_check("MA42445Q"))
    row = _rapid([(f"1山城信息科技（西部科学城）有限 {code} 联合体牵头方、开", 0.105, 0.878)], 0.157, 0.177)
    cont = _rapid([("公司源代码贡献单位", 0.184, 0.849)], 0.177, 0.189)
    note = _ln("注：牵头单位负责申报材料的组织编制。", 0.105, 0.2, 0.5, 0.212, "tesseract")
    p = Page(file="m.pdf", number=2, width=1654, height=2339, source="ocr", lines=(row, cont, note))
    f = extract_facts([doc(page(["附件3", "开源社区申报材料"], 1), p)])
    assert [(u.name.value, u.uscc.value, u.roles) for u in f.consortium] == [
        ("山城信息科技（西部科学城）有限公司", code, ("lead", "code_contributor"))]


@pytest.mark.parametrize("row, want", [("4年度创新创业活动场二十四", 24), ("1入驻企业数量家45", 45), ("3带动就业人数人1.200", 1200)])
def test_target_row_read_as_one_run(row, want):
    d = doc(page(COVER, 1), page(["序号 考核指标 计量单位 建设目标", row], 2))
    ts = extract_facts([d]).targets
    assert len(ts) == 1 and ts[0].value == want and ts[0].matched


def test_targets_table_beats_site_area_mention():
    inds = [IndicatorSpec(track="innovation_community", name="孵化场地面积", unit="平方米", aliases=("场地面积",))]
    rows = ["场地面积 | 5000平方米", "序号 | 指标名称 | 单位 | 目标值", "1 | 孵化场地面积 | 平方米 | 肆仟伍佰"]
    f = extract_facts([doc(page(COVER, 1), page(rows, 2, source="docx", table=True))], indicators=inds)
    assert [(t.indicator, t.value) for t in f.targets] == [("孵化场地面积", 4500)]


def test_thin_glyph_run_joins_its_neighbour():
    """pdfium's box of 一 is a thin stroke: the gap test uses the taller box."""
    y = 0.5
    lines = [_ln("代码贡献者人数", 0.2, y, 0.4, y + 0.012), _ln("一", 0.70, y + 0.005, 0.712, y + 0.006),
             _ln("百五十", 0.713, y, 0.75, y + 0.012)]
    p = Page(file="t.pdf", number=1, width=595, height=842, source="text_layer", lines=tuple(lines))
    assert [c.text for c in page_layout(p).rows[0]] == ["代码贡献者人数", "一百五十"]


def test_misread_row_number_and_two_rows_read_as_one():
    rows = [[(0.1, "序号"), (0.2, "指标名称"), (0.5, "单位"), (0.7, "目标值")],
            [(0.1, "<"), (0.2, "社区开发者人数"), (0.5, "人"), (0.7, "1500")],
            [(0.1, "34"), (0.2, "代码贡献者人数年度开源活动"), (0.5, "人场"), (0.7, "20024")]]
    f = extract_facts([doc(page(["附件3", "开源社区申报材料"], 1), page(rows, 2))])
    assert [(t.indicator, t.value) for t in f.targets] == [("社区开发者人数", 1500)]


def test_track_from_annex_label_on_a_late_page():
    """A DOCX whose sealed cover is an embedded scan: its text pages come first, the cover (red title
    invisible to OCR) last."""
    pages = [page(["一、申报单位基本情况"], 1, "docx"), page(["单位名称 | 重庆云帆科技有限公司"], 2, "docx", table=True),
             page(["三、场地设施情况"], 3, "docx"), page(["四、发展规划与管理"], 4, "docx"),
             page(["附件2", "（数字创意创业街区）", "申报单位（盖章）：重庆云帆科技有限公司"], 5)]
    assert extract_facts([doc(*pages)]).track.value == "innovation_community"


def test_unreadable_document_gives_reasons_not_values():
    f = extract_facts([Document(file="x.pdf", sha256="", kind="pdf")])
    assert f.track.value == "unknown" and f.track.reason
    for fact in (f.applicant.name, f.applicant.uscc, f.applicant.entity_type, f.declared_on, f.site.tenure):
        assert fact.value is None and fact.reason
    assert f.targets == () and f.consortium == ()


def test_lease_start_from_the_contract_when_the_site_page_is_spoilt():
    rows = ["社区场地位于重庆市北部新区高新园38号，租赁面积3600平方米，自", "二@〇二五年六月一日起租期五年，租赁合同见附件。",
            "房屋租赁合同（摘录）", "第二条租赁期限：自二〇二五年六月一日起租期五年。"]
    s = extract_facts([innovation(rows)]).site
    assert (s.lease_start.value, s.lease_years.value) == (dt.date(2025, 6, 1), 5)


def test_specks_beside_target_values():
    rows = ["序号 | 考核指标 | 计量单位 | 建设目标", "1 | 年度创新创业活动 | 场 | ·四十八", "2 | 孵化场地面积 | 平方米. | 叁仟陆佰"]
    f = extract_facts([doc(page(COVER, 1), page(rows, 2, source="docx", table=True))])
    assert {(t.indicator, t.value, t.unit) for t in f.targets} == {("年度创新创业活动", 48, "场"), ("孵化场地面积", 3600, "平方米")}


def test_lease_terms_that_disagree_are_surfaced():
    rows = ["租赁面积3600平方米，自2025年6月1日起租期五年。", "房屋租赁合同（摘录）", "第二条租赁期限：自2025年6月1日起租期两年。"]
    y = extract_facts([innovation(rows)]).site.lease_years
    assert y.value == 5 and "不一致" in y.evidence[0].note and y.confidence < 0.6


def test_wrapped_cell_line_in_several_runs_rejoins_its_cell():
    """A text layer gives the wrapped line of a role cell as two runs (、 | 应用单位): both belong to
    the role cell above, the name's last character to the name cell."""
    y, h = 0.159, 0.013
    lines = [_ln("1", 0.115, y, 0.123, y + h), _ln("铜锣软件（西部科学城）有限责任公", 0.184, y, 0.466, y + h),
             _ln("91500112MAHANAMC8U", 0.486, y + 0.002, 0.682, y + 0.011), _ln("牵头方、开源贡献方", 0.722, y, 0.88, y + h),
             _ln("司", 0.185, 0.178, 0.199, 0.19), _ln("应用单位", 0.74, 0.178, 0.81, 0.19), _ln("、", 0.724, 0.187, 0.727, 0.19)]
    p = Page(file="m.pdf", number=1, width=595, height=842, source="text_layer", lines=tuple(lines))
    rows = page_layout(p).rows
    assert [c.text for c in rows[0]] == ["1", "铜锣软件(西部科学城)有限责任公司", "91500112MAHANAMC8U", "牵头方、开源贡献方、应用单位"]
    assert len(rows) == 1
    (u,) = extract_facts([Document(file="m.pdf", sha256="0" * 64, kind="pdf", pages=(p,), page_count=1)]).consortium
    assert u.roles == ("lead", "code_contributor", "application_unit")


def test_member_table_roles_from_a_real_text_pdf_and_the_agreement(tmp_path):
    """The generator's own text-layer PDF (reportlab, WenQuanYi): a one-member consortium whose name and
    roles wrap in their cells, and an agreement sentence that names only the lead. Roles of both
    sources add up; the table's are not lost to the sentence."""
    import random

    from pipeline.reading import read_document
    from pipeline.samples.files import write_text_pdf
    from pipeline.samples.typeset import Flow, PageLayout

    name, code = "铜锣软件（西部科学城）有限责任公司", uscc.complete("91500112MAHANAMC" + uscc.org_code_check("MAHANAMC"))
    cover = PageLayout("cover")
    f = Flow(cover, random.Random(1), left=22.0, right=22.0)
    f.heading("附件3", center=False)
    f.heading("重庆市软信领域开源社区建设运营“揭榜挂帅”申报材料")
    agreement = PageLayout("agreement")
    f = Flow(agreement, random.Random(2), left=22.0, right=22.0)
    f.heading("联合体协议书", size=18)
    f.para(f"联合体牵头单位为{name}，共1家成员单位。")
    # a booklet's worth of distinct characters before the table: reportlab's 256-glyph font subsets
    # then change inside the role cell (、 and 单位 in the first, 应用 in the next) and pdfium splits its
    # runs there (、 | 应用 | 单位), as in the generated bundles
    f.para("负责组织编制、项目统筹。" + "".join(chr(0x4E00 + i) for i in range(300)))
    members = PageLayout("members")
    f = Flow(members, random.Random(3), left=22.0, right=22.0)  # the role cell wraps as 牵头方、开源贡献方 / 、应用单位
    f.heading("联合体成员单位表", size=15)
    f.table([["序号", "成员单位名称", "统一社会信用代码", "联合体分工"], ["1", name, code, "牵头方、开源贡献方、应用单位"]],
            [0.09, 0.38, 0.3, 0.23], size=10.5)
    write_text_pdf(tmp_path / "m.pdf", [cover, agreement, members])
    import pypdfium2 as pdfium

    tp = pdfium.PdfDocument(tmp_path / "m.pdf")[2].get_textpage()
    assert "、" in [tp.get_text_bounded(*tp.get_rect(i)).strip() for i in range(tp.count_rects())]
    d = read_document(tmp_path, "m.pdf", seals=False).document
    assert [p.source for p in d.pages] == ["text_layer"] * 3
    (u,) = extract_facts([d]).consortium
    assert (u.name.value, u.uscc.value) == (name, code)
    assert u.roles == ("lead", "code_contributor", "application_unit")
    assert any("应用单位" in e.text and e.page == 3 for e in u.role_evidence)


@pytest.mark.parametrize("rows", [
    # wrapped name end and role end read as one run under the row
    [[(0.1, "1"), (0.2, "重庆渝芯网络科技(西部科学城)有限"), (0.45, B), (0.71, "牵头单位、代码贡")], [(0.2, "公司献单位")]],
    # the name's end read into the role cell
    [[(0.1, "1"), (0.2, "重庆渝芯网络科技(西部科学城)股份"), (0.45, B + "牵头单位、代码贡有限公司献单位")]],
], ids=["one-run-continuation", "name-tail-in-role-cell"])
def test_member_row_wrapped_cells_misread_by_ocr(rows):
    f = extract_facts([doc(page(["附件3", "开源社区申报材料"], 1), page(rows, 2))])
    (u,) = f.consortium
    assert u.name.value.startswith("重庆渝芯网络科技（西部科学城）") and u.name.value.endswith("公司")
    assert u.uscc.value == B and u.roles == ("lead", "code_contributor")


@pytest.mark.parametrize("num, value, minimum, doubted", [
    ("三", 3, 30, True),     # 三十 read 三: exactly a tenth
    ("三", 3, 25, True),     # one bare digit under the minimum: a place word may be lost
    ("二十", 20, 30, False),  # a regular numeral under the minimum: a fail stands on it
    ("三十", 30, 30, False),
    ("五", 5, 5, False),      # at the minimum: nothing to doubt
])
def test_a_bare_chinese_digit_under_the_minimum_is_doubted(num, value, minimum, doubted):
    from pipeline.extract.target_values import numeral_doubts

    ind = IndicatorSpec(track="innovation_community", name="入驻企业数量", unit="家", min=minimum)
    factor, notes = numeral_doubts(num, value, ind)
    assert (factor < 1.0) == doubted and bool(notes) == doubted
