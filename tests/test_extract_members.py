"""Consortium members however the booklet writes them (pure text pages): member tables with other
column orders, extra and 单位类型 columns, members named in the agreement's prose, and whether the
member list was read whole (what a one-member `fail` rests on)."""
from __future__ import annotations

import pytest
from test_extract_text import B, C, CODE, doc, page

from pipeline import uscc
from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract import extract_facts
from pipeline.extract.member_list import is_type_word
from pipeline.extract.member_prose import prose_roles

COVER_INNOV = ["附件2", "重庆市软信领域创新创业社区建设运营“揭榜挂帅”申报材料", "申报单位（盖章）：重庆云帆科技有限公司",
               "申报日期：2026年7月20日"]
COVER = ["附件3", "重庆市软信领域开源社区建设运营“揭榜挂帅”申报材料", "申报日期：2026年7月15日"]
RULES = load_rules()
MINE = ("consortium.size", "consortium.code_contributor", "consortium.application_unit", "entity.uscc_valid",
        "entity.type_allowed")


def members(f):
    return {u.name.value: (u.uscc.value, u.roles) for u in f.consortium}


def test_type_words_are_no_names():
    for t in ("其他有限责任公司", "企业（有限责任公司", "有限责任公司（自然人投资或控股）", "股份有限公司"):
        assert is_type_word(t), t
    for n in ("重庆云帆科技有限公司", "重庆市嘉陵软件评测中心"):
        assert not is_type_word(n), n


def test_member_table_other_column_order_extra_and_type_columns():
    table = ["序号 | 成员单位 | 单位类型 | 承担角色 | 联系人 | 社会信用代码",
             f"1 | 重庆云帆科技有限公司 | 其他有限责任公司 | 牵头单位 | 张三 | {CODE}",
             f"2 | 重庆渝芯软件有限公司 | 企业（有限责任公司） | 开源代码贡献单位 | 李四 | {B}",
             f"3 | 重庆市嘉陵软件评测中心 | 事业单位 | 应用单位 | 王五 | {C}",
             "联合体各方（盖章）："]
    f = extract_facts([doc(page(COVER, 1), page(table, 2, source="docx", table=True))])
    assert members(f) == {"重庆云帆科技有限公司": (CODE, ("lead",)), "重庆渝芯软件有限公司": (B, ("code_contributor",)),
                          "重庆市嘉陵软件评测中心": (C, ("application_unit",))}
    assert f.consortium_list.value == 3
    types = {u.name.value: u.entity_type.value for u in f.consortium}
    assert types["重庆市嘉陵软件评测中心"] == "public_institution"
    assert {r.rule: r.status for r in run_checks(f, RULES, None) if r.rule.startswith("consortium")} == {
        "consortium.size": "pass", "consortium.code_contributor": "pass", "consortium.application_unit": "pass"}


def test_members_from_the_agreement_prose():
    text = ["联合体协议书", "联合体由重庆云帆科技有限公司（牵头单位）、重庆渝芯软件有限公司（开源代码贡献单位）和",
            "重庆市嘉陵软件评测中心（应用单位）组成，各方按分工承担建设任务。"]
    f = extract_facts([doc(page(COVER, 1), page(text, 2))])
    assert members(f) == {"重庆云帆科技有限公司": (None, ("lead",)), "重庆渝芯软件有限公司": (None, ("code_contributor",)),
                          "重庆市嘉陵软件评测中心": (None, ("application_unit",))}
    assert f.consortium_list.value == 3


def test_roles_given_to_every_name_after_them():
    got = prose_roles("牵头单位为重庆云帆科技有限公司，开源代码贡献单位为重庆渝芯软件有限公司、重庆山海数据有限公司，"
                      "应用单位为重庆市嘉陵软件评测中心")
    assert got == [("重庆云帆科技有限公司", ("lead",)), ("重庆渝芯软件有限公司", ("code_contributor",)),
                   ("重庆山海数据有限公司", ("code_contributor",)), ("重庆市嘉陵软件评测中心", ("application_unit",))]


def test_one_member_table_read_whole_fails_with_the_table_as_evidence():
    agreement = ["联合体协议书", "联合体牵头单位为重庆云帆科技有限公司，共1家成员单位。"]
    table = ["联合体成员单位表", "序号 | 单位名称 | 统一社会信用代码 | 角色",
             f"1 | 重庆云帆科技有限公司 | {CODE} | 牵头单位、开源代码贡献单位、应用单位", "联合体各方（盖章）："]
    f = extract_facts([doc(page(COVER, 1), page(agreement, 2), page(table, 3, source="docx", table=True))])
    assert f.consortium_list.value == 1 and len(f.consortium) == 1
    size = next(r for r in run_checks(f, RULES, None) if r.rule == "consortium.size")
    assert size.status == "fail" and any("成员表" in e.note for e in size.evidence)


