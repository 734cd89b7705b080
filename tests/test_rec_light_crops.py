"""The cascade's line crops are read without importing RapidOCR (issue 18: ~0.45 s CPU per worker):
rec_light's recogniser and CTC decode give RapidOCR 3.10.0's own texts AND scores on the crops the
cascade cuts from real rendered pages, and a worker that only reads crops never imports RapidOCR."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.ocr_pages import render_page  # noqa: E402
from pipeline.ocr import rapid  # noqa: E402
from pipeline.ocr.base import RasterPage  # noqa: E402
from pipeline.ocr.cascade import CascadeEngine  # noqa: E402
from pipeline.ocr.punctuation import fix_punctuation  # noqa: E402


@pytest.fixture(scope="module")
def cascade_crops() -> list[np.ndarray]:
    """Every crop the cascade hands to recognition on three rendered form pages (200 and 300 dpi,
    seal over the signature, scan effects)."""
    got: list[np.ndarray] = []

    def keep(crops):
        got.extend(crops)
        return rapid.read_crops(crops)

    eng = CascadeEngine(recognise=keep)
    for seed, dpi in ((7, 200), (12, 300), (21, 200)):
        sample = render_page(seed, dpi=dpi)
        eng.read(RasterPage("form.jpg", 1, sample.image, dpi=dpi))
    return got


def test_crops_read_as_rapidocrs_own_recognize_txt(cascade_crops):
    from rapidocr.ch_ppocr_rec.typings import TextRecInput
    from rapid_own import own_recognizer

    assert len(cascade_crops) >= 40
    own = own_recognizer()
    imgs = [rapid.as_bgr(c if c.ndim == 2 else rapid.ocr_grey(c)) for c in cascade_crops]
    ref = own(TextRecInput(img=imgs))  # RapidOCR's own batching and decode, one call as recognize_txt
    want = [("".join(fix_punctuation([str(t)])), float(np.clip(s, 0.0, 1.0))) for t, s in zip(ref.txts, ref.scores)]
    got = rapid.read_crops(cascade_crops)
    assert got == want  # texts and scores, exactly
    assert sum(bool(t) for t, _ in got) >= len(got) * 0.8


def test_ctc_decode_is_rapidocrs(cascade_crops):
    """Step for step on real logits, and on the edge cases: all blank, repeats across a blank."""
    from rapidocr.ch_ppocr_rec.utils import CTCLabelDecode

    from pipeline.ocr.rec_light import light_recognizer

    rec = light_recognizer()
    theirs = CTCLabelDecode(character=rec.postprocess_op.character[1:-1])
    assert theirs.character == rec.postprocess_op.character
    crop = rapid.as_bgr(cascade_crops[0] if cascade_crops[0].ndim == 2 else rapid.ocr_grey(cascade_crops[0]))
    preds = rec.session(rec.resize_norm_img(crop, max(crop.shape[1] / crop.shape[0], 2.0))[None])
    n = len(rec.postprocess_op.character)
    blank = np.zeros((1, 6, n), np.float32)
    blank[..., 0] = 0.9
    repeats = np.full((1, 7, n), 0.01, np.float32)
    for t, k in enumerate([5, 5, 0, 5, 7, 7, 0]):
        repeats[0, t, k] = 0.6 + t / 100
    for p in (preds, blank, repeats, np.concatenate([blank, blank])):
        assert rec.postprocess_op(p, False) == theirs(p, False)
    assert rec.postprocess_op(repeats)[0][0][0] == rec.postprocess_op.character[5] * 2 + rec.postprocess_op.character[7]


def test_a_cascade_worker_reading_crops_does_not_import_rapidocr():
    probe = ("import sys\n"
             "from pipeline.reading.pool import _warm_worker\n"
             "_warm_worker('cascade')\n"
             "from benchmarks.ocr_pages import render_page\n"
             "from pipeline.ocr import rapid\n"
             "s = render_page(7, dpi=200)\n"
             "texts = [t for t, _ in rapid.read_crops([rapid.ocr_grey(s.image)[300:420, 100:1500]])]\n"
             "print(repr(texts[0]), 'rapidocr.main' in sys.modules, 'omegaconf' in sys.modules)\n"
             "rapid.detecting()\n"
             "from pipeline.ocr.rec_light import light_recognizer\n"
             "print(rapid.ocr_instance().text_rec.inner is light_recognizer())\n")
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, cwd=ROOT)
    first, second = res.stdout.strip().splitlines()[-2:]
    text, rapid_imported, omegaconf_imported = first.rsplit(" ", 2)
    assert text.strip("'"), res.stdout + res.stderr
    assert rapid_imported == "False" and omegaconf_imported == "False", res.stdout + res.stderr
    assert second == "True"  # RapidOCR, once loaded, recognises with the same model: one copy
