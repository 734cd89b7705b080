"""Member lists on family-2 scans (seed 923, retired from the untouched measurement in session 13,
and dev seed 1180), rendered with their planned scan look and read by the REAL reader:

- #005: a speck inside a member's code read as a dash (5250010496641-3161K), a name cell that a
  crop re-read gave a piece of the line above (……研究中心开源软件发展), and a code whose last two
  characters wrapped to a line of their own (91500116MA4T7DUH / 4T): the table ended after its
  first row, so the member counts disagreed and `consortium.application_unit` (no 应用单位 in this
  consortium: a fail on evidence) came out `review`;
- #001: the member list in prose whose fourth item's role OCR garbled (（四）场景应方：重庆市朗润……协会
  （统一社会信用代码：…）): the item was dropped, the list named 3 members against the count's 4, and
  `consortium.size` came out `review`;
- #003: a member row whose role, type and contact cells sit lower than its top-aligned name and code
  (read as a line of their own: the table ended), a name whose wrapped end OCR put first
  (中心重庆市鹿鸣数字化转型促进), a name's last glyph misread (……产业研究元), and the agreement's
  丙方 read 两方 in 两方作为应用单位: the applicant's name, a member and its role were lost;
- 1180 #003: member cards whose first key OCR read with a seal's edge after it (成员单位一重庆): the
  card was lost and the two cards left were taken as the whole list (consortium.size review; had the
  count agreed it would have been a false one). A card number skipped now means a card lost.
"""
from __future__ import annotations

import pytest
from family2_pages import planned_facts

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract.code_parts import despecked_code, wrapped_code
from pipeline.extract.layout import Cell

RULES = load_rules()
KINDS = ("cover", "basic_info", "members", "agreement", "signing")


@pytest.mark.parametrize("seed, index", [(923, 4), (923, 0), (923, 2), (1180, 2)])
def test_members_codes_roles_and_consortium_rules_as_planned(tmp_path, seed, index):
    exp, facts = planned_facts(tmp_path, seed, 12, index, KINDS)
    want = {m["name"]: (m["uscc"], tuple(m["roles"])) for m in exp["consortium"]}
    assert {u.name.value: (u.uscc.value, tuple(u.roles)) for u in facts.consortium} == want
    assert facts.consortium_list.value == len(want), facts.consortium_list.reason
    got = {r.rule: r.status for r in run_checks(facts, RULES, None) if r.rule.startswith("consortium.")}
    assert got == {c["rule"]: c["status"] for c in exp["checks"] if c["rule"].startswith("consortium.")}


def test_a_speck_inside_a_code_goes_only_when_the_code_then_checks():
    assert despecked_code("5250010496641-3161K") == "52500104966413161K"
    assert despecked_code("5250010496641-3161X") is None   # the checks fail: nothing guessed
    assert despecked_code("52500104966413161K") is None    # nothing to remove: USCC_TOKEN reads it


def _cell(text, x0, x1, y0=0.26, y1=0.28):
    return Cell(text, text, "f", 1, (x0, y0, x1, y1), 0.95, "ocr")


def test_a_wrapped_code_end_joins_the_code_above_it_only():
    row = (_cell("重庆澜图人工智能科技", 0.18, 0.35), _cell("91500116MA4T7DUH", 0.35, 0.52), _cell("代码贡献方", 0.62, 0.70))
    nxt = (_cell("有限公司", 0.18, 0.35, 0.28, 0.29), _cell("4T", 0.36, 0.38, 0.28, 0.29))
    joined, rest = wrapped_code(row, nxt)
    assert joined[1].text == "91500116MA4T7DUH4T" and [c.text for c in rest] == ["有限公司"]
    # under another column, or not completing a valid code: not joined
    assert wrapped_code(row, (_cell("4T", 0.62, 0.64, 0.28, 0.29),)) is None
    assert wrapped_code(row, (_cell("4X", 0.36, 0.38, 0.28, 0.29),)) is None


def test_card_keys_numbered_and_a_key_with_a_speck():
    from pipeline.extract.member_cards import _key_with_speck, _ordinal

    assert [_ordinal(k) for k in ("成员单位三", "成员2", "联合体成员一", "成员单位")] == [3, 2, 1, None]
    assert _key_with_speck("成员单位一重庆") and _key_with_speck("成员单位二。")
    assert not _key_with_speck("成员单位一重庆极光信创科技有限公司")  # a name glued on: _unglue's case
    assert not _key_with_speck("单位名称")
    assert not _key_with_speck("联合体成员单位")  # a cover's label beside the other members' names


def test_a_cover_naming_the_other_members_is_no_member_list(tmp_path):
    """Dev seed 1182 #005, a Word file whose cover is a scanned picture: OCR read its row
    联合体成员单位重庆若水……公司 as a member card (key 联合体成员 glued to its value), and that one card
    was taken as the whole list against the agreement's two parties (consortium.size and
    consortium.application_unit `review` where the planned result is pass and a fail on evidence)."""
    from family2_pages import read_planned_submission

    from pipeline.extract import extract_facts

    sub, doc = read_planned_submission(tmp_path, 1182, 12, 4)
    assert sub.fmt == "docx"
    facts = extract_facts([doc])
    exp = sub.truth["expected"]
    assert facts.consortium_list.value == len(exp["consortium"]), facts.consortium_list.reason
    got = {r.rule: r.status for r in run_checks(facts, RULES, None) if r.rule.startswith("consortium.")}
    assert got == {c["rule"]: c["status"] for c in exp["checks"] if c["rule"].startswith("consortium.")}


def test_a_row_whose_lower_line_has_two_pieces_under_one_column():
    """_rest_of_row joins each piece of the lower line to the cell above it in turn: two pieces under
    one column (院 and a speck under the name) once raised ValueError and lost a whole submission."""
    from pipeline.extract.member_list import _member_row, _rest_of_row

    def c(text, x0, x1, y0=0.20, y1=0.22):
        return Cell(text, text, "f", 1, (x0, y0, x1, y1), 0.95, "ocr")

    header = (c("单位名称", 0.15, 0.33, 0.12, 0.15), c("统一社会信用代码", 0.35, 0.50, 0.12, 0.15),
              c("单位性质", 0.54, 0.61, 0.12, 0.15), c("承担角色", 0.65, 0.71, 0.12, 0.15))
    cols = ["name", "uscc", "type", "role"]
    top = _member_row([c("重庆启明信息技术产业研究", 0.157, 0.325), c("125001526171574705", 0.352, 0.491)], cols[:2])
    lower = [c("院", 0.157, 0.170, 0.221, 0.243), c("·航", 0.20, 0.22, 0.221, 0.243),
             c("事业单位法人", 0.546, 0.633, 0.214, 0.232), c("开源贡献单位", 0.651, 0.734, 0.214, 0.232)]
    whole = _rest_of_row(top, lower, header, cols, False)
    assert whole is not None and whole.name == "重庆启明信息技术产业研究院"
    assert [lb for lb, _ in whole.roles] == ["code_contributor"]
