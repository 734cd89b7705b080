"""Member tables and cards on skewed, low-resolution family-2 scans, read through the REAL reader from the
bundle's own file (pipeline/samples/family2), then extracted and checked. Each case was lost before:

- dev seed 1420 #003 (TIFF): the header's 序 / 号 read as a row of its own under the header ended the table
  before its first row; the 单位性质 / 承担角色 header cells read as one run (单位性质承担角色); a member
  name whose wrapped 司 was lost (……有限公) was completed from the 单位性质 cell (有限责任公司（自然人投资或
  控股）) and, with the row read joined, with the code too (……有限公9150…C00有限责任公司): a member twice,
  its code on the wrong one (entity.uscc_valid review); the lead's row, its name unreadable under a
  seal, holding the lead's code, was a fourth member (consortium.size review);
- dev seed 1421 #005 (image PDF): 单位名称统一社会信用代码单位性质 read as one header cell (no table found:
  two members' codes lost), a code cell holding the wrapped line under it before the code
  (91500152MA5501 + 91500152MATRJ9CP3T), and a last row whose name lost its wrapped 责任公司 and whose code
  was read short ended the table a member early;
- dev seed 1421 #003 (JPEG folder): a speck before a member card's code key (· | 统一社会信用代码（注册号）):
  the code lost (entity.uscc_valid review).
"""
from __future__ import annotations

from family2_pages import read_planned_folder, read_planned_submission

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract import extract_facts
from pipeline.extract.code_parts import overlong
from pipeline.extract.layout_cells import Cell
from pipeline.extract.member_header import split_header
from pipeline.extract.member_list import header_columns
from pipeline.process import indicator_specs

RULES = load_rules()


def _facts(docs):
    return extract_facts(docs, indicators=indicator_specs(RULES))


def test_header_cells_read_as_one_run_are_split_by_their_words():
    run = Cell("单位名称统一社会信用代码单位性质", "", "f", 1, (0.12, 0.12, 0.6, 0.15), 0.97, "ocr", 0)
    role = Cell("承担角色", "", "f", 1, (0.61, 0.12, 0.67, 0.15), 0.99, "ocr", 0)
    cells = split_header((run, role))
    assert [c.text for c in cells] == ["单位名称", "统一社会信用代码", "单位性质", "承担角色"]
    assert header_columns(cells) == ["name", "uscc", "type", "role"]
    one = Cell("统一社会信用代码（注册号）", "", "f", 1, (0.3, 0.1, 0.5, 0.12), 0.99, "ocr", 0)
    assert split_header((one,)) == (one,)


def test_a_code_after_the_line_read_into_its_cell():
    assert overlong("91500152MA550191500152MATRJ9CP3T") == "91500152MATRJ9CP3T"


def test_member_table_with_a_header_piece_row_and_a_name_cut_short_through_ocr(tmp_path):
    sub, doc = read_planned_submission(tmp_path, 1420, 12, 2, straddle=True)
    facts = _facts([doc])
    names = [str(u.name.value) for u in facts.consortium if u.name.found]
    assert not [n for n in names if "有限公有限" in n or any(ch.isdigit() for ch in n)], names
    got = {u.name.value: u.uscc.value for u in facts.consortium}
    # the lead's row under a seal, its name unreadable (科技有限二着间王联网责任公司 at 0.51), holds the lead's
    # code: one unit with the lead named elsewhere, not a fourth member (units.UNREAD_NAME)
    assert got == {m["name"]: m["uscc"] for m in sub.truth["expected"]["consortium"]}, got
    status = {(r.rule, r.unit): r.status for r in run_checks(facts, RULES, None) if r.rule == "entity.uscc_valid"}
    assert status[("entity.uscc_valid", "重庆鹿鸣互联网科技有限公司")] == "pass"


def test_member_table_whose_header_cells_ran_together_through_ocr(tmp_path):
    sub, doc = read_planned_submission(tmp_path, 1421, 12, 4, straddle=True)
    exp = sub.truth["expected"]
    facts = _facts([doc])
    got = {u.name.value: u.uscc.value for u in facts.consortium}
    assert got["重庆云岫数码科技有限公司"] == "91500152MATRJ9CP3T"
    assert set(got) == {m["name"] for m in exp["consortium"]}
    assert facts.consortium_list.value == 3, facts.consortium_list.reason
    want = {c["rule"]: c["status"] for c in exp["checks"] if c["rule"] in ("consortium.size", "consortium.application_unit")}
    status = {r.rule: r.status for r in run_checks(facts, RULES, None) if r.rule in want}
    assert status == want == {"consortium.size": "pass", "consortium.application_unit": "fail"}


def test_member_card_code_key_behind_a_speck_through_ocr(tmp_path):
    sub, docs = read_planned_folder(tmp_path, 1421, 12, 2)
    facts = _facts(docs)
    want = {m["name"]: m["uscc"] for m in sub.truth["expected"]["consortium"]}
    assert {u.name.value: u.uscc.value for u in facts.consortium} == want
    status = {r.unit: r.status for r in run_checks(facts, RULES, None) if r.rule == "entity.uscc_valid"}
    assert status["重庆市锦程数字化转型促进中心"] == "pass"
