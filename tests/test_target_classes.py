"""Classes of declared targets lost or doubted on family-2 booklets (session 7), each on built pages:
a 万 before the unit (5000万元 is 5000 万元, not 50000000 元), names whose head noun follows a list of
examples (创业沙龙、路演等双创活动) or an 活跃 qualifier — matched fully, so a well-read row is no
`review` for a fuzzy name."""
from __future__ import annotations

import pytest
from test_extract_meaning import COVER, OSS_COVER, RULES, SPECS, facts, page, targets_of

from pipeline.checks import engine as E
from pipeline.extract.target_values import indicator_key, match_indicator, value_of
from pipeline.model import Line


@pytest.mark.parametrize("cell, want", [
    ("5000万元", (5000, "万元")), ("1.2万人", (1.2, "万人")), ("0.5万平方米", (0.5, "万平方米")),
    ("五千万元", (5000, "万元")), ("12万", (120000, "")), ("3600平方米", (3600, "平方米")),
])
def test_wan_before_a_unit_belongs_to_the_unit(cell, want):
    assert value_of(cell)[:2] == want


@pytest.mark.parametrize("cell, want", [
    ("4500m2", (4500, "m2")), ("≥3600m2", (3600, "m2")), ("0.5万m2", (5000, "m2")), ("4500㎡", (4500, "㎡")),
    ("12000m", (12000, "m")), ("12km", None),
])
def test_a_unit_holding_a_figure_is_read(cell, want):
    # ㎡ and m² are m2 after NFKC (every cell's text): the 2 is the unit's, not a second number
    got = value_of(cell)
    assert (got[:2] if got else None) == want


@pytest.mark.parametrize("written, unit", [("引进入驻企业（户）。", "户"), ("社区注册开发者(万人。)", "万人"),
                                           ("。开源人才培训。(人次)", "人次"), ("“。”社区运营场地面积（平方米)", "平方米")])
def test_specks_around_a_name_or_its_bracketed_unit_are_dropped(written, unit):
    from pipeline.extract.target_values import clean_indicator

    name, got = clean_indicator(written)
    assert got == unit and name[0] not in "。“”" and name[-1] not in "。“”"


@pytest.mark.parametrize("written, want", [("带动就业（人数）名）", ("带动就业", "名")), ("带动就业人数（名", ("带动就业人数", "名")),
                                           ("带动就业人数)", ("带动就业人数", "")), ("入驻企业（团队）数量", ("入驻企业数量", ""))])
def test_a_unit_that_lost_one_bracket_is_still_the_unit(written, want):
    from pipeline.extract.target_values import clean_indicator

    assert clean_indicator(written) == want


@pytest.mark.parametrize("written, name", [("代码页献者(人数)", "代码贡献者人数"), ("引进入驻企业（户）。", "入驻企业数量"),
                                           ("带动就业（人数）名）", "带动就业人数"),
                                           ("1开源项日数量", "开源项目数量")])
def test_a_misread_glyph_or_a_speck_costs_a_name_no_similarity(written, name):
    ind, score = match_indicator(written, SPECS)
    assert (ind.name, score) == (name, 100)


def test_name_lookalikes_are_glyphs_no_indicator_name_holds():
    from pipeline.extract.config import labels

    looks = labels()["target_table"]["name_lookalikes"]
    names = "".join(n for i in SPECS for n in (i.name, *i.aliases))
    assert looks and not any(ch in names for ch in looks)


@pytest.mark.parametrize("written, key", [("年均开展创业沙龙、路演等双创活动", "双创活动"),
                                          ("活跃代码贡献者", "代码贡献者"), ("入驻企业等", "入驻企业等")])
def test_head_noun_after_a_list_of_examples_or_a_qualifier(written, key):
    assert indicator_key(written) == key


@pytest.mark.parametrize("written, name", [("年均开展创业沙龙、路演等双创活动", "年度创新创业活动"),
                                           ("活跃代码贡献者", "代码贡献者人数")])
def test_such_names_match_fully(written, name):
    ind, score = match_indicator(written, SPECS)
    assert (ind.name, score) == (name, 100)


