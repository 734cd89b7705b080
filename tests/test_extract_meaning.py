"""Reading by meaning (issue 15): unit classes and conversions, indicator names with qualifiers and
glued row numbers, target columns by header meaning, transposed target tables, plan headings by
synonym, dates and lease periods in other forms — pure-text rows here, rendered pages through real
Tesseract in test_extract_meaning_ocr.py."""
from __future__ import annotations

import datetime as dt

import pytest

from pipeline.checks import engine as E
from pipeline.checks.rules import load_rules
from pipeline.extract import extract_facts
from pipeline.extract.targets import clean_indicator, indicator_key
from pipeline.model import Document, Line, Page
from pipeline.process import indicator_specs

RULES = load_rules()
SPECS = indicator_specs(RULES)
COVER = ["附件2", "重庆市软信领域创新创业社区建设运营“揭榜挂帅”申报材料", "申报单位（盖章）：重庆云帆科技有限公司"]
OSS_COVER = ["附件3", "重庆市软信领域开源社区建设运营“揭榜挂帅”申报材料"]


def page(rows, n=1, source="ocr", conf=0.95, table=False, file="a.pdf"):
    """rows: str (one line) or a list of (x0, text) runs on one row."""
    lines, y = [], 0.05
    for row in rows:
        for x0, text in (row if isinstance(row, list) else [(0.1, row)]):
            lines.append(Line(text=text, bbox=(x0, y, min(x0 + 0.012 * len(text), 1.0), y + 0.015),
                              confidence=conf, engine="tesseract"))
        y += 0.03
    return Page(file=file, number=n, width=2480, height=3508, source=source, lines=tuple(lines), table=table)


def facts(*pages):
    d = Document(file="a.pdf", sha256="0" * 64, kind="pdf", pages=tuple(pages), page_count=len(pages))
    return extract_facts([d], indicators=SPECS)


def targets_of(f):
    return {t.indicator: (t.value, t.unit) for t in f.targets}


# ---------------------------------------------------------------- targets

def test_units_of_one_class_are_not_doubted_and_the_check_converts():
    rows = ["序号 | 指标名称 | 计量单位 | 目标值", "1 | 入驻企业（团队）数量 | 户 | 40", "2 | 孵化场地面积 | 万平方米 | 0.5",
            "3 | 年度创新创业活动 | 场次 | 30", "4 | 带动就业人数 | 名 | 350"]
    f = facts(page(COVER, 1), page(rows, 2, source="docx", table=True))
    # the value is kept in the 榜单 unit, the spelling and conversion said in the evidence note
    assert targets_of(f) == {"入驻企业数量": (40, "家"), "孵化场地面积": (5000, "平方米"),
                             "年度创新创业活动": (30, "场"), "带动就业人数": (350, "人")}
    assert all(e.confidence > 0.85 for t in f.targets for e in t.evidence)
    area = next(t for t in f.targets if t.indicator == "孵化场地面积")
    assert "写为0.5万平方米，按5000平方米计" in area.evidence[0].note
    r = E.check_targets(f, RULES, "innovation_community")
    assert r.status == "pass", r.detail


@pytest.mark.parametrize("written, name, unit", [
    ("入驻企业（团队）数量", "入驻企业数量", ""), ("5服务企业融资额", "服务企业融资额", ""),
    ("5.服务企业融资额（万元）", "服务企业融资额", "万元"), ("（三）带动就业人数", "带动就业人数", ""),
    ("5G基站数量", "5G基站数量", ""),
])
def test_clean_indicator(written, name, unit):
    assert clean_indicator(written) == (name, unit)


@pytest.mark.parametrize("written, key", [("累计入驻企业数量", "入驻企业"), ("年均举办开源技术活动", "开源技术活动"),
                                          ("引进入驻企业（团队）", "入驻企业"), ("新增知识产权", "知识产权")])
def test_indicator_key_drops_qualifiers(written, key):
    assert indicator_key(written) == key


