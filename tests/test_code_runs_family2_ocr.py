"""A member's code wrapped in a scanned table's narrow cell (dev seed 935 #003, TIFF): Tesseract read
5250011050854824。。 / 5R, RapidOCR re-read the cell 520011085824 at 0.91 and the cascade took it (surer):
its CTC decoding folds doubled figures (500110 → 50110), so the code was lost and the member had none
(uscc_valid review: 未找到统一社会信用代码). A longer code run of Tesseract's that holds RapidOCR's in order
stays (`cascade_choice.lost_code_chars`), and the wrapped code is joined over the specks after its first
line (`code_parts.despecked_code`). Through the seed's real TIFF, plus pure tests."""
from __future__ import annotations

from family2_pages import read_planned_submission

from pipeline.extract import extract_facts
from pipeline.extract.code_parts import despecked_code
from pipeline.ocr.cascade_choice import lost_code_chars


def test_lost_code_chars():
    assert lost_code_chars("520011085824", "5250011050854824。。")
    assert not lost_code_chars("5250011050854824", "520011085824")  # RapidOCR's is the longer
    assert not lost_code_chars("520011085824", "5250011099999999")  # not held in order
    assert not lost_code_chars("重庆云岫开源软件", "重庆云册开源软件")  # no code runs
    assert not lost_code_chars("91500118MA6QM60T5U", "91500118MA6QM60T5U0000")  # over 18: not one code


def test_despecked_code_over_two_specks():
    assert despecked_code("5250011050854824。。5R") == "52500110508548245R"
    assert despecked_code("5250011050854824。。5X") is None  # check characters fail: nothing guessed


def test_member_code_wrapped_in_a_scanned_cell_is_kept(tmp_path):
    sub, doc = read_planned_submission(tmp_path, 935, 12, 2)
    assert sub.fmt == "tiff"
    facts = extract_facts([doc])
    want = {m["name"]: m["uscc"] for m in sub.truth["expected"]["consortium"]}
    assert {u.name.value: u.uscc.value for u in facts.consortium} == want
