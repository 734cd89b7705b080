"""Seal arcs in a Tesseract worker are read by RapidOCR's recogniser model without importing RapidOCR
(pipeline/ocr/rec_light.py, issue 18: ~0.5 s CPU per worker): the same logits, bit for bit, as
RapidOCR's own recogniser on the seals of a real rendered page, and its own is used where loaded."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from pipeline.extract.seals import detect_page
from pipeline.extract.seals import read as seal_read
from pipeline.readers.sniff import sniff
from pipeline.reading import load_raster, plan_document

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "sample_docs" / "demo" / "bundle"
FILE = "01_创新_重庆数智数据服务有限责任公司.tif"  # a scanned booklet with a unit's seal on a form


def _seal_crops(limit: int = 3) -> list[np.ndarray]:
    path = DEMO / FILE
    plans, _, _ = plan_document(path, FILE, sniff(path), 20)
    crops = []
    for p in plans:
        raster = load_raster(path, FILE, p.raster_ref, p.number)
        crops += [c.crop for c in detect_page(raster).candidates if c.kind != "edge" and c.crop is not None and c.colour]
        if len(crops) >= limit:
            break
    return crops[:limit]


def test_the_light_recogniser_reads_a_seal_exactly_as_rapidocrs_own(monkeypatch):
    from pipeline.ocr.rec_light import light_recognizer
    from rapid_own import own_recognizer

    crops = _seal_crops()
    assert crops, "the demo booklet's seals"
    light, own = light_recognizer(), own_recognizer()
    assert light.postprocess_op.character == own.postprocess_op.character
    for crop in crops:
        monkeypatch.setattr(seal_read, "_recogniser", lambda: light)
        a = seal_read.read_seal(crop)
        monkeypatch.setattr(seal_read, "_recogniser", lambda: own)
        b = seal_read.read_seal(crop)
        assert (a.text, a.confidence) == (b.text, b.confidence)
        assert np.array_equal(a.logp, b.logp)
    assert any(t.startswith("重庆") and t.endswith("有限公司") for t in (seal_read.read_seal(c).text for c in crops))


def test_a_tesseract_worker_reads_seals_without_importing_rapidocr():
    probe = ("import sys\n"
             "from pipeline.reading.pool import _warm_worker\n"
             "_warm_worker('tesseract')\n"
             "sys.path.insert(0, 'tests')\n"
             "from test_seal_rec_light import _seal_crops\n"
             "from pipeline.extract.seals.read import read_seal\n"
             "from pipeline.ocr.rec_light import seal_recognizer, light_recognizer\n"
             "texts = [read_seal(c).text for c in _seal_crops(1)]\n"
             "print(texts[0], seal_recognizer() is light_recognizer(), 'rapidocr.main' in sys.modules, 'omegaconf' in sys.modules)\n"
             "from pipeline.reading.page import _engine\n"
             "_engine('cascade')  # a cascade worker: once RapidOCR loads, it recognises with the same model\n"
             "from pipeline.ocr.rapid import ocr_instance\n"
             "print(seal_recognizer() is ocr_instance().text_rec.inner)\n")
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, cwd=REPO)
    first, second = res.stdout.strip().splitlines()[-2:]
    text, light_used, rapid_imported, omegaconf_imported = first.rsplit(" ", 3)
    assert text.startswith("重庆") and light_used == "True", res.stdout + res.stderr
    assert rapid_imported == "False" and omegaconf_imported == "False"
    assert second == "True"
