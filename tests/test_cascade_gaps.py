"""A gap region's reading beside a line already read (pipeline/ocr/cascade_gaps.py), and through real
rendered pages: the agreement's 甲方 line read whole, the member prose's code under a garbled label."""
from pathlib import Path

from pipeline.model import Line
from pipeline.ocr.cascade_gaps import add_gap_line

from family2_pages import planned_facts, read_planned_pages

LINE = Line(text="方（牵头单位）：重庆拓维数码科技股份有限公司", bbox=(0.196, 0.133, 0.575, 0.153), confidence=1.0)


def test_gap_reading_overlapping_a_line_start_gives_it_its_first_characters():
    gap = Line(text="甲方（牵）", bbox=(0.141, 0.130, 0.229, 0.151), confidence=0.96)
    out = add_gap_line(gap, [LINE])
    assert [ln.text for ln in out] == ["甲方（牵头单位）：重庆拓维数码科技股份有限公司"]
    assert out[0].bbox[0] == 0.141 and out[0].bbox[2] == 0.575
    assert [w.text for w in out[0].words][0] == "甲"


def test_gap_reading_overlapping_a_line_end_gives_it_its_last_characters():
    line = Line(text="申报单位：重庆北辰信息技术产业研", bbox=(0.10, 0.48, 0.60, 0.50), confidence=0.95)
    gap = Line(text="产业研究院", bbox=(0.55, 0.48, 0.68, 0.50), confidence=0.99)
    out = add_gap_line(gap, [line])
    assert [ln.text for ln in out] == ["申报单位：重庆北辰信息技术产业研究院"]


def test_gap_reading_sharing_no_text_or_row_stays_its_own_line():
    beside = Line(text="（公章）", bbox=(0.17, 0.13, 0.23, 0.151), confidence=0.9)
    below = Line(text="乙方：重庆", bbox=(0.14, 0.16, 0.30, 0.18), confidence=0.9)
    assert [ln.text for ln in add_gap_line(beside, [LINE])] == [LINE.text, "（公章）"]
    assert [ln.text for ln in add_gap_line(below, [LINE])] == [LINE.text, "乙方：重庆"]


def test_gap_reading_inside_a_line_is_that_line_again():
    again = Line(text="重庆拓维数码科技", bbox=(0.30, 0.133, 0.45, 0.153), confidence=1.0)
    assert add_gap_line(again, [LINE]) == [LINE]


def test_agreement_party_line_is_read_whole_on_a_scan(tmp_path: Path):
    """Seed 930 #011: Tesseract's line began at （牵; the gap filler read 甲方（牵） beside it, a second
    cell that cut the party line, and the agreement counted 2 parties against 3 elsewhere."""
    _, doc = read_planned_pages(tmp_path, 930, 12, 10, ("agreement",))
    heads = [ln.text for p in doc.pages for ln in p.lines if ln.text[:2] in ("甲方", "方（")]
    assert heads and heads[0].startswith("甲方（牵头单位）"), heads


def test_member_code_after_a_garbled_code_label_is_the_members(tmp_path: Path):
    """Seed 930 #011: （统一社会用代码：91500104MAPF9L3A37） — 信 dropped from the label; the code
    belongs to the name before it, as under the whole label."""
    expected, facts = planned_facts(tmp_path, 930, 12, 10, ("members", "agreement", "signing"))
    codes = {u.name.value: u.uscc.value for u in facts.consortium}
    assert codes.get("重庆市森域人工智能科技有限责任公司") == "91500104MAPF9L3A37", codes
    assert facts.consortium_list.value == 3, facts.consortium_list.reason


def _w(text, box, conf=1.0):
    from pipeline.model import Word
    return Word(text=text, bbox=box, confidence=conf)


