"""Table cells from the page's ruled lines (issue 15): target tables whose cells sit so close to the
rules that OCR reads a row as one run across its columns (1孵化开源项目≥40, 不少于0.12万人), as on
the scanned family-2 booklets. Pure tests of the splitting functions, then real rendered, scanned
and OCRed pages (Tesseract and the cascade) in the table shapes of family 2: a target table with a
序号 column and units after the value, and a transposed table."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pages import font, scan
from pipeline.checks.rules import load_rules
from pipeline.extract import extract_facts
from pipeline.extract.layout import page_layout
from pipeline.grid import cell_groups, column_cuts, cut_line
from pipeline.model import Document, Line, Ruling, Word
from pipeline.ocr.base import RasterPage, get_engine
from pipeline.ocr.preprocess import prepare_for_ocr
from pipeline.ocr.rulings import find_rulings
from pipeline.process import indicator_specs

DPI = 200
S = DPI / 300
RULES = load_rules()


# --- pure functions -------------------------------------------------------------------------

def V(x, y0=0.1, y1=0.5):
    return Ruling(axis="v", at=x, start=y0, end=y1)


def test_column_cuts_only_rules_crossing_the_line():
    rules = [V(0.1), V(0.5), V(0.7, 0.6, 0.9), Ruling(axis="h", at=0.3, start=0.0, end=1.0), V(0.95)]
    # 0.1 lies at the line's edge (not inside), 0.7 is in another table, 0.95 beyond the line
    assert column_cuts(rules, (0.1, 0.2, 0.9, 0.22)) == [0.5]
    assert column_cuts(rules, (0.05, 0.45, 0.9, 0.6)) == []  # the rule covers too little of the line


def test_a_word_read_across_a_rule_is_cut_there():
    # 孵化开源项目≥40 read as one word over name and value cells; the rule stands after 项目
    w = Word(text="孵化开源项目≥40", bbox=(0.20, 0.2, 0.20 + 6 * 0.02 + 3 * 0.55 * 0.02, 0.22), confidence=0.9)
    groups = cell_groups([w], [0.20 + 6 * 0.02 + 0.002])
    assert ["".join(p.text for p in g) for g in groups] == ["孵化开源项目", "≥40"]
    assert groups[0][0].bbox[2] <= groups[1][0].bbox[0]


def test_a_box_reaching_over_a_rule_by_slack_is_not_cut():
    # RapidOCR's crop box of ≥120 reaches a little left of the rule: the word stays whole, right of it
    words = [Word(text="1入驻企业数量", bbox=(0.15, 0.2, 0.43, 0.22), confidence=0.9),
             Word(text="≥120", bbox=(0.44, 0.2, 0.60, 0.22), confidence=0.9),
             Word(text="家", bbox=(0.65, 0.2, 0.67, 0.22), confidence=0.9)]
    groups = cell_groups(words, [0.497, 0.64])
    assert [[p.text for p in g] for g in groups] == [["1入驻企业数量"], ["≥120"], ["家"]]


def test_words_of_one_cell_stay_together_and_lines_without_rules_are_untouched():
    words = [Word(text="不", bbox=(0.51, 0.2, 0.53, 0.22), confidence=0.9),
             Word(text="低于", bbox=(0.535, 0.2, 0.57, 0.22), confidence=0.9),
             Word(text="24", bbox=(0.575, 0.2, 0.6, 0.22), confidence=0.9)]
    assert [[p.text for p in g] for g in cell_groups(words, [0.5, 0.64])] == [["不", "低于", "24"]]
    line = Line(text="不低于24", bbox=(0.51, 0.2, 0.6, 0.22), confidence=0.9, words=tuple(words))
    assert cut_line(line, []) == (line, [])


# --- rendered pages ---------------------------------------------------------------------------

def tight_table(d, x0, y0, widths, h, rows):
    """A ruled table whose text nearly touches the rules: text in a cell ends (or starts) 6 px from
    its rule, so the gap between two cells' texts is about as wide as one between characters."""
    y = y0
    for row in rows:
        x = x0
        for c, (w, cell) in enumerate(zip(widths, row)):
            d.rectangle([int(x * S), int(y * S), int((x + w) * S), int((y + h) * S)], outline="black", width=3)
            f = font(int(44 * S))
            tw = d.textlength(cell, font=f)
            # odd columns right-aligned, even ones left-aligned: text meets text across the rules
            tx = int((x + w) * S) - 9 - tw if c % 2 else int(x * S) + 9
            d.text((tx, int((y + (h - 44) / 2) * S)), cell, font=f, fill="black")
            x += w
        y += h
    return y


