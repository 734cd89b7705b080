"""Issue 17, one function at a time: the verdict invariant, the budgets, names, special files."""
from __future__ import annotations

import os
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from pipeline.facts import ApplicationFacts, CheckResult
from pipeline.intake import Limits, open_bundle
from pipeline.intake.names import decode_bytes
from pipeline.model import DocumentError, sheet_verdict
from pipeline.report.ids import fit_name
from pipeline.report.review import build_review, error_review, validate_review
from tests.flow_inputs import scan_page
from tests.hostile_inputs import huge_page_pdf, sparse_pdf

ERR = DocumentError(code="too_many_pages", message="页数超过上限 / page limit exceeded")


@pytest.mark.parametrize("verdict", ["eligible", "ineligible", "needs_review"])
def test_a_sheet_with_errors_is_never_eligible_or_ineligible(verdict):
    assert sheet_verdict(verdict, [ERR]) == "needs_review"
    assert sheet_verdict(verdict, []) == verdict
    status = {"eligible": "pass", "ineligible": "fail", "needs_review": "review"}[verdict]
    check = CheckResult(rule="submission.deadline", status=status, detail="x")
    review = build_review(application_id="a-1", entry="a.pdf", source_files=[], facts=ApplicationFacts(),
                          checks=[check], verdict=verdict, errors=[ERR])
    assert review["verdict"] == "needs_review" and review["errors"]
    validate_review(review)  # the published schema says so too
    if verdict != "needs_review":
        with pytest.raises(jsonschema.ValidationError):
            validate_review({**review, "verdict": verdict})
    clean = build_review(application_id="a-1", entry="a.pdf", source_files=[], facts=ApplicationFacts(),
                         checks=[check], verdict=verdict, errors=[])
    assert clean["verdict"] == verdict
    validate_review(clean)
    assert error_review(application_id="a-1", entry="a.pdf", errors=[ERR])["verdict"] == "needs_review"


def test_fit_name_is_stable_distinct_and_fits():
    a, b = "申" * 100 + "甲.pdf", "申" * 100 + "乙.pdf"
    assert fit_name("短名.pdf") == "短名.pdf"
    assert fit_name(a) == fit_name(a) != fit_name(b)
    assert all(len(fit_name(n).encode()) <= 255 and fit_name(n).endswith(".pdf") for n in (a, b))


def test_name_bytes_decoded_as_windows_users_see_them():
    assert decode_bytes("重庆某公司.pdf".encode("gbk")) == "重庆某公司.pdf"
    assert decode_bytes("𠀀公司".encode("gb18030")) == "𠀀公司"  # outside GBK
    assert decode_bytes("重庆.pdf".encode()) == "重庆.pdf"
    assert decode_bytes(b"\xff\xfe\xff") == b"\xff\xfe\xff".decode("cp437")  # never fails


def test_special_files_reported_without_being_opened(tmp_path):
    b = tmp_path / "b"
    b.mkdir()
    (b / "ok.jpg").write_bytes(scan_page(["申报书"]))
    os.mkfifo(b / "fifo.pdf")  # opening it for reading would block forever
    sub = b / "folder"
    sub.mkdir()
    os.mkfifo(sub / "inner.pdf")
    (sub / "page.jpg").write_bytes(scan_page(["第二页"]))
    os.symlink(tmp_path / "gone", b / "dangling.pdf")
    bundle = open_bundle(b, tmp_path / "w")
    subs = {s.name: s.files for s in bundle.submissions}
    assert subs == {"dangling.pdf": (), "fifo.pdf": (), "folder": ("folder/page.jpg",), "ok.jpg": ("ok.jpg",)}
    assert [e.code for e in bundle.errors["fifo.pdf"]] == ["not_a_file"]
    assert [e.file for e in bundle.errors["folder"]] == ["folder/inner.pdf"]
    assert "不存在" in bundle.errors["dangling.pdf"][0].message


def test_non_utf8_folder_names_seen_decoded_files_linked_not_moved(tmp_path):
    b = tmp_path / "b"
    b.mkdir()
    raw_dir = os.fsencode(b) + b"/" + "重庆乙公司".encode("gbk")
    os.mkdir(raw_dir)
    with open(raw_dir + b"/" + "申报书.jpg".encode("gbk"), "wb") as fh:
        fh.write(scan_page(["申报书"]))
    bundle = open_bundle(b, tmp_path / "w")
    assert [(s.name, s.files) for s in bundle.submissions] == [("重庆乙公司", ("重庆乙公司/申报书.jpg",))]
    assert (bundle.root / "重庆乙公司/申报书.jpg").read_bytes()[:3] == b"\xff\xd8\xff"
    assert bundle.renamed["重庆乙公司"] == "重庆乙公司".encode("gbk").decode("ascii", "backslashreplace")
    again = open_bundle(b, tmp_path / "w")  # idempotent: a prefetch may be reading the view already
    assert again.root == bundle.root and again.submissions == bundle.submissions


def test_huge_page_rendered_within_the_pixel_budget(tmp_path):
    from pipeline.readers import pdf as pdfr

    huge_page_pdf(tmp_path / "huge.pdf", inches=200)
    doc, _ = pdfr.open_pdf(tmp_path / "huge.pdf", "huge.pdf")
    try:
        r = pdfr.raster(doc, 0, "huge.pdf", max_pixels=20_000_000)
        assert r.image.shape[0] * r.image.shape[1] <= 20_000_000 and r.dpi == 300  # cropped to the scan
        assert "crop_pt" in r.meta
        tiny = pdfr.raster(doc, 0, "huge.pdf", max_pixels=1_000_000)  # does not fit even cropped: scaled
        assert tiny.image.shape[0] * tiny.image.shape[1] <= 1_000_000 and tiny.meta["scale_dpi"] < 300
    finally:
        doc.close()


