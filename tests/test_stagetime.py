"""Per-stage timing (pipeline/ocr/stagetime.py): inner stages are taken out of outer ones, a ledger
collects one page's stages, stages outside any ledger go to the process-wide one, and a real page
read through `process_page` reports its stages and counters."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline.ocr import stagetime
from pipeline.reading import PageTask, process_page


def _spin(seconds: float) -> None:
    """Burn this much CPU (the machine may be loaded: wall time would not say how much)."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_inner_stage_time_is_not_counted_twice():
    with stagetime.ledger() as led:
        with stagetime.stage("outer"):
            _spin(0.05)
            with stagetime.stage("inner"):
                _spin(0.1)
        stagetime.count("lines", 3)
    st = led.totals()["stages"]
    assert st["inner"][1] >= 0.1 and 0.05 <= st["outer"][1] < 0.09  # CPU, the outer one without the inner
    assert st["inner"][0] >= 0.1 and st["outer"][0] >= 0.05  # wall at least as long
    assert led.totals()["counts"] == {"lines": 3}


def test_stages_outside_a_ledger_go_to_the_global_one():
    stagetime.take_global()
    with stagetime.stage("sheets"):
        _spin(0.02)
    with stagetime.ledger():
        with stagetime.stage("page"):
            pass
    got = stagetime.take_global()
    assert set(got["stages"]) == {"sheets"} and got["stages"]["sheets"][2] == 1
    assert stagetime.take_global()["stages"] == {}


def test_a_real_page_read_reports_its_stages(tmp_path: Path):
    img = Image.new("RGB", (1654, 1169), "white")
    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 48)
    ImageDraw.Draw(img).text((120, 200), "申报单位名称：重庆测试科技有限公司", fill="black", font=font)
    path = tmp_path / "p.png"
    img.save(path, dpi=(200, 200))
    out = process_page(PageTask(str(path), "p.png", 1, ("image", 0), "tesseract", None, tag="t"))
    assert out.page is not None and out.ocr
    st = out.stages["stages"]
    assert {"read", "blank_test", "ocr_prep", "ocr_tesseract", "seals"} <= set(st)
    assert st["ocr_tesseract"][1] > 0  # the tesseract child's CPU is counted
    assert out.stages["counts"]["pages_ocr"] == 1 and out.stages["counts"]["lines"] >= 1
    assert np.isfinite(sum(v[0] for v in st.values()))