def test_indicator_names_with_qualifiers_reordered_words_and_glued_numbers():
    rows = [[(0.05, "序号"), (0.15, "考核指标"), (0.55, "单位"), (0.75, "建设目标")],
            [(0.05, "1"), (0.15, "开源项目数量"), (0.55, "项"), (0.75, "15")],
            [(0.15, "2社区开发者人数"), (0.55, "位"), (0.75, "1.2万")],
            [(0.15, "3代码贡献者人数"), (0.55, "名"), (0.75, "150")],
            [(0.15, "4年度开源活动"), (0.55, "次"), (0.75, "20")],
            [(0.15, "5开源项目产业化应用"), (0.55, "个"), (0.75, "6")],
            [(0.15, "6服务企业融资额"), (0.55, "万元"), (0.75, "800")]]
    f = facts(page(OSS_COVER, 1), page(rows, 2))
    got = targets_of(f)
    assert got == {"开源项目数量": (15, "个"), "社区开发者人数": (12000, "人"), "代码贡献者人数": (150, "人"),
                   "年度开源活动": (20, "场"), "产业化应用项目": (6, "个"), "服务企业融资额": (800, "万元")}, got
    assert E.check_targets(f, RULES, "open_source_community").status == "pass"


def test_value_column_found_by_its_header_not_its_position():
    rows = ["指标名称 | 现状值 | 2028年目标值 | 单位 | 备注", "入驻企业数量 | 12 | 45 | 家 | 含团队",
            "孵化场地面积 | 1500 | 5200 | 平方米 | 3", "年度创新创业活动 | 6 | 30 | 场 | ", "带动就业人数 | 80 | 400 | 人 | 10"]
    f = facts(page(COVER, 1), page(rows, 2, source="docx", table=True))
    assert targets_of(f) == {"入驻企业数量": (45, "家"), "孵化场地面积": (5200, "平方米"),
                             "年度创新创业活动": (30, "场"), "带动就业人数": (400, "人")}


def test_transposed_target_table():
    rows = ["指标 | 入驻企业数量（家） | 孵化场地面积 | 年度创新创业活动 | 带动就业人数",
            "单位 | 家 | 平方米 | 场次 | 人", "目标值 | 36 | 4000 | 二十四 | 320"]
    f = facts(page(COVER, 1), page(rows, 2, source="docx", table=True))
    assert targets_of(f) == {"入驻企业数量": (36, "家"), "孵化场地面积": (4000, "平方米"),
                             "年度创新创业活动": (24, "场"), "带动就业人数": (320, "人")}
    assert E.check_targets(f, RULES, "innovation_community").status == "pass"


def test_transposed_table_keeps_the_applicants_own_targets_unmatched():
    """A column naming no 榜单 indicator but with a unit (in its header's brackets or the units row) is
    the applicant's own target, read as a table row would be; a column without a unit (备注) is not."""
    rows = ["指标 | 入驻企业数量（家） | 孵化场地面积（平方米） | 服务企业融资额（万元） | 新增知识产权 | 备注",
            "单位 | 家 | 平方米 | 万元 | 件 | ",
            "三年目标 | 45 | 6000 | 2000 | 200 | 2028"]
    f = facts(page(COVER, 1), page(rows, 2, source="docx", table=True))
    assert targets_of(f) == {"入驻企业数量": (45, "家"), "孵化场地面积": (6000, "平方米"),
                             "服务企业融资额": (2000, "万元"), "新增知识产权": (200, "件")}
    assert {t.indicator for t in f.targets if not t.matched} == {"服务企业融资额", "新增知识产权"}


