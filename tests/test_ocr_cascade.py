"""Cascade engine: real Tesseract then real RapidOCR on rendered pages; which crops it re-reads."""
from __future__ import annotations

import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.ocr_pages import render_page  # noqa: E402
from pipeline.ocr import cascade, rapid  # noqa: E402
from pipeline.ocr.base import RasterPage, get_engine  # noqa: E402
from pipeline.ocr.tesseract import TesseractEngine  # noqa: E402


def squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass
class CountingRecogniser:
    """Wraps rapid.read_crops: counts calls and crops, keeps the crops' shapes."""

    calls: int = 0
    crops: list = field(default_factory=list)

    def __call__(self, crops):
        self.calls += 1
        self.crops.extend(c.shape for c in crops)
        return rapid.read_crops(crops)


@dataclass
class SpyTesseract(TesseractEngine):
    """The real Tesseract engine; keeps the lines it returned, optionally drops some (fault injection)."""

    drop_prefix: str = ""
    seen: list = field(default_factory=list)

    def read_lines(self, page):
        lines, rotation, rgb = super().read_lines(page)
        if self.drop_prefix:
            lines = [ln for ln in lines if not squash(ln.text).startswith(self.drop_prefix)]
        self.seen = lines
        return lines, rotation, rgb


@pytest.fixture(scope="module")
def sample():
    return render_page(11, dpi=200)


@pytest.fixture(scope="module")
def run(sample):
    rec = CountingRecogniser()
    tess = SpyTesseract()
    eng = cascade.CascadeEngine(tesseract=tess, recognise=rec)
    page = eng.read(RasterPage("form.jpg", 1, sample.image, dpi=200))
    return page, eng, rec, tess


def test_key_values_come_back_exactly(sample, run):
    page, *_ = run
    texts = [ln.text for ln in page.lines]
    f = sample.facts
    assert f"统一社会信用代码：{f['uscc']}" in texts
    assert f"申报单位名称：{f['unit']}" in texts
    assert f"申报日期：{f['date']}" in texts
    assert f"场地租赁期限：{f['lease']}" in texts
    assert page.engine == "cascade"
    assert {ln.engine for ln in page.lines} <= {"tesseract", "rapidocr"}
    assert {ln.engine for ln in page.lines} == {"tesseract", "rapidocr"}  # both engines contributed


def test_table_and_text_under_seal(sample, run):
    page, *_ = run
    texts = [squash(ln.text) for ln in page.lines]
    for t in sample.lines:
        if t.kind in ("table", "signature"):
            assert squash(t.text) in texts, t.text
    assert "申报专用章" not in "".join(texts)


def test_rapidocr_reads_only_the_crops_it_should(sample, run):
    page, eng, rec, tess = run
    cfg = cascade.settings()
    assert rec.calls == 1  # one batched recognition call per page
    reread = {d.index for d in eng.decisions}
    # Re-read: key facts and table rows, whatever Tesseract's confidence.
    for t in sample.lines:
        if t.kind == "table" or t.text.startswith(("统一社会信用代码", "申报单位名称", "申报日期", "场地租赁期限")):
            i = next(i for i, ln in enumerate(tess.seen) if ln.bbox[1] <= (t.box[1] + t.box[3]) / 2 / sample.image.shape[0] <= ln.bbox[3])
            assert i in reread, t.text
    # Not re-read: confident lines with no key fact (phone, legal representative, the paragraph).
    checked = 0
    for i, ln in enumerate(tess.seen):
        s = squash(ln.text)
        if s.startswith(("联系电话", "法定代表人:", "本单位承诺", "不少于三年")) and ln.confidence >= cfg["line_confidence"] \
                and min(w.confidence for w in ln.words) >= cfg["word_confidence"]:
            assert i not in reread, ln.text
            assert page.lines[[squash(x.text) for x in page.lines].index(s)].engine == "tesseract"
            checked += 1
    assert checked >= 1
    # Every re-read line had a reason, and a low-confidence reason is true of Tesseract's line.
    for d in eng.decisions:
        assert d.why
        if "low_confidence" in d.why:
            ln = tess.seen[d.index]
            assert ln.confidence < cfg["line_confidence"] or min(w.confidence for w in ln.words) < cfg["word_confidence"]
    # One crop per re-read line, one per cell for table rows (5 columns); lines in an overlapping
    # block go to RapidOCR detection instead.
    tables = sum("table" in d.why for d in eng.decisions)
    assert tables == 7
    cropped = [d for d in eng.decisions if "block" not in d.why]
    assert len(rec.crops) == sum(5 if "table" in d.why else 1 for d in cropped)
    assert len(reread) < len(tess.seen)