def test_blank_pages_skip_ocr_and_empty_pages_skip_rendering(tmp_path):
    from pipeline.readers.images import looks_blank
    from pipeline.reading import read_document

    from PIL import Image
    import io

    def arr(jpg: bytes) -> np.ndarray:
        return np.asarray(Image.open(io.BytesIO(jpg)).convert("RGB"))

    assert looks_blank(arr(scan_page([])))
    assert not looks_blank(arr(scan_page(["附件4"])))  # one short word is content
    assert not looks_blank(arr(scan_page([], seal=True)))  # a seal alone is content
    sparse_pdf(tmp_path / "empty.pdf", 30)
    sparse_pdf(tmp_path / "scans.pdf", 4, blank_scans=True)
    for name in ("empty.pdf", "scans.pdf"):
        res = read_document(tmp_path, name, engine="tesseract", workers=1)
        assert res.ocr_pages == 0 and res.document.errors == (), name
        assert {p.engine for p in res.document.pages} == {"blank"}


def test_time_budget_cuts_reading_and_says_which_pages(tmp_path):
    from pipeline.reading import read_document

    from PIL import Image
    import io

    frames = [Image.open(io.BytesIO(scan_page([f"第{i}页 申报单位名称：重庆甲科技有限公司"]))) for i in range(1, 4)]
    frames[0].save(tmp_path / "three.tif", save_all=True, append_images=frames[1:])
    res = read_document(tmp_path, "three.tif", engine="tesseract", workers=1, budget_seconds=1e-6)
    codes = [e.code for e in res.document.errors]
    assert codes == ["time_budget"] and "1–3" in res.document.errors[0].message and res.ocr_pages == 0
    full = read_document(tmp_path, "three.tif", engine="tesseract", workers=1, budget_seconds=0)
    assert full.document.errors == () and full.ocr_pages == 3


def test_limits_file_from_the_environment(tmp_path, monkeypatch):
    from pipeline import intake

    (tmp_path / "limits.yaml").write_text("max_pages: 7\nsubmission_seconds: 30\n", encoding="utf-8")
    monkeypatch.setenv("JIEBANG_LIMITS", str(tmp_path / "limits.yaml"))
    intake.default_limits.cache_clear()
    try:
        lim = intake.default_limits()
        assert (lim.max_pages, lim.submission_seconds, lim.page_pixels) == (7, 30, Limits().page_pixels)
    finally:
        intake.default_limits.cache_clear()


def test_a_page_too_big_even_cropped_is_read_smaller_and_the_sheet_says_so(tmp_path, monkeypatch):
    from pipeline import intake
    from pipeline.reading import read_document

    huge_page_pdf(tmp_path / "spread.pdf", inches=200, spread=True)  # content in two far corners
    (tmp_path / "limits.yaml").write_text("page_pixels: 4000000\n", encoding="utf-8")
    monkeypatch.setenv("JIEBANG_LIMITS", str(tmp_path / "limits.yaml"))
    intake.default_limits.cache_clear()
    try:
        res = read_document(tmp_path, "spread.pdf", engine="tesseract", workers=1)
    finally:
        intake.default_limits.cache_clear()
    (err,) = res.document.errors
    assert err.code == "page_downscaled" and err.page == 1 and "dpi" in err.message
    assert len(res.document.pages) == 1  # read all the same


def test_boxes_on_a_page_cropped_to_its_content_are_fractions_of_the_whole_page(tmp_path):
    """The 200-inch page is read cropped to its scan; evidence boxes must still point at the scan's
    place on the page (x 300–895 pt, y 658–1500 pt from the top of 14,400 pt), and the workbench
    shows the whole page, within the pixel budget."""
    from pipeline.readers import pdf as pdfr
    from pipeline.readers.window import turned
    from pipeline.reading import read_document

    huge_page_pdf(tmp_path / "huge.pdf", inches=200)
    res = read_document(tmp_path, "huge.pdf", engine="tesseract", workers=1)
    (page,) = res.document.pages
    assert res.document.errors == () and page.lines
    side = 200 * 72
    for line in page.lines:
        x0, y0, x1, y1 = line.bbox
        assert 295 / side <= x0 < x1 <= 900 / side and 650 / side <= y0 < y1 <= 1505 / side, (line.text, line.bbox)
    assert abs(page.width / page.dpi - 200) < 1 and abs(page.height / page.dpi - 200) < 1  # the page's size
    doc, _ = pdfr.open_pdf(tmp_path / "huge.pdf", "huge.pdf")
    try:
        shown = pdfr.raster(doc, 0, "huge.pdf", dpi=150, crop=False)
    finally:
        doc.close()
    h, w = shown.image.shape[:2]
    assert abs(h - w) <= 2 and h * w <= Limits().page_pixels and "window" not in shown.meta
    # a page OCR turned: the window turns with it (90° clockwise: x ← 1 - y - h, y ← x)
    assert turned((0.1, 0.2, 0.3, 0.4), 90) == pytest.approx((0.4, 0.1, 0.4, 0.3))
    assert turned((0.1, 0.2, 0.3, 0.4), 180) == pytest.approx((0.6, 0.4, 0.3, 0.4))
    assert turned((0.1, 0.2, 0.3, 0.4), 270) == pytest.approx((0.2, 0.6, 0.4, 0.3))