def test_transposed_target_table_with_header_cells_wrapped_over_two_lines():
    xs = (0.05, 0.2, 0.38, 0.56, 0.76)
    rows = [list(zip(xs, ["指标", "入驻企业", "孵化场地", "年度创新", "带动就业"])),
            list(zip(xs[1:], ["数量", "面积", "创业活动", "人数"])),
            list(zip(xs, ["单位", "家", "平方米", "场", "人"])),
            list(zip(xs, ["目标值", "45", "5200", "24", "380"])),
            [(0.05, "以上目标为2028年底达到的数值。")]]
    f = facts(page(COVER, 1), page(rows, 2))
    assert targets_of(f) == {"入驻企业数量": (45, "家"), "孵化场地面积": (5200, "平方米"),
                             "年度创新创业活动": (24, "场"), "带动就业人数": (380, "人")}


def test_declared_value_under_the_minimum_after_conversion_fails_with_the_reading():
    rows = ["序号 | 指标名称 | 单位 | 目标值", "1 | 入驻企业数量 | 户 | 40", "2 | 孵化场地面积 | 万平方米 | 0.2",
            "3 | 年度创新创业活动 | 场 | 30", "4 | 带动就业人数 | 人 | 350"]
    r = E.check_targets(facts(page(COVER, 1), page(rows, 2, source="docx", table=True)), RULES, "innovation_community")
    assert r.status == "fail" and "孵化场地面积2000平方米低于3000平方米" in r.detail
    assert any("写为0.2万平方米，按2000平方米计" in e.note for e in r.evidence)


def test_a_value_under_a_tenth_of_the_minimum_is_a_doubtful_reading_not_a_fail():
    """0.6 read as 0.0 (or a 万 lost): no applicant declares under a tenth of the minimum, so the
    reading is doubted (review with the reason), while a value plainly under the minimum still fails."""
    rows = ["序号 | 指标名称 | 单位 | 目标值", "1 | 入驻企业数量 | 家 | 40", "2 | 孵化场地面积 | 万平方米 | 0.0",
            "3 | 年度创新创业活动 | 场 | 30", "4 | 带动就业人数 | 人 | 350"]
    r = E.check_targets(facts(page(COVER, 1), page(rows, 2, source="docx", table=True)), RULES, "innovation_community")
    assert r.status == "review" and "孵化场地面积" in r.detail
    assert any("十分之一" in e.note for e in r.evidence)
    rows[2] = "2 | 孵化场地面积 | 平方米 | 1500"
    r = E.check_targets(facts(page(COVER, 1), page(rows, 2, source="docx", table=True)), RULES, "innovation_community")
    assert r.status == "fail" and "孵化场地面积1500平方米低于3000平方米" in r.detail


def test_figures_ocr_read_as_lookalikes_in_a_value_cell():
    """7 read as 了, 0 as O: the value is read through the look-alikes (labels.yaml), and a value so
    read that falls under the minimum is doubted, never a fail on a guessed figure."""
    from pipeline.extract.target_values import value_of

    assert value_of("了")[:2] == (7, "") and value_of("1O0")[:2] == (100, "") and value_of("不少于2S")[:2] == (25, "")
    assert value_of("了解") is None and value_of("IOS") is None and value_of("入驻") is None
    rows = ["序号 | 指标名称 | 单位 | 目标值", "1 | 入驻企业数量 | 家 | 4O", "2 | 孵化场地面积 | 平方米 | 3600",
            "3 | 年度创新创业活动 | 场 | 2了", "4 | 带动就业人数 | 人 | 350"]
    f = facts(page(COVER, 1), page(rows, 2, source="docx", table=True))
    assert targets_of(f)["入驻企业数量"] == (40, "家") and targets_of(f)["年度创新创业活动"] == (27, "场")
    assert E.check_targets(f, RULES, "innovation_community").status == "pass"
    rows[3] = "3 | 年度创新创业活动 | 场 | 了"
    r = E.check_targets(facts(page(COVER, 1), page(rows, 2, source="docx", table=True)), RULES, "innovation_community")
    assert r.status == "review" and "年度创新创业活动" in r.detail


# ---------------------------------------------------------------- fail only on evidence

