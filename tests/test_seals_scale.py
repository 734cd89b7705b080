"""Scale-free seal detection and 骑缝章 on every edge (issue 16), on pages drawn here with
pipeline.samples.seal_art and read back through the real readers (JPEG/TIFF files) where the file
format matters."""
from __future__ import annotations

import random

import cv2
import numpy as np
import pytest
from PIL import Image

from pipeline.extract.seals import detect_seals, find_seals
from pipeline.ocr.base import RasterPage
from pipeline.readers import images
from pipeline.samples import seal_art as sa
from test_seals import UNITS, a4, raster, scanned


def seal_page(dpi: int, seed: int = 4) -> tuple[Image.Image, tuple]:
    img = a4(dpi)
    box = sa.draw_round_seal(img, (sa.mm_to_px(130, dpi), sa.mm_to_px(215, dpi)), sa.mm_to_px(42, dpi), UNITS[0],
                             rng=random.Random(seed), sub_text="申报专用章")
    return img, box


@pytest.mark.parametrize("dpi", [72, 100, 150, 200, 300])
def test_one_seal_at_every_resolution_through_a_jpeg_file(tmp_path, dpi):
    img, _ = seal_page(dpi)
    path = tmp_path / "p.jpg"
    scanned(img, 0.7).save(path, "JPEG", quality=80, dpi=(dpi, dpi))
    found = detect_seals(images.raster(path, "p.jpg", 0))
    assert [c.kind for c in found] == ["round"]
    assert 36 <= found[0].size_mm[0] <= 48


def photographed(img: Image.Image) -> np.ndarray:
    """A phone photo of the page: perspective (the phone held at an angle), the page on a desk,
    light falling off across it, saved as a 12 MP-class JPEG that says 72 dpi."""
    a = np.asarray(img)
    h, w = a.shape[:2]
    W, H = 1500, 2000
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[170, 140], [1330, 210], [1420, 1880], [90, 1820]])
    M = cv2.getPerspectiveTransform(src, dst)
    out = cv2.warpPerspective(a, M, (W, H), borderValue=(95, 80, 60))
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    light = 1.05 - 0.45 * (xx / W) * (yy / H)
    return np.clip(out.astype(np.float32) * light[..., None], 0, 255).astype(np.uint8)


def test_photographed_page_with_perspective_and_uneven_light(tmp_path):
    img, _ = seal_page(200)
    path = tmp_path / "photo.jpg"
    Image.fromarray(photographed(img)).save(path, "JPEG", quality=85, dpi=(72, 72))
    found = detect_seals(images.raster(path, "photo.jpg", 0))
    assert [c.kind for c in found] in (["round"], ["oval"])  # perspective squashes the ring


def test_an_image_that_is_one_seal_is_one_seal(tmp_path):
    """A tight crop of one seal (a picture of the seal, 300 px, no dpi): one seal, not zero or two."""
    dpi = 180
    img = Image.new("RGB", (sa.mm_to_px(44, dpi), sa.mm_to_px(44, dpi)), (255, 255, 255))
    c = img.width // 2
    sa.draw_round_seal(img, (c, c), sa.mm_to_px(42, dpi), UNITS[1], rng=random.Random(3))
    path = tmp_path / "seal.png"
    img.save(path)
    found = detect_seals(images.raster(path, "seal.png", 0))
    assert [c.kind for c in found] == ["round"]


@pytest.mark.parametrize("gap_mm", [-12.0, 1.0])
def test_two_overlapping_or_adjacent_seals_are_two(gap_mm):
    dpi = 150
    img = a4(dpi)
    rng = random.Random(11)
    x = 60
    sa.draw_round_seal(img, (sa.mm_to_px(x, dpi), sa.mm_to_px(200, dpi)), sa.mm_to_px(42, dpi), UNITS[0], rng=rng)
    sa.draw_round_seal(img, (sa.mm_to_px(x + 42 + gap_mm, dpi), sa.mm_to_px(202, dpi)), sa.mm_to_px(42, dpi),
                       UNITS[1], rng=rng)
    assert [c.kind for c in detect_seals(raster(img, dpi))] == ["round", "round"]


