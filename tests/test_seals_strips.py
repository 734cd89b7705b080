"""The middle strip of a 骑缝章 (issue 16): a slice about 10 mm wide through the seal's centre
holds the star and the characters, and of the rim only its top and bottom arcs. Among the
rows' leftmost/rightmost ink (the cut sides, the star) the arcs' points are few, so the circle
is also searched on the columns' top and bottom ink alone (`edges.classify_edge`)."""
from __future__ import annotations

import math

import cv2
import numpy as np

from pipeline.extract.seals import find_seals
from pipeline.extract.seals.detect import detect_page
from pipeline.extract.seals.edges import classify_edge
from pipeline.extract.seals.geometry import settings


def _planned_straddle_pages(tmp_path, seed: int, index: int):
    """The straddle pages of application `index` of the family-2 bundle planned with `seed` (12
    applications), stamped and scanned as planned, written as a JPEG folder and read as the reader
    does: (submission plan, rasters)."""
    from pipeline.readers import images
    from pipeline.samples import generator as G
    from pipeline.samples.family2 import bundle as B

    plan = B.plan_truth(seed, 12)
    sub = next(s for s in plan.submissions if s.kind == "application" and s.app.index == index)
    keep = sub.straddle["pages"]
    part = G.SubmissionPlan("part", "jpeg_folder", "application", [sub.pages[i] for i in keep],
                            [sub.looks[i] for i in keep], sub.family,
                            straddle=dict(sub.straddle, pages=list(range(len(keep)))))
    G._render_submission(part, tmp_path)
    files = sorted((tmp_path / "part").glob("page_*.jpg"))
    return sub, [images.raster(f, f"part/{f.name}", 0) for f in files]


def test_the_middle_strip_of_f2s571_app_8_s_straddle_is_found(tmp_path):
    """f2s571 app 8's fan of four colour JPEG pages (300 dpi, page 7 skewed 1.7°): page 7 holds a
    10 mm strip with the seal's centre and star; before, no circle fitted it and it was missed."""
    sub, rasters = _planned_straddle_pages(tmp_path, 571, 7)
    assert sub.straddle["pages"] == [4, 5, 6, 7] and sub.looks[6].skew == 1.7
    found = [[(c.kind, c.edge) for c in detect_page(r).candidates] for r in rasters]
    assert [[c for c in f if c[0] == "edge"] for f in found] == [[("edge", "right")]] * 4
    assert [len(f) - 1 for f in found] == [len(sub.pages[i].seals) for i in sub.straddle["pages"]]
    assert [len(s.pages) for s in find_seals(rasters) if s.kind == "straddle"] == [4]


def _strip_mask(ppm: float, R_mm: float, width_mm: float, off_mm: float, skew: float) -> np.ndarray:
    """A red mask (the detector's small image) of a seal's middle strip at a page's right side, as
    on f2s571 app 8's page 7: rim 1.2 mm thick, a star at the centre, characters along the upper
    rim and a line of text below the star; turned by `skew`°, cut `width_mm` wide `off_mm` right
    of the centre; the bottom arc faint (not inked) over the strip's left half."""
    R, W = R_mm * ppm, int(round(width_mm * ppm))
    size = int(2 * R + 40)
    full = np.zeros((size, size), np.uint8)
    c = size // 2
    cv2.circle(full, (c, c), int(round(R)), 255, max(1, int(round(1.2 * ppm))))
    star = [(c + 0.3 * R * math.cos(a - math.pi / 2) * (1 if k % 2 == 0 else 0.4),
             c + 0.3 * R * math.sin(a - math.pi / 2) * (1 if k % 2 == 0 else 0.4))
            for k, a in enumerate(np.linspace(0, 2 * math.pi, 10, endpoint=False))]
    cv2.fillPoly(full, [np.array(star, np.int32)], 255)
    for a in np.radians(np.linspace(-150, -30, 7)):  # characters along the upper rim
        x, y = c + 0.8 * R * math.cos(a), c + 0.8 * R * math.sin(a)
        full[int(y - 2 * ppm):int(y + 2 * ppm), int(x - 2 * ppm):int(x + 2 * ppm)] = 255
    y = int(c + 0.5 * R)
    full[y:y + int(3 * ppm), c - int(6 * ppm):c + int(6 * ppm)] = 255
    full = cv2.warpAffine(full, cv2.getRotationMatrix2D((c, c), skew, 1), (size, size))
    full = ((full > 127) * 255).astype(np.uint8)
    x0 = c + int(off_mm * ppm) - W // 2
    page = np.zeros((size, 200), np.uint8)
    page[:, 200 - W:] = full[:, x0:x0 + W]
    page[int(c + 0.8 * R):, 200 - W:200 - W + W // 2] = 0
    return page


def test_a_middle_strip_with_a_faint_lower_arc_fits_its_circle():
    """Unit test on a drawn mask: without the columns' search no circle passes (the rows' extremes
    and the chord fit, thrown off by the half-missing lower arc, miss the rim)."""
    ppm = 5.0
    mask = _strip_mask(ppm, 21, 8, 2, 1.7)
    ys, xs = np.nonzero(mask)
    e = classify_edge(xs, ys, "right", ppm, settings(), mask)
    assert e is not None and e["kind"] == "edge"
    assert abs(e["R"] / ppm - 21) < 1.5 and abs(e["cy"] - mask.shape[0] / 2) < 2 * ppm