EMPTY = page([], 2)
GARBLED = page(["囗囗 国口 ▇▇ 1 | ~~", "租 赁 期", "目标值", "2 年", "指标名称 单位", "日期：", "〇〇〇"], 2)


@pytest.mark.parametrize("body", [EMPTY, GARBLED], ids=["empty", "garbled"])
@pytest.mark.parametrize("cover", [COVER, OSS_COVER, []], ids=["innovation", "open_source", "no_cover"])
def test_no_fail_from_an_empty_or_garbled_page(cover, body):
    f = facts(page(cover, 1), body) if cover else facts(body)
    for track in ("innovation_community", "open_source_community"):
        results = [E.check_targets(f, RULES, track), E.check_plan(f, RULES), E.check_tenure_proof(f, RULES),
                   E.check_lease_term(f, RULES), E.check_deadline(f, RULES)]
        for r in results:
            assert r is None or r.status != "fail", (r.rule, r.status, r.detail)


# ---------------------------------------------------------------- plans

def test_plan_sections_by_what_the_heading_means():
    rows = ["第一部分 社区发展思路", "立足重庆软件产业基础……", "二、年度工作目标", "（三）建设运营实施方案",
            "4.运营管理制度：社区制定入驻、退出、服务质量监督等制度，并按季度考核。"]
    f = facts(page(COVER, 1), page(rows, 2))
    ps = f.plan_sections
    assert all(ps[k].found for k in ("development_plan", "annual_targets", "implementation_plan", "management_rules")), ps
    assert E.check_plan(f, RULES).status == "pass"
    # words inside a paragraph are not headings: the rule asks a person
    prose = ["社区将按照发展规划推进建设，并结合年度目标、实施方案和管理制度开展运营工作，确保各项任务落实到位。"]
    f = facts(page(COVER, 1), page(prose, 2))
    r = E.check_plan(f, RULES)
    assert r.status == "review" and "发展规划" in r.detail


# ---------------------------------------------------------------- dates and lease

@pytest.mark.parametrize("text, start, end, years", [
    ("租赁期限：2026.07.01-2029.06.30", dt.date(2026, 7, 1), dt.date(2029, 6, 30), 3),
    ("租赁期限：2026-07-01—2029-06-30", dt.date(2026, 7, 1), dt.date(2029, 6, 30), 3),
    ("租赁期限二○二六年七月一日至二O二九年六月三十日", dt.date(2026, 7, 1), dt.date(2029, 6, 30), 3),
    ("租赁期限二0二六年七月一日至二〇二八年六月三十日", dt.date(2026, 7, 1), dt.date(2028, 6, 30), 2),
    ("承租期限：自2026年07月01日起至2029年06月30日止", dt.date(2026, 7, 1), dt.date(2029, 6, 30), 3),
    ("租期为叁（3）年", None, None, 3),
    ("租赁期两年（起租日二〇二四年二月一日）", dt.date(2024, 2, 1), None, 2),
])
def test_lease_in_other_forms(text, start, end, years):
    f = facts(page(COVER, 1), page(["单位名称：重庆云帆科技有限公司", text], 2))
    s = f.site
    assert (s.tenure.value, s.lease_start.value, s.lease_end.value, s.lease_years.value) == ("leased", start, end, years)
    r = E.check_lease_term(f, RULES)
    assert r.status == ("pass" if years >= 3 else "fail"), r.detail
    if r.status == "fail":
        assert r.evidence and ("2028-06-30" in r.detail or "租期2年" in r.detail)  # the failing reading is shown


@pytest.mark.parametrize("text", [
    "租赁期限：2025年1月1日—（OCR 读坏的到期日）",
    "租赁期限2024年3月",
])
def test_a_date_after_the_lease_label_is_not_a_term(text):
    """A broken range leaves the start date after the label: 2025年 is a year, not a 2025-year term."""
    f = facts(page(COVER, 1), page(["单位名称：重庆云帆科技有限公司", text], 2))
    assert f.site.lease_years.value is None
    assert E.check_lease_term(f, RULES).status == "review"


