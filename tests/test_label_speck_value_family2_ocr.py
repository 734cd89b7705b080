"""A scan's speck between a label and its value cell is no value (dev seed 932 #004, image PDF): 机构性质 read
机构性质· | 其他有限责任公司 took "·" as the declared 单位性质, found no type in it, and the type came from the
code's positions 1–2 at the code label's confidence 0.65 (entity.type_allowed review). A rest of only
specks (labels.yaml line_specks) after a label sends the reading on to the next cell."""
from __future__ import annotations

from pathlib import Path

from pipeline.checks.rules import load_rules
from pipeline.extract.fields import labelled
from pipeline.extract.layout import layouts
from pipeline.model import Document, Line, Page

from family2_pages import planned_facts


def test_declared_type_after_a_speck_is_read(tmp_path: Path):
    expected, facts = planned_facts(tmp_path, 932, 12, 3, ("basic_info",))
    et = facts.applicant.entity_type
    assert facts.applicant.declared_type_text == expected["applicant"]["declared_type_text"]
    assert et.value == expected["applicant"]["entity_type"]
    assert et.confidence >= load_rules().thresholds.low_confidence, et


def test_speck_after_a_label_is_no_value():
    line = Line(text="机构性质· 其他有限责任公司", bbox=(0.1, 0.1, 0.5, 0.12), confidence=0.95, engine="tesseract",
                words=())
    page = Page(file="a.pdf", number=1, width=2480, height=3508, source="ocr", lines=(line,))
    pages = layouts([Document(file="a.pdf", sha256="0" * 64, kind="pdf", pages=(page,), page_count=1)])
    got = [f.value for f in labelled(pages, "entity_type", lambda v: v or None)]
    assert got and "·" not in got[0]
