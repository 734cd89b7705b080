"""Members, codes, roles and entity type on family-2 pages (pipeline/samples/family2, written from
other calls' templates) rendered by the sample renderer with their planned scan look, written as an
image PDF and read by the REAL reader (default OCR cascade), then extracted and checked. Each case is
a class that was lost before:

- a member table whose role column comes first: OCR read a wrapped role cell and the wrapped name
  beside it as one interleaved line (牵头单位、开源贡重庆白鹭……股份有献单位限公司), and role + name as one
  cell in the role column;
- a basic-information row where the wrapped name has the next field's label woven in
  (……股份有成立时间限公司), and a 法人类型 tick row whose filled mark OCR dropped (企业□事业单位□…);
- member cards (成员单位一 | A公司 / 统一社会信用代码 | … / 承担角色 ■…) whose key and value came back
  as one cell (成员单位三重庆森域……公司, 承担角色■牵头单位□…): a card lost, a code given to the wrong member;
- a member row whose wrapped cells' second lines came back as a row of their own (…产业研究 / 院);
- member cards on a scan whose filled role marks OCR dropped (牵头单位开源代码贡献单位 □应用单位) and whose
  second key came back with a speck as punctuation (成员单位二。): the second member was lost, its code
  and roles given to the first, and the cards counted one member;
- a narrow scanned member table (names wrapped in their cells, no 序号 read) whose first row was
  joined into the header: the list was not read; a speck read as 。 inside a name cell (有限。公司).
"""
from __future__ import annotations

import pytest
from family2_pages import read_planned_pages

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract import extract_facts

RULES = load_rules()
KINDS = ("cover", "basic_info", "members", "agreement")


def _read_pages(tmp_path, seed: int, index: int):
    sub, doc = read_planned_pages(tmp_path, seed, 6, index, KINDS)
    return sub, extract_facts([doc])


def _members(facts) -> dict[str, tuple[str | None, tuple[str, ...]]]:
    return {u.name.value: (u.uscc.value, tuple(u.roles)) for u in facts.consortium}


@pytest.mark.parametrize("seed, index, codes", [(11, 4, True), (11, 2, True), (53, 2, False)])
def test_family2_members_codes_roles_and_type_through_ocr(tmp_path, seed, index, codes):
    """(53, 2): the lead's wrapped name and role came back as a row of their own under its row
    (重庆青禾……产业研究 / 院); its code OCR misreads (0K moved to the front), so only names and roles count."""
    sub, facts = _read_pages(tmp_path, seed, index)
    exp = sub.truth["expected"]
    want = {m["name"]: (m["uscc"], tuple(m["roles"])) for m in exp["consortium"]}
    if codes:
        assert _members(facts) == want
        assert facts.applicant.uscc.value == exp["applicant"]["uscc"]
        assert facts.applicant.entity_type.value == exp["applicant"]["entity_type"]
    else:
        assert {n: r for n, (_, r) in _members(facts).items()} == {n: r for n, (_, r) in want.items()}
    assert facts.consortium_list.value == len(want), facts.consortium_list.reason
    got = {r.rule: r.status for r in run_checks(facts, RULES, None) if r.rule.startswith("consortium.")}
    assert got == {"consortium.size": "pass", "consortium.code_contributor": "pass",
                   "consortium.application_unit": "pass"}


def _planned_members(tmp_path, seed, app, kinds, fmt="image_pdf"):
    """A planned application's pages (12-application bundle) read as scanned (`fmt`: image_pdf or tiff):
    its facts and the truth's members as name → (code, roles)."""
    sub, doc = read_planned_pages(tmp_path, seed, 12, app, kinds, fmt)
    facts = extract_facts([doc])
    return facts, {m["name"]: (m["uscc"], tuple(m["roles"])) for m in sub.truth["expected"]["consortium"]}


def test_family2_member_cards_with_dropped_marks_and_a_specked_key_through_ocr(tmp_path):
    """Seed 530 (12 applications), application 0: its cover and member-card page, as scanned."""
    facts, want = _planned_members(tmp_path, 530, 0, ("cover", "members"))
    assert len(want) == 2
    assert _members(facts) == want
    assert facts.consortium_list.value == 2, facts.consortium_list.reason
    got = {r.rule: r.status for r in run_checks(facts, RULES, None) if r.rule.startswith("consortium.")}
    assert got == {"consortium.size": "pass", "consortium.code_contributor": "pass",
                   "consortium.application_unit": "pass"}


def test_family2_narrow_member_table_header_not_joined_to_row_one_through_ocr(tmp_path):
    """Seed 600 (12 applications), application 2: a narrow member table, names wrapped in their
    cells (重庆市蓝湾数字化转型促进 / 中心), no 序号 read; the header's 序号 box reached row 1 and the
    skewed rule under the header lay inside row 1's box, so row 1 was read into the header and the
    list was not read (consortium.size review)."""
    facts, want = _planned_members(tmp_path, 600, 2, ("cover", "members"))
    assert len(want) == 3
    assert _members(facts) == want
    assert facts.consortium_list.value == 3, facts.consortium_list.reason
    got = {r.rule: r for r in run_checks(facts, RULES, None) if r.rule.startswith("consortium.")}
    # a speck read into the contributor's role cell (”开源代码贡献单位) leaves its confidence low: a
    # review for that, not for an unread list
    assert got["consortium.size"].status in ("pass", "review") and "3家" in got["consortium.size"].detail
    assert got["consortium.application_unit"].status == "pass"


