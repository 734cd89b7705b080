"""Seal detection, reading, 骑缝章 joining, attribution and seal places on pages rendered here
with pipeline.samples.seal_art (real OpenCV, real RapidOCR recogniser)."""
from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.extract.seals import (
    associate_places,
    detect_seals,
    find_seals,
    match_reading,
    match_unit,
    name_score,
    names_on_pages,
    read_candidates,
    read_seal,
    read_seal_text,
    save_crop,
    seals_from_candidates,
    trade_name_span,
)
from pipeline.facts import Seal
from pipeline.model import Line, Page
from pipeline.ocr.base import RasterPage
from pipeline.samples import seal_art as sa

UNITS = ["重庆市星辰软件科技有限公司", "重庆嘉陵信息技术有限公司", "重庆市星海软件科技有限公司"]


def a4(dpi: int = 200, text: bool = True) -> Image.Image:
    w, h = sa.mm_to_px(210, dpi), sa.mm_to_px(297, dpi)
    img = Image.new("RGB", (w, h), (248, 246, 238))
    if text:
        d = ImageDraw.Draw(img)
        f = sa.cjk_font(int(dpi * 0.14))
        for i in range(36):
            d.text((int(w * 0.1), int(h * 0.06) + i * int(dpi * 0.3)),
                   "申报单位（盖章）：重庆某某科技有限公司 法定代表人（签字） 日期", font=f, fill=(25, 25, 25))
    return img


def raster(img: Image.Image, dpi: int = 200, number: int = 1, file: str = "a.pdf") -> RasterPage:
    return RasterPage(file=file, number=number, image=np.asarray(img), dpi=dpi)


def scanned(img: Image.Image, skew: float = 0.0, quality: int = 60) -> Image.Image:
    """As a scanner delivers it: turned by `skew` degrees (scanner-grey corners), softened, and
    JPEG-compressed with the usual 4:2:0 colour subsampling (colour at half resolution)."""
    import io

    from PIL import ImageFilter

    if skew:
        img = img.rotate(skew, resample=Image.BICUBIC, fillcolor=(70, 70, 72))
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def red_form_table(img: Image.Image, dpi: int, top_mm: float, cols_mm=(25, 70, 145), rows: int = 6,
                   row_mm: float = 12) -> None:
    """A red-ruled form table with tall rows (序号 | 指标 | 目标值…), one connected red blob
    small enough to be searched for seals inside."""
    x0, x1 = cols_mm[0], cols_mm[-1]
    sa.draw_red_rules(img, (sa.mm_to_px(x0, dpi), sa.mm_to_px(top_mm, dpi), sa.mm_to_px(x1, dpi),
                            sa.mm_to_px(top_mm + row_mm * rows, dpi)), rows=rows, cols=0, width_px=2)
    for x in cols_mm:
        sa.draw_red_rules(img, (sa.mm_to_px(x, dpi), sa.mm_to_px(top_mm, dpi), sa.mm_to_px(x, dpi) + 1,
                                sa.mm_to_px(top_mm + row_mm * rows, dpi)), rows=0, cols=1, width_px=2)


def inside(box_px, cand, img: Image.Image, slack: float = 0.02) -> bool:
    """The drawn box's centre lies in the detected bbox (fractions)."""
    cx, cy = (box_px[0] + box_px[2]) / 2 / img.width, (box_px[1] + box_px[3]) / 2 / img.height
    b = cand.bbox
    return b[0] - slack <= cx <= b[2] + slack and b[1] - slack <= cy <= b[3] + slack


@pytest.mark.parametrize("ink,fade,dpi", [
    (sa.RED, 0.0, 300), (sa.RED, 0.65, 200), (sa.ORANGE_RED, 0.0, 200), (sa.DARK_RED, 0.2, 200),
])
def test_round_seal_over_text_found_in_every_ink(ink, fade, dpi):
    rng = random.Random(5)
    img = a4(dpi)
    box = sa.draw_round_seal(img, (sa.mm_to_px(120, dpi), sa.mm_to_px(60, dpi)), sa.mm_to_px(40, dpi),
                             UNITS[0], rng=rng, ink=ink, fade=fade, sub_text="申报专用章")
    found = detect_seals(raster(img, dpi))  # time per page: benchmarks/seal_detection.py
    assert [c.kind for c in found] == ["round"]
    assert inside(box, found[0], img)
    assert 37 <= found[0].size_mm[0] <= 43