def test_member_row_not_read_keeps_the_list_unread_and_size_review():
    table = ["序号 | 单位名称 | 统一社会信用代码 | 角色",
             f"1 | 重庆云帆科技有限公司 | {CODE} | 牵头单位",
             "2 | 重▒▒▒ ▒▒ | 9150▒▒ | 开▒▒",
             "3 | ▒▒▒▒ | ▒▒▒ | ▒▒"]
    f = extract_facts([doc(page(COVER, 1), page(table, 2, source="docx", table=True))])
    assert not f.consortium_list.found and "结尾" in f.consortium_list.reason
    got = {r.rule: r for r in run_checks(f, RULES, None)}
    assert got["consortium.size"].status == "review" and "结尾" in got["consortium.size"].detail
    assert got["consortium.code_contributor"].status == "review"


def test_table_and_agreement_count_disagree_is_review():
    agreement = ["联合体协议书", "本联合体共3家成员单位。"]
    table = ["序号 | 单位名称 | 统一社会信用代码 | 角色", f"1 | 重庆云帆科技有限公司 | {CODE} | 牵头单位", "以下空白"]
    f = extract_facts([doc(page(COVER, 1), page(agreement, 2), page(table, 3, source="docx", table=True))])
    assert not f.consortium_list.found and "不一致" in f.consortium_list.reason
    assert next(r for r in run_checks(f, RULES, None) if r.rule == "consortium.size").status == "review"


def test_empty_or_garbled_pages_never_fail_these_rules():
    garbled = ["▒▒ 口口 国■ 1 2 3", "｜｜｜ —— 单位 名 称", "其他有限责任公司 企业（有限责任公司", "9150000 ▒▒▒ 口企业 口事业单位"]
    for pages in ([page(COVER, 1)], [page(COVER, 1), page([], 2)], [page(COVER, 1), page(garbled, 2)],
                  [page(["附件2", "创新创业社区申报材料"], 1), page(garbled, 2)], [page(garbled, 1)]):
        f = extract_facts([doc(*pages)])
        fails = [r for r in run_checks(f, RULES, None) if r.rule in MINE and r.status == "fail"]
        assert not fails, fails


# ---------------------------------------------------------------- entity type from a tick row

from pipeline.extract.entity import tick_choice  # noqa: E402
from test_extract_text import innovation  # noqa: E402


def test_tick_row_reader():
    assert tick_choice("■企业□事业单位□社会组织□产业园区运营管理机构").option == "企业"
    assert tick_choice("□企业☑事业单位□社会组织").option == "事业单位"
    assert tick_choice("〇企业〇事业单位√社会组织〇其他").option == "社会组织"
    # OCR: ■ read as 国, □ as 口 — the odd mark out decides, with less confidence
    t = tick_choice("国企业口事业单位口社会组织口产业园区运营管理机构")
    assert t.option == "企业" and t.quality < 1
    assert tick_choice("口企业口事业单位口社会组织口产业园区运营管理机构").option is None  # undecidable
    assert tick_choice("■企业■事业单位□社会组织").option is None  # two ticked
    assert tick_choice("国有企业") is None and tick_choice("企业") is None  # no tick row


@pytest.mark.parametrize("row, want, sure", [
    ("单位性质：■企业 □事业单位 □社会组织 □产业园区运营管理机构", "enterprise", True),
    ("单位性质：□企业 □事业单位 □社会组织 ■产业园区运营管理机构", "park_operator", True),
    ("单位性质：国企业 口事业单位 口社会组织 口产业园区运营管理机构", "enterprise", True),  # confirmed by code 91
    ("单位性质：口企业 口事业单位 口社会组织 口产业园区运营管理机构", "enterprise", False),  # from the code only
])
def test_entity_type_from_tick_row_cross_checked_with_code(row, want, sure):
    rows = ["申报单位名称：重庆云帆科技有限公司", f"统一社会信用代码（注册号）：{CODE}", row]
    f = extract_facts([innovation(rows)])
    assert f.applicant.uscc.value == CODE
    assert f.applicant.entity_type.value == want
    assert (f.applicant.entity_type.confidence >= RULES.thresholds.low_confidence) == sure


@pytest.mark.parametrize("label", ["社会信用代码", "统一社会信用代码（注册号）", "机构代码", "信用代码"])
def test_uscc_under_other_labels(label):
    f = extract_facts([innovation(["申报单位名称：重庆云帆科技有限公司", f"{label}：{CODE}"])])
    assert f.applicant.uscc.value == CODE


# ---------------------------------------------------------------- one unit, many places

OTHER = uscc.complete("91500105MA5U" + "XY12" + uscc.org_code_check("MA5UXY12")[0])


def _uscc_check(f):
    return next(r for r in run_checks(f, RULES, None) if r.rule == "entity.uscc_valid")