def test_a_word_read_again_from_another_lines_ink_is_dropped():
    """Seed 929 #009's block re-read: 1 (the code's first digit detected on its own) beside
    1250011734055728, and 英 read twice; the code cell joined 125001173405572816T."""
    from pipeline.ocr.cascade_gaps import drop_doubled_words

    name = Line(text="2重庆市澜图软件创新研1", bbox=(0.138, 0.227, 0.36, 0.245), confidence=0.96,
                words=(_w("2", (0.138, 0.23, 0.155, 0.245)), _w("重庆市澜图软件创新研", (0.175, 0.228, 0.326, 0.245)),
                       _w("1", (0.348, 0.227, 0.36, 0.241))))
    code = Line(text="1250011734055728", bbox=(0.352, 0.227, 0.475, 0.238), confidence=1.0,
                words=(_w("1250011734055728", (0.352, 0.229, 0.475, 0.238)),))
    out = drop_doubled_words([name, code])
    assert [ln.text for ln in out] == ["2重庆市澜图软件创新研", "1250011734055728"]
    assert out[0].bbox[2] == 0.326
    # the same text twice over the same ink: the surer stays
    a = Line(text="英", bbox=(0.70, 0.18, 0.72, 0.20), confidence=0.9, words=(_w("英", (0.70, 0.18, 0.72, 0.20), 0.9),))
    b = Line(text="英", bbox=(0.70, 0.18, 0.72, 0.20), confidence=0.99, words=(_w("英", (0.70, 0.18, 0.72, 0.20), 0.99),))
    assert drop_doubled_words([a, b]) == [b]


def test_words_beside_or_below_each_other_stay():
    from pipeline.ocr.cascade_gaps import drop_doubled_words

    row = Line(text="单位名称", bbox=(0.17, 0.12, 0.23, 0.14), confidence=1.0, words=(_w("单位名称", (0.17, 0.12, 0.23, 0.14)),))
    below = Line(text="单", bbox=(0.17, 0.15, 0.18, 0.17), confidence=1.0, words=(_w("单", (0.17, 0.15, 0.18, 0.17)),))
    other = Line(text="位", bbox=(0.18, 0.12, 0.19, 0.14), confidence=1.0, words=(_w("位", (0.18, 0.12, 0.19, 0.14)),))
    beside = Line(text="单", bbox=(0.235, 0.12, 0.245, 0.14), confidence=1.0, words=(_w("单", (0.235, 0.12, 0.245, 0.14)),))
    assert drop_doubled_words([row, below, beside]) == [row, below, beside]
    assert drop_doubled_words([row, other]) == [row]  # 位 inside 单位名称 on its ink


def test_member_code_wrapped_in_its_cell_is_read_once(tmp_path: Path):
    """Seed 929 #009, the whole TIFF: 1250011734055728 / 6T in a wrapped code cell."""
    from pipeline.checks.rules import load_rules
    from pipeline.extract import extract_facts
    from pipeline.process import indicator_specs

    from family2_pages import read_planned_submission

    sub, doc = read_planned_submission(tmp_path, 929, 12, 8)
    facts = extract_facts([doc], indicators=indicator_specs(load_rules()))
    codes = {u.name.value: u.uscc.value for u in facts.consortium}
    assert codes.get("重庆市澜图软件创新研究院") == "12500117340557286T", codes


def test_a_glyph_piece_read_across_a_lines_box_is_dropped():
    """Seed 1202 #009: the gap filler read 石 (码's radical, left of Tesseract's box for 码) beside 码贡献方,
    and the role cell became 牵头单位、代石码贡献方 — the member lost its code-contributor role."""
    line = Line(text="码贡献方", bbox=(0.640, 0.187, 0.696, 0.197), confidence=0.9)
    piece = Line(text="石", bbox=(0.636, 0.185, 0.648, 0.193), confidence=0.79)
    assert add_gap_line(piece, [line]) == [line]
    beside = Line(text="石", bbox=(0.600, 0.185, 0.612, 0.193), confidence=0.79)
    assert add_gap_line(beside, [line]) == [line, beside]
