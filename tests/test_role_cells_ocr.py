"""Wrapped role cells of scanned family-1 member tables (两种分工 in one narrow cell), read whole by
the cascade: the last cell's crop reaches the table's border rule (Tesseract dropped 开 at the cell's
edge with its box: 联合体牵头方、| 源贡献方), and a cell's reading keeps Tesseract's box for the text Tesseract
read (公司 … 贡献单位: the crop spanned the empty code column and the read word, boxed as the crop, was
cut at its rule: 91500151MA0M4DXA6X贡献单 | 牵头方、开源代码位). Pages are the generator's, read by the real cascade.

A role cell still cut (its end not joined) leaves the start of a role phrase at its end (…、应用): a
role missing then is `review`, never `fail` (test_a_cut_role_cell_withholds_the_fail)."""
from __future__ import annotations

import pytest
from family1_pages import planned_facts

from pipeline.model import Line, Ruling, Word
from pipeline.ocr.cascade_crops import reach_outer_rules


@pytest.mark.parametrize("seed, index", [
    (802, 10),  # 联合体牵头方、开 / 源贡献方
    (803, 6),   # 牵头方、开源代码 / 贡献单位 beside a wrapped name (有限 / 公司)
    # 代码贡献单位、应用 / 推广单位 with a speck read under 序号 beside the wrapped end (= 推广单位): the
    # speck kept the end from joining, 应用单位 was lost and consortium.application_unit was a false
    # fail (seed 928, the untouched family-1 bundle of session 12)
    (928, 10),
])
def test_wrapped_roles_read_whole(tmp_path, seed, index):
    exp, facts = planned_facts(tmp_path, seed, index, ("members",))
    got = sorted((m.name.value, m.roles) for m in facts.consortium)
    assert got == sorted((m["name"], tuple(m["roles"])) for m in exp["consortium"])


def _v(at):
    return Ruling(axis="v", at=at, start=0.0, end=1.0)


def test_outer_cells_reach_their_rules():
    line = Line(text="联合体牵头方、", bbox=(0.714, 0.50, 0.826, 0.52), confidence=0.9,
                words=(Word(text="联合体牵头方、", bbox=(0.714, 0.50, 0.826, 0.52), confidence=0.9),))
    cells = [(714.0, 500.0, 826.0, 520.0)]
    # 1000 x 1000 px page: a line height is 0.02 of the width; the border rule 0.056 away is in reach
    got = reach_outer_rules(cells, line, [_v(0.7097), _v(0.8827), _v(0.995)], 1000, 1000, 3.0)
    assert got[0][2] == pytest.approx(882.7 - 2.0) and got[0][0] == pytest.approx(709.7 + 2.0)
    # no rule within reach: unchanged
    assert reach_outer_rules(cells, line, [_v(0.995)], 1000, 1000, 3.0) == cells


def test_a_cell_reading_keeps_tesseracts_box_for_what_tesseract_read():
    from pipeline.ocr.cascade_splice import cell_words

    # the crop spans the empty code column and the role column; the reading is Tesseract's text
    assert cell_words("贡献单位", "贡献 单位", (0.719, 0.18, 0.788, 0.192), (0.486, 0.17, 0.794, 0.2)) == [
        ("贡献单位", (0.719, 0.18, 0.788, 0.192))]
    # RapidOCR read a unit Tesseract dropped (m² in the next column): it lies beside, not over the value
    assert cell_words("不低于4500m²", "不低于4500", (0.503, 0.22, 0.602, 0.235), (0.498, 0.21, 0.739, 0.24)) == [
        ("不低于4500", (0.503, 0.22, 0.602, 0.235)), ("m²", (0.602, 0.22, 0.739, 0.235))]
    # text before Tesseract's (a 序号 whose box Tesseract gave its first glyph): the reading spans the crop
    assert cell_words("3每年举办", "每年举办", (0.106, 0.26, 0.26, 0.27), (0.098, 0.25, 0.486, 0.28)) == [
        ("3每年举办", (0.098, 0.25, 0.486, 0.28))]
    # a reading unlike Tesseract's spans the crop
    assert cell_words("36", "30", (0.7, 0.3, 0.73, 0.32), (0.69, 0.29, 0.78, 0.33)) == [("36", (0.69, 0.29, 0.78, 0.33))]


def test_a_cut_role_cell_withholds_the_fail():
    from pipeline.checks.engine import run_checks
    from pipeline.checks.rules import load_rules
    from pipeline.extract.nlp import cut_role
    from pipeline.facts import ROLE_CUT, ApplicationFacts, Evidence, Fact, Unit

    assert cut_role("代码贡献单位、应用") == "应用" and cut_role("代码贡献单位、应用=") == "应用"
    assert cut_role("代码贡献单位、应用推广单位") == "" and cut_role("牵头方") == "" and cut_role("牵头单位、代码贡献") == ""

    def unit(name, roles, note):
        ev = Evidence(file="a.pdf", page=5, bbox=(0.7, 0.2, 0.9, 0.22), text="x", confidence=0.99, note=note)
        return Unit(name=Fact(value=name, evidence=(ev,), confidence=0.99), roles=roles, role_evidence=(ev,) * len(roles))

    listed = Evidence(file="a.pdf", page=5, bbox=(0.1, 0.1, 0.2, 0.12), text="序号", confidence=0.99, note="成员表列出2家")

    def status(note):
        facts = ApplicationFacts(track=Fact(value="open_source_community", evidence=(listed,), confidence=0.99),
                                 consortium=(unit("重庆铜锣软件股份有限公司", ("lead",), "牵头方"),
                                             unit("重庆市龙脊软件行业协会", ("code_contributor",), note)),
                                 consortium_list=Fact(value=2, evidence=(listed,), confidence=0.99))
        return next(r for r in run_checks(facts, load_rules(), None) if r.rule == "consortium.application_unit")

    got = status("分工写为“代码贡献单位”")
    assert got.status == "fail", got.detail   # read whole: no application unit is evidence
    got = status(f"分工写为“代码贡献单位、应用”（{ROLE_CUT}：“应用”）")
    assert got.status == "review" and "截断" in got.detail