def test_places_that_agree_pass_and_a_lessors_code_is_not_the_applicants():
    info = ["申报单位基本情况", "申报单位名称：重庆云帆科技有限公司", f"统一社会信用代码：{CODE}", "单位性质：企业"]
    lease = ["房屋租赁合同", "出租方单位名称：重庆两江物业管理有限公司", f"统一社会信用代码：{OTHER}",
             "承租方：重庆云帆科技有限公司"]
    f = extract_facts([doc(page(COVER_INNOV, 1), page(info, 2), page(lease, 3))])
    assert f.applicant.uscc.value == CODE and _uscc_check(f).status == "pass"


def test_two_names_for_the_applicant_is_review_naming_both_places():
    info = ["申报单位基本情况", "申报单位名称：重庆山海数据有限公司", f"统一社会信用代码：{CODE}", "单位性质：企业"]
    f = extract_facts([doc(page(COVER_INNOV, 1), page(info, 2))])
    r = _uscc_check(f)
    assert r.status == "review" and "封面（第1页）" in r.detail and "基本信息表（第2页）" in r.detail, r.detail
    assert "重庆云帆科技有限公司" in r.detail and "重庆山海数据有限公司" in r.detail


def test_two_valid_codes_beside_the_applicants_name_is_review():
    info = ["申报单位基本情况", "申报单位名称：重庆云帆科技有限公司", f"统一社会信用代码：{CODE}", "单位性质：企业"]
    promise = ["承诺书", "申报单位名称：重庆云帆科技有限公司", f"统一社会信用代码：{OTHER}"]
    f = extract_facts([doc(page(COVER_INNOV, 1), page(info, 2), page(promise, 3))])
    r = _uscc_check(f)
    assert r.status == "review" and "承诺书（第3页）" in r.detail and OTHER in r.detail, r.detail


# ---------------------------------------------------------------- member cards, ticked roles, parties

def test_member_cards_with_ticked_roles():
    cards = ["联合体成员情况",
             "成员单位一 | 重庆云帆科技有限公司", f"统一社会信用代码 | {CODE}", "承担角色 | ■牵头单位 □开源代码贡献单位 □应用单位",
             "成员单位二 | 重庆渝芯软件有限公司", f"机构代码 | {B}", "承担角色 | □牵头单位 √开源代码贡献单位 √应用单位"]
    f = extract_facts([doc(page(COVER, 1), page(cards, 2, source="docx", table=True))])
    assert members(f) == {"重庆云帆科技有限公司": (CODE, ("lead",)),
                          "重庆渝芯软件有限公司": (B, ("code_contributor", "application_unit"))}
    assert f.consortium_list.value == 2


def test_roles_given_to_agreement_parties_by_alias():
    agreement = ["联合体协议书", "甲方（牵头单位）：重庆云帆科技有限公司", "乙方：重庆渝芯软件有限公司", "丙方：重庆市嘉陵软件评测中心",
                 "第一条 甲方为联合体牵头单位，负责社区总体建设运营。",
                 "第二条 成员分工：乙方作为开源代码贡献单位，负责核心代码维护；丙方作为应用单位，负责成果落地应用。",
                 "第三条 甲方负责协调开源代码贡献单位与应用单位的工作。"]
    f = extract_facts([doc(page(COVER, 1), page(agreement, 2))])
    assert {n: roles for n, (_, roles) in members(f).items()} == {
        "重庆云帆科技有限公司": ("lead",), "重庆渝芯软件有限公司": ("code_contributor",),
        "重庆市嘉陵软件评测中心": ("application_unit",)}


def test_prose_paragraph_per_member_with_count():
    text = ["二、联合体组成情况", "本联合体由以下2家单位组成：",
            f"（一）牵头单位：重庆云帆科技有限公司（统一社会信用代码：{CODE}），负责社区总体建设运营。",
            f"（二）开源代码贡献单位、应用单位：重庆渝芯软件有限公司（统一社会信用代码：{B}），负责代码维护。"]
    f = extract_facts([doc(page(COVER, 1), page(text, 2))])
    assert members(f) == {"重庆云帆科技有限公司": (CODE, ("lead",)),
                          "重庆渝芯软件有限公司": (B, ("code_contributor", "application_unit"))}
    assert f.consortium_list.value == 2


def test_ticked_option_with_detail_and_bare_other():
    assert tick_choice("□企业□事业单位■其他（个体工商户）").option == "其他（个体工商户）"
    rows = ["申报单位名称：梁平区新桥网络工作室", "单位性质：□企业 □事业单位 □社会组织 ■其他"]
    f = extract_facts([innovation(rows)])
    assert f.applicant.entity_type.value == "other"
    assert next(r for r in run_checks(f, RULES, None) if r.rule == "entity.type_allowed").status == "fail"


