"""Tesseract through libtesseract in the worker (pipeline/ocr/tess_api.py) reads exactly what the CLI
read through pytesseract: the same lines, boxes and confidences on real rendered pages, the same OSD
on a turned page; a page over its deadline raises pytesseract's timeout error; JIEBANG_TESSERACT=cli
still runs the CLI (issue 18)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.ocr_pages import render_page  # noqa: E402
from pipeline.ocr import tess_api, tesseract  # noqa: E402
from pipeline.ocr.base import RasterPage  # noqa: E402


@pytest.fixture(scope="module")
def pages():
    return [render_page(seed, dpi=dpi) for seed, dpi in ((7, 200), (11, 300))]


def _read(monkeypatch, mode: str, image: np.ndarray, dpi: int):
    monkeypatch.setenv("JIEBANG_TESSERACT", mode)
    return tesseract.TesseractEngine().read(RasterPage("form.png", 1, image, dpi=dpi))


def test_the_library_reads_what_the_cli_read_line_for_line(pages, monkeypatch):
    """The CLI read our BMP of the grey page; the library is handed the same pixels."""
    assert tess_api.in_process()
    for sample in pages:
        api = _read(monkeypatch, "api", sample.image, sample.dpi)
        cli = _read(monkeypatch, "cli", sample.image, sample.dpi)
        assert api.lines and api == cli  # texts, word boxes, confidences, rulings
        assert any(sample.facts["uscc"] in ln.text for ln in api.lines)


def test_an_upside_down_page_is_found_and_turned_the_same_way(pages, monkeypatch):
    sample = pages[0]
    turned = np.ascontiguousarray(sample.image[::-1, ::-1])
    grey = tesseract.TesseractEngine._prepare(turned, sample.dpi)
    monkeypatch.setenv("JIEBANG_TESSERACT", "api")
    api_osd = tesseract.TesseractEngine().orientation(grey)
    monkeypatch.setenv("JIEBANG_TESSERACT", "cli")
    cli_osd = tesseract.TesseractEngine().orientation(grey)
    assert api_osd == cli_osd and api_osd[0] == 180 and api_osd[1] > 1
    api = _read(monkeypatch, "api", turned, sample.dpi)
    assert api.rotation == 180 and api == _read(monkeypatch, "cli", turned, sample.dpi)


def test_a_page_over_its_deadline_raises_the_timeout_the_page_stage_reports(pages, monkeypatch):
    monkeypatch.setenv("JIEBANG_TESSERACT", "api")
    grey = tesseract.TesseractEngine._prepare(pages[1].image, pages[1].dpi)
    with pytest.raises(RuntimeError, match="timeout"):
        tess_api.image_to_data(grey, "chi_sim", 4, timeout=0.001)
    assert tess_api.image_to_data(grey, "chi_sim", 4, timeout=60)["text"]  # the engine still reads after


def test_cli_mode_runs_a_tesseract_process_per_page_and_api_mode_none(pages, tmp_path):
    """Which way a page went, seen from outside: a tesseract child process or not."""
    img = tmp_path / "page.npy"
    np.save(img, pages[0].image)
    script = ("import numpy as np, psutil, threading, time, sys\n"
              "from pipeline.ocr.tesseract import TesseractEngine\n"
              "from pipeline.ocr.base import RasterPage\n"
              "seen = []\n"
              "def watch():\n"
              "    while not done:\n"
              "        seen.extend(p.name() for p in psutil.Process().children())\n"
              "        time.sleep(0.01)\n"
              "done = False\n"
              "t = threading.Thread(target=watch); t.start()\n"
              f"page = TesseractEngine().read(RasterPage('p.png', 1, np.load({str(img)!r}), dpi=200))\n"
              "done = True; t.join()\n"
              "print(len(page.lines) > 0, 'tesseract' in seen)\n")
    for mode, child in (("api", "False"), ("cli", "True")):
        env = {"JIEBANG_TESSERACT": mode, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "OMP_THREAD_LIMIT": "1"}
        res = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert res.returncode == 0, res.stderr
        assert res.stdout.split() == ["True", child], (mode, res.stdout)
        assert "LEAK" not in res.stderr and "Error in" not in res.stderr, res.stderr  # no library chatter at exit


def test_a_threads_engine_is_ended_with_the_thread(pages):
    """Reads in a flow's task threads (one worker) load an engine per thread; a thread that ends must
    not keep its model (~50 MB) for the life of the process (the inbox watcher runs for days)."""
    import gc
    import threading

    grey = tesseract.TesseractEngine._prepare(pages[0].image, pages[0].dpi)
    before = len(tess_api._LIVE)
    t = threading.Thread(target=tess_api.image_to_data, args=(grey, "chi_sim", 4, 60))
    t.start()
    t.join()
    gc.collect()
    assert len(tess_api._LIVE) == before


def test_a_missing_osd_model_goes_on_without_osd_as_the_cli_did(pages, tmp_path):
    """pytesseract raised TesseractError when OSD could not run, and the page went on without OSD's
    word; the library's OSD engine failing to load must do the same, not fail (or crash) the worker
    (real Tesseract, a tessdata folder holding chi_sim only)."""
    data = tmp_path / "tessdata"
    data.mkdir()
    (data / "chi_sim.traineddata").symlink_to(Path("/usr/share/tesseract-ocr/5/tessdata/chi_sim.traineddata"))
    img = tmp_path / "page.npy"
    np.save(img, np.ascontiguousarray(pages[0].image[::-1, ::-1]))
    script = ("import numpy as np\n"
              "from pipeline.ocr import tesseract\n"
              "from pipeline.ocr.base import RasterPage\n"
              "tesseract.LOW_CONFIDENCE_PAGE = 1.01  # every page asks OSD\n"
              "eng = tesseract.TesseractEngine()\n"
              f"image = np.load({str(img)!r})\n"
              "print(eng.orientation(eng._prepare(image, 200)))\n"
              "page = eng.read(RasterPage('p.png', 1, image, dpi=200))\n"
              "print(page.rotation, len(page.lines) > 0)\n")
    for mode in ("api", "cli"):  # OSD unknown: both ways then try the page turned 180° (it reads better)
        env = {"JIEBANG_TESSERACT": mode, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "OMP_THREAD_LIMIT": "1",
               "TESSDATA_PREFIX": str(data)}
        res = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert res.returncode == 0, (mode, res.stderr)
        assert res.stdout.splitlines() == ["(0, 0.0)", "180 True"], (mode, res.stdout + res.stderr)


def test_the_osd_engine_is_ended_after_its_page(pages):
    """OSD is asked about a few pages in a hundred; its engine (~45 MB) must not stay loaded in the page
    worker for the rest of the run (issue 18). Real OSD on a page turned 180°, twice: the same answer,
    and no engine left open by it."""
    import gc

    grey = tesseract.TesseractEngine._prepare(np.ascontiguousarray(pages[0].image[::-1, ::-1]), pages[0].dpi)
    first = tess_api.image_to_osd(grey)
    assert first is not None and first[0] == 180, first
    gc.collect()
    assert not [e for e in tess_api._LIVE if e.lang == "osd" and e.api], "an OSD engine stayed loaded"
    assert tess_api.image_to_osd(grey) == first


def test_a_threads_engines_can_be_let_go_and_load_again(pages):
    """Before a whole-page RapidOCR read (a page worker's peak) the cascade lets Tesseract's model go
    (~55 MB); the next read loads it again and reads the same (real Tesseract)."""
    import gc

    grey = tesseract.TesseractEngine._prepare(pages[0].image, pages[0].dpi)
    first = tess_api.image_to_data(grey, "chi_sim", 4, 60)
    mine = [e for e in tess_api._LIVE if e.lang == "chi_sim" and e.api]
    assert mine
    tess_api.close_thread_engines()
    gc.collect()
    assert len([e for e in tess_api._LIVE if e.lang == "chi_sim" and e.api]) == len(mine) - 1
    assert tess_api.image_to_data(grey, "chi_sim", 4, 60) == first