def blank():
    img = Image.new("RGB", (int(2480 * S), int(3508 * S)), "white")
    return img, ImageDraw.Draw(img)


def targets_page():
    img, d = blank()
    d.text((int(900 * S), int(250 * S)), "揭榜任务目标", font=font(int(60 * S)), fill="black")
    tight_table(d, 230, 420, [130, 760, 380, 300, 400], 110,
                [["序号", "考核指标", "目标值", "计量单位", "完成时限"],
                 ["1", "孵化开源项目", "≥40", "个", "实施期末"],
                 ["2", "社区开发者人数", "不少于0.12", "万人", "2028年底"],
                 ["3", "代码贡献者（人数）", "不低于100", "名", "2029年6月"],
                 ["4", "年均举办开源技术活动", "24", "场次", "2028年底"]])
    return img


def transposed_page():
    img, d = blank()
    d.text((int(700 * S), int(250 * S)), "建设目标表", font=font(int(60 * S)), fill="black")
    tight_table(d, 120, 420, [240, 480, 480, 480, 480], 120,
                [["指标", "入驻企业数量", "孵化场地面积", "年度创新创业活动", "带动就业人数"],
                 ["单位", "家", "平方米", "场", "人"],
                 ["目标值", "≥45", "5200", "不少于24", "380"]])
    return img


WANT_OPEN = {"开源项目数量": (40, "个"), "社区开发者人数": (1200, "人"), "代码贡献者人数": (100, "人"),
             "年度开源活动": (24, "场")}
WANT_TRANSPOSED = {"入驻企业数量": (45, "家"), "孵化场地面积": (5200, "平方米"), "年度创新创业活动": (24, "场"),
                   "带动就业人数": (380, "人")}


def read(engine, img):
    return engine.read(RasterPage(file="b.tif", number=1, image=np.asarray(scan(img, angle=0.4, seed=3).convert("RGB")),
                                  dpi=DPI))


def targets_of(page):
    d = Document(file="b.tif", sha256="0" * 64, kind="tiff", pages=(page,), page_count=1)
    return {t.indicator: (t.value, t.unit) for t in extract_facts([d], indicators=indicator_specs(RULES)).targets}


def test_rulings_found_on_a_scanned_table():
    grey, _ = prepare_for_ocr(np.asarray(scan(targets_page(), angle=0.4, seed=3).convert("RGB")), DPI)
    raw, _ = prepare_for_ocr(np.asarray(scan(targets_page(), angle=0.4, seed=3).convert("RGB")), DPI, erase_rules=False)
    assert find_rulings(grey, DPI) == ()  # erased grey: nothing left
    rulings = find_rulings(raw, DPI)
    xs = sorted(r.at for r in rulings if r.axis == "v")
    want = [x * S / (2480 * S) for x in (230, 360, 1120, 1500, 1800, 2200)]
    assert len(xs) == 6 and all(abs(a - b) < 0.006 for a, b in zip(xs, want)), xs
    assert sum(r.axis == "h" for r in rulings) == 6


@pytest.mark.parametrize("engine_name", ["tesseract", "cascade"])
def test_tight_target_table_read_cell_by_cell(engine_name):
    page = read(get_engine(engine_name), targets_page())
    assert page.rulings, "the reading stage keeps the table's rules"
    rows = [[c.text for c in row] for row in page_layout(page).rows]
    # value and unit in cells of their own, not one run with the indicator (社区开发者人数不少于0.12)
    assert any(r[k:k + 3] == ["社区开发者人数", "不少于0.12", "万人"] for r in rows for k in range(len(r))), rows
    assert targets_of(page) == WANT_OPEN


@pytest.mark.parametrize("engine_name", ["tesseract", "cascade"])
def test_tight_transposed_table_read_cell_by_cell(engine_name):
    page = read(get_engine(engine_name), transposed_page())
    assert targets_of(page) == WANT_TRANSPOSED


def test_a_reading_over_two_cells_is_cut_at_its_space():
    # one RapidOCR reading of a crop over the 序号 and name cells: the proportional cut would fall
    # inside 重庆, the space beside it is the boundary
    w = Word(text="1 重庆云帆科技有限公司", bbox=(0.088, 0.2, 0.293, 0.22), confidence=0.9)
    groups = cell_groups([w], [0.131])
    assert ["".join(p.text for p in g) for g in groups] == ["1", "重庆云帆科技有限公司"]


