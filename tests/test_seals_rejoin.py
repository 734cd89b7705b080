"""A seal whose rim black lines cut into pieces (seals.yaml `rejoin_mm`): found on pages rendered
with pipeline.samples.seal_art and scanned (real OpenCV); the rejoin on a drawn mask."""
from __future__ import annotations

import random

import cv2
import numpy as np
import pytest
from PIL import ImageDraw

from pipeline.extract.seals import detect_seals
from pipeline.extract.seals.detect import _discs, settings
from pipeline.samples import seal_art as sa
from tests.test_seals import UNITS, a4, inside, raster, scanned


@pytest.mark.parametrize("seed,bar_mm,gap_mm", [(1, 3, 8), (2, 5, 6)])
def test_seal_cut_by_black_lines_is_one_seal(seed, bar_mm, gap_mm):
    """Red under toner shows black: two black strokes across the seal cut its rim into pieces too
    far apart for the usual join (dev seed f2s157's commitment page lost its seal so)."""
    dpi = 200
    img = a4(dpi, text=False)
    box = sa.draw_round_seal(img, (sa.mm_to_px(140, dpi), sa.mm_to_px(118, dpi)), sa.mm_to_px(40, dpi),
                             UNITS[seed], rng=random.Random(seed), fade=0.2)
    d = ImageDraw.Draw(img)
    for dy in (-gap_mm, gap_mm):
        y, hb = sa.mm_to_px(118 + dy, dpi), sa.mm_to_px(bar_mm / 2, dpi)
        d.rectangle((sa.mm_to_px(100, dpi), y - hb, sa.mm_to_px(185, dpi), y + hb), fill=(25, 25, 25))
    found = detect_seals(raster(scanned(img, 1.0), dpi))
    assert [c.kind for c in found] == ["round"]
    assert inside(box, found[0], img)
    assert 37 <= found[0].size_mm[0] <= 43


def _ring_pieces(arcs: list[tuple[int, int]], ppm: float = 100 / 25.4) -> np.ndarray:
    """A 40 mm rim drawn as the given arcs (degrees) with three characters under its top (arc text
    sits a millimetre inside the rim: it joins its arc)."""
    mask = np.zeros((400, 400), np.uint8)
    c, r = (200, 200), int(20 * ppm)
    for a0, a1 in arcs:
        cv2.ellipse(mask, c, (r, r), 0, a0, a1, 255, 4)
    for dx in (-30, 0, 30):
        cv2.rectangle(mask, (200 + dx - 8, 127), (200 + dx + 8, 143), 255, 2)
    return mask


def test_rejoin_joins_rim_pieces_and_only_then():
    cfg, ppm = settings(), 100 / 25.4
    # four arcs, 4 mm gaps (a 40 mm rim: 1 mm ≈ 2.9°): one blob only when joined over rejoin_mm
    cut = _ring_pieces([(231, 309), (321, 399), (51, 129), (141, 219)])
    assert _discs(cut, ppm, cfg, rejoin=False) == []
    [(d, _, _)] = _discs(cut, ppm, cfg)
    assert d["kind"] == "round" and 38 <= d["major"] <= 42
    # half a rim (a seal the image's border cuts off) is no clear ring, however its pieces are joined
    assert _discs(_ring_pieces([(141, 219), (231, 309)]), ppm, cfg) == []
