"""An oval seal on a page without colour, turned ~10° and stamped over text lines (issue 16): the
coarse upright search's best is then a too-short oval lying along the lines, and the fine climb from
it alone stays there, short of the rim's coverage. The fine climb starts from the coarse search's
few best sizes/turns (`shape._best_oval`, seals.yaml grey_oval_starts)."""
from __future__ import annotations

import numpy as np

from pipeline.extract.seals.detect import detect_page
from pipeline.extract.seals.shape import _grid_best
from test_seals_ground import _planned_tiff_page


def test_the_planned_upside_down_grey_oval_of_f2s573_app_1_is_found(tmp_path):
    """f2s573 app 1's page 2 (grey, 200 dpi, scanned upside down): its 45×30 oval seal, turned 9.5°
    over the signature lines, was missed (`seal.present` review for a sealed booklet)."""
    sub, page = _planned_tiff_page(tmp_path, 573, 0, 2)
    look, (seal,) = sub.looks[1], sub.pages[1].seals
    assert look.grey and look.rotation == 180 and look.dpi == 200 and seal.shape == "oval"
    found = detect_page(page)
    assert found.colour == "grey"
    assert [c.kind for c in found.candidates] == ["oval"]
    c = found.candidates[0]
    W, H = c.page_size_mm
    # upside down: the planned centre (mm from the top left) is seen from the opposite corner
    assert abs(c.center[0] * W - (W - seal.cx)) < 3 and abs(c.center[1] * H - (H - seal.cy)) < 3
    assert abs(c.size_mm[0] - seal.w) < 4 and abs(c.size_mm[1] - seal.h) < 4


def test_grid_best_gives_the_best_of_each_size_and_turn_best_first():
    ink = np.zeros((200, 200), np.uint8)
    yy, xx = np.mgrid[:200, :200]
    ink[np.abs(np.hypot(xx - 100, yy - 100) - 40) < 1.5] = 1  # a ring of radius 40 at (100, 100)
    radii = np.array([30.0, 40.0, 50.0])
    out = _grid_best(ink, 94, 100, np.arange(-6, 6.01, 6), radii, radii, 1.5, np.linspace(0, 6.28, 90), top=3)
    assert [round(e.a) for e, _ in out][0] == 40 and (out[0][0].cx, out[0][0].cy) == (100, 100)
    assert out[0][1] > 0.95 and [c for _, c in out] == sorted((c for _, c in out), reverse=True)
    assert len({(e.a, e.theta) for e, _ in out}) == 3