def test_table_without_row_numbers_with_a_wrapped_role_line_and_a_misread_role():
    """Rows whose 序号 OCR dropped, a role cell wrapped onto a line of its own (代码贡献 / 方), 贡 read as 页,
    a member that is a 学校."""
    table = [[(0.1, "联合体成员情况")],
             [(0.1, "序号"), (0.2, "联合体分工"), (0.35, "成员单位"), (0.6, "机构代码"), (0.85, "所在区县")],
             [(0.2, "牵头方、代码贡献"), (0.35, "重庆云帆科技有限公司"), (0.6, CODE), (0.85, "南川区")],
             [(0.2, "方")],
             [(0.2, "代码页献方"), (0.35, "重庆渝芯软件有限公司"), (0.6, B), (0.85, "大渡口")],
             [(0.2, "应用单位"), (0.35, "重庆汇川数字技能培训学校"), (0.6, C), (0.85, "南川区")],
             [(0.1, "联合体各方（盖章）：")]]
    f = extract_facts([doc(page(COVER, 1), page(table, 2))])
    assert members(f) == {"重庆云帆科技有限公司": (CODE, ("lead", "code_contributor")),
                          "重庆渝芯软件有限公司": (B, ("code_contributor",)),
                          "重庆汇川数字技能培训学校": (C, ("application_unit",))}
    assert f.consortium_list.value == 3


def test_codes_wrapped_in_prose_and_a_label_glued_to_the_name():
    text = ["联合体成员情况", "本联合体由以下2家单位组成：",
            f"（一）牵头方：重庆晴川信息技术产业研究院（统一社会信用代码：{C[:7]}",
            f"{C[7:]}），负责社区总体建设运营。",
            f"（二）代码贡献方、场景应用方：重庆澜图云计算有限公司（统一社会信用代码：{B[:7]}",
            f"{B[7:]}），负责核心代码仓库维护。"]
    info = ["牵头单位基本情况表", [(0.1, "单位名称"), (0.25, "重庆晴川信息技术产业研究院成立日期"), (0.7, "2010年7月17日")],
            [(0.1, "统一社会信用代"), (0.25, C)], "单位性质：事业单位法人"]
    f = extract_facts([doc(page(COVER, 1), page(info, 2), page(text, 3))])
    got = members(f)
    assert got["重庆晴川信息技术产业研究院"] == (C, ("lead",))
    assert got["重庆澜图云计算有限公司"] == (B, ("code_contributor", "application_unit"))
    assert f.applicant.uscc.value == C and f.applicant.entity_type.value == "public_institution"


def test_table_at_a_page_foot_does_not_run_into_the_agreement_on_the_next_page():
    table = ["序号 | 单位名称 | 统一社会信用代码 | 承担角色",
             f"1 | 重庆云帆科技有限公司 | {CODE} | 牵头单位", f"2 | 重庆渝芯软件有限公司 | {B} | 开源代码贡献单位、应用单位"]
    agreement = ["联合体协议书", "甲方（牵头单位）：重庆云帆科技有限公司", "乙方：重庆渝芯软件有限公司"]
    f = extract_facts([doc(page(COVER, 1), page(table, 2, source="docx", table=True), page(agreement, 3, source="docx"))])
    assert f.consortium_list.value == 2 and len(f.consortium) == 2


def test_code_further_along_its_label_row():
    rows = [[(0.1, "申报主体名称"), (0.35, "重庆云帆科技有限公司")],
            [(0.1, "统一社会信用代码"), (0.35, "(注册"), (0.45, C)], [(0.1, "号)")],
            [(0.1, "机构性质"), (0.35, "□企业√事业单位□社会组织其他"), (0.7, "□产业园区运营管理机构")]]
    f = extract_facts([innovation(rows)])
    assert f.applicant.uscc.value == C and f.applicant.entity_type.value == "public_institution"


@pytest.mark.parametrize("label", ["法人类型", "登记类别"])
def test_tick_row_under_another_or_unknown_label(label):
    rows = ["申报单位名称：重庆云帆科技有限公司", f"统一社会信用代码：{CODE}",
            [(0.1, label), (0.3, "√企业□事业单位□社会组织□产业园区运营管理机构□其他")]]
    f = extract_facts([innovation(rows)])
    assert f.applicant.entity_type.value == "enterprise"
    assert f.applicant.entity_type.confidence >= RULES.thresholds.low_confidence


def test_signature_lines_under_a_table_are_not_members_of_it():
    table = [[(0.1, "序号"), (0.2, "成员单位名称"), (0.5, "统一社会信用代码"), (0.8, "联合体分工")],
             [(0.1, "1"), (0.2, "重庆云帆科技有限公司"), (0.5, CODE), (0.8, "牵头方")],
             [(0.1, "2"), (0.2, "重庆渝芯软件有限公司"), (0.5, B), (0.8, "代码贡献单位")],
             [(0.1, "联合体各方"), (0.25, "(盖章):")],
             [(0.1, "重庆云帆科技有限公司"), (0.5, "重庆渝芯软件有限公司")]]
    agreement = ["联合体协议书", "联合体牵头单位为重庆云帆科技有限公司，共2家成员单位。"]
    f = extract_facts([doc(page(COVER, 1), page(agreement, 2), page(table, 3))])
    assert f.consortium_list.value == 2
    r = next(r for r in run_checks(f, RULES, None) if r.rule == "consortium.application_unit")
    assert r.status == "fail"  # the list was read whole and names no 应用单位
    assert f.applicant.name.value == "重庆云帆科技有限公司"