def test_oval_seal_and_two_seals_side_by_side():
    rng = random.Random(8)
    dpi = 200
    img = a4(dpi)
    sa.draw_oval_seal(img, (sa.mm_to_px(60, dpi), sa.mm_to_px(60, dpi)), (sa.mm_to_px(45, dpi), sa.mm_to_px(30, dpi)),
                      "重庆外资电子有限公司", rng=rng, sub_text="财务专用章")
    # two members' seals stamped overlapping: one red blob, two seals
    sa.draw_round_seal(img, (sa.mm_to_px(70, dpi), sa.mm_to_px(200, dpi)), sa.mm_to_px(42, dpi), UNITS[0], rng=rng)
    sa.draw_round_seal(img, (sa.mm_to_px(105, dpi), sa.mm_to_px(205, dpi)), sa.mm_to_px(40, dpi), UNITS[1], rng=rng)
    kinds = sorted(c.kind for c in detect_seals(raster(img, dpi)))
    assert kinds == ["oval", "round", "round"]


@pytest.mark.parametrize("trap", ["heading", "rules", "underline", "logo", "big_logo", "blue_stamp", "blank"])
def test_red_things_that_are_not_seals(trap):
    dpi = 200
    img = a4(dpi, text=trap != "blank")
    rng = random.Random(2)
    if trap == "heading":
        sa.draw_red_heading(img, (sa.mm_to_px(20, dpi), sa.mm_to_px(15, dpi)), "重庆市经济和信息化委员会文件",
                            sa.mm_to_px(11, dpi))
        sa.draw_red_heading(img, (sa.mm_to_px(60, dpi), sa.mm_to_px(150, dpi)), "盖章", sa.mm_to_px(30, dpi))
    elif trap == "rules":
        sa.draw_red_rules(img, (sa.mm_to_px(20, dpi), sa.mm_to_px(80, dpi), sa.mm_to_px(190, dpi), sa.mm_to_px(200, dpi)))
        sa.draw_red_rules(img, (sa.mm_to_px(60, dpi), sa.mm_to_px(220, dpi), sa.mm_to_px(100, dpi), sa.mm_to_px(260, dpi)),
                          rows=1, cols=1)  # a lone 40 mm red square
    elif trap == "underline":
        sa.draw_red_rules(img, (sa.mm_to_px(20, dpi), sa.mm_to_px(100, dpi), sa.mm_to_px(200, dpi), sa.mm_to_px(101, dpi)),
                          rows=1, cols=0)
    elif trap == "logo":
        sa.draw_red_logo(img, (sa.mm_to_px(170, dpi), sa.mm_to_px(25, dpi)), sa.mm_to_px(18, dpi), text="星")
    elif trap == "big_logo":
        sa.draw_red_logo(img, (sa.mm_to_px(100, dpi), sa.mm_to_px(150, dpi)), sa.mm_to_px(41, dpi))
    elif trap == "blue_stamp":
        sa.draw_round_seal(img, (sa.mm_to_px(100, dpi), sa.mm_to_px(150, dpi)), sa.mm_to_px(42, dpi), UNITS[0],
                           rng=rng, ink=sa.BLUE)
    assert detect_seals(raster(img, dpi)) == []


def test_straddle_over_three_pages_is_one_seal_with_its_unit(tmp_path):
    dpi = 200
    rng = random.Random(13)
    pages = [a4(dpi) for _ in range(4)]
    sa.straddle_slices(pages[1:], sa.mm_to_px(150, dpi), sa.mm_to_px(42, dpi), UNITS[1], rng=rng)
    rasters = [raster(p, dpi, number=i + 1, file="book.pdf") for i, p in enumerate(pages)]
    per_page = [detect_seals(r) for r in rasters]
    assert [len(c) for c in per_page] == [0, 1, 1, 1]
    assert all(c[0].kind == "edge" and c[0].edge == "right" for c in per_page[1:])
    seals = find_seals(rasters, UNITS, crop_dir=tmp_path)
    assert len(seals) == 1
    s = seals[0]
    assert (s.kind, s.pages, s.page) == ("straddle", (2, 3, 4), 2)
    assert s.matched_unit == UNITS[1]
    assert (tmp_path / s.crop).is_file()