def test_family2_member_name_with_a_speck_read_as_a_full_stop_through_ocr(tmp_path):
    """Seed 604 (12 applications), application 8: OCR read a speck inside the second member's name
    cell as 。 (云岫物联科技(重庆)有限。公司): the member was kept with its code but no name."""
    sub, doc = read_planned_pages(tmp_path, 604, 12, 8, ("members",))
    facts = extract_facts([doc])
    want = {m["name"]: (m["uscc"], tuple(m["roles"])) for m in sub.truth["expected"]["consortium"]}
    assert len(want) == 3
    assert _members(facts) == want
    assert facts.consortium_list.value == 3, facts.consortium_list.reason


def test_lead_name_wrapped_in_a_tight_scanned_row_reads_top_line_first(tmp_path):
    """Seed 804 #007 (image PDF): the lead's name wraps in its cell (重庆市澜图数字化转型促进 / 中心) and the
    first line's box reaches into the second's by just over half the second's height, so the two were
    joined left to right (中心重庆市澜图…促进): no lead name, the applicant unnamed (uscc, credit and seal
    rules missing where truth is pass)."""
    sub, doc = read_planned_pages(tmp_path, 804, 12, 6, ("cover", "members"))
    facts = extract_facts([doc])
    lead = next(m for m in sub.truth["expected"]["consortium"] if "lead" in m["roles"])
    assert lead["name"] == "重庆市澜图数字化转型促进中心"
    assert facts.applicant.name.value == lead["name"]
    assert lead["name"] in _members(facts)


def test_next_row_whose_code_ocr_cut_short_is_not_the_leads_wrapped_line(tmp_path):
    """Seed 805 #001 (image PDF): the code contributor's code came back 16 characters long, so its row
    looked code-less and was taken as the lead row's wrapped second line — 事业单位 + 其他有限责任公司
    read as a completed name — and the two names were glued (…研究院重庆市知行…公司): the lead named
    twice, consortium.size review, the applicant's name and code lost."""
    sub, doc = read_planned_pages(tmp_path, 805, 12, 0, ("cover", "members"))
    facts = extract_facts([doc])
    want = {m["name"]: tuple(m["roles"]) for m in sub.truth["expected"]["consortium"]}
    assert {u.name.value: tuple(u.roles) for u in facts.consortium} == want
    assert facts.applicant.name.value == sub.truth["expected"]["applicant"]["name"]


def test_family2_member_row_whose_name_and_code_both_wrapped_through_ocr(tmp_path):
    """Seed 1100 (12 applications), application #003 as its TIFF: a member row whose name and code both
    wrapped came back as two rows (重庆市玉衡开源技术协 | 5150011616550845 | … / 会 | 11 | …): with no
    whole code in the row the lines were not joined, the member table read one row long, its other
    members lost and consortium.size `review` on an application whose members all were there."""
    facts, want = _planned_members(tmp_path, 1100, 2, ("cover", "members", "agreement"), fmt="tiff")
    assert len(want) == 3
    assert _members(facts) == want
    assert facts.consortium_list.value == 3, facts.consortium_list.reason
    got = {r.rule: r.status for r in run_checks(facts, RULES, None) if r.rule.startswith("consortium.")}
    assert got == {"consortium.size": "pass", "consortium.code_contributor": "pass",
                   "consortium.application_unit": "pass"}


def test_family2_member_name_cell_misread_under_a_mark_through_ocr(tmp_path):
    """Seed 1102 (12 applications), application #007: the second member's name cell came back as
    重庆市九章软件服务业商△云 (会 misread, a speck as △): no name, so the row's code and roles made a
    nameless member beside the one the agreement names — three members for two. The cell, despecked,
    is an OCR variant of the agreement's name: one member."""
    facts, want = _planned_members(tmp_path, 1102, 6, ("members", "agreement"))
    assert len(want) == 2
    assert _members(facts) == want
    assert facts.consortium_list.value == 2, facts.consortium_list.reason


def test_family2_signature_slot_seal_note_is_no_part_of_the_name_through_ocr(tmp_path):
    """Seed 1103 (12 applications), application #009 (a Word file with its cover scanned): the cover's
    slot 联合体牵头单位（盖章） | 汇川软件技术（重庆）有限公司 came back as one run with the name's brackets
    lost, read as the unit 盖章）汇川软件技术重庆有限公司 — a third member holding the lead. The seal note
    is cut off: the slot's name is an OCR variant of the lead's and votes for it."""
    (tmp_path / "scan").mkdir()
    (tmp_path / "text").mkdir()
    sub, scan = read_planned_pages(tmp_path / "scan", 1103, 12, 8, ("cover",))
    _, text = read_planned_pages(tmp_path / "text", 1103, 12, 8, ("members", "agreement"), fmt="text_pdf")
    facts = extract_facts([text, scan])
    want = {m["name"]: (m["uscc"], tuple(m["roles"])) for m in sub.truth["expected"]["consortium"]}
    assert len(want) == 2
    assert _members(facts) == want
    got = {r.rule: r.status for r in run_checks(facts, RULES, None) if r.rule.startswith("consortium.")}
    assert got["consortium.size"] == "pass"


def test_family2_cover_name_with_its_last_character_read_twice_through_ocr(tmp_path):
    """Seed 1100 (12 applications), application #001: the cover's 联合体牵头单位（盖章） line, a seal over
    it, came back as ……产业研究院院; the cover outvoted the information table and the applicant's name
    was wrong (its seal, credit and code rules then named another unit)."""
    sub, doc = read_planned_pages(tmp_path, 1100, 12, 0, ("cover", "basic_info"))
    facts = extract_facts([doc])
    assert facts.applicant.name.value == sub.truth["expected"]["applicant"]["name"]
