"""A member table's header cell the members are not read by, read low (dev seed 1303 #005, TIFF):
序号 read 序 at 0.80 gave the whole table that confidence, and consortium.application_unit — no
application unit among four members whose names, codes and roles were all read right — was a review
(成员名单识别置信度偏低) where the truth says fail. The table's confidence is its name, code, role and
type header cells' (MemberTable.confidence). Through the real rendered pages, and a pure test."""
from __future__ import annotations

from family2_pages import read_planned_pages

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract import extract_facts
from pipeline.extract.layout import Cell
from pipeline.extract.member_list import MemberTable
from pipeline.process import indicator_specs

RULES = load_rules()


def test_a_low_number_header_does_not_doubt_the_member_list(tmp_path):
    sub, doc = read_planned_pages(tmp_path, 1303, 12, 4, ("cover", "members", "agreement"), fmt="tiff")
    facts = extract_facts([doc], indicators=indicator_specs(RULES))
    planned = {c["rule"]: c["status"] for c in sub.truth["expected"]["checks"] if c["rule"].startswith("consortium")}
    got = {r.rule: r for r in run_checks(facts, RULES, None) if r.rule.startswith("consortium")}
    assert planned["consortium.application_unit"] == "fail"
    assert {k: r.status for k, r in got.items()} == planned, {k: r.detail for k, r in got.items()}


def _h(text, conf):
    return Cell(text, text, "f", 1, (0.1, 0.1, 0.2, 0.12), conf, "ocr")


def test_table_confidence_is_its_read_columns():
    header = (_h("序", 0.5), _h("单位名称", 0.93), _h("统一社会信用代码", 0.95), _h("承担角色", 0.91), _h("联系电话", 0.3))
    t = MemberTable(header, (None, "name", "uscc", "role", "other"), ())
    assert t.confidence == 0.91
    low_name = MemberTable(header[:1] + (_h("单位名称", 0.6),) + header[2:], t.columns, ())
    assert low_name.confidence == 0.6