def test_code_after_a_wrapped_label_that_fails_its_check_is_kept_for_review():
    bad = CODE[:17] + ("X" if CODE[17] != "X" else "Y")
    rows = [[(0.1, "申报单位名称"), (0.35, "重庆云帆科技有限公司")], [(0.1, "机构代码(统一"), (0.35, bad)], [(0.1, "社会信用代码)")]]
    f = extract_facts([innovation(rows, source="text_layer")])
    assert f.applicant.uscc.value == bad
    r = next(r for r in run_checks(f, RULES, None) if r.rule == "entity.uscc_valid")
    assert r.status == "review" and "校验码" in r.detail


# ---------------------------------------------------------------- cells OCR read together

def test_woven_role_and_name_cells_are_taken_apart():
    from pipeline.extract.fields import whole_name
    from pipeline.extract.unweave import drop_label, split_role

    assert split_role("牵头单位、开源贡重庆白鹭人工智能科技股份有献单位限公司", whole_name) == (
        "牵头单位、开源贡献单位", "重庆白鹭人工智能科技股份有限公司")
    assert split_role("开源代码贡献单位重庆长风信创科技有限公司", whole_name) is None  # not woven: roles are masked
    assert split_role("重庆白鹭人工智能科技股份有限公司", whole_name) is None
    assert drop_label("重庆同创物联科技股份有限注册时间2009年7月11日公司", whole_name) == "重庆同创物联科技股份有限公司"
    assert drop_label("重庆白鹭人工智能科技股份有成立时间限公司", whole_name) == "重庆白鹭人工智能科技股份有限公司"
    assert drop_label("重庆白鹭人工智能科技股份有限公司成立时间2020年", whole_name) is None  # nothing woven in


def test_role_first_table_with_names_in_the_role_column():
    table = ["二、联合体组成情况", "序号联合体分工 | 成员单位 | 机构代码 | 所在区县",
             "1 | 牵头单位、开源贡重庆云帆科技股份有献单位限公司 | 91501MA5UA3W18Q | 大足区",
             f"2 | 开源代码贡献单位重庆渝芯软件有限公司 | {B} | 梁平区"]
    f = extract_facts([doc(page(COVER, 1), page(table, 2, table=True))])
    assert {n: roles for n, (_, roles) in members(f).items()} == {
        "重庆云帆科技股份有限公司": ("lead", "code_contributor"), "重庆渝芯软件有限公司": ("code_contributor",)}
    assert members(f)["重庆渝芯软件有限公司"][0] == B


def test_member_cards_whose_key_and_value_are_one_cell():
    cards = ["联合体成员单位一览表",
             "成员单位一 | 重庆云帆科技有限公司", f"统一社会信用代码( | {CODE}", "注册号)", "承担角色■牵头单位□开源代码贡献单位□应用单位",
             "成员单位二重庆渝芯软件有限公司", f"统一社会信用代码( | {B}", "注册号)", "承担角色□牵头单位■开源代码贡献单位■应用单位"]
    f = extract_facts([doc(page(COVER, 1), page(cards, 2, table=True))])
    assert members(f) == {"重庆云帆科技有限公司": (CODE, ("lead",)),
                          "重庆渝芯软件有限公司": (B, ("code_contributor", "application_unit"))}
    assert f.consortium_list.value == 2


def test_tick_row_whose_filled_mark_ocr_dropped():
    from pipeline.extract.entity import tick_choice

    t = tick_choice("法人类型企业□事业单位□社会组织□产业园区运营管理机构□其他")
    assert t.option == "企业" and t.quality < 1
    assert tick_choice("单位性质□企业□事业单位□社会组织□其他").option is None  # nothing ticked: nothing chosen
    two_bare = tick_choice("单位性质企业事业单位□社会组织□其他")  # two options without a box: no guess
    assert two_bare is None or two_bare.option is None


def test_role_tick_row_whose_filled_mark_ocr_dropped_and_agreement_clause_wrapped():
    """承担角色 □牵头单位开源代码贡献单位□应用单位: the one option without a box among open boxes is the
    ticked one. 丙方 at a line's end and 作为开源贡献单位 on the next is one clause; a party line right
    before an article (第一条甲方为……) stays a clause of its own."""
    from pipeline.extract.ticks import read_ticks

    text = "□牵头单位开源代码贡献单位□应用单位"
    spans = [("lead", 1, 5), ("code", 5, 13), ("app", 14, 18)]
    assert read_ticks(text, spans).ticked == ("code",)
    assert read_ticks("□牵头单位□应用单位", [("lead", 1, 5), ("app", 6, 10)]).ticked == ()
    agreement = ["联合申报协议", "甲方（牵头单位）：重庆云帆科技有限公司", "乙方：重庆渝芯软件有限公司",
                 "丙方：重庆市嘉陵软件评测中心", "第一条甲方为联合体牵头单位，负责社区总体建设运营。",
                 "第二条成员分工：乙方作为代码贡献方，负责核心代码仓库维护；丙方",
                 "作为应用单位，负责开源成果的应用推广。"]
    f = extract_facts([doc(page(COVER, 1), page(agreement, 2))])
    assert {n: r for n, (_, r) in members(f).items()} == {
        "重庆云帆科技有限公司": ("lead",), "重庆渝芯软件有限公司": ("code_contributor",),
        "重庆市嘉陵软件评测中心": ("application_unit",)}
    assert f.consortium_list.value == 3


