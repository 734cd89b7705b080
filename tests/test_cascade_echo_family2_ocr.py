"""A cascade crop that read the line next to its own (pipeline/ocr/cascade_echo.py). Dev seed 1420 #008
(TIFF): a transposed targets table whose last header cell wraps (新增知识产权 / （件）); the crop of the
second line's last cell reached into the first and RapidOCR read 新一知识产权 there, spliced in for
Tesseract's right （件）: the doubled name matched nothing and the target 200件 was lost. Pure tests and the
page through the real reader."""
from __future__ import annotations

from family2_pages import planned_facts, read_planned_pages

from pipeline.model import Line, Word
from pipeline.ocr.cascade_echo import echoes_neighbour


def _line(words):
    ws = tuple(Word(text=t, bbox=b, confidence=0.9) for t, b in words)
    box = (min(b[0] for _, b in words), min(b[1] for _, b in words), max(b[2] for _, b in words), max(b[3] for _, b in words))
    return Line(text=" ".join(t for t, _ in words), bbox=box, confidence=0.9, words=ws)


LINES = [_line([("带动就业（人", (0.62, 0.157, 0.72, 0.173)), ("新增知识产权", (0.75, 0.157, 0.84, 0.173))]),
         _line([("数）（人）", (0.62, 0.173, 0.73, 0.19)), ("（件）", (0.76, 0.174, 0.80, 0.19))])]
BOX = (0.739 * 1000, 0.166 * 1000, 0.851 * 1000, 0.192 * 1000)  # pixels of a 1000 x 1000 page


def test_a_reading_of_the_line_above_is_an_echo():
    assert echoes_neighbour("新一知识产权", "（件）", BOX, 1, LINES, 1000, 1000)


def test_a_reading_like_its_own_words_is_no_echo():
    assert not echoes_neighbour("（件）", "（件）", BOX, 1, LINES, 1000, 1000)
    assert not echoes_neighbour("新增知识产权", "新增知识产杈", BOX, 1, LINES, 1000, 1000)  # the row repeats the one above
    assert not echoes_neighbour("件）", "（件）", BOX, 1, LINES, 1000, 1000)  # too short to tell


def test_wrapped_header_cell_keeps_its_unit_and_the_target_is_read_through_ocr(tmp_path):
    exp, facts = planned_facts(tmp_path, 1420, 12, 7, ("cover", "targets"), "tiff")
    want = {t["indicator"]: (t["value"], t["unit"]) for t in exp["targets"]}
    got = {t.indicator: (t.value, t.unit) for t in facts.targets}
    assert got == want, got


def test_no_line_repeats_the_header_above_through_ocr(tmp_path):
    _, doc = read_planned_pages(tmp_path, 1420, 12, 7, ("cover", "targets"), "tiff")
    text = "\n".join(ln.text for p in doc.pages for ln in p.lines)
    assert text.count("知识产权") == 1, text