def fan(n: int, edge: str, diameter_mm: float = 40, offsets_mm=None, dpi: int = 150, landscape: bool = False):
    """n+1 scanned pages (the first unstamped), a 骑缝章 across the other n on `edge`."""
    pages = [a4(dpi) for _ in range(n + 1)]
    if landscape:
        pages = [p.rotate(90, expand=True) for p in pages]
    along = sa.mm_to_px(110, dpi)
    offs = [sa.mm_to_px(o, dpi) for o in offsets_mm] if offsets_mm else None
    sa.straddle_slices(pages[1:], along, sa.mm_to_px(diameter_mm, dpi), UNITS[2], rng=random.Random(n), edge=edge,
                       offsets=offs)
    skews = [0.8, -1.2, 1.0, -0.6, 1.3, -0.9, 0.5, -1.1, 0.7]
    return [raster(scanned(p, skews[i % len(skews)]), dpi, number=i + 1, file="book.pdf") for i, p in enumerate(pages)]


@pytest.mark.parametrize("n,edge,offsets,landscape", [
    (3, "left", None, False),
    (3, "right", [0, 7, 14], False),           # a fan not squared up: each slice a little lower
    (4, "left", [0, -6, 3, -9], False),
    (8, "right", None, False),                 # thin slices (5 mm)
    (2, "right", [0, 10], False),              # wide: half discs
    (3, "top", None, True),                    # landscape booklets bound at the bottom or top
    (3, "bottom", [0, 8, 16], True),
])
def test_straddle_on_any_edge_thin_wide_and_offset_is_one_seal(n, edge, offsets, landscape):
    rasters = fan(n, edge, offsets_mm=offsets, landscape=landscape)
    per_page = [[(c.kind, c.edge) for c in detect_seals(r)] for r in rasters]
    assert per_page == [[]] + [[("edge", edge)]] * n
    seals = find_seals(rasters, UNITS)
    assert [(s.kind, s.pages) for s in seals] == [("straddle", tuple(range(2, n + 2)))]


def test_two_straddles_far_apart_on_one_edge_stay_two():
    dpi = 150
    pages = [a4(dpi) for _ in range(3)]
    sa.straddle_slices(pages, sa.mm_to_px(70, dpi), sa.mm_to_px(40, dpi), UNITS[0], rng=random.Random(1))
    sa.straddle_slices(pages, sa.mm_to_px(220, dpi), sa.mm_to_px(40, dpi), UNITS[1], rng=random.Random(2))
    rasters = [raster(scanned(p), dpi, number=i + 1) for i, p in enumerate(pages)]
    seals = find_seals(rasters, UNITS)
    assert sorted((s.kind, s.pages) for s in seals) == [("straddle", (1, 2, 3))] * 2


def test_page_image_without_colour_is_looked_at_by_shape():
    """A greyscale scan: the seal's ring is found by shape (colour=False), nothing is read."""
    img, box = seal_page(200)
    grey = np.asarray(scanned(img).convert("L"))
    found = detect_seals(RasterPage(file="g.tif", number=1, image=np.stack([grey] * 3, axis=-1), dpi=200))
    assert [(c.kind, c.colour) for c in found] == [("round", False)]
    blank = np.asarray(scanned(a4(200)).convert("L"))
    assert detect_seals(RasterPage(file="g.tif", number=2, image=np.stack([blank] * 3, axis=-1), dpi=200)) == []


def test_greyscale_seal_with_a_long_name_under_the_rim_is_found_by_shape():
    """A district's 附件4 seal scanned in grey: its long name (15 characters) runs right under the
    rim, so there is as much ink just inside the rim as on it; the ring still stands free outside."""
    img = a4(300)
    sa.draw_round_seal(img, (sa.mm_to_px(130, 300), sa.mm_to_px(215, 300)), sa.mm_to_px(40, 300),
                       "重庆市南川区经济和信息化委员会", rng=random.Random(3))
    grey = np.asarray(scanned(img).convert("L"))
    found = detect_seals(RasterPage(file="g.tif", number=1, image=np.stack([grey] * 3, axis=-1), dpi=300))
    assert [(c.kind, c.colour) for c in found] == [("round", False)]
