"""The 全国统一发票监制章 printed in an invoice's title is the tax office's mark on the form, stamped by no
party (issue 16): it is found and counted as a seal on the page, but never attributed to a unit —
neither by its read text (a misread that looks like a unit's name) nor by its place (a 申报单位（盖章）
line next to it). Through a rendered page (red ink drawn with a CJK font, 200 dpi) and a real invoice
scan of the collection (benchmarks/real_seals), and on the pure `printed_mark`."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline.extract.seals import associate_places, detect_page, seals_from_candidates
from pipeline.extract.seals.assemble import printed_mark
from pipeline.extract.seals.detect import SealCandidate
from pipeline.extract.seals.frames import SealReading
from pipeline.model import Line, Page
from pipeline.ocr.base import RasterPage
from pipeline.readers import images

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
DPI = 200
MM = DPI / 25.4
RED = (205, 30, 40)
UNIT = "重庆市星辰软件科技有限公司"
REAL = Path(__file__).resolve().parents[1] / "benchmarks" / "real_seals" / "img"


def _arc(draw, cx, cy, rx, ry, text, size, start, stop):
    font = ImageFont.truetype(FONT, size, index=2)
    for i, ch in enumerate(text):
        t = math.radians(start + (stop - start) * i / max(len(text) - 1, 1))
        draw.text((cx + rx * math.cos(t), cy + ry * math.sin(t)), ch, fill=RED, font=font, anchor="mm")


def _page() -> RasterPage:
    """An A4 page at 200 dpi: a 30 × 20 mm 监制章 (1 mm rim, arc text) right beside a 申报单位（盖章） line,
    and a 42 mm round unit seal lower down."""
    img = Image.new("RGB", (round(210 * MM), round(297 * MM)), (250, 250, 246))
    draw = ImageDraw.Draw(img)
    body = ImageFont.truetype(FONT, round(4 * MM), index=2)
    draw.text((20 * MM, 36 * MM), "申报单位（盖章）：", fill=(20, 20, 20), font=body)
    cx, cy, a, b = 90 * MM, 40 * MM, 15 * MM, 10 * MM
    draw.ellipse((cx - a, cy - b, cx + a, cy + b), outline=RED, width=round(1.0 * MM))
    _arc(draw, cx, cy, a - 3.2 * MM, b - 3.0 * MM, "全国统一发票监制章", round(3.2 * MM), 200, 340)
    _arc(draw, cx, cy, a - 3.2 * MM, b - 2.8 * MM, "重庆市税务局", round(2.6 * MM), 140, 40)
    draw.text((cx, cy), "重庆", fill=RED, font=ImageFont.truetype(FONT, round(3.0 * MM), index=2), anchor="mm")
    ux, uy, r = 105 * MM, 200 * MM, 21 * MM
    draw.ellipse((ux - r, uy - r, ux + r, uy + r), outline=RED, width=round(1.2 * MM))
    _arc(draw, ux, uy, r - 5 * MM, r - 5 * MM, "重庆市星辰软件科技有限公司", round(4.5 * MM), 155, 385)
    draw.text((ux, uy), "★", fill=RED, font=ImageFont.truetype(FONT, round(10 * MM), index=2), anchor="mm")
    return RasterPage(file="a.png", number=1, image=np.asarray(img), dpi=DPI, rotation=0,
                      meta={"dpi_trusted": True})


def _read_as_unit(crops):
    """A reader that misreads every crop as the unit's name: attribution must not rest on it for the 监制章."""
    return [SealReading(text=UNIT, confidence=0.9) for _ in crops]


def test_the_printed_supervision_seal_is_found_but_never_a_units_seal():
    cands = detect_page(_page()).candidates
    printed = [c for c in cands if c.printed]
    stamped = [c for c in cands if not c.printed]
    assert len(printed) == 1 and printed[0].kind == "oval"
    assert printed[0].size_mm[0] < 36  # below every unit seal's oval
    assert len(stamped) == 1 and stamped[0].kind == "round"
    seals = seals_from_candidates([("a.png", 1, cands)], [UNIT], read=_read_as_unit)
    assert len(seals) == 1 and seals[0].kind == "round" and seals[0].matched_unit == UNIT
    # the 申报单位（盖章） line lies beside the 监制章, 110 mm above the unit's seal: it holds no seal
    page = Page(file="a.png", number=1, width=1654, height=2339, dpi=DPI, source="ocr",
                lines=(Line(text="申报单位（盖章）：", bbox=(0.095, 0.12, 0.28, 0.135), confidence=0.9),))
    places = associate_places([page], seals)
    assert [(p.label, p.seal_index) for p in places] == [("申报单位（盖章）", None)]


def test_a_real_invoice_photos_printed_seal_is_no_units_and_its_own_seal_is():
    # phone photo at 131 dpi (guanshuicheng/invoice, MIT): the 监制章 in the title (34 × 23 mm) is printed,
    # the seller's 发票专用章 (oval 40 × 30 mm) is stamped; a reader misreading both as the unit's name
    # gives the unit the stamped one only
    r = images.raster(REAL / "gi_invoice_photo_shenzhen.png", "gi_invoice_photo_shenzhen.png", 0)
    cands = sorted(detect_page(r).candidates, key=lambda c: c.center[1])
    assert [c.printed for c in cands] == [True, False]
    seals = seals_from_candidates([("gi_invoice_photo_shenzhen.png", 1, cands)], [UNIT], read=_read_as_unit)
    assert [(s.bbox, s.matched_unit) for s in seals] == [(cands[1].bbox, UNIT)]


def test_printed_mark_by_shape_or_by_text():
    def cand(text="", printed=False):
        return SealCandidate(file="x", page=1, bbox=(0, 0, 0.1, 0.1), kind="oval", confidence=0.8,
                             center=(0.05, 0.05), size_mm=(40, 30), text=text, printed=printed)

    assert printed_mark(cand(printed=True))
    assert printed_mark(cand(text="全国统一发票监制章国家税务总局重庆市税务局"))  # read, though measured unit-sized
    assert not printed_mark(cand(text="重庆市星辰软件科技有限公司发票专用章"))
    assert not printed_mark(cand())