def test_well_read_rows_with_such_names_pass_and_own_targets_keep_their_unit():
    rows = ["序号 | 指标名称 | 计量单位 | 目标值", "1 | 入驻企业（团队）数量 | 户 | 40", "2 | 孵化场地面积 | ㎡ | 5200",
            "3 | 年均开展创业沙龙、路演等双创活动 | 场次 | 30", "4 | 带动就业人数 | 名 | 350",
            "5 | 服务企业融资额 | / | 5000万元"]
    f = facts(page(COVER, 1), page(rows, 2, source="docx", table=True, conf=0.88))
    assert targets_of(f)["年度创新创业活动"] == (30, "场")
    assert targets_of(f)["服务企业融资额"] == (5000, "万元")
    r = E.check_targets(f, RULES, "innovation_community")
    assert r.status == "pass", r.detail


def test_active_contributors_row_passes():
    rows = ["序号 | 指标名称 | 计量单位 | 目标值", "1 | 开源项目数量 | 个 | 15", "2 | 社区开发者人数 | 人 | 1200",
            "3 | 活跃代码贡献者 | 名 | 150", "4 | 年度开源活动 | 场 | 20", "5 | 产业化应用项目 | 项 | 6"]
    f = facts(page(OSS_COVER, 1), page(rows, 2, source="docx", table=True, conf=0.88))
    assert targets_of(f)["代码贡献者人数"] == (150, "人")
    assert E.check_targets(f, RULES, "open_source_community").status == "pass"


def test_header_cells_ocr_read_as_one_keep_their_value_column():
    """序号考核指标 | 目标值计量单位完成时限: the values under the merged cell were dropped with its 完成时限;
    each cell now takes the meaning at its place (value, unit, deadline), and a unit read together
    with the deadline beside it (万平方米2028年底) is still the unit."""
    rows = [[(0.05, "序号考核指标"), (0.55, "目标值计量单位完成时限")],
            [(0.05, "1"), (0.12, "1入驻企业(团队)数量"), (0.55, "≥120"), (0.62, "家"), (0.70, "实施期末")],
            [(0.05, "2"), (0.12, "2社区运营场地面积"), (0.55, "0.36"), (0.62, "万平方米2028年底")],
            [(0.05, "3"), (0.12, "3每年举办创新创业活动"), (0.55, "不低于24"), (0.62, "场"), (0.70, "2028年底")],
            [(0.05, "4"), (0.12, "吸纳带动就业"), (0.55, "不少于600人"), (0.70, "2029年6月")]]
    f = facts(page(COVER, 1), page(rows, 2))
    assert targets_of(f) == {"入驻企业数量": (120, "家"), "孵化场地面积": (3600, "平方米"),
                             "年度创新创业活动": (24, "场"), "带动就业人数": (600, "人")}
    assert E.check_targets(f, RULES, "innovation_community").status == "pass"


def test_merged_header_starting_with_a_baseline_counts_from_the_right():
    """现状值目标值 over two cells: the baseline (left) is skipped, the target (right) is the value."""
    rows = [[(0.05, "序号"), (0.12, "指标名称"), (0.55, "现状值目标值"), (0.75, "单位")],
            [(0.05, "1"), (0.12, "开源项目数量"), (0.55, "3"), (0.62, "15"), (0.75, "个")]]
    f = facts(page(OSS_COVER, 1), page(rows, 2))
    assert targets_of(f)["开源项目数量"] == (15, "个")


def test_plan_heading_run_onto_the_paragraph_before_and_a_speck_beside_it():
    """整改台账。（四）管理制度与服务规范 | 川V: the heading after the sentence end is a numbered heading, and
    the speck a seal left beside it (read at 0.5) does not make the section doubtful."""
    rows = ["（一）建设运营总体思路与发展定位", "聚焦工业软件……", "（二）分年度建设目标", "（三）实施路径与保障措施",
            "组建专职运营团队，设立企业服务部；按季度调度任务进度，形成问题清单和"]
    p = page(rows, 2)
    run_on = [Line(text="整改台账。（四）管理制度与服务规范", bbox=(0.1, 0.2, 0.5, 0.215), confidence=0.95, engine="tesseract"),
              Line(text="川V", bbox=(0.8, 0.2, 0.83, 0.215), confidence=0.5, engine="tesseract")]
    p = p.model_copy(update={"lines": p.lines + tuple(run_on)})
    f = facts(page(COVER, 1), p)
    assert f.plan_sections["management_rules"].found
    r = E.check_plan(f, RULES)
    assert r.status == "pass", r.detail


