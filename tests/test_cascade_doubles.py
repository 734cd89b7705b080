"""RapidOCR's CTC decoding reads two like characters side by side as one now and then (1250011032 read
125011032 at 0.99, Tesseract 1250011032 at 0.91; dev seed 1361 #005, image PDF: a member's code wrapped in
prose lost, entity.uscc_valid a review). A run RapidOCR gives one character short of Tesseract's run with that
character doubled is Tesseract's (cascade_choice.restore_doubles). Pure tests and the page through the reader."""
from __future__ import annotations

from pathlib import Path

from pipeline.model import Line, Word
from pipeline.ocr.cascade_choice import restore_doubles

from family2_pages import planned_facts


def _line(text):
    return Line(text=text, bbox=(0.1, 0.1, 0.9, 0.12), confidence=0.99,
                words=(Word(text=text, bbox=(0.1, 0.1, 0.9, 0.12), confidence=0.99),))


def test_a_run_read_with_a_double_collapsed_gets_it_back():
    got = restore_doubles("信用代码；1250011032", _line("信用代码：125011032"))
    assert got.text == "信用代码：1250011032" and got.words[0].text == got.text


def test_other_differences_are_left_to_the_engines_choice():
    for t, r in [("1250011032", "1250011O32"),     # a letter for a digit: not a collapse
                 ("125011032", "125011032"),       # the same
                 ("12500110332", "125011032"),     # two characters short
                 ("1250011032 125011032", "125011032")]:  # Tesseract has the short run too
        assert restore_doubles(t, _line(r)).text == r


def test_a_member_code_wrapped_in_prose_keeps_its_double_zero(tmp_path: Path):
    expected, facts = planned_facts(tmp_path, 1361, 12, 4, ("members",))
    want = {m["name"]: m["uscc"] for m in expected["consortium"]}
    got = {u.name.value: u.uscc.value for u in facts.consortium}
    assert got.get("重庆澜图信息技术产业研究院") == want["重庆澜图信息技术产业研究院"], got
