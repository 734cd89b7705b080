"""Dot leaders left out of a page's mean confidence (pipeline/ocr/leaders.py). Tesseract reads a 目录 page's
leader dots as long runs of a few characters at ~0 confidence; counted in, they sank a page read right to 0.30
(dev seed 1401 #008, the bundle's 300-dpi JPEG contents page): OSD, a second Tesseract read turned 180° and a
RapidOCR read of the whole page followed, ~1.4 s of CPU for a page whose raw Tesseract read costs ~0.5 s.
Pure tests, and the planned contents page of 1401 #008 rendered and read by the real cascade."""
from __future__ import annotations

from pathlib import Path

from pipeline.model import Line, Word
from pipeline.ocr import cascade, tesseract
from pipeline.ocr.leaders import is_leader, page_confidence
from pipeline.ocr.tesseract import mean_confidence

from family2_pages import planned_facts


def _line(*words: tuple[str, float]) -> Line:
    box = (0.1, 0.1, 0.9, 0.12)
    ws = tuple(Word(text=t, bbox=box, confidence=c) for t, c in words)
    text = "".join(t for t, _ in words)
    conf = sum(c * len(t) for t, c in words) / len(text)
    return Line(text=text, bbox=box, confidence=conf, words=ws)


def test_leader_runs_are_told_from_text_codes_and_dates():
    for t in ["seeeeeeeeereooereooeooeooeoooooooooooooooooooooooooo", "……………………………………", "·········.··········"]:
        assert is_leader(t), t
    for t in ["2020-07-07", "91500119MAH6L5H50C", "13800000000", "10000000", "、申报单位基本情况表", "……5",
              "法定代表人或授权代表（签字）：法定代表人或授权代表（签字）："]:
        assert not is_leader(t), t


def test_page_confidence_leaves_leaders_out_and_is_the_old_mean_without_them():
    plain = [_line(("、申报单位基本情况表", 0.94)), _line(("联合", 0.22), ("体", 0.91), ("成员", 0.3))]
    assert abs(page_confidence(plain) - mean_confidence(plain)) < 1e-9
    toc = plain + [_line(("seeeeoeoeoeooeooeooeoeoooeoooeooooooeoooe", 0.0)),
                   _line(("、建设运营方案", 0.92), ("……………………………………", 0.0))]
    assert mean_confidence(toc) < 0.4
    assert abs(page_confidence(toc) - mean_confidence(plain + [_line(("、建设运营方案", 0.92))])) < 1e-9
    assert page_confidence([_line(("seeeeoeoeoeooeooeooeo", 0.0))]) == 0.0


def test_a_contents_page_read_right_is_neither_turned_nor_read_whole(tmp_path: Path, monkeypatch):
    calls: list[str] = []
    whole, osd = cascade.CascadeEngine._whole_page, tesseract.TesseractEngine.orientation
    monkeypatch.setattr(cascade.CascadeEngine, "_whole_page", lambda self, *a: calls.append("whole") or whole(self, *a))
    monkeypatch.setattr(tesseract.TesseractEngine, "orientation", lambda self, g: calls.append("osd") or osd(self, g))
    expected, facts = planned_facts(tmp_path, 1401, 8, 7, ("toc",))
    assert calls == []
    # the contents page names the plan sections and the lease contract: neither is a section or the site's tenure
    assert all(f.value is None for f in facts.plan_sections.values()), facts.plan_sections
    assert facts.site.tenure.value is None, facts.site.tenure