def test_wan_unit_in_a_value_cell_is_converted_by_the_unit_class():
    rows = ["序号 | 指标名称 | 目标值", "1 | 社区开发者人数 | 不少于0.12万人", "2 | 开源人才培训 | 800人次"]
    f = facts(page(OSS_COVER, 1), page(rows, 2, source="docx", table=True))
    dev = next(t for t in f.targets if t.indicator == "社区开发者人数")
    assert (dev.value, dev.unit) == (1200, "人") and "写为0.12万人，按1200人计" in dev.evidence[0].note


def test_transposed_table_whose_row_label_ocr_split_onto_the_first_value():
    """目标 | 值40 | …: the row label 目标值 was split and its 值 glued onto the first value."""
    rows = [[(0.09, "指标名称(单位)"), (0.22, "孵化开源项目(项)"), (0.39, "社区注册开发者(万人)"), (0.56, "活跃代码贡献者(人)"),
             (0.73, "年度开源活动(场次)"), (0.88, "产业化应用项目(项)")],
            [(0.09, "目标"), (0.22, "值40"), (0.39, "0.15"), (0.56, "不少于200"), (0.73, "14"), (0.88, "≥20")]]
    f = facts(page(OSS_COVER, 1), page(rows, 2))
    assert targets_of(f) == {"开源项目数量": (40, "个"), "社区开发者人数": (1500, "人"), "代码贡献者人数": (200, "人"),
                             "年度开源活动": (14, "场"), "产业化应用项目": (20, "个")}
    assert E.check_targets(f, RULES, "open_source_community").status == "pass"


def test_transposed_table_with_a_wrapped_header_line_whose_boxes_mislead():
    """The wrapped header line (面积(万 | 平方米) | 动(场次)) lies under the wrong columns and holds no value:
    it is not the values row; the values row below is read, and the area, its 万 lost, is doubted
    (0.3 平方米 under a tenth of the minimum): review, never a fail."""
    rows = [[(0.09, "指标名称(单位"), (0.224, "引进入驻企业(家)"), (0.394, "可自主支配孵化场地"), (0.564, "每年举办创新创业活"),
             (0.734, "带动就业人数(名)")],
            [(0.101, ")"), (0.224, "面积(万" + " " * 8), (0.394, "平方米)" + " " * 9), (0.564, "动(场次)")],
            [(0.102, "目标值"), (0.231, "不低于45"), (0.394, "不少于0.3"), (0.571, "不低于96"), (0.741, "不少于600")]]
    f = facts(page(COVER, 1), page(rows, 2))
    got = targets_of(f)
    assert got["入驻企业数量"] == (45, "家") and got["带动就业人数"] == (600, "人") and got["年度创新创业活动"] == (96, "场")
    assert "目标值" not in got
    r = E.check_targets(f, RULES, "innovation_community")
    assert r.status == "review" and "孵化场地面积" in r.detail, r.detail


def test_transposed_table_below_an_intro_sentence_running_across_its_columns():
    """The sentence above the table (…，本单位（联合体）| 在建设周期内拟完成以下目标：) straddles the header's
    columns: it is no header line, so the header row with its wrapped lines names the columns."""
    rows = [[(0.18, "对照榜单考核要求"), (0.336, "，本单位（联合体）"), (0.494, "在建设周期内拟完成以下目标：")],
            [(0.15, "指标"), (0.266, "孵化开源项"), (0.366, "汇聚开发者"), (0.466, "代码贡献者"), (0.566, "开源社区活"),
             (0.666, "产业化应用"), (0.766, "开源人才培")],
            [(0.268, "目(个)"), (0.366, "数量"), (0.405, "(人)"), (0.466, "人数(人)"), (0.566, "动(场次)"),
             (0.666, "项目数量(个)"), (0.766, "训"), (0.792, "(人次)")],
            [(0.153, "目标值"), (0.266, "不少于12"), (0.366, "600"), (0.466, "400"), (0.566, "不少于14"), (0.666, "6"),
             (0.766, "1500")]]
    f = facts(page(OSS_COVER, 1), page(rows, 2, source="text_layer"))
    assert targets_of(f) == {"开源项目数量": (12, "个"), "社区开发者人数": (600, "人"), "代码贡献者人数": (400, "人"),
                             "年度开源活动": (14, "场"), "产业化应用项目": (6, "个"), "开源人才培训": (1500, "人次")}


