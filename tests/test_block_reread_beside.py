"""A RapidOCR block re-read (Tesseract boxes overlapping in a wrapped member table) takes in, through
its padded crop, a line beside the block that stays as Tesseract read it; that second reading is
dropped, or the row glues the wrapped name's tail on twice (博远软件技术（重庆）有限公司限公司, family-2
seed 780 application 003, a 7-column member table with wrapped names)."""
from __future__ import annotations

from family2_pages import planned_facts

from pipeline.model import Line
from pipeline.ocr.cascade_gaps import same_ink as _same_ink


def test_wrapped_member_names_read_once(tmp_path):
    exp, facts = planned_facts(tmp_path, 780, 12, 2, ("members", "agreement", "signing", "basic_info"))
    assert sorted(m.name.value for m in facts.consortium) == sorted(m["name"] for m in exp["consortium"])


def _line(box):
    return Line(text="限公司", bbox=box, confidence=0.95)


def test_same_ink_by_the_smaller_box():
    tess = _line((0.152, 0.25, 0.193, 0.26))
    rapid = _line((0.147, 0.246, 0.196, 0.263))  # RapidOCR's box is looser: 49 % of it is Tesseract's
    assert _same_ink(rapid, [tess]) and _same_ink(tess, [rapid])
    assert not _same_ink(_line((0.147, 0.27, 0.196, 0.285)), [tess])  # the next line down