def test_low_confidence_only_reads_fewer_crops(sample, run):
    _, eng_all, rec_all, _ = run
    rec = CountingRecogniser()
    eng = cascade.CascadeEngine(recognise=rec, key_facts=False, tables=False)
    page = eng.read(RasterPage("form.jpg", 1, sample.image, dpi=200))
    assert all(d.why == ("low_confidence",) for d in eng.decisions)
    assert 0 < len(eng.decisions) < len(eng_all.decisions)
    assert {d.index for d in eng.decisions} < {d.index for d in eng_all.decisions}
    assert len(eng.decisions) <= len(rec.crops) < len(rec_all.crops)  # table rows still go cell by cell
    assert squash(f"申报单位（盖章）：{sample.facts['unit']}") in [squash(ln.text) for ln in page.lines]


def test_dropped_line_is_recovered_by_gap_fill(sample):
    """Tesseract loses the USCC line (injected); the uncovered ink goes to RapidOCR detection."""
    tess = SpyTesseract(drop_prefix="统一社会信用代码")
    eng = cascade.CascadeEngine(tesseract=tess)
    page = eng.read(RasterPage("form.jpg", 1, sample.image, dpi=200))
    assert not any(squash(ln.text).startswith("统一社会信用代码") for ln in tess.seen)
    assert len(eng.gap_regions) == 1
    line = next(ln for ln in page.lines if ln.text.startswith("统一社会信用代码"))
    assert line.text == f"统一社会信用代码：{sample.facts['uscc']}" and line.engine == "rapidocr"
    order = [ln.text for ln in page.lines]
    assert order.index(line.text) == 2  # back in its place: heading, unit name, USCC


def test_page_tesseract_cannot_read_goes_whole_to_rapidocr(sample):
    """When most lines are low-confidence (forced here by a threshold above 1), RapidOCR reads the page."""
    rec = CountingRecogniser()
    eng = cascade.CascadeEngine(line_confidence=1.01, recognise=rec)
    page = eng.read(RasterPage("form.jpg", 1, sample.image, dpi=200))
    assert rec.calls == 0
    assert [d.rule for d in eng.decisions] == ["full_page_fraction"]
    assert {ln.engine for ln in page.lines} == {"rapidocr"}
    assert f"统一社会信用代码：{sample.facts['uscc']}" in [ln.text for ln in page.lines]


def test_upside_down_page(sample):
    turned = np.ascontiguousarray(sample.image[::-1, ::-1])
    page = get_engine("cascade").read(RasterPage("flipped.jpg", 2, turned, dpi=200))
    assert page.rotation == 180
    assert f"统一社会信用代码：{sample.facts['uscc']}" in [ln.text for ln in page.lines]
    assert page.lines[0].text == "重庆市揭榜挂帅项目申报书"


def test_choose_rules():
    good, bad = "91500000MA5UA3W18Q", "91500000MA5UA3WI8Q"
    # USCC checksum beats confidence, both ways.
    assert cascade.choose(f"统一社会信用代码:{bad}", 0.95, f"统一社会信用代码：{good}", 0.60) == ("rapidocr", "uscc_checksum")
    assert cascade.choose(f"统一社会信用代码:{good}", 0.70, f"统一社会信用代码：{bad}", 0.99) == ("tesseract", "uscc_checksum")
    # A known label beats an unknown one.
    assert cascade.choose("法定代表人(签字冯:", 0.69, "法定代表人（签字）：", 0.50) == ("rapidocr", "known_label")
    # Otherwise the higher confidence; an empty reading never wins.
    assert cascade.choose("3示范应用场景作", 0.85, "3 示范应用场景 个", 0.99) == ("rapidocr", "confidence")
    assert cascade.choose("本单位承诺", 0.95, "本単位承诺", 0.90) == ("tesseract", "confidence")
    assert cascade.choose("日期:2026年", 0.40, "  ", 0.0) == ("tesseract", "empty")


def test_unreliable_blocks_group_overlapping_boxes():
    from pipeline.model import Line

    def line(y0, y1, x0=0.1, x1=0.5):
        return Line(text="x", bbox=(x0, y0, x1, y1), confidence=0.5)

    lines = [line(0.10, 0.12), line(0.50, 0.54), line(0.53, 0.57), line(0.56, 0.58, 0.45, 0.9), line(0.70, 0.72)]
    assert cascade.unreliable_blocks(lines, [2]) == [[1, 2, 3]]
    assert cascade.unreliable_blocks(lines, [0, 4]) == []


def test_crop_rules_erased():
    img = np.full((40, 200), 255, np.uint8)
    img[:, 10:13] = 0  # a cell border through the whole crop
    img[12:28, 60:64] = 0  # a glyph stroke, shorter than the crop
    out = cascade.erase_crop_rules(img)
    assert out[:, 10:13].min() == 255 and out[12:28, 60:64].max() == 0
