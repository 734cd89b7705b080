"""RapidOCR engine on pages rendered here: key values exact, seal text kept out, offline only."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.ocr_pages import render_page  # noqa: E402
from pipeline.model import Page  # noqa: E402
from pipeline.ocr import rapid, rapid_page  # noqa: E402
from pipeline.ocr.base import RasterPage, get_engine  # noqa: E402


def squash(text: str) -> str:
    """NFKC and no whitespace: full/half-width punctuation is not a reading difference."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def sample():
    return render_page(7, dpi=200)  # form lines, ruled table, red seal over the signature block


@pytest.fixture(scope="module")
def page(sample) -> Page:
    return get_engine("rapidocr").read(RasterPage("form.jpg", 1, sample.image, dpi=200))


def test_form_key_values_come_back_exactly(sample, page):
    texts = [ln.text for ln in page.lines]
    f = sample.facts
    assert f"统一社会信用代码：{f['uscc']}" in texts
    assert f"申报单位名称：{f['unit']}" in texts
    assert f"申报日期：{f['date']}" in texts
    assert f"场地租赁期限：{f['lease']}" in texts
    assert page.engine == "rapidocr" and page.source == "ocr" and page.rotation == 0
    assert all(ln.engine == "rapidocr" for ln in page.lines)
    assert all(0.0 <= v <= 1.0 for ln in page.lines for v in ln.bbox)
    assert all(ln.bbox[0] < ln.bbox[2] and ln.bbox[1] < ln.bbox[3] for ln in page.lines)


def test_lines_in_reading_order_with_boxes_on_the_original_page(sample, page):
    texts = [ln.text for ln in page.lines]
    assert texts[0] == "重庆市揭榜挂帅项目申报书"
    order = [i for t in ("申报单位名称：", "统一社会信用代码：", "法定代表人：", "申报日期：") for i, x in enumerate(texts) if x.startswith(t)]
    assert order == sorted(order)
    # The USCC line's box matches where it was drawn (fractions of the full-resolution page).
    truth = next(t for t in sample.lines if t.text.startswith("统一社会信用代码"))
    h, w = sample.image.shape[:2]
    got = next(ln for ln in page.lines if ln.text.startswith("统一社会信用代码")).bbox
    assert abs(got[0] - truth.box[0] / w) < 0.02 and abs(got[1] - truth.box[1] / h) < 0.02


def test_ruled_table_cells_read(sample, page):
    whole = squash("".join(ln.text for ln in page.lines))
    rows = [t.text for t in sample.lines if t.kind == "table"]
    assert len(rows) == 7
    for row in rows:
        assert squash(row) in whole, row


def test_text_under_seal_read_and_seal_text_kept_out(sample, page):
    texts = [ln.text for ln in page.lines]
    assert squash(f"申报单位（盖章）：{sample.facts['unit']}") in [squash(t) for t in texts]
    assert f"日期：{sample.facts['date']}" in texts
    whole = "".join(texts)
    assert "申报专用章" not in whole  # the seal's own horizontal text
    assert whole.count(sample.facts["unit"]) == 2  # the field and the signature line, not the seal arc


def test_upside_down_page_comes_back_upright(sample):
    turned = np.ascontiguousarray(sample.image[::-1, ::-1])
    page = rapid.RapidOcrEngine().read(RasterPage("flipped.jpg", 2, turned, dpi=200))
    assert page.rotation == 180
    texts = [ln.text for ln in page.lines]
    assert texts[0] == "重庆市揭榜挂帅项目申报书"
    assert f"统一社会信用代码：{sample.facts['uscc']}" in texts
    uscc_line = next(ln for ln in page.lines if ln.text.startswith("统一社会信用代码"))
    assert uscc_line.bbox[1] < 0.3  # near the top of the upright page


def test_read_crops_recognises_line_crops(sample):
    h, w = sample.image.shape[:2]
    crops, want = [], []
    for t in sample.lines:
        if t.kind in ("field", "signature"):
            x0, y0, x1, y1 = t.box
            crops.append(sample.image[max(0, y0 - 12):y1 + 12, max(0, x0 - 12):min(w, x1 + 12)])
            want.append(t.text)
    got = rapid.read_crops(crops)
    assert len(got) == len(crops)
    assert all(0.0 <= s <= 1.0 for _, s in got)
    exact = sum(text == truth for (text, _), truth in zip(got, want))
    assert exact >= len(want) - 1, list(zip(got, want))
    assert rapid.read_crops([]) == []


