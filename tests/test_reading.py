"""Foundation: document model, readers and Tesseract OCR on pages rendered here, and bad input."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from pages import FONT, TABLE, FormPage, scan
from pipeline import reading
from pipeline.model import Document, Line, Page, Word
from pipeline.ocr.base import RasterPage, get_engine
from pipeline.reading import read_document
from pipeline.readers.sniff import sniff

USCC = "91500000MA5UA3W18Q"
NAME = "重庆山城数字科技有限公司"

pdfmetrics.registerFont(TTFont("wqy", FONT, subfontIndex=0))


def text_pdf(path: Path, pages: int = 1, encrypt: StandardEncryption | None = None) -> Path:
    c = canvas.Canvas(str(path), encrypt=encrypt)
    for i in range(pages):
        c.setFont("wqy", 12)
        c.drawString(72, 760, f"申报单位名称：{NAME}")
        c.drawString(72, 740, f"统一社会信用代码：{USCC}")
        c.drawString(72, 720, f"第{i + 1}页")
        c.showPage()
    c.save()
    return path


@pytest.fixture(scope="module")
def tess():
    return get_engine("tesseract")


# ------------------------------------------------------------------ model


def test_document_json_round_trip():
    word = Word(text="重庆", bbox=(0.1, 0.2, 0.15, 0.22), confidence=0.9)
    line = Line(text="重庆山城", bbox=(0.1, 0.2, 0.3, 0.22), confidence=0.88, words=(word,), engine="tesseract")
    page = Page(file="a.pdf", number=1, width=2480, height=3508, dpi=300, source="ocr", engine="tesseract", lines=(line,))
    doc = Document(file="a.pdf", sha256="ab" * 32, kind="pdf", pages=(page,), page_count=1)
    again = Document.model_validate_json(doc.model_dump_json())
    assert again == doc
    assert again.pages[0].lines[0].words[0].bbox == (0.1, 0.2, 0.15, 0.22)
    with pytest.raises(Exception):
        page.number = 2  # frozen
    with pytest.raises(Exception):
        Word(text="x", bbox=(0, 0, 1, 1), confidence=1.5)


# ------------------------------------------------------------------ OCR through real Tesseract


def _values(page: Page) -> str:
    return page.text.replace(" ", "")


def test_form_page_key_values(tess):
    img = scan(FormPage(table=TABLE).render(), jpeg_quality=70)
    page = tess.read(RasterPage("p.jpg", 1, np.asarray(img), 300))
    text = _values(page)
    assert USCC in text and NAME in text
    assert "2026年7月20日" in text
    assert page.mean_confidence > 0.8
    assert all(ln.engine == "tesseract" for ln in page.lines)
    for ln in page.lines:
        x0, y0, x1, y1 = ln.bbox
        assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1
    usccline = next(ln for ln in page.lines if USCC in ln.text.replace(" ", ""))
    assert 0.15 < usccline.bbox[1] < 0.25  # second label line sits ~17% down the page


def test_ruled_table_is_read(tess):
    page = tess.read(RasterPage("t.png", 1, np.asarray(FormPage(table=TABLE).render()), 300))
    text = _values(page)
    for cell in ("入驻企业数量", "5200", "380", "平方米"):
        assert cell in text


def test_upside_down_and_skewed_page(tess):
    img = scan(FormPage().render(), angle=2.0).rotate(180)
    page = tess.read(RasterPage("u.jpg", 1, np.asarray(img), 300))
    assert page.rotation == 180
    assert USCC in _values(page) and NAME in _values(page)


def test_text_under_red_seal(tess):
    """The seal vanishes in the red channel; Tesseract may still miss a character under it
    (the cascade re-reads such lines), so: at most one error, and far better than plain grey."""
    from rapidfuzz.distance import Levenshtein

    img = scan(FormPage(seal_over=0).render())
    page = tess.read(RasterPage("s.jpg", 1, np.asarray(img), 300))
    line = next(ln.text for ln in page.lines if ln.text.startswith("申报单位"))
    assert Levenshtein.distance(line.replace("：", ":"), f"申报单位名称:{NAME}") <= 1
    assert USCC in _values(page)
    grey = np.asarray(img.convert("L").convert("RGB"))  # what a plain greyscale read sees
    plain = tess.read(RasterPage("s.jpg", 1, grey, 300))
    plain_line = next((ln.text for ln in plain.lines if ln.text.startswith("申报单位")), "")
    assert Levenshtein.distance(plain_line.replace("：", ":"), f"申报单位名称:{NAME}") > 1


# ------------------------------------------------------------------ readers


def test_sniff_uses_bytes_not_names(tmp_path):
    img = FormPage(lines=["测试"]).render().resize((400, 560))
    img.save(tmp_path / "really_png.pdf", "PNG")
    (tmp_path / "random.pdf").write_bytes(np.random.default_rng(0).bytes(4000))
    text_pdf(tmp_path / "doc.jpg")
    assert sniff(tmp_path / "really_png.pdf") == "png"
    assert sniff(tmp_path / "random.pdf") == "unknown"
    assert sniff(tmp_path / "doc.jpg") == "pdf"


def test_text_layer_pdf_needs_no_ocr(tmp_path, monkeypatch):
    text_pdf(tmp_path / "t.pdf", pages=3)
    calls = []
    monkeypatch.setattr(reading.page, "_engine", lambda name: calls.append(name))
    res = read_document(tmp_path, "t.pdf", engine="tesseract")
    assert calls == [] and res.ocr_pages == 0
    assert [p.source for p in res.document.pages] == ["text_layer"] * 3
    assert USCC in res.document.pages[0].text
    line = next(ln for ln in res.document.pages[0].lines if USCC in ln.text)
    assert line.bbox[1] < 0.15 and line.confidence == 1.0


def test_scanned_pdf_multipage_tiff_and_folder_images(tmp_path):
    a = scan(FormPage(table=TABLE).render(), jpeg_quality=70)
    b = scan(FormPage(lines=["第二页", f"统一社会信用代码：{USCC}"]).render(), jpeg_quality=70)
    a.save(tmp_path / "scan.tif", save_all=True, append_images=[b.copy()], compression="tiff_lzw", dpi=(300, 300))
    a.save(tmp_path / "scan.pdf", save_all=True, append_images=[b.copy()], resolution=300)
    (tmp_path / "folder").mkdir()
    b.convert("L").resize((1654, 2339)).save(tmp_path / "folder" / "p2.png")  # 200 dpi grey, no dpi tag
    for rel, kind in (("scan.pdf", "pdf"), ("scan.tif", "tiff")):
        res = read_document(tmp_path, rel, engine="tesseract", workers=2)
        doc = res.document
        assert doc.kind == kind and doc.page_count == 2 and not doc.errors
        assert [p.number for p in doc.pages] == [1, 2]
        assert NAME in _values(doc.pages[0]) and USCC in _values(doc.pages[1])
        assert all(p.source == "ocr" and p.dpi == 300 for p in doc.pages)
    res = read_document(tmp_path, "folder/p2.png", engine="tesseract")
    assert res.document.pages[0].dpi == 200
    assert USCC in _values(res.document.pages[0])


def test_embedded_scan_is_taken_out_not_rendered(tmp_path):
    from pipeline.readers import pdf as pdfr

    img = scan(FormPage().render().resize((1654, 2339)), jpeg_quality=60)
    img.save(tmp_path / "s.pdf", resolution=200)
    doc, _ = pdfr.open_pdf(tmp_path / "s.pdf", "s.pdf")
    r = pdfr.raster(doc, 0, "s.pdf")
    doc.close()
    assert r.meta["raster"] == "embedded" and r.dpi == 200 and r.image.shape[:2] == (2339, 1654)


def test_docx_paragraphs_tables_and_page_images(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("附件2 创新创业社区申报书")
    d.add_paragraph(f"申报单位：{NAME}")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "统一社会信用代码", USCC
    t.cell(1, 0).text, t.cell(1, 1).text = "单位性质", "企业"
    d.add_paragraph("申报日期：2026年7月20日")
    buf = io.BytesIO()
    scan(FormPage(lines=["承诺书", "单位（公章）：重庆山城数字科技有限公司"]).render().resize((1240, 1754))).save(buf, "JPEG")
    buf.seek(0)
    d.add_picture(buf)
    logo = io.BytesIO()
    Image.new("RGB", (120, 60), "red").save(logo, "PNG")
    logo.seek(0)
    d.add_picture(logo)
    d.save(tmp_path / "app.docx")
    res = read_document(tmp_path, "app.docx", engine="tesseract")
    doc = res.document
    assert doc.kind == "docx" and not doc.errors
    kinds = [(p.source, p.table) for p in doc.pages]
    assert kinds == [("docx", False), ("docx", True), ("docx", False), ("ocr", False)]  # the logo is no page
    assert doc.pages[0].lines[1].text == f"申报单位：{NAME}"
    assert doc.pages[1].lines[0].text == f"统一社会信用代码 | {USCC}"
    assert "承诺书" in _values(doc.pages[3])
    assert res.ocr_pages == 1


# ------------------------------------------------------------------ bad input: one typed error, nothing crashes


def _error_code(tmp_path, rel) -> tuple[str, str]:
    res = read_document(tmp_path, rel, engine="tesseract")
    assert res.document.errors, rel
    err = res.document.errors[0]
    assert "\n" not in err.message and len(err.message) < 200
    return err.code, err.message


def test_bad_inputs_give_typed_one_line_errors(tmp_path):
    (tmp_path / "empty.pdf").write_bytes(b"")
    good = text_pdf(tmp_path / "good.pdf").read_bytes()
    (tmp_path / "truncated.pdf").write_bytes(good[: len(good) // 3])
    (tmp_path / "random.pdf").write_bytes(np.random.default_rng(1).bytes(50_000))
    (tmp_path / "notes.txt").write_text("这不是申报材料")
    jpg = io.BytesIO()
    scan(FormPage().render()).save(jpg, "JPEG")
    (tmp_path / "cut.jpg").write_bytes(jpg.getvalue()[:5000])
    text_pdf(tmp_path / "locked.pdf", encrypt=StandardEncryption("secret", ownerPassword="owner"))
    with zipfile.ZipFile(tmp_path / "broken.docx", "w") as zf:
        zf.writestr("word/document.xml", "<not-xml")
    assert _error_code(tmp_path, "empty.pdf")[0] == "empty_file"
    assert _error_code(tmp_path, "truncated.pdf")[0] in ("truncated", "no_pages")
    assert _error_code(tmp_path, "random.pdf")[0] == "unsupported_type"
    assert _error_code(tmp_path, "notes.txt")[0] == "unsupported_type"
    assert _error_code(tmp_path, "cut.jpg")[0] in ("truncated", "page_unreadable")
    code, msg = _error_code(tmp_path, "locked.pdf")
    assert code == "encrypted_pdf" and "加密" in msg
    assert _error_code(tmp_path, "broken.docx")[0] == "truncated"


def test_encrypted_with_empty_user_password_is_read_like_any_pdf(tmp_path):
    # issue 17: an owner-password-only PDF opens in every reader, so it is read without an error
    text_pdf(tmp_path / "e.pdf", encrypt=StandardEncryption("", ownerPassword="owner", canModify=0))
    res = read_document(tmp_path, "e.pdf", engine="tesseract")
    assert res.document.errors == ()
    assert USCC in res.document.pages[0].text


def test_decompression_bomb_image_is_refused(tmp_path):
    # 20000 x 20000 pixels of one colour: a few hundred KB as PNG, 1.2 GB decoded.
    Image.new("1", (20000, 20000), 1).save(tmp_path / "bomb.png", optimize=True)
    assert (tmp_path / "bomb.png").stat().st_size < 2_000_000
    assert _error_code(tmp_path, "bomb.png")[0] == "decompression_bomb"


def test_two_thousand_page_pdf_is_capped_and_streamed(tmp_path):
    import tracemalloc

    text_pdf(tmp_path / "long.pdf", pages=2000)
    tracemalloc.start()
    res = read_document(tmp_path, "long.pdf", engine="tesseract", max_pages=300)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    doc = res.document
    assert doc.page_count == 2000 and len(doc.pages) == 300
    assert [e.code for e in doc.errors] == ["too_many_pages"]
    assert peak < 200 * 1024 * 1024


def test_page_workers_exit_when_their_parent_is_killed(tmp_path):
    """kill -9 of a run must not leave OCR worker processes behind."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    script = tmp_path / "parent.py"
    script.write_text(
        "from pipeline.reading import page_pool\n"
        "import time\n"
        "if __name__ == '__main__':\n"
        "    pool = page_pool(2)\n"
        "    list(pool.map(time.sleep, [1.5, 1.5]))  # both workers up and initialised\n"
        "    print('ready', flush=True)\n"
        "    time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parents[1])
    assert proc.stdout.readline().strip() == "ready"
    children = [c for c in psutil.Process(proc.pid).children(recursive=True)]
    workers = [c for c in children if "spawn_main" in " ".join(c.cmdline())]
    assert len(workers) == 2
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 15
    while time.time() < deadline and any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers):
        time.sleep(0.5)
    assert not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)


