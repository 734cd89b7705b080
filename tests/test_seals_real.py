"""The seal detector on real public images kept in the repository (benchmarks/real_seals, issue 16):
each read as the pipeline reads an image file. Labels are whole official seals by looking at the
image (labels.tsv); the test holds the detector to them where it gets them right today, to 0 on every
negative, and to the seals fixed here. Plus unit tests of the pure scale and paper rules."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from pipeline.extract.seals import detect_page
from pipeline.extract.seals.detect import paper_value_min
from pipeline.extract.seals.geometry import settings
from pipeline.extract.seals.scale import estimated, paper_of_shape, ring_sized_dpi, working_dpi
from pipeline.ocr.base import RasterPage
from pipeline.readers import images

ROOT = Path(__file__).resolve().parents[1] / "benchmarks" / "real_seals"

# Not yet right: none since session 13 (the e-invoice's 监制章: its two inks split, the image measured as the
# invoice its shape is).
NOT_YET: set[str] = set()


def labels() -> list[tuple[str, int]]:
    rows = []
    for line in (ROOT / "labels.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            f, seals, *_ = line.split("\t")
            rows.append((f, int(seals)))
    return rows


def whole_seals(name: str):
    found = detect_page(images.raster(ROOT / "img" / name, name, 0))
    return [c for c in found.candidates if c.kind != "edge"]


def test_the_collection_is_kept_whole_and_small():
    rows = labels()
    assert len(rows) >= 24 and sum(n == 0 for _, n in rows) >= 4
    assert all((ROOT / "img" / f).is_file() for f, _ in rows)
    assert sum(p.stat().st_size for p in (ROOT / "img").iterdir()) <= 10 * 2**20


@pytest.mark.parametrize("name,want", [r for r in labels() if r[0] not in NOT_YET])
def test_right_number_of_seals_on_a_real_image(name, want):
    # includes every negative (want 0): an ID card's red tie, a train ticket's red print, dark screenshots
    assert len(whole_seals(name)) == want


def test_a_tight_crop_of_three_stamps_is_two_official_seals_not_six():
    # 930×440 crop saying 144 dpi: taken for A4, the company seal measured 83 mm and the side-by-side
    # split found 5 partial "seals" in its arcs; the square personal seal is none
    found = whole_seals("sealcut_three_stamps.jpg")
    assert [c.kind for c in found] == ["round", "round"]
    assert sorted(round(c.center[0], 1) for c in found) == [0.3, 0.6]


def test_the_small_finance_seal_in_a_wide_screenshot_is_found():
    # 1693×664 at "145 dpi": a plausible 296 mm long side, but no page's shape
    assert len(whole_seals("edk_screenshot.png")) == 2


def test_the_invoice_seal_in_a_dim_phone_photo_is_on_paper():
    # the 发票专用章 sits in the photo's shade (paper median 101 of 255): found, lower right
    found = whole_seals("gi_invoice_photo_shenzhen.png")
    assert [c.kind for c in found] == ["oval", "oval"]
    assert any(c.center[0] > 0.7 and c.center[1] > 0.7 for c in found)


def test_the_printed_supervision_seal_in_an_invoice_title_is_a_seal():
    # the 全国统一发票监制章 (30 × 20 mm by rule; 34.5 × 23 mm at this photo's scale, below any unit's
    # oval) in the title, top middle: a closed thin rim with arc text inside
    found = [c for c in whole_seals("gi_invoice_photo_shenzhen.png") if c.center[1] < 0.4]
    assert len(found) == 1 and 0.4 < found[0].center[0] < 0.6
    assert found[0].size_mm[0] < settings()["oval_major_mm"][0]


# --------------------------------------------------------------------------- pure rules

def test_paper_value_follows_a_dim_page_but_not_a_dark_screen():
    cfg = settings()
    assert paper_value_min(250, cfg) == cfg["paper_value_min"]
    assert paper_value_min(181, cfg) == pytest.approx(181 * cfg["paper_value_rel"])
    assert paper_value_min(40, cfg) == cfg["paper_value_floor"]


@pytest.mark.parametrize("h,w,dpi,guessed", [
    (3508, 2480, 300, False),   # A4 at 300 dpi
    (664, 1693, 145, True),     # a wide screenshot whose dpi implies a 296 mm side
    (1920, 1080, 164, True),    # a 16:9 phone photo
    (2000, 1214, 200, False),   # legal paper (1.65)
])
def test_an_image_far_longer_than_a_page_has_no_trusted_dpi(h, w, dpi, guessed):
    page = RasterPage(file="x", number=1, image=np.zeros((h, w, 3), np.uint8), dpi=dpi)
    assert estimated(page, settings()) is guessed


def _ring_mask(h: int, w: int, rings: list[tuple[int, int, int]]) -> np.ndarray:
    m = np.zeros((h, w), np.uint8)
    for cx, cy, r in rings:
        cv2.circle(m, (cx, cy), r, 255, 3)
        cv2.putText(m, "AB", (cx - r // 3, cy), cv2.FONT_HERSHEY_SIMPLEX, r / 60, 255, 2)
    return m


def test_a_ring_too_big_for_the_a4_guess_sets_the_scale():
    cfg = settings()
    page = RasterPage(file="x", number=1, image=np.zeros((440, 930, 3), np.uint8), dpi=72)
    ppm = 3.13  # the A4 guess for 930 px across 297 mm
    m = _ring_mask(440, 930, [(300, 220, 130)])  # 260 px: 83 mm at the guess
    dpi = ring_sized_dpi(page, m, ppm, cfg)
    assert dpi == pytest.approx(260 / (cfg["lone_seal_mm"] / 25.4), rel=0.05)
    # a seal-sized ring leaves the guess alone; so does a page whose seal already set the scale
    assert ring_sized_dpi(page, _ring_mask(440, 930, [(300, 220, 60)]), ppm, cfg) is None
    scaled = RasterPage(file="x", number=1, image=page.image, dpi=round(dpi), meta={"seal_scaled": True})
    assert ring_sized_dpi(scaled, m, ppm, cfg) is None


@pytest.mark.parametrize("name,want", [("gi_vat_plain_screenshot.png", 1), ("gi_invoice_photo_screenshot.png", 2),
                                       ("gi_einvoice_screenshot.png", 2)])
def test_an_invoice_shown_small_in_a_screenshot_is_measured_by_its_sheet(name, want):
    # a photo viewer inside a 1900 px screenshot shows the invoice ~830 px wide: taken for the A4 guess over
    # the whole frame its 40 mm 发票专用章 measured ~22 mm and its 监制章 ~18 mm; measured by the sheet
    # inside the frame (`scale.framed_paper_dpi`) they are seal-sized. No 骑缝章 slice at the frame's edges.
    found = detect_page(images.raster(ROOT / "img" / name, name, 0)).candidates
    assert [c.kind for c in found] == ["oval"] * want


def test_an_image_shaped_as_an_invoice_is_measured_as_one():
    # 240 × 140 mm (1.71): an image of guessed scale that shape is that paper, not a cut of A4
    cfg = settings()
    assert paper_of_shape(911 / 534, cfg) == (140, 240)
    assert paper_of_shape(297 / 210, cfg) is None and paper_of_shape(16 / 9, cfg) is None
    page = RasterPage(file="x", number=1, image=np.zeros((534, 911, 3), np.uint8), dpi=72)
    assert working_dpi(page, cfg) == pytest.approx(max(534 / (140 / 25.4), 911 / (240 / 25.4)))  # A4: 77.9
    a4ish = RasterPage(file="x", number=1, image=np.zeros((600, 1100, 3), np.uint8), dpi=72)  # 1.83: the A4 guess
    assert working_dpi(a4ish, cfg) == pytest.approx(max(600 / (210 / 25.4), 1100 / (297 / 25.4)))

