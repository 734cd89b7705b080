"""The 全国统一发票监制章 printed in an invoice's title (issue 16): an oval of 30 × 20 mm, below every
unit seal's oval size, taken on shape evidence (`rims.small_oval`): a closed thin rim with arc text
inside. A red logo's bold ring of the same size, or a thin empty frame — closed outlines too — stays
no seal. Through a rendered page (red ink drawn with a CJK font, as a scan at
200 dpi) and on the pure rim profile; and the rim's thickness floor (`rim_min_mm`): a hairline ring
— red layout boxes clustered round — is no seal of any size."""
from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline.extract.seals import detect_page
from pipeline.extract.seals.geometry import Ellipse, settings
from pipeline.extract.seals.rims import rim_profile, small_oval
from pipeline.ocr.base import RasterPage

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
DPI = 200
MM = DPI / 25.4
RED = (205, 30, 40)


def _arc_text(draw: ImageDraw.ImageDraw, cx, cy, rx, ry, text: str, size: int, start: float, stop: float):
    font = ImageFont.truetype(FONT, size, index=2)
    for i, ch in enumerate(text):
        t = math.radians(start + (stop - start) * i / max(len(text) - 1, 1))
        x, y = cx + rx * math.cos(t), cy + ry * math.sin(t)
        draw.text((x, y), ch, fill=RED, font=font, anchor="mm")


def _supervision_seal(draw, cx, cy):
    """A 30 × 20 mm 监制章: 1 mm rim, 全国统一发票监制章 on the upper arc, the office below, the place across."""
    a, b = 15 * MM, 10 * MM
    draw.ellipse((cx - a, cy - b, cx + a, cy + b), outline=RED, width=round(1.0 * MM))
    _arc_text(draw, cx, cy, a - 3.2 * MM, b - 3.0 * MM, "全国统一发票监制章", round(3.2 * MM), 200, 340)
    _arc_text(draw, cx, cy, a - 3.2 * MM, b - 2.8 * MM, "重庆市税务局", round(2.6 * MM), 140, 40)
    font = ImageFont.truetype(FONT, round(3.0 * MM), index=2)
    draw.text((cx, cy), "重庆", fill=RED, font=font, anchor="mm")


def _page() -> RasterPage:
    img = Image.new("RGB", (round(210 * MM), round(297 * MM)), (250, 250, 246))
    draw = ImageDraw.Draw(img)
    body = ImageFont.truetype(FONT, round(4 * MM), index=2)
    draw.text((20 * MM, 25 * MM), "重庆增值税普通发票", fill=(150, 90, 40), font=body)
    _supervision_seal(draw, 105 * MM, 40 * MM)
    # the same 30 × 20 mm oval as a red logo's bold ring around a letter (rim 3 mm), and as a thin
    # frame around one word across its middle (no arc text): no seal
    a, b = 15 * MM, 10 * MM
    draw.ellipse((50 * MM - a, 160 * MM - b, 50 * MM + a, 160 * MM + b), outline=RED, width=round(3.0 * MM))
    draw.text((50 * MM, 160 * MM), "R", fill=RED, font=ImageFont.truetype(FONT, round(8 * MM), index=2), anchor="mm")
    draw.ellipse((150 * MM - a, 160 * MM - b, 150 * MM + a, 160 * MM + b), outline=RED, width=round(1.0 * MM))
    draw.text((150 * MM, 160 * MM), "样本专用", fill=RED, font=ImageFont.truetype(FONT, round(5 * MM), index=2), anchor="mm")
    for y in range(80, 140, 8):  # black body text
        draw.text((20 * MM, y * MM), "申报单位名称：重庆某某科技有限公司 统一社会信用代码", fill=(30, 30, 30), font=body)
    arr = cv2.GaussianBlur(np.asarray(img), (3, 3), 0.8)
    return RasterPage(file="invoice.png", number=1, image=arr, dpi=DPI)


def test_the_printed_supervision_seal_is_one_seal_and_a_bold_ring_or_an_empty_frame_none():
    found = [c for c in detect_page(_page()).candidates if c.kind != "edge"]
    assert len(found) == 1
    c = found[0]
    W, H = c.page_size_mm
    assert abs(c.center[0] * W - 105) < 3 and abs(c.center[1] * H - 40) < 3
    assert abs(c.size_mm[0] - 30) < 3 and abs(c.size_mm[1] - 20) < 3
    assert c.size_mm[0] < settings()["oval_major_mm"][0]  # below the unit seals' ovals


# --------------------------------------------------------------------------- the pure profile

def _oval_mask(stroke: float, text: bool) -> tuple[np.ndarray, Ellipse]:
    """A 120 × 80 px oval whose rim is `stroke` px wide, with dots of 'text' inside or none."""
    m = np.zeros((200, 240), np.uint8)
    cv2.ellipse(m, (120, 100), (60 - round(stroke / 2), 40 - round(stroke / 2)), 0, 0, 360, 255, round(stroke))
    if text:
        for t in np.linspace(0, 2 * math.pi, 24, endpoint=False):
            cv2.circle(m, (round(120 + 44 * math.cos(t)), round(100 + 27 * math.sin(t))), 3, 255, -1)
    return m, Ellipse(120.0, 100.0, 60.0, 40.0, 0.0)


def test_a_thin_rim_with_text_inside_shows_both():
    m, e = _oval_mask(4, text=True)
    thick, text = rim_profile(m, e)
    assert thick < 0.15 and text > 0.5
    assert small_oval(m, e, 1.0, 30, 20, settings())


def test_a_bold_outline_or_an_empty_ring_is_no_small_oval():
    cfg = settings()
    bold, e = _oval_mask(18, text=False)  # a bold digit's stroke: ~0.4 of the semi-axis
    assert rim_profile(bold, e)[0] > cfg["small_oval_rim_max"]
    assert not small_oval(bold, e, 1.0, 30, 20, cfg)
    empty, e = _oval_mask(4, text=False)  # a drawn ring: nothing inside
    assert rim_profile(empty, e)[1] == 0.0
    assert not small_oval(empty, e, 1.0, 30, 20, cfg)
    # an open outline (ring below small_oval_ring_min) or a size off the 30 × 20 rule is none either
    m, e = _oval_mask(4, text=True)
    assert not small_oval(m, e, cfg["small_oval_ring_min"] - 0.1, 30, 20, cfg)
    assert not small_oval(m, e, 1.0, 45, 30, cfg) and not small_oval(m, e, 1.0, 18, 12, cfg)


def test_a_hairline_ring_is_no_seal_a_stamped_rim_is():
    # a seal's rim is 1.0–1.5 mm (domain-notes §3); red hairline frames clustered into a ring (a
    # layout tool's boxes) are thinner than rim_min_mm, at a page's 3.94 px/mm
    from pipeline.extract.seals.detect import _classify_disc

    cfg, ppm = settings(), 3.94

    def ring(width: int):
        m = np.zeros((240, 240), np.uint8)
        cv2.circle(m, (120, 120), 82 - width // 2, 255, width)  # 42 mm across
        for t in np.linspace(3.3, 6.1, 16):  # arc "text"
            cv2.circle(m, (round(120 + 62 * math.cos(t)), round(120 + 62 * math.sin(t))), 5, 255, -1)
        ys, xs = np.nonzero(m)
        return _classify_disc(xs, ys, m, ppm, cfg)

    assert ring(1) is None
    stamped = ring(5)  # 1.3 mm
    assert stamped is not None and stamped["kind"] == "round"