def test_members_as_numbered_items_with_a_name_wrapped_over_two_lines():
    rows = ["联合体成员构成", "本联合体由以下3家单位组成：",
            f"（一）牵头单位：重庆云帆科技有限公司（统一社会信用代码：{CODE}），负责社区总体建设运营。",
            "（二）开源代码贡献单位：重庆渝芯软件有", f"限公司（统一社会信用代码：{B}），负责核心代码仓库维护。",
            "（三）应用单位：重庆市嘉陵软件评测中心（统一社会信用代", f"码：{C}），负责开源成果的应用推广。"]
    f = extract_facts([doc(page(COVER, 1), page(rows, 2))])
    assert members(f) == {"重庆云帆科技有限公司": (CODE, ("lead",)), "重庆渝芯软件有限公司": (B, ("code_contributor",)),
                          "重庆市嘉陵软件评测中心": (C, ("application_unit",))}
    assert f.consortium_list.value == 3
    assert {r.rule: r.status for r in run_checks(f, RULES, None) if r.rule.startswith("consortium")} == {
        "consortium.size": "pass", "consortium.code_contributor": "pass", "consortium.application_unit": "pass"}
    # one item alone is no list read whole: a one-member consortium is not failed on it
    f = extract_facts([doc(page(COVER, 1), page(rows[:3], 2))])
    assert {r.rule: r.status for r in run_checks(f, RULES, None)}["consortium.size"] == "review"


def test_agreement_parties_count_the_members_and_a_gap_leaves_the_list_unread():
    cards = ["联合体成员单位一览表", "成员单位一 | 重庆云帆科技有限公司", f"统一社会信用代码 | {CODE}",
             "成员单位二 | 重庆渝芯软件有限公司", f"统一社会信用代码 | {B}"]
    three = ["联合体协议书", "甲方（牵头单位）：重庆云帆科技有限公司", "乙方：重庆渝芯软件有限公司", "丙方：重庆市嘉陵软件评测中"]
    f = extract_facts([doc(page(COVER, 1), page(cards, 2, table=True), page(three, 3))])
    assert f.consortium_list.value is None and "协议各方为3家" in f.consortium_list.reason  # a card lost
    got = {r.rule: r.status for r in run_checks(f, RULES, None)}
    assert got["consortium.size"] == "review"
    gap = ["联合体协议书", "甲方（牵头单位）：重庆云帆科技有限公司", "丙方：重庆渝芯软件有限公司"]
    f = extract_facts([doc(page(COVER, 1), page(gap, 2))])
    assert f.consortium_list.value is None and "甲方、丙方" in f.consortium_list.reason
    # a party line lost (丙方) inside the parties read: they count to 丁方, which must agree with the cards
    four = ["联合体协议书", "甲方（牵头单位）：重庆云帆科技有限公司", "乙方：重庆渝芯软件有限公司", "丁方：重庆市嘉陵软件评测中心"]
    cards4 = cards + ["成员单位三 | 重庆市南岸软件评测中心", f"统一社会信用代码 | {C}", "成员单位四 | 重庆市嘉陵软件评测中心"]
    f = extract_facts([doc(page(COVER, 1), page(cards4, 2, table=True), page(four, 3))])
    assert f.consortium_list.value == 4 and any("丙方一行未能识别" in e.note for e in f.consortium_list.evidence)
    f = extract_facts([doc(page(COVER, 1), page(cards, 2, table=True), page(four, 3))])
    assert f.consortium_list.value is None and "协议各方为4家" in f.consortium_list.reason
    two = ["联合体协议书", "甲方（牵头单位）：重庆云帆科技有限公司", "乙方：重庆渝芯软件有限公司"]
    f = extract_facts([doc(page(COVER, 1), page(cards, 2, table=True), page(two, 3))])
    assert f.consortium_list.value == 2


def test_a_role_label_belongs_to_the_name_after_its_colon_not_the_one_before():
    cover = COVER + ["联合体成员单位:重庆渝芯软件有限公司联合体牵头单位(盖章):重庆云帆科技有限公司",
                     "联合体成员单位:重庆渝芯软件有限公司联合体牵头单位(盖章):重庆云帆科技有限公司育科技 | 重庆有限公司"]
    f = extract_facts([doc(page(cover[:-1], 1))])
    assert {n: roles for n, (_, roles) in members(f).items()} == {"重庆云帆科技有限公司": ("lead",)}
    f = extract_facts([doc(page(cover[:3] + cover[-1:], 1))])
    assert all(not roles for _, roles in members(f).values())  # the label's name not read: nobody is lead