def test_bundled_models_one_thread_one_instance_per_process():
    params = rapid.rapidocr_params()
    models = rapid.bundled_model_dir()
    for task in ("Det", "Rec", "Cls"):
        assert Path(params[f"{task}.model_path"]).parent == models
    eng = rapid.ocr_instance()
    assert eng is rapid.ocr_instance() and eng.text_rec is not None  # the recogniser loads with the instance
    assert rapid.detecting() is eng  # detector and classifier on the first detection (issue 18)
    for model in (eng.text_det, eng.text_cls, eng.text_rec):
        assert model is not None
        opts = model.session.session.get_session_options()
        assert opts.intra_op_num_threads == 1 and opts.inter_op_num_threads == 1
    assert eng.cfg.Global.max_side_len == 2000


OFFLINE_SCRIPT = textwrap.dedent(
    """
    import json, socket, sys
    sys.path.insert(0, {root!r})
    attempts = []

    def refuse(self, *a, **k):
        attempts.append(repr(a))
        raise OSError("network disabled in this test")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = lambda *a, **k: refuse(None, *a)
    import rapidocr.utils.download_file as dl

    def no_download(cls, params):
        attempts.append("download " + str(params.file_url))
        raise OSError("download attempted")

    dl.DownloadFile.run = classmethod(no_download)
    from benchmarks.ocr_pages import render_page
    from pipeline.ocr.base import RasterPage, get_engine
    from pipeline.ocr import rapid
    s = render_page(3, dpi=200, scan=False)
    img = s.image[: s.image.shape[0] // 4]  # heading and the first field lines: a quick full run
    fresh = rapid.ocr_instance.cache_info().currsize == 0
    rapid.read_crops([img[:, :]])  # crops alone: the recogniser, no detector (issue 18)
    lazy = fresh and rapid.ocr_instance().text_det is None and rapid.ocr_instance().text_cls is None
    page = get_engine("rapidocr").read(RasterPage("p.png", 1, img, dpi=200))
    print(json.dumps({{"lazy": lazy, "lines": [l.text for l in page.lines], "uscc": s.facts["uscc"], "attempts": attempts}}))
    """
)


def test_runs_with_network_unreachable_and_never_downloads(tmp_path):
    env = dict(os.environ, HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9",
               http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9", NO_PROXY="", HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", OFFLINE_SCRIPT.format(root=str(ROOT))], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["attempts"] == [] and out["lazy"]
    assert f"统一社会信用代码：{out['uscc']}" in out["lines"]


def test_whole_page_detection_only_over_the_ink(sample):
    """A page that is mostly white (a 目录 or signature page) is detected over its inked box only:
    the key lines read exactly, their boxes where they were drawn on the full page, while a dark
    scanner border on the image's edge does not widen the box to the whole page (issue 18)."""
    img = sample.image.copy()
    h, w = img.shape[:2]
    truth = next(t for t in sample.lines if t.text.startswith("统一社会信用代码"))
    cut = int(truth.box[3]) + 40  # keep the page down to the USCC line, white below
    img[cut:] = 255
    img[:, :12] = 20  # a scanner's dark border along the left edge
    grey = rapid.ocr_grey(img)
    box = rapid_page.content_box(grey, rapid.settings()["page_content"])
    assert box is not None
    x0, y0, x1, y1 = box
    assert (x1 - x0) * (y1 - y0) < 0.6 * w * h and y1 < 0.75 * h and x0 > 12
    items, upside_down = rapid_page.detect_and_read_page(grey)
    assert not upside_down
    got = {squash(t): q for q, t, _ in items}
    line = squash(f"统一社会信用代码：{sample.facts['uscc']}")
    assert line in got and squash(f"申报单位名称：{sample.facts['unit']}") in got
    q = got[line]
    assert abs(q[:, 0].min() - truth.box[0]) < 0.02 * w and abs(q[:, 1].min() - truth.box[1]) < 0.02 * h


def test_content_box_declines_a_page_inked_all_over():
    page = np.full((1000, 700), 255, np.uint8)
    page[50:950:40, 40:660] = 0  # rules from top to bottom, edge to edge (inside the border)
    assert rapid_page.content_box(page, rapid.settings()["page_content"]) is None
    assert rapid_page.content_box(np.full((1000, 700), 255, np.uint8), rapid.settings()["page_content"]) is None