def test_seal_text_read_and_matched_to_the_right_unit():
    dpi = 300
    rng = random.Random(21)
    img = a4(dpi)
    for i, (unit, x) in enumerate([(UNITS[2], 55), (UNITS[0], 150)]):
        sa.draw_round_seal(img, (sa.mm_to_px(x, dpi), sa.mm_to_px(80 + 90 * i, dpi)), sa.mm_to_px(42, dpi), unit,
                           rng=rng, sub_text="申报专用章" if i else "")
    seals = find_seals([raster(img, dpi)], UNITS)
    assert [s.matched_unit for s in seals] == [UNITS[2], UNITS[0]]
    assert all(s.kind == "round" and s.confidence > 0.8 for s in seals)


def test_illegible_seal_is_still_a_seal():
    dpi = 200
    img = a4(dpi)
    sa.draw_round_seal(img, (sa.mm_to_px(100, dpi), sa.mm_to_px(150, dpi)), sa.mm_to_px(40, dpi), "囗囗囗囗囗囗囗囗",
                       rng=random.Random(4), fade=0.5)
    seals = find_seals([raster(img, dpi)], UNITS)
    assert len(seals) == 1 and seals[0].matched_unit is None


def test_read_seal_text_on_a_bare_crop():
    img = Image.new("RGB", (560, 560), "white")
    sa.draw_round_seal(img, (280, 280), 496, UNITS[0], rng=random.Random(1), rotation=0)
    text, conf = read_seal_text(np.asarray(img))
    assert match_unit(text, UNITS)[0] == UNITS[0] and conf > 0.5
    assert read_seal_text(np.full((300, 300, 3), 255, np.uint8)) == ("", 0.0)


def test_match_unit_needs_a_clear_winner():
    assert match_unit("星海软件", UNITS)[0] == UNITS[2]
    assert match_unit("重庆市星", UNITS)[0] is None  # both 星辰 and 星海 start so
    assert match_unit("", UNITS)[0] is None
    assert match_unit("重庆长江物流有限公司", UNITS)[0] is None


def test_seal_places_link_the_seal_stamped_there():
    def ln(text, box):
        return Line(text=text, bbox=box, confidence=0.9)

    page = Page(file="a.pdf", number=3, width=1654, height=2339, dpi=200, source="ocr", lines=(
        ln("申报单位（盖章）：重庆市星辰软件科技有限公司", (0.1, 0.70, 0.6, 0.72)),
        ln("联合体各方（盖章）：", (0.1, 0.80, 0.3, 0.82)),
        ln("法定代表人（签字）：", (0.1, 0.75, 0.3, 0.77)),
    ))
    other = Page(file="a.pdf", number=4, width=1654, height=2339, dpi=200, source="ocr",
                 lines=(ln("单位（公章）", (0.6, 0.5, 0.8, 0.52)),))
    seals = [Seal(file="a.pdf", page=3, bbox=(0.45, 0.64, 0.65, 0.78), kind="round", matched_unit=UNITS[0]),
             Seal(file="a.pdf", page=9, bbox=(0.6, 0.45, 0.8, 0.6), kind="round")]
    places = associate_places([page, other], seals)
    got = [(p.label, p.page, p.seal_index, p.unit) for p in places]
    assert got == [("申报单位（盖章）", 3, 0, "重庆市星辰软件科技有限公司"), ("联合体各方（盖章）", 3, None, None),
                   ("单位（公章）", 4, None, None)]