@pytest.mark.parametrize("cover, signed, want", [
    (["申报日期：2026年7月"], ["承诺书", "承诺单位（盖章）：重庆云帆科技有限公司", "2026年7月15日"], dt.date(2026, 7, 15)),
    (["2026年7月"], ["申报单位承诺书", "法定代表人（签字）：", "日期：二〇二六年七月十五日"], dt.date(2026, 7, 15)),
    (["申报时间：2026年7月", "成立日期：2015年3月1日"], ["承诺单位（盖章）", "二○二六年七月十五日"], dt.date(2026, 7, 15)),
])
def test_declared_on_from_where_the_application_is_signed(cover, signed, want):
    f = facts(page(COVER + cover, 1), page(["一、申报单位基本情况", "单位名称：重庆云帆科技有限公司"], 2), page(signed, 3))
    assert f.declared_on.value == want and f.declared_on.evidence[0].page == 3
    assert E.check_deadline(f, RULES).status == "pass"


def test_month_only_dates_are_not_a_declared_date():
    f = facts(page(COVER + ["申报日期：2026年8月"], 1))
    assert f.declared_on.value is None and E.check_deadline(f, RULES).status == "review"


# ---------------------------------------------------------------- labels

CODE = "91500000MA5UA3W18Q"


def test_label_with_spaces_between_its_characters():
    """Justified table cells: OCR gives one run per character (单  位  名  称)."""
    label = [(0.10 + 0.035 * k, ch) for k, ch in enumerate("统一社会信用代码")]
    name = [(0.10 + 0.04 * k, ch) for k, ch in enumerate("单位名称")]
    rows = [name + [(0.45, "重庆云帆科技有限公司")], label + [(0.45, CODE)], [(0.1, "日"), (0.16, "期："), (0.3, "2026年7月20日")]]
    f = facts(page(COVER[:2], 1), page(rows, 2))
    assert f.applicant.name.value == "重庆云帆科技有限公司"
    assert f.applicant.uscc.value == CODE
    assert f.declared_on.value == dt.date(2026, 7, 20)


def test_spaced_merge_keeps_a_unit_and_its_numeral_apart():
    rows = ["序号 | 指标名称 | 计量单位 | 目标值"]
    rows = [[(0.05, "序号"), (0.15, "指标名称"), (0.5, "单位"), (0.62, "目标值")],
            [(0.05, "1"), (0.15, "产业化应用项目"), (0.5, "个"), (0.62, "六")]]
    f = facts(page(OSS_COVER, 1), page(rows, 2))
    assert targets_of(f) == {"产业化应用项目": (6, "个")}


def test_label_wrapped_over_two_lines_of_its_cell():
    rows = [[(0.1, "申报单位"), (0.3, "重庆云帆科技有限公司")],
            [(0.1, "统一社会信"), (0.3, CODE)],
            [(0.1, "用代码")],
            [(0.1, "单位性质"), (0.3, "企业")]]
    f = facts(page(COVER[:2], 1), page(rows, 2))
    assert f.applicant.uscc.value == CODE
    assert {e.text for e in f.applicant.uscc.evidence} >= {"统一社会信", "用代码", CODE}


def test_two_column_key_value_table():
    rows = [f"单位名称 | 重庆云帆科技有限公司 | 统一社会信用代码 | {CODE}", "单位类型 | 企业 | 成立时间 | 2015年3月1日",
            "填报日期 | 2026年7月18日 | 联系人 | 王芳"]
    f = facts(page(COVER[:2], 1), page(rows, 2, source="docx", table=True))
    assert (f.applicant.name.value, f.applicant.uscc.value) == ("重庆云帆科技有限公司", CODE)
    assert f.declared_on.value == dt.date(2026, 7, 18)