def test_text_layer_runs_split_mid_word_are_joined_but_cells_stay_apart():
    from pipeline.readers.pdf import merge_fragments

    def ln(text, x0, x1, y0=0.10, y1=0.112):
        return Line(text=text, bbox=(x0, y0, x1, y1), confidence=1.0, engine="text_layer")

    got = merge_fragments([ln("联合体", 0.722, 0.774), ln("分", 0.775, 0.792), ln("工", 0.793, 0.809),
                           ln("铜锣软件", 0.18, 0.30), ln("91500112MAHANAMC8U", 0.486, 0.682, 0.101, 0.11)])
    assert sorted(g.text for g in got) == sorted(["铜锣软件", "91500112MAHANAMC8U", "联合体分工"])
    assert next(g for g in got if g.text == "联合体分工").bbox == (0.722, 0.10, 0.809, 0.112)


def test_text_layer_punctuation_runs_join_their_neighbours():
    """pdfium boxes a full-width mark by its ink (、 sits in the bottom-left corner of its em), so the
    rest of the em looks like a gap: a punctuation-only run joins within one em; cells stay apart."""
    from pipeline.readers.pdf import merge_fragments

    def ln(text, x0, x1, y0=0.178, y1=0.19):
        return Line(text=text, bbox=(x0, y0, x1, y1), confidence=1.0, engine="text_layer")

    aspect = 595 / 842
    got = merge_fragments([ln("司", 0.185, 0.199), ln("应用单位", 0.74, 0.81), ln("、", 0.724, 0.727, 0.187, 0.19),
                           ln("完备", 0.3, 0.33), ln("，", 0.331, 0.334, 0.186, 0.19), ln("具备", 0.347, 0.377)],
                          aspect=aspect)
    assert sorted(g.text for g in got) == sorted(["司", "、应用单位", "完备，具备"])
    # a lone mark a table column away stays a cell of its own
    got = merge_fragments([ln("单位名称", 0.1, 0.17), ln("：", 0.2, 0.203, 0.18, 0.188)], aspect=aspect)
    assert len(got) == 2