def test_signature_blocks_side_by_side_are_apart_and_name_their_declared_party():
    """A signing page reads 甲方（盖章）： 乙方（盖章）： as one line and names no unit; the agreement
    page before it declares who 甲方 and 乙方 are. Each label is its own place, takes the seal
    stamped at it (nearest pairs first), and names the declared unit."""
    def ln(text, box):
        return Line(text=text, bbox=box, confidence=0.9)

    deal = Page(file="a.pdf", number=5, width=1654, height=2339, dpi=200, source="ocr", lines=(
        ln(f"甲方（牵头单位）：{UNITS[0]}", (0.1, 0.2, 0.6, 0.22)),
        ln(f"乙方：{UNITS[1]}（统一社会信用代码：91500000MA5U7W4X3D）", (0.1, 0.25, 0.9, 0.27)),
        ln("第一条  甲方为联合体牵头单位，乙方作为应用推广单位。", (0.1, 0.3, 0.9, 0.32)),
    ))
    sign = Page(file="a.pdf", number=6, width=1654, height=2339, dpi=200, source="ocr", lines=(
        ln("甲方（盖章）：        乙方（盖章）：", (0.12, 0.15, 0.78, 0.17)),
    ))
    both = [Seal(file="a.pdf", page=6, bbox=(0.15, 0.17, 0.35, 0.31), kind="round", matched_unit=UNITS[0]),
            Seal(file="a.pdf", page=6, bbox=(0.55, 0.17, 0.75, 0.31), kind="round")]
    got = [(p.label, p.seal_index, p.unit) for p in associate_places([deal, sign], both)]
    assert got == [("甲方（盖章）", 0, UNITS[0]), ("乙方（盖章）", 1, UNITS[1])]
    # 乙方 did not seal: its place is bare, and the lead's seal stays at the lead's place
    got = [(p.label, p.seal_index, p.unit) for p in associate_places([deal, sign], both[:1])]
    assert got == [("甲方（盖章）", 0, UNITS[0]), ("乙方（盖章）", None, UNITS[1])]


def test_save_crop_writes_a_png(tmp_path):
    name = save_crop(np.zeros((20, 30, 3), np.uint8), tmp_path, "seal 1/a")
    assert name.endswith(".png") and Image.open(tmp_path / name).size == (30, 20)


# --------------------------------------------------------------------------- scanned pages


@pytest.mark.parametrize("skew", [0.0, 1.6])
def test_red_form_table_on_a_scan_is_not_a_seal_but_a_seal_over_it_is(skew):
    """Tall red-ruled cells once passed as rings; long straight red strokes are not seal ink."""
    dpi = 200
    img = a4(dpi)
    red_form_table(img, dpi, 30)
    red_form_table(img, dpi, 140, cols_mm=(30, 45, 110, 150), rows=8, row_mm=11)
    assert detect_seals(raster(scanned(img, skew), dpi)) == []
    box = sa.draw_round_seal(img, (sa.mm_to_px(130, dpi), sa.mm_to_px(200, dpi)), sa.mm_to_px(40, dpi), UNITS[0],
                             rng=random.Random(6))
    found = detect_seals(raster(scanned(img, skew), dpi))
    assert [c.kind for c in found] == ["round"] and inside(box, found[0], img)


def test_red_things_at_the_page_edge_are_not_slices():
    dpi = 200
    img = a4(dpi)
    sa.draw_red_logo(img, (img.width - sa.mm_to_px(8, dpi), sa.mm_to_px(40, dpi)), sa.mm_to_px(30, dpi))
    sa.draw_red_heading(img, (img.width - sa.mm_to_px(30, dpi), sa.mm_to_px(120, dpi)), "盖章", sa.mm_to_px(25, dpi))
    sa.draw_red_rules(img, (img.width - sa.mm_to_px(4, dpi), sa.mm_to_px(150, dpi), img.width - 1,
                            sa.mm_to_px(280, dpi)), rows=0, cols=1)
    assert detect_seals(raster(img, dpi)) == []


def test_whole_seal_near_the_page_edge_is_round_not_a_slice():
    dpi = 200
    img = a4(dpi)
    sa.draw_round_seal(img, (img.width - sa.mm_to_px(24, dpi), sa.mm_to_px(100, dpi)), sa.mm_to_px(42, dpi), UNITS[0],
                       rng=random.Random(3))
    assert [(c.kind, c.edge) for c in detect_seals(raster(img, dpi))] == [("round", None)]


