"""A cascade page worker that detects (a block of lines under a seal, demo bundle) does it on the light
models and never imports RapidOCR (issue 18: +32 MB RSS and ~0.42 s CPU per worker that did)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEMO = ROOT / "sample_docs" / "demo" / "bundle"
SCAN = "01_创新_重庆数智数据服务有限责任公司.tif"  # page 7: the cascade detects a region (rapid.detect_and_read)


def probe(_n: int) -> tuple:
    """In a page worker: its pid, the RapidOCR-related modules it has loaded, whether it detected."""
    time.sleep(1.5)  # both workers take one probe each
    import os

    det = sys.modules.get("pipeline.ocr.det_light")
    detected = bool(det and det.light_detector.cache_info().currsize)
    mods = sorted(m for m in sys.modules if m == "rapidocr" or m.startswith(("rapidocr.", "omegaconf", "shapely")))
    return os.getpid(), mods, detected


def test_a_cascade_pool_detecting_real_pages_never_imports_rapidocr():
    from pipeline.reading import read_document
    from pipeline.reading.pool import page_pool, shutdown_pools

    shutdown_pools()
    try:
        read = read_document(DEMO, SCAN, engine="cascade", workers=2)
        texts = "\n".join(ln.text for p in read.document.pages for ln in p.lines)
        assert len(read.document.pages) == 8 and "重庆数智数据服务有限责任公司" in texts
        got = list(page_pool(2).map(probe, range(2)))
    finally:
        shutdown_pools()
    assert len({pid for pid, _, _ in got}) == 2, got
    assert all(mods == [] for _, mods, _ in got), got
    assert any(detected for _, _, detected in got), got  # the detection did run in a worker
