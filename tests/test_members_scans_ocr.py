"""Members on scanned family-2 pages (issue 15, dev seeds 660/661 of 12 applications) rendered with
their planned scan look and read by the REAL reader, then extracted and checked. Each case lost a
member, a name or a code before, and left an eligible consortium at `review`:

- 660 #003 (TIFF): a narrow member table whose wrapped cells' second lines (公司, 6Y) start a hair
  left of the first and came into its row: joined left to right, 公司重庆九章……有限 (no name) and
  6Y91500119MALPEDUJ; the other codes, their wrapped end and a clipped glyph glued on, were 19
  characters long (1250010499075380 / 11 + 0) and no code;
- 661 #007 (TIFF): the lead's name cell lost its last character to the rule (……科技有限公): a nameless
  member beside the one the agreement names;
- 660 #011 (image PDF): item (四) of the numbered member list, the 。 of the line above not read, was
  lost: the list said 3 members where the count and the parties said 4;
- 662 #009 (image PDF): the agreement's 丙方：C line read 两方：C: the parties counted 2 where the
  member table said 3.
"""
from __future__ import annotations

from family2_pages import read_planned_pages

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract import extract_facts

RULES = load_rules()
PASS = {"consortium.size": "pass", "consortium.code_contributor": "pass", "consortium.application_unit": "pass"}


def _check(tmp_path, seed: int, index: int, kinds: tuple[str, ...], codes: bool = True):
    sub, doc = read_planned_pages(tmp_path, seed, 12, index, kinds)
    facts = extract_facts([doc])
    want = {m["name"]: (m["uscc"] if codes else None, tuple(m["roles"])) for m in sub.truth["expected"]["consortium"]}
    got = {u.name.value: (u.uscc.value if codes else None, tuple(u.roles)) for u in facts.consortium}
    assert got == want
    assert facts.consortium_list.value == len(want), facts.consortium_list.reason
    assert {r.rule: r.status for r in run_checks(facts, RULES, None) if r.rule.startswith("consortium.")} == PASS


def test_narrow_scanned_member_table_wrapped_lines_and_overlong_codes(tmp_path):
    _check(tmp_path, 660, 2, ("members", "agreement"))


def test_name_cell_cut_short_by_the_rule_is_the_member_the_agreement_names(tmp_path):
    _check(tmp_path, 661, 6, ("members", "agreement"))


def test_numbered_member_item_whose_line_above_lost_its_full_stop(tmp_path):
    _check(tmp_path, 660, 10, ("cover", "members"))


def test_party_whose_alias_ocr_misread_counts(tmp_path):
    _check(tmp_path, 662, 8, ("cover", "members", "agreement"))