@pytest.mark.parametrize("n,edge", [(2, "right"), (3, "right"), (3, "left"), (6, "right")])
def test_straddle_on_skewed_scans_is_one_seal(n, edge):
    """Scanned fanned pages: each slice is turned with its page and may sit a few mm off the
    image border; the last page of a two-page fan holds a half disc (not a round seal)."""
    dpi = 200
    pages = [a4(dpi) for _ in range(n + 1)]
    sa.straddle_slices(pages[1:], sa.mm_to_px(110, dpi), sa.mm_to_px(40, dpi), UNITS[1], rng=random.Random(n), edge=edge)
    skews = [1.2, -1.8, 2.0, -0.9, 1.5, -1.4, 0.6]
    rasters = [raster(scanned(p, skews[i]), dpi, number=i + 1, file="book.pdf") for i, p in enumerate(pages)]
    per_page = [[(c.kind, c.edge) for c in detect_seals(r)] for r in rasters]
    assert per_page == [[]] + [[("edge", edge)]] * n
    seals = find_seals(rasters, UNITS)
    assert [(s.kind, s.pages, s.matched_unit) for s in seals] == [("straddle", tuple(range(2, n + 2)), UNITS[1])]


def test_seal_on_a_jpeg_scan_read_and_matched():
    """JPEG keeps colour at half resolution: the reader takes the strokes from luminance."""
    dpi = 200
    img = a4(dpi)
    names = ["重庆磐石软件园运营管理有限公司", "重庆缙云数字产业园管理有限公司"]
    sa.draw_round_seal(img, (sa.mm_to_px(130, dpi), sa.mm_to_px(70, dpi)), sa.mm_to_px(42, dpi), names[0],
                       rng=random.Random(11), sub_text="申报专用章")
    sa.draw_oval_seal(img, (sa.mm_to_px(70, dpi), sa.mm_to_px(180, dpi)), (sa.mm_to_px(45, dpi), sa.mm_to_px(30, dpi)),
                      "凌云科技（两江）有限公司", rng=random.Random(12))
    seals = find_seals([raster(scanned(img, 1.1), dpi)], [*names, "凌云科技（两江）有限公司"])
    assert [s.matched_unit for s in seals] == [names[0], "凌云科技（两江）有限公司"]


def test_lessor_seal_is_not_credited_to_a_unit_of_the_same_trade():
    """The lease page carries the lessor's real seal; a unit named like it (only the trade name
    differs) must not get it — and when the pages name the lessor, the seal is the lessor's."""
    dpi = 200
    img = a4(dpi)
    lessor, applicant = "重庆金佛创新创业园运营有限公司", "重庆缙云创新创业园运营有限公司"
    sa.draw_round_seal(img, (sa.mm_to_px(60, dpi), sa.mm_to_px(200, dpi)), sa.mm_to_px(40, dpi), lessor,
                       rng=random.Random(5))
    sa.draw_round_seal(img, (sa.mm_to_px(150, dpi), sa.mm_to_px(200, dpi)), sa.mm_to_px(40, dpi), applicant,
                       rng=random.Random(6))
    r = raster(scanned(img), dpi)
    per_page = [(r.file, r.number, read_candidates(detect_seals(r)))]

    def left_to_right(seals):
        return [s.matched_unit for s in sorted(seals, key=lambda s: s.bbox[0])]

    assert left_to_right(seals_from_candidates(per_page, [applicant])) == [None, applicant]
    assert left_to_right(seals_from_candidates(per_page, [applicant], other_names=[lessor])) == [lessor, applicant]


def test_name_score_and_trade_name():
    assert trade_name_span("重庆市星辰软件科技有限公司") == (3, 5)
    assert trade_name_span("重庆 嘉陵信息技术有限公司") == (2, 4)
    assert trade_name_span("凌云数字科技（重庆）有限公司") == (0, 2)
    img = Image.new("RGB", (560, 560), "white")
    sa.draw_round_seal(img, (280, 280), 472, UNITS[0], rng=random.Random(1), rotation=0)
    reading = read_seal(np.asarray(img))
    right, other = name_score(reading, UNITS[0]), name_score(reading, UNITS[2])  # 星辰 / 星海
    assert right > -10 and right - other > 10
    assert name_score(reading, UNITS[2], wildcard=trade_name_span(UNITS[2])) > other
    assert match_reading(reading, UNITS)[0] == UNITS[0]
    # without the recogniser's output the read text decides
    assert match_reading(type(reading)(text="星海软件"), UNITS)[0] == UNITS[2]
    assert match_reading(None, UNITS) == (None, 0.0)


