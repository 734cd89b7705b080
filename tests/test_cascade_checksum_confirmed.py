"""A code kept for its checksum keeps a confidence that says so (dev seed 1472 #08, family 1, JPEG folder): the
cascade chose Tesseract's 125001549976781039 (valid) over RapidOCR's 1250015499781039 (two characters dropped) by
the uscc_checksum rule, but the code's word stayed at Tesseract's 0.15, and entity.uscc_valid was a review of a
code read right. Both engines saw the code; the two check characters confirm the whole one. Through the planned
page read by the real cascade, and on lines."""
from __future__ import annotations

from pipeline.checks.rules import load_rules
from pipeline.checks.unit_rules import check_uscc_valid
from pipeline.model import Line, Word
from pipeline.ocr.cascade_choice import checksum_confirmed

from family1_pages import planned_facts

CODE = "125001549976781039"


def test_member_code_kept_by_its_checksum_passes(tmp_path):
    expected, facts = planned_facts(tmp_path, 1472, 8, ("members",))
    unit = next(m for m in facts.consortium if m.uscc.value == CODE)
    assert check_uscc_valid(unit, "成员", load_rules()).status == "pass"
    assert sorted(m.uscc.value for m in facts.consortium) == sorted(m["uscc"] for m in expected["consortium"])


def _line(code_text: str) -> Line:
    words = (Word(text="重庆市鸿图工业互联网创新中心", bbox=(0.1, 0.1, 0.4, 0.12), confidence=0.95),
             Word(text=code_text, bbox=(0.45, 0.1, 0.66, 0.12), confidence=0.15))
    return Line(text="".join(w.text for w in words), bbox=(0.1, 0.1, 0.66, 0.12), confidence=0.54, words=words)


def test_only_a_valid_code_the_other_engine_also_read_is_confirmed():
    got = checksum_confirmed(_line(CODE), "重庆市鸿图工业互联网创新中心 1250015499781039", 0.9)
    assert got.words[1].confidence == 0.9 and got.words[0].confidence == 0.95
    # the other engine read another code, or three characters fewer: no agreement to rest on
    for other in ("重庆市鸿图 9150011231765003NX", "重庆市鸿图 125001549981039"):
        assert checksum_confirmed(_line(CODE), other, 0.9).words[1].confidence == 0.15
    # an invalid code is never confirmed
    bad = CODE[:-1] + "8"
    assert checksum_confirmed(_line(bad), f"x {bad}", 0.9).words[1].confidence == 0.15
