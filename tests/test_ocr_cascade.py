"""Cascade engine: real Tesseract then real RapidOCR on rendered pages; which crops it re-reads."""
from __future__ import annotations

import re
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

    def read_page_lines(self, page):
        got = super().read_page_lines(page)
        lines = got.lines
        if self.drop_prefix:
            lines = [ln for ln in lines if not squash(ln.text).startswith(self.drop_prefix)]
        self.seen = lines
        return got._replace(lines=lines)


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
    engines = {ln.engine for ln in page.lines}
    assert engines <= {"tesseract", "rapidocr", "tesseract+rapidocr"}
    assert "tesseract" in engines and engines & {"rapidocr", "tesseract+rapidocr"}  # both engines contributed


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
    threshold = cfg["windows"]["word_confidence"]
    assert rec.calls == 1  # one batched recognition call per page
    reread = {d.index for d in eng.decisions}
    h, w = sample.image.shape[:2]

    def uncertain(ln):
        return min(wd.confidence for wd in ln.words) < threshold

    def line_of(t):
        return next(i for i, ln in enumerate(tess.seen) if ln.bbox[1] <= (t.box[1] + t.box[3]) / 2 / h <= ln.bbox[3])

    # Re-read: key facts and table rows that hold a word Tesseract doubts, however confident the line.
    checked = 0
    for t in sample.lines:
        if t.kind == "table" or t.text.startswith(("统一社会信用代码", "申报单位名称", "申报日期", "场地租赁期限")):
            i = line_of(t)
            if uncertain(tess.seen[i]):
                assert i in reread, t.text
                checked += 1
    assert checked >= 3
    # Not re-read: lines where Tesseract doubts no word (key fact or not) and, if a table row, holds
    # no value cell (cascade.yaml table_value_cells: a misread digit changes a value): kept as read.
    value = re.compile(cfg["table_value_cells"])
    table_rows = {d.index for d in eng.decisions if "table" in d.why}
    kept = 0
    for i, ln in enumerate(tess.seen):
        if i in table_rows and value.search(ln.text):
            continue
        if not uncertain(ln) and i not in {j for d in eng.decisions if "block" in d.why for j in [d.index]}:
            assert i not in reread, ln.text
            assert squash(ln.text) in [squash(x.text) for x in page.lines if x.engine == "tesseract"]
            kept += 1
    assert kept >= 1
    # Every re-read line had a reason, and a low-confidence reason is true of Tesseract's line.
    for d in eng.decisions:
        assert d.why
        if "low_confidence" in d.why:
            ln = tess.seen[d.index]
            assert ln.confidence < cfg["line_confidence"] or min(wd.confidence for wd in ln.words) < cfg["word_confidence"]
    # Crops are windows round doubted words, not whole lines: less ink width than the lines they
    # came from, and at least one crop per cropped decision.
    cropped = [d for d in eng.decisions if "block" not in d.why]
    assert len(rec.crops) >= len(cropped) >= 1
    crop_width = sum(shape[1] for shape in rec.crops)
    line_width = sum((tess.seen[d.index].bbox[2] - tess.seen[d.index].bbox[0]) * w for d in cropped)
    assert crop_width < 0.8 * line_width
    assert len(reread) < len(tess.seen)


def test_windows_off_reads_whole_lines_and_every_cell(sample, run):
    """The first cascade (windows: false) cropped whole lines and every table cell: more crops,
    wider ones, the same key values."""
    _, eng_win, rec_win, _ = run
    rec = CountingRecogniser()
    eng = cascade.CascadeEngine(recognise=rec, windows=False)
    page = eng.read(RasterPage("form.jpg", 1, sample.image, dpi=200))
    assert sum(s[1] for s in rec.crops) > 1.5 * sum(s[1] for s in rec_win.crops)
    assert len(eng.decisions) > len(eng_win.decisions)
    assert f"统一社会信用代码：{sample.facts['uscc']}" in [ln.text for ln in page.lines]


def _words(spec):
    from pipeline.model import Word

    return [Word(text=t, bbox=(0.1 * k, 0.1, 0.1 * k + 0.08, 0.12), confidence=c) for k, (t, c) in enumerate(spec)]