def test_seal_find_mirrors_every_seal_candidate_field():
    """SealFind is the serialisable twin of SealCandidate (crop array → crop file): keep them in step."""
    from dataclasses import fields

    from pipeline.extract.seals import SealCandidate
    from pipeline.reading import SealFind

    candidate = {f.name for f in fields(SealCandidate)} - {"crop"}
    assert candidate == set(SealFind.model_fields) - {"crop_file"}


def test_seal_find_frames_survive_pickle_and_json():
    """A seal find keeps what the arc recogniser saw (`frames`); reads go through the page pool
    (pickle), Prefect's persisted results (cloudpickle) and the review cache key (JSON): the frames
    must come back exactly, and small (sparse: entries above the recogniser's 1e-6 clip)."""
    import pickle

    import cloudpickle

    from pipeline.extract.seals.read import SealReading, name_score, pack_frames, unpack_frames
    from pipeline.reading import DocumentRead, SealFind

    rng = np.random.default_rng(7)
    probs = rng.dirichlet(np.full(18712, 0.002), size=60).astype(np.float32)  # peaked, like CTC frames
    logp = np.log(np.maximum(probs, 1e-6)).astype(np.float32)
    frames = pack_frames(logp)
    assert len(frames.counts) + len(frames.cols) + len(frames.logp) < logp.nbytes / 20
    find = SealFind(file="a.pdf", page=3, bbox=(0.1, 0.2, 0.3, 0.4), kind="round", confidence=0.9,
                    center=(0.2, 0.3), size_mm=(42.0, 42.0), text="重庆", frames=frames, crop_file="x.png")
    read = DocumentRead(document=Document(file="a.pdf", sha256="0" * 64, kind="pdf"), seal_finds=(find,))
    back = [pickle.loads(pickle.dumps(read)), cloudpickle.loads(cloudpickle.dumps(read)),
            DocumentRead.model_validate_json(read.model_dump_json())]
    for r in back:
        assert r == read
        assert np.array_equal(unpack_frames(r.seal_finds[0].frames), logp)
    assert '"frames":null' in find.model_copy(update={"frames": None}).model_dump_json()
    index = {chr(0x4E00 + i): i for i in range(1, 18711)}  # (scoring the real recogniser's: test_seals)
    for name in ("丁七", "万丈三上"):
        assert name_score(SealReading(logp=logp, index=index), name) == \
            name_score(SealReading(logp=unpack_frames(back[2].seal_finds[0].frames), index=index), name)