def test_a_row_number_centred_in_its_column_is_cut_where_figures_turn_to_chinese():
    # 3每年举办创新创业活动 read over the 序号 and name cells: the 3 stands mid-column, so the share
    # by width puts the rule after 每年; the turn from the figure to Chinese is the boundary
    w = Word(text="3每年举办创新创业活动", bbox=(0.098, 0.258, 0.486, 0.274), confidence=0.9)
    groups = cell_groups([w], [0.104, 0.174])
    assert ["".join(p.text for p in g) for g in groups] == ["3", "每年举办创新创业活动"]


def test_a_cut_between_chinese_cells_is_not_moved_to_a_figure_inside_one():
    # the turn moves a cut only to end a run of figures (a 序号 or code cell), never into a date
    w = Word(text="2026年12月31日下一格内容", bbox=(0.1, 0.2, 0.486, 0.22), confidence=0.9)
    groups = cell_groups([w], [0.3])
    assert "".join(p.text for p in groups[0]) in ("2026年12月31", "2026年12月31日")
    w = Word(text="入驻企业数量孵化场地", bbox=(0.1, 0.2, 0.5, 0.22), confidence=0.9)
    assert ["".join(p.text for p in g) for g in cell_groups([w], [0.34])] == ["入驻企业数量", "孵化场地"]


def test_numbered_targets_whose_list_mark_ocr_dropped():
    """1托管开源项目(含孵化)不低于15项; — the 、 after the number lost in OCR (a scanned family-2 page)."""
    from pipeline.extract.layout import Cell, PageLayout
    from pipeline.extract.targets import extract_targets

    rows = ["建设目标及考核指标", "1托管开源项目(含孵化)不低于15项;", "2社区开发者人≥1000人;", "3代码贡献者(人数)150人;",
            "4开源社区活动(每年)不低于12次;", "2026年完成首批招商。"]
    page = PageLayout("f", 7, "ocr", tuple((Cell(r, r, "f", 7, (0.1, 0.05 * i, 0.9, 0.05 * i + 0.02), 0.95, "ocr"),)
                                           for i, r in enumerate(rows)))
    got = {t.indicator: (t.value, t.unit) for t in extract_targets([page], indicator_specs(RULES), "open_source_community")}
    assert got == {"开源项目数量": (15, "个"), "社区开发者人数": (1000, "人"), "代码贡献者人数": (150, "人"),
                   "年度开源活动": (12, "场")}, got


def test_a_speck_that_widened_a_figure_s_box_does_not_cut_the_figure():
    # dev seed 937 #10: a speck left of 2000 in the 目标值 cell boxed the word ·2000 from inside the 单位
    # cell; the share by width cut it 人·20 | 00 and the target read 0 人 (targets review)
    w = Word(text="·2000", bbox=(0.623, 0.229, 0.748, 0.24), confidence=0.93)
    groups = cell_groups([w], [0.688])
    assert [[p.text for p in g] for g in groups] == [["2000"]]
    assert groups[0][0].bbox[0] >= 0.688
    # figures that reach over the rule with no speck before them are still cut by width
    w = Word(text="122000", bbox=(0.623, 0.229, 0.748, 0.24), confidence=0.93)
    assert len(cell_groups([w], [0.688])) == 2


def test_a_rule_after_a_code_does_not_cut_the_code():
    # dev seed 1522 #10: RapidOCR read 91500108MARP692U4 应用单位 over the code and role cells; a code's
    # characters are narrower than the share by width takes them, and the rule cut 91500108MARP69 | 2U4
    w = Word(text="91500108MARP692U4 应用单位", bbox=(0.476, 0.248, 0.858, 0.271), confidence=0.99)
    groups = cell_groups([w], [0.692])
    assert ["".join(p.text for p in g) for g in groups] == ["91500108MARP692U4", "应用单位"]
    # a long run of figures (no code) and short numbers are cut by width as before
    w = Word(text="1234567890123456789012 人", bbox=(0.4, 0.2, 0.8, 0.22), confidence=0.99)
    assert len("".join(p.text for p in cell_groups([w], [0.6])[0])) < 22


def test_grid_specks_are_the_label_files_value_specks():
    # pipeline.grid sits below the extractors and keeps its own copy of the speck marks: the two must agree
    from pipeline.extract.config import labels
    from pipeline.grid import SPECKS

    assert SPECKS == labels()["target_table"]["value_specks"]