def test_word_windows_widen_and_merge():
    words = _words([("注册", .96), ("地址", .95), (":", .9), ("金开", .93), ("大道", .92), ("丁", .91), ("段", .61),
                    ("106", .92), ("号", .95)])
    assert cascade.word_windows(words, 0.9, 1) == [(5, 7)]
    # At 0.92 the colon (0.90) and 丁 (0.91) are doubted too: windows round :, 丁 and 段 touch and merge.
    assert cascade.word_windows(words, 0.92, 1) == [(1, 7)]
    assert cascade.word_windows(words, 0.92, 0) == [(2, 2), (5, 6)]
    assert cascade.word_windows(words, 0.5, 1) == []


def test_between_context_keeps_only_the_middle():
    # The crop held 道 | 丁段106 | 号; RapidOCR reads 道西段106号 → only the middle is taken.
    assert cascade.between_context("道西段106号", "道", "丁段106", "号") == "西段106"
    # A cut clipped the left neighbour away: the reading starts at the middle.
    assert cascade.between_context("单位（盖章）：重庆", "申报", "单位〈盖章):", "重庆") == "单位（盖章）："
    # A cut let half a neighbour in, read as a repeat: it stays with the neighbour.
    assert cascade.between_context("云云数信息", "云", "数信", "息") == "数信"
    # No context: the whole reading.
    assert cascade.between_context("2025年6月", "", "2O25年6月", "") == "2025年6月"


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
    """When the page's mean confidence is below full_page_confidence (forced here by a threshold above 1), RapidOCR reads the page."""
    rec = CountingRecogniser()
    eng = cascade.CascadeEngine(full_page_confidence=1.01, recognise=rec)
    page = eng.read(RasterPage("form.jpg", 1, sample.image, dpi=200))
    assert rec.calls == 0
    assert [d.rule for d in eng.decisions] == ["full_page_confidence"]
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
    # A reading that lost only the colon still has its known label: confidence decides.
    assert cascade.choose("申报单位（盖章）：重庆沙坪坝区智感城市科技有限公司", 0.84,
                          "申报单位（盖章）重庆沙坪坝区智慧城市科技有限公司", 0.99) == ("rapidocr", "confidence")
    # Otherwise the higher confidence; an empty reading never wins.
    assert cascade.choose("3示范应用场景作", 0.85, "3 示范应用场景 个", 0.99) == ("rapidocr", "confidence")
    assert cascade.choose("本单位承诺", 0.95, "本単位承诺", 0.90) == ("tesseract", "confidence")
    assert cascade.choose("日期:2026年", 0.40, "  ", 0.0) == ("tesseract", "empty")


def test_restore_colon_after_a_known_label():
    from pipeline.model import Line

    r = Line(text="申报单位（盖章）重庆沙坪坝区智慧城市科技有限公司", bbox=(0, 0, 1, 1), confidence=0.99)
    fixed = cascade.restore_colon("申报单位(盖章):重庆沙坪坝区智感城市科技有限公司", r)
    assert fixed.text == "申报单位（盖章）：重庆沙坪坝区智慧城市科技有限公司"
    assert cascade.restore_colon("本单位承诺", r) is r  # Tesseract saw no known label: unchanged


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


def test_gap_read_inside_a_line_already_read_is_dropped():
    """The gap filler's padded crop took in a read line's end and read it again (辰信息技术产业研究院
    inside 申报单位（盖章） 重庆北辰信息技术产业研究院): dropped; a read beside the line is kept."""
    from pipeline.model import Line
    from pipeline.ocr.cascade_gaps import read_already as _read_already

    read = [Line(text="申报单位（盖章） 重庆北辰信息技术产业研究院", bbox=(0.106, 0.484, 0.661, 0.507), confidence=0.96)]
    again = Line(text="辰信息技术产业研究院", bbox=(0.450, 0.485, 0.669, 0.506), confidence=1.0)
    below = Line(text="统一社会信用代码", bbox=(0.105, 0.521, 0.300, 0.536), confidence=0.9)
    beside = Line(text="（公章）", bbox=(0.640, 0.484, 0.760, 0.507), confidence=0.9)
    assert _read_already(again, read)
    assert not _read_already(below, read) and not _read_already(beside, read)