def test_names_on_pages_are_the_other_parties():
    def ln(text):
        return Line(text=text, bbox=(0.1, 0.1, 0.5, 0.12), confidence=0.9)

    page = Page(file="a.pdf", number=6, width=1654, height=2339, dpi=200, source="ocr", lines=(
        ln("出租方（甲方）：重庆金佛创新创业园运营有限公司"),
        ln("承租方（乙方）：重庆缙云创新创业园运营有限公司"),
        ln("甲方（盖章）：                    乙方（盖章）："),
        ln("重庆金佛创新创业园运营有限公司     重庆缙云创新创业园运营有限公"),
        ln("本单位重庆缙云创新创业园运营有限公司郑重承诺"),
    ))
    assert names_on_pages([page], ["重庆缙云创新创业园运营有限公司"]) == ["重庆金佛创新创业园运营有限公司"]


def test_name_score_on_packed_frames_is_the_full_matrix_score():
    """The page worker keeps what the recogniser saw packed (`SealFrames`); the review scores names
    on that: the same scores, ranking and accept/reject as on the recogniser's own matrix, for a
    clear and a faint seal, right and wrong names, with and without the trade-name wildcard."""
    from pipeline.extract.seals.read import SealReading, pack_frames, recogniser_charset, unpack_frames
    from pipeline.ocr.rapid import ocr_instance

    assert recogniser_charset() == tuple(ocr_instance().text_rec.postprocess_op.character)
    names = [*UNITS, "重庆嘉陵软件科技有限公司", "重庆长江物流有限公司", "星辰（重庆）软件有限公司"]
    for unit, fade in [(UNITS[0], 0.0), (UNITS[1], 0.55)]:
        img = Image.new("RGB", (560, 560), "white")
        sa.draw_round_seal(img, (280, 280), 472, unit, rng=random.Random(3), rotation=0, fade=fade)
        full = read_seal(np.asarray(img))
        assert full.logp is not None and full.frames is not None and full.frames.frames == full.logp.shape[0]
        assert np.array_equal(unpack_frames(full.frames), full.logp)
        assert np.array_equal(unpack_frames(pack_frames(full.logp)), full.logp)
        packed = SealReading(full.text, full.confidence, frames=full.frames)
        for n in names:
            assert name_score(packed, n) == name_score(full, n)
            span = trade_name_span(n)
            assert name_score(packed, n, wildcard=span) == name_score(full, n, wildcard=span)
        ranking = sorted(names, key=lambda n: -name_score(full, n))
        assert sorted(names, key=lambda n: -name_score(packed, n)) == ranking
        assert ranking[0] == unit
        for cands in (names, UNITS, [n for n in names if n != unit]):  # … and when the right name is missing
            assert match_reading(packed, cands) == match_reading(full, cands)
        assert match_reading(packed, UNITS)[0] == unit


def test_unreadable_seal_keeps_empty_frames_and_is_matched_on_nothing():
    from pipeline.extract.seals.read import SealReading, has_frames

    r = read_seal(np.full((300, 300, 3), 255, np.uint8))
    assert r.frames is not None and r.frames.frames == 0 and not has_frames(r)
    assert match_reading(SealReading(frames=r.frames), UNITS) == (None, 0.0)


def _sealed_pages(dpi: int = 200) -> list[RasterPage]:
    """Page 1: two round seals (UNITS[2], UNITS[0]); pages 2–4: a 骑缝章 of UNITS[1]."""
    rng = random.Random(13)
    pages = [a4(dpi) for _ in range(4)]
    for unit, x, y in [(UNITS[2], 55, 80), (UNITS[0], 150, 170)]:
        sa.draw_round_seal(pages[0], (sa.mm_to_px(x, dpi), sa.mm_to_px(y, dpi)), sa.mm_to_px(42, dpi), unit, rng=rng)
    sa.straddle_slices(pages[1:], sa.mm_to_px(150, dpi), sa.mm_to_px(42, dpi), UNITS[1], rng=rng)
    return [raster(p, dpi, number=i + 1, file="book.pdf") for i, p in enumerate(pages)]


def _reads_of(rasters, crops) -> list:
    from pipeline.model import Document
    from pipeline.reading import DocumentRead, find_seals_on_page

    finds = [f for r in rasters for f in find_seals_on_page(r, crops, "t")]
    return [DocumentRead(document=Document(file="book.pdf", sha256="0" * 64, kind="pdf"), seal_finds=tuple(finds))]