def test_warm_pool_starts_the_pool_the_reads_then_use(tmp_path):
    """`jiebang run` warms the page pool while Prefect starts: the reads must reuse that very pool."""
    reading.shutdown_pools()
    try:
        reading.warm_pool(2, "tesseract")
        pool = reading._POOLS[2]
        assert len(pool._processes) == 2
        FormPage(dpi=200).render().save(tmp_path / "p.png")
        read = read_document(tmp_path, "p.png", engine="tesseract", workers=2)
        assert reading._POOLS[2] is pool and len(pool._processes) == 2
        assert read.document.page_count == 1 and read.ocr_pages == 1
    finally:
        reading.shutdown_pools()


def test_prefetched_pages_are_taken_by_the_read_not_ocrd_twice(tmp_path, monkeypatch):
    """`jiebang run` queues the first files' pages while Prefect boots: the read must take those very
    futures (no page submitted again) and give the same document as a read that was not prefetched."""
    reading.shutdown_pools()
    a = scan(FormPage(table=TABLE).render(), jpeg_quality=70)
    b = scan(FormPage(lines=["第二页", f"统一社会信用代码：{USCC}"]).render(), jpeg_quality=70)
    a.save(tmp_path / "scan.tif", save_all=True, append_images=[b.copy()], compression="tiff_lzw", dpi=(300, 300))
    try:
        plain = read_document(tmp_path, "scan.tif", engine="tesseract", workers=2).document
        assert reading.prefetch(tmp_path, ["scan.tif", "missing.pdf"], engine="tesseract", workers=2) == 2
        assert len(reading._PREFETCHED) == 2  # the missing file is left to its read to report
        submitted = []
        pool = reading._POOLS[2]
        real_submit = pool.submit
        monkeypatch.setattr(pool, "submit", lambda fn, *a, **k: submitted.append(fn) or real_submit(fn, *a, **k))
        again = read_document(tmp_path, "scan.tif", engine="tesseract", workers=2).document
        assert submitted == [] and reading._PREFETCHED == {}
        assert again == plain and USCC in _values(again.pages[1])
        # another engine is another task: nothing prefetched for tesseract is handed to it
        reading.prefetch(tmp_path, ["scan.tif"], engine="tesseract", workers=2)
        key_other = reading._task_key(reading.PageTask(str(tmp_path / "scan.tif"), "scan.tif", 1, ("image", 0),
                                                       "cascade", None, tag=again.sha256[:10]))
        assert key_other not in reading._PREFETCHED and len(reading._PREFETCHED) == 2
    finally:
        reading.shutdown_pools()
    assert reading._PREFETCHED == {}


def test_prefetched_page_from_a_replaced_pool_is_not_used(tmp_path):
    """A worker crash replaces the pool; pages queued in the dead one must be read again, not awaited."""
    reading.shutdown_pools()
    FormPage(dpi=200).render().save(tmp_path / "p.png")
    try:
        assert reading.prefetch(tmp_path, ["p.png"], engine="tesseract", workers=2) == 1
        dead = reading._POOLS.pop(2)  # what _run_tasks does when a worker dies
        dead.shutdown(cancel_futures=True)
        read = read_document(tmp_path, "p.png", engine="tesseract", workers=2)
        assert read.ocr_pages == 1 and not read.document.errors and reading._POOLS[2] is not dead
    finally:
        reading.shutdown_pools()