def test_wrapped_header_cell_split_after_an_enumeration_comma():
    """A text layer splits 龙、| 路演等双创 at the 、 whose box is only its ink: the blank half of the
    full-width mark is no gap between cells, so the wrapped header (年均开展创业沙 / 龙、路演等双创 / 活动（场次）)
    reads in order and names 年度创新创业活动. Boxes as seed 246's text PDF has them."""
    from pipeline.model import Page

    boxes = [((0.104, 0.1614, 0.135, 0.1722), "指标"), ((0.235, 0.1611, 0.343, 0.1725), "引进入驻企业（"),
             ((0.369, 0.1613, 0.480, 0.1722), "社区运营场地面"), ((0.505, 0.1613, 0.617, 0.1722), "年均开展创业沙"),
             ((0.642, 0.1613, 0.751, 0.1725), "带动就业人数（"),
             ((0.234, 0.1774, 0.255, 0.1889), "家）"), ((0.5376, 0.1775, 0.6155, 0.1887), "路演等双创"),
             ((0.369, 0.1785, 0.423, 0.1889), "积（㎡）"), ((0.5059, 0.1777, 0.521, 0.1882), "龙"),
             ((0.642, 0.1780, 0.663, 0.1889), "人）"), ((0.5228, 0.1861, 0.5261, 0.1884), "、"),
             ((0.5056, 0.1943, 0.5359, 0.2048), "活动"), ((0.5476, 0.1943, 0.5907, 0.2053), "（场次）"),
             ((0.106, 0.2227, 0.151, 0.2333), "目标值"), ((0.5055, 0.2229, 0.5718, 0.2333), "不低于24"),
             ((0.234, 0.2240, 0.252, 0.2319), "30"), ((0.370, 0.2240, 0.407, 0.2319), "4500"),
             ((0.643, 0.2240, 0.679, 0.2319), "1200")]
    lines = tuple(Line(text=t, bbox=b, confidence=1.0, engine="text_layer") for b, t in boxes)
    tables = Page(file="a.pdf", number=2, width=2480, height=3508, source="text_layer", lines=lines)
    f = facts(page(COVER, 1), tables)
    assert targets_of(f) == {"入驻企业数量": (30, "家"), "孵化场地面积": (4500, "平方米"), "年度创新创业活动": (24, "场"),
                             "带动就业人数": (1200, "人")}


def test_a_misread_row_number_under_the_number_header_is_no_name():
    """工 | 1孵化开源项目 | 不低于10 | 项: the 1 of the 序号 column read as 工 (a scanned family-2 table)."""
    from pipeline.extract.layout import Cell, PageLayout
    from pipeline.extract.targets import extract_targets

    xs = [(0.127, 0.162), (0.189, 0.499), (0.505, 0.638), (0.644, 0.746), (0.752, 0.842)]

    def row(y, texts, boxes=xs):
        return tuple(Cell(t, t, "f", 7, (x0, y, x1, y + 0.02), 0.95, "ocr") for t, (x0, x1) in zip(texts, boxes))

    rows = (row(0.1, ["序号", "考核指标", "目标值", "计量单位", "完成时限"]),
            row(0.13, ["工", "1孵化开源项目", "不低于10", "项", "实施期末"], [(0.126, 0.135), *xs[1:]]),
            row(0.16, ["2", "2汇聚开发者数量", "≥0.12", "万人", "2028年底"], [(0.126, 0.135), *xs[1:]]))
    got = {t.indicator: (t.value, t.unit) for t in extract_targets([PageLayout("f", 7, "ocr", rows)], SPECS, "open_source_community")}
    assert got == {"开源项目数量": (10, "个"), "社区开发者人数": (1200, "人")}