def test_a_unit_suffix_read_twice_is_read_once():
    from pipeline.extract.fields import accept_name

    assert accept_name("重庆市乘风云计算有限责任公司公司") == "重庆市乘风云计算有限责任公司"
    assert accept_name("重庆长风信息技术产业研究院") == "重庆长风信息技术产业研究院"
    # its last character read twice (a cover under a seal: seed 1100 #001)
    assert accept_name("重庆长风信息技术产业研究院院") == "重庆长风信息技术产业研究院"
    assert accept_name("重庆市九章软件服务业商会会") == "重庆市九章软件服务业商会"



def test_prose_item_whose_name_holds_a_place_in_brackets_counts():
    """（三）应用单位：汇川数码科技（重庆）有限公司（统一社会信用代码：…）: the bracketed place is part of the
    name, the code's bracket is not; lost, the list said 2 where the count and the parties said 3 (review)."""
    text = ["联合体成员情况", "本联合体由以下3家单位组成：",
            f"（一）牵头单位：重庆云帆科技有限公司（统一社会信用代码：{CODE}），负责社区总体建设运营。",
            f"（二）代码贡献方：重庆渝芯软件有限公司（统一社会信用代码：{B}），负责代码维护。",
            f"（三）应用单位：汇川数码科技（重庆）有限公司（统一社会信用代码：{C}），负责落地应用。"]
    f = extract_facts([doc(page(COVER, 1), page(text, 2))])
    assert members(f)["汇川数码科技（重庆）有限公司"] == (C, ("application_unit",))
    assert f.consortium_list.value == 3, f.consortium_list.reason
    assert {r.rule: r.status for r in run_checks(f, load_rules(), None)}["consortium.size"] == "pass"


def test_role_tick_rows_whose_filled_marks_ocr_dropped_keep_every_unboxed_role():
    """承担角色 rows tick several roles: with both ■ dropped (牵头单位开源代码贡献单位 □应用单位) the options
    without a box beside an open box are the ticked ones; a row of open boxes only ticks nothing; an
    entity-type row (one choice) still does not guess between two unboxed options."""
    from pipeline.extract.entity import tick_choice
    from pipeline.extract.member_list import roles_in

    assert [r for r, *_ in roles_in("牵头单位开源代码贡献单位 □应用单位")] == ["lead", "code_contributor"]
    assert [r for r, *_ in roles_in("□牵头单位开源代码贡献单位应用单位")] == ["code_contributor", "application_unit"]
    assert roles_in("□牵头单位□开源代码贡献单位□应用单位") == []
    assert [r for r, *_ in roles_in("■牵头单位□开源代码贡献单位■应用单位")] == ["lead", "application_unit"]
    two_bare = tick_choice("单位性质企业事业单位□社会组织□其他")
    assert two_bare is None or two_bare.option is None


def test_member_card_key_with_a_speck_read_as_punctuation():
    """成员单位二。 (a scan's speck after the key): still a card key, so the second member is not lost and
    its code and roles are not given to the first."""
    cards = ["二、联合体组成情况",
             "成员单位一 | 重庆云帆科技有限公司", f"统一社会信用代码 | {CODE}", "承担角色 | 牵头单位开源代码贡献单位 □应用单位",
             "成员单位二。 | 重庆渝芯软件有限公司", f"统一社会信用代码 | {B}", "承担角色 | □牵头单位开源代码贡献单位应用单位"]
    f = extract_facts([doc(page(COVER, 1), page(cards, 2, table=True))])
    assert members(f) == {"重庆云帆科技有限公司": (CODE, ("lead", "code_contributor")),
                          "重庆渝芯软件有限公司": (B, ("code_contributor", "application_unit"))}
    assert f.consortium_list.value == 2


def test_member_cards_with_a_lost_card_key_are_no_whole_list():
    """A card whose key row was not read at all: its code and role rows arrive as a second code and role
    in the card above. They are not given to that member, and the cards' count is no evidence: no
    one-member `fail`, a `review` with the reason."""
    cards = ["二、联合体组成情况",
             "成员单位一 | 重庆云帆科技有限公司", f"统一社会信用代码 | {CODE}", "承担角色 | ■牵头单位■开源代码贡献单位□应用单位",
             "%%单位二~ | 重庆渝芯软件有限公司", f"统一社会信用代码 | {B}", "承担角色 | □牵头单位■开源代码贡献单位■应用单位"]
    f = extract_facts([doc(page(COVER, 1), page(cards, 2, table=True))])
    assert members(f)["重庆云帆科技有限公司"] == (CODE, ("lead", "code_contributor"))
    assert f.consortium_list.value is None and "未能识别" in f.consortium_list.reason
    status = {r.rule: r.status for r in run_checks(f, RULES, None)}
    assert status["consortium.size"] == "review"


