"""Lines of one ruled table row joined into one row (pipeline/extract/ruled_rows.py).

Seed 926 (the untouched family-2 bundle of session 12, retired to dev) #007, a TIFF: its member table's
cells wrap to two lines, each centred in its row, so OCR gave interleaved lines (a code's first line,
the name's first line a little lower, the code's end, the name's end) that height alone grouped into
four rows: two members lost their codes, one took the next one's role, consortium.size was `review`.
"""
from __future__ import annotations

from family2_pages import read_planned_pages

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract import extract_facts
from pipeline.extract.layout_cells import Cell
from pipeline.extract.ruled_rows import merge_ruled_rows
from pipeline.model import Ruling


def test_a_member_table_of_centred_wrapped_cells_reads_whole(tmp_path):
    sub, doc = read_planned_pages(tmp_path, 926, 12, 6, ("cover", "members"), fmt="tiff")
    facts = extract_facts([doc])
    want = {m["name"]: (m["uscc"], tuple(m["roles"])) for m in sub.truth["expected"]["consortium"]}
    assert {u.name.value: (u.uscc.value, u.roles) for u in facts.consortium} == want
    got = {r.rule: r.status for r in run_checks(facts, load_rules(), None) if r.rule == "consortium.size"}
    assert got == {"consortium.size": "pass"}


def _c(text, x0, y0, x1, y1):
    return Cell(text, text, "f", 1, (x0, y0, x1, y1), 0.95, "ocr")


def _h(y, x0=0.1, x1=0.9):
    return Ruling(axis="h", at=y, start=x0, end=x1)


def _v(x, y0=0.1, y1=0.5):
    return Ruling(axis="v", at=x, start=y0, end=y1)


GRID = [_h(0.20), _h(0.25), _h(0.30), _v(0.1), _v(0.35), _v(0.6), _v(0.9)]


def test_interleaved_lines_of_one_row_join_cell_by_cell():
    rows = [(_c("1250011935032295", 0.36, 0.205, 0.55, 0.217),),
            (_c("重庆市鹿鸣数字化转型", 0.12, 0.212, 0.33, 0.226), _c("代码贡献方", 0.62, 0.212, 0.75, 0.226)),
            (_c("84", 0.36, 0.222, 0.40, 0.234),),
            (_c("促进中心", 0.12, 0.230, 0.20, 0.244),),
            (_c("重庆市启明软件服务业商会", 0.12, 0.262, 0.33, 0.276), _c("51500118020963787N", 0.36, 0.262, 0.58, 0.276))]
    got = merge_ruled_rows(rows, GRID)
    assert [[c.text for c in r] for r in got] == [
        ["重庆市鹿鸣数字化转型促进中心", "125001193503229584", "代码贡献方"],
        ["重庆市启明软件服务业商会", "51500118020963787N"]]


def test_rows_stay_apart_without_a_grid_or_with_a_rows_gap():
    rows = [(_c("第一行文字", 0.12, 0.205, 0.8, 0.217),), (_c("第二行文字", 0.12, 0.220, 0.8, 0.232),)]
    assert merge_ruled_rows(rows, [_h(0.20), _h(0.25)]) == rows          # a frame, no columns: prose
    assert merge_ruled_rows(rows, []) == rows
    apart = [(_c("甲公司", 0.12, 0.204, 0.3, 0.214), _c("牵头", 0.62, 0.204, 0.7, 0.214)),
             (_c("乙公司", 0.12, 0.236, 0.3, 0.246), _c("应用", 0.62, 0.236, 0.7, 0.246))]
    # the rule between these two rows was not found: a row's padding between them keeps them two
    assert merge_ruled_rows(apart, GRID) == apart


def test_a_wrapped_name_inside_one_rapidocr_line_reads_top_line_first(tmp_path):
    """Dev seed 1204 #005 (a JPEG folder; the helper's seed): RapidOCR's line over a narrow table row
    held the name's two lines as words, and in x order the second came first (限公司 at 0.169 before
    慧眼信创科技（重庆）有 at 0.170): the member's name was lost, a nameless member and a codeless one."""
    sub, doc = read_planned_pages(tmp_path, 1204, 12, 4, ("members",))
    facts = extract_facts([doc])
    want = {m["name"]: m["uscc"] for m in sub.truth["expected"]["consortium"]}
    assert {u.name.value: u.uscc.value for u in facts.consortium} == want


def test_reading_order_inside_a_cell():
    from pipeline.extract.layout import _reading_order
    from pipeline.model import Word

    second = Word(text="限公司", bbox=(0.169, 0.217, 0.221, 0.235), confidence=0.99)
    first = Word(text="慧眼信创科技（重庆）有", bbox=(0.170, 0.203, 0.337, 0.221), confidence=0.99)
    assert [w.text for w in _reading_order([second, first])] == ["慧眼信创科技（重庆）有", "限公司"]
    a = Word(text="重庆", bbox=(0.10, 0.200, 0.14, 0.216), confidence=0.99)
    b = Word(text="科技", bbox=(0.15, 0.203, 0.19, 0.219), confidence=0.99)   # one line, a little skew
    assert [w.text for w in _reading_order([b, a])] == ["重庆", "科技"]