def test_targets_written_as_a_numbered_list_in_prose():
    rows = ["揭榜任务目标", "对照榜单考核要求，本单位在建设周期内拟完成以下目标：", [(0.12, "1、"), (0.15, "引进入驻企业不少于36户；")],
            "2、社区运营场地面积不少于0.36万平方米；", "3、年均开展创业沙龙、路演等双创活动≥48场；",
            [(0.11, "4、"), (0.14, "吸纳带动就业不低于180人；")], "5、新增知识产权达到120件；", "以上目标按年度分解落实。"]
    f = facts(page(COVER, 1), page(rows, 2))
    assert targets_of(f) == {"入驻企业数量": (36, "家"), "孵化场地面积": (3600, "平方米"), "年度创新创业活动": (48, "场"),
                             "带动就业人数": (180, "人"), "新增知识产权": (120, "件")}
    r = E.check_targets(f, RULES, "innovation_community")
    assert r.status == "fail" and "带动就业人数180人低于300人" in r.detail
    # a numbered plan item elsewhere is not a target
    f = facts(page(COVER, 1), page(["四、保障措施", "1、组建专职运营团队12人；", "2、设立服务窗口3个。"], 2))
    assert f.targets == ()


def test_name_and_value_read_as_one_run_with_the_unit_apart():
    rows = [[(0.15, "序号指标名称"), (0.51, "预期目标"), (0.64, "单位"), (0.74, "备注")],
            [(0.15, "11孵化开源项目≥20"), (0.64, "个")],
            [(0.15, "33代码贡献者(人数)"), (0.51, "不低于100名")]]
    f = facts(page(OSS_COVER, 1), page(rows, 2))
    assert targets_of(f) == {"开源项目数量": (20, "个"), "代码贡献者人数": (100, "人")}


def test_two_targets_side_by_side_in_a_key_value_table():
    rows = ["入驻企业数量 | 45家 | 孵化场地面积（平方米） | 5200", "年度创新创业活动 | 24 | 场 | 带动就业人数 | 1.2万人"]
    f = facts(page(COVER, 1), page(rows, 2, source="docx", table=True))
    assert targets_of(f) == {"入驻企业数量": (45, "家"), "孵化场地面积": (5200, "平方米"), "年度创新创业活动": (24, "场"),
                             "带动就业人数": (12000, "人")}


def test_contents_page_is_not_a_heading_nor_lease_evidence():
    toc = ["目录", "一、申报承诺书……………1", "三、建设运营方案.................5", "六、附件：场地租赁合同（产权证明）……9"]
    f = facts(page(COVER, 1), page(toc, 2), page(["（一）发展规划", "立足……"], 3))
    assert not f.plan_sections["implementation_plan"].found
    assert f.site.tenure.value is None and E.check_tenure_proof(f, RULES).status == "review"


def test_a_date_beside_another_label_is_not_the_signing_date():
    info = [[(0.1, "成立时间"), (0.35, "2010年7月8日")], [(0.1, "法定代表人（负责人）"), (0.35, "袁明轩")]]
    f = facts(page(COVER + ["二〇二六年七月"], 1), page(info, 2), page(["承诺函", "承诺单位（盖章）：", "2026-07-08"], 3))
    assert f.declared_on.value == dt.date(2026, 7, 8) and "另有日期" not in f.declared_on.evidence[0].note
    assert E.check_deadline(f, RULES).status == "pass"