def test_wrapped_code_label_piece_is_no_name_and_a_never_used_letter_repair_is_sure():
    """机构代码（统一社会 ends in 会 like a 协会: a label piece, no unit. O never occurs in a code: mapping it
    to 0 where both check characters then pass costs nothing; a guess the check characters chose does."""
    from pipeline.extract.fields import read_code
    from pipeline.extract.member_list import is_label_piece, names_in

    assert names_in("机构代码（统一社会") == [] and is_label_piece("机构代码（统一社会")
    assert [n for n, *_ in names_in("重庆市北辰云计算有限责任公司")] == ["重庆市北辰云计算有限责任公司"]
    sure = read_code("91500153MA42GKOLXP", "ocr")
    assert sure.valid and sure.value == "91500153MA42GK0LXP" and sure.penalty == 1.0 and "O→0" in sure.note
    assert read_code("91500153MA42GKOLXP", "text_layer").valid is False


def test_specks_between_a_name_cells_characters_are_dropped():
    """Seed 604 #008: a scan's speck read as 。 inside a member table's name cell (有限。公司) lost
    the member's name; only marks between two Chinese characters go."""
    from pipeline.extract.member_list import despecked
    assert despecked("云岫物联科技(重庆)有限。公司") == "云岫物联科技(重庆)有限公司"
    assert despecked("重庆北辰·算力科技有限公司") == "重庆北辰算力科技有限公司"
    assert despecked("A公司。B公司") == "A公司。B公司"
    assert despecked("重庆北辰科技有限公司。") == "重庆北辰科技有限公司。"


def test_a_row_under_a_member_row_completing_only_its_type_cell_is_no_wrapped_line():
    """Seed 805 #001: the next member's row (its code read 16 characters, no code token) was joined to
    the lead's row because 事业单位 + 其他有限责任公司 reads as a whole name; a wrapped line must complete a
    unit's name. The name cell's own wrap (…产业研究 / 院) still joins."""
    from pipeline.extract.consortium import _with_wrapped_lines
    from pipeline.extract.layout import Cell

    def c(text, x0, x1, y):
        return Cell(text, text, "f", 1, (x0, y, x1, y + 0.02), 0.95, "ocr")

    lead = (c("重庆市晴川软件创新研究院", 0.155, 0.339, 0.166), c("125001180929546289", 0.352, 0.492, 0.166),
            c("事业单位", 0.544, 0.6, 0.166), c("牵头单位", 0.649, 0.704, 0.166))
    nxt = (c("重庆市知行软件技术有限责任公司", 0.146, 0.336, 0.207), c("9150011MATICRD1R", 0.343, 0.53, 0.207),
           c("其他有限责任公司", 0.542, 0.628, 0.207), c("代码贡献方", 0.642, 0.74, 0.207))
    assert _with_wrapped_lines(lead, nxt) is None
    cut = (c("重庆青禾信息技术产业研究", 0.155, 0.339, 0.166),) + lead[1:]
    joined = _with_wrapped_lines(cut, (c("院", 0.155, 0.17, 0.19),))
    assert joined is not None and joined[0].text == "重庆青禾信息技术产业研究院"


@pytest.mark.parametrize("cell", ["重庆渝芯软件有限公", "重庆市嘉陵软件评测中△云"])
def test_name_cell_cut_or_misread_joins_the_member_the_agreement_names(cell):
    """A name cell that holds no whole name (cut short, or its last character misread with a speck:
    中△云 for 中心) ties its row's code and roles to the member the agreement names by the same
    words: one member, not a nameless one beside it."""
    name = "重庆渝芯软件有限公司" if cell.startswith("重庆渝芯") else C_NAME
    table = ["序号 | 单位名称 | 统一社会信用代码 | 联合体分工",
             f"1 | 重庆云帆科技有限公司 | {CODE} | 牵头单位", f"2 | {cell} | {B} | 开源代码贡献单位、应用单位"]
    agreement = ["联合体协议书", "甲方（牵头单位）：重庆云帆科技有限公司", f"乙方：{name}",
                 "第二条 乙方作为开源代码贡献单位、应用单位，负责核心代码维护。"]
    f = extract_facts([doc(page(COVER, 1), page(table, 2, source="docx", table=True), page(agreement, 3))])
    assert members(f) == {"重庆云帆科技有限公司": (CODE, ("lead",)), name: (B, ("code_contributor", "application_unit"))}


C_NAME = "重庆市嘉陵软件评测中心"


@pytest.mark.parametrize("run", ["盖章）汇川软件技术重庆有限公司", "公章)汇川软件技术重庆有限公司"])
def test_seal_note_before_a_name_is_cut_off(run):
    from pipeline.extract.member_list import names_in
    assert [n for n, *_ in names_in(run)] == ["汇川软件技术重庆有限公司"]
