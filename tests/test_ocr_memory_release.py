"""A page worker holds what it needs, no more (issue 18): freed heap goes back to the OS where it waits or
grows (pipeline/heap.py) — the tesseract child starts beside what the worker holds, not beside what
preparing the page once held — and an RGB scan is not copied once more on its way to an array."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.ocr_pages import render_page  # noqa: E402
from pipeline import heap  # noqa: E402
from pipeline.ocr import tesseract as tess  # noqa: E402
from pipeline.ocr.base import RasterPage  # noqa: E402
from pipeline.ocr.preprocess import rotate  # noqa: E402

MB = 2**20


def rss() -> int:
    return psutil.Process().memory_info().rss


@pytest.mark.skipif(heap._malloc_trim() is None, reason="glibc only")
def test_release_memory_returns_freed_heap_held_under_live_blocks():
    blocks = [bytearray(64 * 1024) for _ in range(2000)]  # 128 MB of heap (under the mmap threshold)
    kept = blocks[::10]  # live blocks all along the heap: glibc cannot shrink it from the top
    del blocks
    before = rss()
    heap.release_memory()
    assert before - rss() > 60 * MB
    assert len(kept) == 200


@pytest.fixture(scope="module")
def page() -> RasterPage:
    """A4 at 300 dpi scanned 1.2° askew: 26 MB RGB, and the prep's page-sized steps include deskewing."""
    sample = render_page(11, dpi=300)
    return RasterPage("form.png", 1, rotate(sample.image, 1.2, fill=(255, 255, 255)), dpi=300)


@pytest.mark.skipif(heap._malloc_trim() is None, reason="glibc only")
@pytest.mark.parametrize("mode", ["api", "cli"])
def test_tesseract_reads_after_the_page_prep_freed_its_heap(page, monkeypatch, mode):
    """Tesseract in the worker (api) or its child process (cli) starts on a trimmed heap."""
    at_call: list[int] = []
    owner = tess.tess_api if mode == "api" else tess.pytesseract
    real = owner.image_to_data

    def spy(*args, **kwargs):
        at_call.append(rss())
        return real(*args, **kwargs)

    monkeypatch.setenv("JIEBANG_TESSERACT", mode)
    monkeypatch.setattr(owner, "image_to_data", spy)
    engine = tess.TesseractEngine(detect_orientation=False)
    monkeypatch.setattr(tess, "release_memory", lambda: None)
    engine.read(page)  # warm: imports, first allocations
    kept = engine.read(page)
    monkeypatch.setattr(tess, "release_memory", heap.release_memory)
    trimmed = engine.read(page)
    assert [ln.text for ln in trimmed.lines] == [ln.text for ln in kept.lines]  # reading unchanged
    assert any("统一社会信用代码" in ln.text for ln in trimmed.lines)
    # the worker beside tesseract: without the trim it kept what the prep freed (~20 MB on this page,
    # ~60 MB on a scanned TIFF page of seed 1260; ~0 between two untrimmed reads)
    assert at_call[1] - at_call[2] > 12 * MB, [round(x / MB) for x in at_call]


def test_an_rgb_scan_page_is_read_without_a_copy_and_to_the_same_pixels(page, tmp_path, monkeypatch):
    from PIL import Image

    from pipeline.readers import images

    tif = tmp_path / "scan.tiff"
    pages = [Image.fromarray(page.image), Image.fromarray(np.ascontiguousarray(page.image[::-1]))]
    pages[0].save(tif, save_all=True, append_images=pages[1:], compression="jpeg", dpi=(300, 300))
    expected = []
    with Image.open(tif) as im:
        for k in range(2):
            im.seek(k)
            expected.append(np.asarray(im.convert("RGB")))
    converted: list[tuple[str, str]] = []
    real = Image.Image.convert

    def spy(self, mode=None, *args, **kwargs):
        converted.append((self.mode, mode))
        return real(self, mode, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "convert", spy)
    for k in range(2):
        got = images.raster(tif, "scan.tiff", k)
        assert np.array_equal(got.image, expected[k]) and got.dpi == 300 and got.meta["stored"] == "colour"
    assert ("RGB", "RGB") not in converted  # a 26 MB page converted to its own mode is a 35 MB copy
