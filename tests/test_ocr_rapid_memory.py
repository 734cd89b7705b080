"""RapidOCR's recogniser bounded in memory (pipeline/ocr/rapid_rec.py, issue 18): a wide batch is run
crop by crop with the padding of its batch, and reads exactly what RapidOCR's own batching reads."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.ocr_pages import render_page  # noqa: E402
from pipeline.ocr import rapid  # noqa: E402
from pipeline.ocr.rapid_rec import BoundedRecognizer, batch_plan  # noqa: E402
from tests.rapid_own import own_recognizer  # noqa: E402


class SpySession:
    """The recogniser's onnxruntime session, recording the shape of every batch it is given."""

    def __init__(self, inner):
        self.inner, self.shapes = inner, []

    def __call__(self, x):
        self.shapes.append(x.shape)
        return self.inner(x)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_batch_plan_is_rapidocrs_sorted_batches_with_their_widest_ratio():
    ratios = [10.0, 1.0, 30.0, 4.0, 2.5]
    plan = batch_plan(ratios, 3, 2.0)
    assert [idx for idx, _ in plan] == [[1, 4, 3], [0, 2]]
    assert [r for _, r in plan] == [4.0, 30.0]
    assert batch_plan([0.5, 1.0], 3, 2.0) == [([0, 1], 2.0)]  # padded to at least the minimum width
    assert batch_plan([], 3, 2.0) == []


@pytest.fixture(scope="module")
def page_crops():
    """Line crops of a rendered form page (200 dpi, seal over the signature), as RapidOCR cuts them."""
    sample = render_page(7, dpi=200)
    engine = rapid.detecting()
    img, record = engine.preprocess_img(engine.load_img(rapid.as_bgr(rapid.ocr_grey(sample.image))))
    crops, _det = engine.detect_and_crop(img, record)
    return sample, crops


def test_wide_batches_run_crop_by_crop_and_read_the_same(page_crops):
    from rapidocr.ch_ppocr_rec.typings import TextRecInput

    sample, crops = page_crops
    engine = rapid.ocr_instance()
    assert isinstance(engine.text_rec, BoundedRecognizer)  # every caller of the instance gets the bound
    plain = own_recognizer()  # RapidOCR's own TextRecognizer, unbounded
    ref = plain(TextRecInput(img=crops))
    assert f"统一社会信用代码：{sample.facts['uscc']}" in ref.txts  # the page was read at all

    spy = SpySession(plain.session)
    plain.session = spy
    try:
        limit = 1200
        got = BoundedRecognizer(plain, limit)(TextRecInput(img=crops))
    finally:
        plain.session = spy.inner
    assert got.txts == ref.txts
    assert np.allclose(got.scores, ref.scores, atol=1e-4)
    assert len(got.txts) == len(crops)
    # every batch wider than the limit went one crop at a time; some did, some stayed whole
    assert all(n == 1 or n * w <= limit for n, _c, _h, w in spy.shapes)
    assert any(n == 1 for n, *_ in spy.shapes) and any(n > 1 for n, *_ in spy.shapes)
    # a split crop kept its batch's padded width: same pixels as in the whole batch
    widths = [width for *_, width in spy.shapes]
    ratios = [c.shape[1] / c.shape[0] for c in crops]
    _c, h, w = plain.rec_image_shape[:3]
    expected = [int(h * r) for _, r in batch_plan(ratios, plain.rec_batch_num, w / h)]
    assert set(widths) <= set(expected)


def test_read_crops_goes_through_the_bound(page_crops):
    """The cascade's crop reader and the detector paths share the instance's bounded recogniser."""
    _sample, crops = page_crops
    texts = [t for t, _ in rapid.read_crops([c[..., 0] for c in crops])]
    assert any(t.startswith("统一社会信用代码") for t in texts)