def test_transposed_header_wrapped_over_three_lines_and_prose_with_chinese_numbers():
    xs = (0.15, 0.27, 0.39, 0.51, 0.63, 0.75)
    rows = [list(zip(xs, ["指标", "托管开源项目", "汇聚开发者数", "代码贡献者人", "年均举办开源", "开源项目产业"])),
            [(0.28, "(含孵化)("), (0.39, "量(万人)"), (0.51, "数"), (0.53, "(名)"), (0.63, "技术活动"), (0.70, "(次"), (0.75, "化应用(项)")],
            [(0.27, "个)"), (0.63, ")")],
            list(zip(xs, ["三年目标", "5", "0.1", "≥150", "不低于24", "≥20"]))]
    f = facts(page(OSS_COVER, 1), page(rows, 2))
    assert targets_of(f) == {"开源项目数量": (5, "个"), "社区开发者人数": (1000, "人"), "代码贡献者人数": (150, "人"),
                             "年度开源活动": (24, "场"), "产业化应用项目": (20, "个")}
    prose = ["建设目标及考核指标", "（一）孵化开源项目不低于10项；", "（二）社区注册开发者不低于1000名；", "（三）活跃代码贡献者≥150名；",
             "（四）年均举办开源技术活动≥14次；", "（五）产业化应用项目数量≥10个；"]
    f = facts(page(OSS_COVER, 1), page(prose, 2, source="docx"))
    assert targets_of(f) == {"开源项目数量": (10, "个"), "社区开发者人数": (1000, "人"), "代码贡献者人数": (150, "人"),
                             "年度开源活动": (14, "场"), "产业化应用项目": (10, "个")}


def test_target_rows_with_a_deadline_column_and_cells_read_together():
    rows = [[(0.14, "序号考核指标"), (0.51, "目标值"), (0.60, "计量单位完成时限")],
            [(0.14, "1入驻企业(团队)数量"), (0.51, "60"), (0.64, "家"), (0.74, "实施期末")],
            [(0.15, "2"), (0.45, "孵化场地面积≥3600平方米2028年底            ")],  # a run mostly under 完成时限
            [(0.15, "3"), (0.21, "年度创新创业活动"), (0.44, "≥28"), (0.64, "场次"), (0.74, "2028年底")],
            [(0.15, "4"), (0.19, "带动就业人数≥600"), (0.64, "人"), (0.74, "2028年底")],
            [(0.14, "5新增知识产权"), (0.51, "200"), (0.64, "件"), (0.70, "2029年6月")]]
    f = facts(page(COVER, 1), page(rows, 2))
    assert targets_of(f) == {"入驻企业数量": (60, "家"), "孵化场地面积": (3600, "平方米"), "年度创新创业活动": (28, "场"),
                             "带动就业人数": (600, "人"), "新增知识产权": (200, "件")}


def test_prose_item_whose_number_ocr_dropped():
    rows = ["建设目标及考核指标", "1、入驻软件企业(含团队)≥30户;", "2、可自主支配孵化场地面积≥3600平方米;",
            "、年度创新创业活动不低于28次;", "4、吸纳带动就业≥300名;"]
    f = facts(page(COVER, 1), page(rows, 2))
    assert targets_of(f) == {"入驻企业数量": (30, "家"), "孵化场地面积": (3600, "平方米"), "年度创新创业活动": (28, "场"),
                             "带动就业人数": (300, "人")}


def test_values_of_several_cells_read_as_one_run_are_not_one_value():
    from pipeline.extract.target_values import value_of
    assert value_of("≥120不低于0.36不低于24≥600") is None
    # 万 before a unit stays with the unit (万人); the target converts it by the unit class (1200 人)
    assert value_of("不少于0.12万人")[:2] == (0.12, "万人") and value_of("200以上")[0] == 200


def test_header_read_as_one_run_keeps_its_table_ahead_of_the_site_area():
    site = [[(0.13, "场地面积"), (0.36, "6800平方米")]]
    table = ["建设目标及考核指标", "序号考核指标计量单位建设目标", [(0.12, "2孵化场地面积"), (0.56, "平方米"), (0.66, "叁仟")]]
    f = facts(page(COVER, 1), page(site, 2), page(table, 3))
    assert targets_of(f)["孵化场地面积"] == (3000, "平方米")
    # …and a speck between the unit and the value of a row read as one run
    table[2] = [(0.14, "2"), (0.20, "孵化场地面积平方米.4500")]
    f = facts(page(COVER, 1), page(site, 2), page(table, 3))
    assert targets_of(f)["孵化场地面积"] == (4500, "平方米")
