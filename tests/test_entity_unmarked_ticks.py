"""A 单位性质 tick row whose marks OCR dropped before two options (企业事业单位 □社会组织 □产业园区运营管理机构,
where □企业 ■事业单位 was printed: dev seed 1202 #004, image PDF): no option could be told and the type
came from the code alone. One of the unmarked options was ticked; the code's positions 1–2 (12: a
public institution) admit only one of them, so the row and the code together give it. The page
through the real reader (family-2 plan, its planned scan look) and pure tests of entity.tick_choice
and entity.type_fact."""
from __future__ import annotations

from family2_pages import planned_facts

from pipeline.extract.entity import UNMARKED, Found, code_fact, tick_choice, type_fact
from pipeline.extract.layout import Cell

B_CODE = "12500155601266146T"  # the unit's code in seed 1202 #004: both checks pass


def test_two_unmarked_options_and_the_code_give_the_type(tmp_path):
    exp, facts = planned_facts(tmp_path, 1202, 12, 3, ("cover", "basic_info"))
    t = facts.applicant.entity_type
    assert t.value == exp["applicant"]["entity_type"] == "public_institution"
    assert "按统一社会信用代码前两位取“事业单位”" in t.evidence[0].note, t
    assert "机构性质" in t.evidence[0].text  # the tick row is the evidence, not the code alone


def test_tick_row_with_two_unmarked_options_names_them():
    got = tick_choice("，企业事业单位□社会组织□产业园区运营管理机构")
    assert got is not None and got.option is None and got.unmarked == ("企业", "事业单位")
    # one unmarked option is the ticked one; marks that are not open boxes leave no candidates
    assert tick_choice("企业□事业单位□社会组织□其他").option == "企业"
    assert tick_choice("企业事业单位■社会组织□其他").unmarked == ()


def _cell(text, conf=0.97):
    return Cell(text, text, "f", 1, (0.1, 0.2, 0.9, 0.22), conf, "ocr", 0)


def _unmarked(*opts):
    row = (_cell("机构性质"), _cell("企业事业单位□社会组织□其他"))
    return [Found(o, row, 0.5, UNMARKED + "：勾选符号未识别出") for o in opts]


def test_the_code_chooses_among_unmarked_options_or_they_are_no_reading():
    code = code_fact([Found(B_CODE, (_cell("统一社会信用代码"), _cell(B_CODE)), 1.0, "统一社会信用代码")])
    fact, text = type_fact(_unmarked("企业", "事业单位"), code)
    assert (fact.value, text) == ("public_institution", "事业单位") and fact.confidence > 0.8
    # the code admits neither (or both): the type is the code's own guess, low
    fact, text = type_fact(_unmarked("社会组织", "其他"), code)
    assert fact.value == "public_institution" and text == "" and fact.confidence < 0.8


# A ticked option beside one option with no mark at all (dev seed 926 #003, JPEG scan: □企业 ■事业单位 □社会组织
# □产业园区运营管理机构 □其他 read □企业 事业单位 … ☑其他 — the ■ dropped, a speck in 其他's box read ☑): the type
# was 其他 against the code's 12 (a review on the innovation track, the field wrong). Where the ticked option
# contradicts the code's positions 1–2 and the bare option fits them, the bare option is the reading.

def test_tick_row_names_the_bare_option_beside_a_ticked_one():
    got = tick_choice("□企业 事业单位 □社会组织 □产业园区运营管理机构 ☑其他")
    assert (got.option, got.bare) == ("其他", "事业单位")
    assert tick_choice("■企业 □事业单位 □社会组织 □其他").bare is None   # every option has its mark
    assert tick_choice("□企业 事业单位 □社会组织").bare is None            # the bare one is the ticked one
    assert tick_choice("☑企业 事业单位 ■社会组织 □其他").bare is None      # another filled mark: not open boxes


def _row(option, bare):
    from pipeline.extract.entity import BARE, TICK_LABEL
    row = (_cell("机构性质"), _cell("□企业 事业单位 □社会组织 ☑其他"))
    return [Found(option, row, 1.0, TICK_LABEL + "："), Found(bare, row, 0.5, BARE + "：无框")]


def test_the_code_takes_the_bare_option_only_against_the_ticked_one():
    code = code_fact([Found(B_CODE, (_cell("统一社会信用代码"), _cell(B_CODE)), 1.0, "统一社会信用代码")])
    fact, text = type_fact(_row("其他", "事业单位"), code)
    assert (fact.value, text) == ("public_institution", "事业单位") and "按统一社会信用代码前两位取" in fact.evidence[0].note
    # the ticked option fits the code: it stands, the bare one is no reading
    fact, text = type_fact(_row("事业单位", "企业"), code)
    assert (fact.value, text) == ("public_institution", "事业单位") and "按统一社会信用代码前两位取" not in fact.evidence[0].note
    # neither fits: the ticked option as read, its disagreement with the code said (a review)
    fact, text = type_fact(_row("其他", "社会组织"), code)
    assert fact.value == "other" and "不一致" in fact.evidence[0].note and fact.confidence < 0.8


def test_bare_option_and_the_code_outweigh_a_speck_in_a_box(tmp_path):
    from family2_pages import planned_facts as f2_facts
    exp, facts = f2_facts(tmp_path, 926, 12, 2, ("cover", "basic_info", "certificate"))
    t = facts.applicant.entity_type
    assert t.value == exp["applicant"]["entity_type"] == "public_institution", t
