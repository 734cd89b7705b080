"""Pure rules behind the real-image fixes of session 13 (issue 16): a sheet shown inside a frame sets
the scale (`scale.framed_paper_dpi`), a mask of two inks is split by hue (`inks.hue_split`), and a
rule is inked along its length (`geometry.ink_along`, `straight_rules`). The real images these serve
are in tests/test_seals_real.py and tests/test_seals_printed.py."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from pipeline.extract.seals.geometry import ink_along, settings, straight_rules
from pipeline.extract.seals.inks import hue_split
from pipeline.extract.seals.scale import framed_paper_dpi
from pipeline.ocr.base import RasterPage

RED = (210, 30, 30)


def _screenshot(sheet_w: int, sheet_h: int, ground=(60, 60, 60), sheet=(245, 245, 245)) -> tuple[np.ndarray, np.ndarray]:
    """A 1000×600 dark frame with a light sheet in it carrying black text lines and a red ring."""
    img = np.full((600, 1000, 3), ground, np.uint8)
    img[:40] = (240, 240, 240)  # a light title bar along the frame's border
    x0, y0 = 200, 100
    img[y0:y0 + sheet_h, x0:x0 + sheet_w] = sheet
    for k in range(6):
        cv2.line(img, (x0 + 20, y0 + 30 + 25 * k), (x0 + sheet_w - 40, y0 + 30 + 25 * k), (20, 20, 20), 2)
    cv2.circle(img, (x0 + sheet_w - 80, y0 + sheet_h - 70), 45, RED, 3)
    cv2.putText(img, "AB", (x0 + sheet_w - 100, y0 + sheet_h - 65), cv2.FONT_HERSHEY_SIMPLEX, 0.6, RED, 2)
    redness = img[..., 0].astype(int) - img[..., 1:].max(axis=2)
    return img, np.where(redness > 60, 255, 0).astype(np.uint8)


def test_a_sheet_inside_the_frame_is_measured_as_paper():
    cfg = settings()
    img, mask = _screenshot(600, 350)  # aspect 1.71: the VAT invoice's 240 × 140 mm
    page = RasterPage(file="x", number=1, image=img, dpi=72)
    dpi = framed_paper_dpi(page, img, mask, 1.0, cfg)
    assert dpi == pytest.approx(600 / (240 / 25.4), rel=0.02)
    img, mask = _screenshot(424, 300)  # aspect 1.41: A4, 297 mm long
    assert framed_paper_dpi(RasterPage(file="x", number=1, image=img, dpi=72), img, mask, 1.0, cfg) \
        == pytest.approx(424 / (297 / 25.4), rel=0.02)


def test_no_sheet_when_the_frame_is_the_page_or_the_scale_is_set():
    cfg = settings()
    img, mask = _screenshot(600, 350)
    # the scale already came from a seal or a sheet: asked once
    for meta in ({"seal_scaled": True}, {"paper_scaled": True}, {"lone_seal": True}):
        assert framed_paper_dpi(RasterPage(file="x", number=1, image=img, dpi=72, meta=meta), img, mask, 1.0, cfg) is None
    # a sheet filling the frame: the frame is the page
    img, mask = _screenshot(790, 480)
    assert framed_paper_dpi(RasterPage(file="x", number=1, image=img, dpi=72), img, mask, 1.0, cfg) is None
    # a sheet with no red ink on it is not the seal's paper
    img, _ = _screenshot(600, 350)
    far = np.zeros(mask.shape, np.uint8)
    cv2.circle(far, (100, 500), 40, 255, 3)
    img2 = img.copy()
    img2[far > 0] = RED
    assert framed_paper_dpi(RasterPage(file="x", number=1, image=img2, dpi=72), img2, far, 1.0, cfg) is None


def test_two_inks_are_split_by_hue_and_one_ink_is_not():
    cfg = settings()
    img = np.full((200, 400, 3), 250, np.uint8)
    cv2.ellipse(img, (120, 100), (60, 40), 0, 0, 360, (220, 20, 20), 3)      # red seal, hue ~0
    cv2.putText(img, "TITLE", (40, 110), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (170, 95, 30), 4)  # brown, hue ~13
    mask = np.where(img.astype(int)[..., 0] - img[..., 1:].max(axis=2) > 26, 255, 0).astype(np.uint8)
    parts = hue_split(img, mask, cfg)
    assert len(parts) == 2
    red, brown = parts
    assert red[100, 60] == 255 and brown[100, 60] == 0            # the ellipse's left end: red
    assert np.count_nonzero(red & brown) == 0
    assert np.count_nonzero(red | brown) == np.count_nonzero(mask)
    one = np.full((200, 400, 3), 250, np.uint8)
    cv2.ellipse(one, (120, 100), (60, 40), 0, 0, 360, (220, 20, 20), 3)
    cv2.putText(one, "TITLE", (40, 110), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (215, 30, 25), 4)
    mask = np.where(one.astype(int)[..., 0] - one[..., 1:].max(axis=2) > 26, 255, 0).astype(np.uint8)
    assert hue_split(one, mask, cfg) == []


def test_a_rule_is_inked_along_its_length_and_a_row_of_letters_is_not():
    cfg = settings()
    ppm = 100 / 25.4
    m = np.zeros((200, 600), np.uint8)
    cv2.line(m, (20, 50), (560, 50), 255, 2)                       # a 137 mm rule
    for x in range(20, 560, 20):  # a row of letters: strokes lined up, 1.3 mm of paper between (Hough bridges it)
        cv2.line(m, (x, 150), (x + 11, 150), 255, 2)
    assert ink_along(m, 20, 50, 560, 50) == pytest.approx(1.0)
    assert ink_along(m, 20, 150, 560, 150) < cfg["rule_cover_min"]
    rules = straight_rules(m, ppm, cfg)
    assert rules[50, 300] == 255
    assert not rules[140:160].any()
    assert straight_rules(m, ppm, {**cfg, "rule_cover_min": 0.0})[150, 300] == 255  # what Hough alone takes
