"""RapidOCR's detector, angle classifier and glue without importing RapidOCR (det_light, cls_light,
rapid_light; issue 18): each piece gives what RapidOCR 3.10.0's own gives on real rendered pages —
boxes, scores, 180° verdicts, texts — and JIEBANG_RAPIDOCR=library still runs RapidOCR itself."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.ocr_pages import render_page  # noqa: E402
from benchmarks.rapid_light_identity import both  # noqa: E402  (light result, library result) of one call
from pipeline.ocr import rapid, rapid_light, rapid_page  # noqa: E402
from pipeline.ocr.cls_light import light_classifier  # noqa: E402
from pipeline.ocr.det_light import light_detector, mini_box, ring_area_length  # noqa: E402


@pytest.fixture(scope="module")
def page():
    """A form page at 300 dpi (ruled table, red seal over the signature, scan effects) as RapidOCR sees it."""
    sample = render_page(12, dpi=300)
    return sample, rapid.as_bgr(rapid.ocr_grey(sample.image))


@pytest.fixture(scope="module")
def library():
    return rapid.detecting()  # RapidOCR's own instance, detector and classifier loaded


def test_unclip_distance_is_shapelys_area_and_perimeter(page):
    """Shapely (GEOS) gave the unclip distance; the sums here are GEOS's, to the last bit."""
    from shapely.geometry import Polygon

    rng = np.random.default_rng(1560)
    boxes = [mini_box(np.array([[[x, y]], [[x + w, y + d]], [[x + w - d, y + h]], [[x - d, y + h - d]]], np.float32))[0]
             for x, y, w, h, d in rng.uniform(0, 900, size=(3000, 5))]
    boxes += [mini_box(rng.uniform(0, 2000, size=(7, 1, 2)).astype(np.float32))[0] for _ in range(1000)]
    for box in boxes:
        poly = Polygon(box)
        assert ring_area_length(box) == (poly.area, poly.length)


def test_detector_input_is_rapidocrs_for_every_pixel_value(page):
    """det_light normalises in float32 in place; RapidOCR via float64: the same tensor, every value."""
    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    from pipeline.ocr.det_light import det_input

    every = np.repeat(np.tile(np.arange(256, dtype=np.uint8), (32, 1))[..., None], 3, axis=2)
    _, bgr = page
    for img, limit in ((every, ("max", 256)), (bgr, ("min", 736)), (bgr, ("max", 2000)), (bgr[:100, :900], ("max", 300))):
        want = DetPreProcess(limit[1], limit[0])(img)
        got = det_input(img, *limit)
        assert got.dtype == want.dtype and np.array_equal(got, want)


@pytest.mark.parametrize("limit", [("min", 736), ("max", 2000), ("max", 640)])
def test_detector_boxes_are_rapidocrs(page, library, limit):
    _, bgr = page
    img, _ = library.preprocess_img(bgr)
    det = library.text_det
    saved = det.limit_type, det.limit_side_len
    det.limit_type, det.limit_side_len = limit
    try:
        ref = det(img)
    finally:
        det.limit_type, det.limit_side_len = saved
    boxes, scores = light_detector()(img, limit)
    assert len(ref.boxes) >= 20
    assert boxes.dtype == ref.boxes.dtype and np.array_equal(boxes, ref.boxes)
    assert scores == ref.scores


def test_classifier_verdicts_and_turned_crops_are_rapidocrs(page, library):
    _, bgr = page
    img, record = library.preprocess_img(bgr)
    crops, _ = library.detect_and_crop(img, record)
    crops = crops[:10] + [np.ascontiguousarray(c[::-1, ::-1]) for c in crops[10:20]]  # half of them upside down
    ref = library.text_cls(crops)
    imgs, cls_res = light_classifier()(crops)
    assert cls_res == ref.cls_res
    assert sum(label == "180" and s > 0.9 for label, s in cls_res) >= 5
    assert all(np.array_equal(a, b) for a, b in zip(imgs, ref.img_list))


def _same(new, old) -> bool:
    (ni, nu), (oi, ou) = new, old
    return nu == ou and len(ni) == len(oi) and all(
        a[1:] == b[1:] and a[0].dtype == b[0].dtype and np.array_equal(a[0], b[0]) for a, b in zip(ni, oi))


def test_whole_pages_upright_and_turned_read_as_rapidocr(page, library):
    sample, bgr = page
    grey = bgr[..., 0]
    new, old = both(rapid.detect_and_read, grey)
    assert _same(new, old) and not new[1]
    assert f"统一社会信用代码：{sample.facts['uscc']}" in [t for _, t, _ in new[0]]
    new, old = both(rapid.detect_and_read, np.ascontiguousarray(grey[::-1, ::-1]))
    assert _same(new, old) and new[1]  # the classifier's verdicts: the page is upside down


def test_regions_and_strips_read_as_rapidocr(page, library):
    """Region crops with the page's dpi (the cascade's blocks and gaps), a strip lower than 30 px and one
    wider than 8:1 (RapidOCR pads those with black above and below), and a crop with no text."""
    sample, bgr = page
    grey = bgr[..., 0]
    h, w = grey.shape
    line = next(t for t in sample.lines if t.text.startswith("统一社会信用代码"))
    x0, y0, x1, y1 = (int(v) for v in line.box)
    crops = [grey[max(0, y0 - 60):y1 + 200, :], grey[y0 - 4:y1 + 4, x0:x1], grey[y0:y0 + 28, x0:x1],
             grey[h // 2:h // 2 + 400, w // 4:3 * w // 4], np.full((120, 500), 255, np.uint8)]
    for crop in crops:
        crop = np.ascontiguousarray(crop)
        for dpi in (300, None):
            new, old = both(rapid.detect_and_read, crop, region=True, dpi=dpi)
            assert _same(new, old), (crop.shape, dpi)
    record: dict = {}
    assert rapid_light.vertical_padding(np.zeros((28, 400, 3), np.uint8), record).shape == (100, 400, 3)
    assert record == {"padding_1": {"top": 36, "left": 0}}


def test_whole_page_by_bands_reads_as_rapidocr(page, library):
    sample, bgr = page
    img = sample.image.copy()
    truth = next(t for t in sample.lines if t.text.startswith("统一社会信用代码"))
    img[max(int(truth.box[3]) + 40, img.shape[0] // 2):] = 255  # white below: detected over the inked box, in bands
    new, old = both(rapid_page.detect_and_read_page, rapid.ocr_grey(img))
    assert _same(new, old) and len(new[0]) >= 3
    assert f"统一社会信用代码：{sample.facts['uscc']}" in [t for _, t, _ in new[0]]


def test_light_sessions_are_made_as_rapidocrs(library):
    """Same model files, one thread, graph optimisation, no CPU memory arena: as RapidOCR's OrtInferSession."""
    from pipeline.ocr.rec_light import light_recognizer
    from tests.rapid_own import own_recognizer

    pairs = [(light_detector().session, library.text_det.session.session),
             (light_classifier().session, library.text_cls.session.session),
             (light_recognizer().session.session, own_recognizer().session.session)]
    for mine, theirs in pairs:
        a, b = mine.get_session_options(), theirs.get_session_options()
        assert (a.intra_op_num_threads, a.inter_op_num_threads) == (b.intra_op_num_threads, b.inter_op_num_threads) == (1, 1)
        assert a.enable_cpu_mem_arena == b.enable_cpu_mem_arena is False
        assert a.graph_optimization_level == b.graph_optimization_level
        assert mine.get_providers() == theirs.get_providers()
        assert mine.get_modelmeta().custom_metadata_map == theirs.get_modelmeta().custom_metadata_map