def test_review_attribution_scores_stored_frames_without_reading_crops(tmp_path, monkeypatch):
    """The review matches round seals on the frames the page worker kept: the recogniser is not
    asked again. Only the stitched 骑缝章 disc is read (by the `read` it is given); seal finds
    from before frames were kept (old cache entries) are read again, with the same outcome."""
    from pipeline.extract.seals import read as seal_read
    from pipeline.process import _candidates

    reads = _reads_of(_sealed_pages(), tmp_path / "crops")
    finds = reads[0].seal_finds
    assert [f.kind for f in finds] == ["round", "round", "edge", "edge", "edge"]
    assert all(f.frames is not None and f.frames.frames > 0 for f in finds if f.kind == "round")
    assert all(f.frames is None for f in finds if f.kind == "edge")

    asked: list[int] = []

    def read(crops):
        asked.append(len(crops))
        return [seal_read.read_seal_packed(c) for c in crops]

    recognised: list[int] = []
    real_recogniser = seal_read._recogniser

    def counting_recogniser():
        recognised.append(1)
        return real_recogniser()

    monkeypatch.setattr(seal_read, "_recogniser", counting_recogniser)
    want = [UNITS[2], UNITS[0], UNITS[1]]
    seals = seals_from_candidates(_candidates(reads, tmp_path / "crops"), UNITS, tmp_path / "app", read=read)
    assert [s.matched_unit for s in seals] == want
    assert asked == [1] and len(recognised) == 1  # the straddle disc, nothing else
    # the disc not read: the round seals are still matched, and the recogniser never asked
    recognised.clear()
    seals = seals_from_candidates(_candidates(reads, tmp_path / "crops"), UNITS, tmp_path / "app",
                                  read=lambda crops: [seal_read.SealReading()] * len(crops))
    assert [s.matched_unit for s in seals] == [UNITS[2], UNITS[0], None] and not recognised
    # seal finds without frames (cached before they were kept): their crops are read again
    old = [r.model_copy(update={"seal_finds": tuple(f.model_copy(update={"frames": None}) for f in r.seal_finds)})
           for r in reads]
    asked.clear()
    seals = seals_from_candidates(_candidates(old, tmp_path / "crops"), UNITS, tmp_path / "app", read=read)
    assert [s.matched_unit for s in seals] == want
    assert asked == [1, 2]  # the straddle disc, then the two round seals' crops


REVIEW_IN_A_FRESH_PROCESS = """
import json, pickle, sys
from pathlib import Path
from pipeline import process, reading
from pipeline.extract.seals import seals_from_candidates

if __name__ == "__main__":
    reads, crops, units, app = pickle.loads(Path(sys.argv[1]).read_bytes())
    reading.page_pool(1)  # as after the read stage: the page workers are up
    try:
        seals = seals_from_candidates(process._candidates(reads, Path(crops)), units, Path(app),
                                      read=reading.read_seal_crops)  # as process.analyse
    finally:
        reading.shutdown_pools()
    rapid = sys.modules.get("pipeline.ocr.rapid")
    print(json.dumps({"matched": [s.matched_unit for s in seals],
                      "loaded": sorted(m for m in ("rapidocr", "onnxruntime") if m in sys.modules),
                      "instances": rapid.ocr_instance.cache_info().currsize if rapid else 0}))
"""


def test_review_stage_process_never_loads_the_recogniser(tmp_path):
    """The review stage's process (the flow's) scores the stored frames and has the 骑缝章 disc
    read by a page worker: RapidOCR (~128 MB) is never loaded there."""
    import json
    import pickle
    import subprocess
    import sys
    from pathlib import Path

    reads = _reads_of(_sealed_pages(), tmp_path / "crops")
    args = tmp_path / "args.pkl"
    args.write_bytes(pickle.dumps((reads, str(tmp_path / "crops"), UNITS, str(tmp_path / "app"))))
    script = tmp_path / "review.py"
    script.write_text(REVIEW_IN_A_FRESH_PROCESS)
    proc = subprocess.run([sys.executable, str(script), str(args)], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[1])
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got == {"matched": [UNITS[2], UNITS[0], UNITS[1]], "loaded": [], "instances": 0}
