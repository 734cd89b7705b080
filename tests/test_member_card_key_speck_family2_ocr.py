"""A member card's code key wrapped over two lines with a speck before its second line (dev seed 1520
#003, TIFF): 机构代码（统一社会信 / ”用代码） joined into 15 characters, over the 14 a key may have, so the
row was no key and the member's code was lost (uscc_valid review: 未找到统一社会信用代码). Specks are no
part of a key (`member_list.column_of`). Through the seed's real TIFF, plus a pure test."""
from __future__ import annotations

from family2_pages import read_planned_submission

from pipeline.extract import extract_facts
from pipeline.extract.member_list import column_of


def test_specks_inside_a_key_are_no_part_of_it():
    assert column_of("机构代码(统一社会信”用代码)") == "uscc"
    assert column_of("机构代码(统一社会信用代码)。") == "uscc"
    assert column_of("。") is None


def test_card_code_under_a_specked_wrapped_key(tmp_path):
    sub, doc = read_planned_submission(tmp_path, 1520, 12, 2)
    facts = extract_facts([doc])
    want = {m["name"]: m["uscc"] for m in sub.truth["expected"]["consortium"]}
    assert {u.name.value: u.uscc.value for u in facts.consortium} == want
