"""The scanner's dark ground beyond a skewed page's edge on a page without colour (issue 16): at a
corner it is a thin wedge, which the straight-rule eraser leaves in steps a few millimetres wide
and a seal's chord long — taken for a 骑缝章 sliver (f2s563's 营业执照 copy, a JPEG page whose
booklet had no seal: a false seal). The ground's inner side is the paper's straight edge
(`shape.ground_line`): everything beyond it is no ink, and a real slice, which lies on the paper,
is still found. Pages rendered with pipeline.samples.seal_art, turned grey and scanned with skew
(the real OpenCV pipeline)."""
from __future__ import annotations

import random

import numpy as np
import pytest

from pipeline.extract.seals import find_seals
from pipeline.extract.seals.detect import detect_page
from pipeline.extract.seals.geometry import settings
from pipeline.extract.seals.shape import erase_scanner_ground, ground_line
from pipeline.samples import seal_art as sa
from test_seals import UNITS, a4, raster, scanned
from test_seals_grey import grey


@pytest.mark.parametrize("skew", [0.8, -0.8, 1.7, -1.7])
def test_a_skewed_grey_scan_s_dark_corners_are_no_seal(skew):
    dpi = 300
    for text in (False, True):
        assert detect_page(raster(scanned(grey(a4(dpi, text=text)), skew), dpi)).candidates == []


@pytest.mark.parametrize("skew", [0.8, -1.2])
def test_grey_straddle_slices_on_a_skewed_scan_are_still_found(skew):
    dpi = 200
    pages = [a4(dpi, text=False) for _ in range(3)]
    sa.straddle_slices(pages, sa.mm_to_px(60, dpi), sa.mm_to_px(42, dpi), UNITS[1], rng=random.Random(3))
    rasters = [raster(scanned(grey(p), skew), dpi, number=i + 1, file="book.tif") for i, p in enumerate(pages)]
    assert [[(c.kind, c.edge) for c in detect_page(r).candidates] for r in rasters] == [[("edge", "right")]] * 3
    assert [(s.kind, s.pages) for s in find_seals(rasters)] == [("straddle", (1, 2, 3))]


def test_ground_line_fits_the_wedge_and_trims_a_slice_touching_it():
    ppm = 4.0
    cfg = settings()
    rows = np.arange(1200)
    run = np.clip(np.round(16 - 0.014 * rows), 0, None).astype(int)  # a wedge 4 mm wide at the top
    run[100:180] += 30  # a slice's rim running on from the ground
    a, b = ground_line(run, ppm, cfg)
    assert abs(a - 16) < 1 and abs(b + 0.014) < 0.003


def test_no_ground_line_without_ground_or_along_a_ragged_side():
    ppm, cfg = 4.0, settings()
    assert ground_line(np.zeros(1200, int), ppm, cfg) is None
    short = np.zeros(1200, int)
    short[500:540] = 5  # a slice touching the border: 10 mm, no ground along the side
    assert ground_line(short, ppm, cfg) is None
    rng = np.random.default_rng(0)
    assert ground_line(rng.integers(0, 40, 1200), ppm, cfg) is None  # print at the side, no straight edge


def test_erase_keeps_ink_inside_the_paper_s_edge():
    ppm, cfg = 4.0, settings()
    ink = np.zeros((1200, 800), np.uint8)
    for y in range(1200):
        ink[y, 800 - max(0, int(round(16 - 0.014 * y))):] = 255  # the ground's wedge on the right
    ink[300:400, 700:770] = 255  # ink well inside the paper
    erase_scanner_ground(ink, ppm, cfg)
    assert not ink[:, 775:].any() and ink[300:400, 700:770].all()


def test_the_planned_licence_copy_of_f2s563_app_6_shows_no_seal(tmp_path):
    """The page as the family-2 generator scans it (grey, skew 0.81°, 300 dpi): before, a sliver
    at the top right corner's ground was a seal, the only one of a booklet planned without any."""
    from pipeline.readers import pdf
    from pipeline.samples import generator as G
    from pipeline.samples.family2 import bundle as B

    plan = B.plan_truth(563, 12)
    sub = next(s for s in plan.submissions if s.kind == "application" and s.app.index == 5)
    keep = [i for i, p in enumerate(sub.pages) if p.kind == "certificate"]
    assert sub.looks[keep[0]].grey and sub.looks[keep[0]].skew
    part = G.SubmissionPlan("part.pdf", "image_pdf", "application", [sub.pages[i] for i in keep],
                            [sub.looks[i] for i in keep], sub.family)
    G._render_submission(part, tmp_path)
    doc, _ = pdf.open_pdf(tmp_path / "part.pdf", "part.pdf")
    page = detect_page(pdf.raster(doc, 0, "part.pdf", dpi=pdf.RENDER_DPI))
    assert page.colour == "grey" and page.candidates == []


def _planned_tiff_page(tmp_path, seed: int, index: int, number: int):
    """Page `number` of application `index` of the family-2 bundle planned with `seed` (12
    applications), rendered with its planned scan look as a TIFF and read as the reader does."""
    from pipeline.readers import images
    from pipeline.samples import generator as G
    from pipeline.samples.family2 import bundle as B

    plan = B.plan_truth(seed, 12)
    sub = next(s for s in plan.submissions if s.kind == "application" and s.app.index == index)
    part = G.SubmissionPlan("part.tiff", "tiff", "application", [sub.pages[number - 1]],
                            [sub.looks[number - 1]], sub.family)
    G._render_submission(part, tmp_path)
    return sub, images.raster(tmp_path / "part.tiff", "part.tiff", 0)


def test_the_ground_s_blurred_edge_at_a_steeply_skewed_grey_page_is_no_slice(tmp_path):
    """f2s569 app 9's members page (grey, skew −1.79°): with only 0.5 mm of paper erased inside
    the ground's fitted edge, the edge's blur along the left side was a sliver."""
    sub, page = _planned_tiff_page(tmp_path, 569, 8, 5)
    assert not sub.pages[4].seals
    assert detect_page(page).candidates == []
