"""Issue 17: mutated real files (PDF with a text layer, scanned PDF, JPEG, multi-page TIFF, DOCX with
an embedded scan, zip) never cost a sheet, never show a traceback, never stop the run (exit 0).

Hypothesis draws a batch of mutated files; each example is ONE bundle through the real CLI (a run per
file would spend the budget on Prefect's start-up). Derandomized with a small fixed number of
examples so CI stays at a couple of minutes and a failure reproduces."""
from __future__ import annotations

import io
import json
import zipfile
from functools import lru_cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.flow_inputs import scan_page, write_docx
from tests.hostile_inputs import run_cli

BATCH = 10
EXAMPLES = 2


@lru_cache(maxsize=1)
def seeds() -> dict[str, bytes]:
    """Small real files of every kind a bundle holds."""
    from PIL import Image
    from reportlab.pdfgen import canvas

    jpg = scan_page(["申报单位名称：重庆甲科技有限公司", "统一社会信用代码：91500000MA5U6KAX0N"])
    img = Image.open(io.BytesIO(jpg))
    out: dict[str, bytes] = {"scan.jpg": jpg}
    buf = io.BytesIO()
    img.save(buf, "PDF", resolution=150)
    out["scan.pdf"] = buf.getvalue()
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for i in range(2):
        c.drawString(72, 720, f"Application form page {i + 1}: applicant Chongqing Jia Technology Co., Ltd.")
        c.showPage()
    c.save()
    out["text.pdf"] = buf.getvalue()
    buf = io.BytesIO()
    small = img.reduce(2)
    small.save(buf, "TIFF", save_all=True, append_images=[small.rotate(180)], compression="tiff_lzw")
    out["pages.tif"] = buf.getvalue()
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        from docx import Document
        from docx.shared import Cm

        p = Path(d) / "a.docx"
        write_docx(p, ["重庆市软件产业开源社区申报书", "牵头单位：重庆乙软件有限公司"])
        doc = Document(p)
        doc.add_picture(io.BytesIO(jpg), width=Cm(15))
        doc.save(p)
        out["form.docx"] = p.read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("inner/scan.jpg", jpg)
        zf.writestr("inner/form.docx", out["form.docx"])
    out["nested.zip"] = buf.getvalue()
    return out


def mutate(data: bytes, ops: list[tuple[str, float, int]]) -> bytes:
    """Apply (kind, where as a fraction of the length, amount) edits: flip, zero, insert, cut, repeat."""
    b = bytearray(data)
    for kind, where, n in ops:
        if not b:
            break
        at = min(int(where * len(b)), len(b) - 1)
        if kind == "flip":
            for k in range(n):
                b[(at + k * 97) % len(b)] ^= 0xFF ^ (k & 0x7F)
        elif kind == "zero":
            b[at:at + n * 64] = bytes(len(b[at:at + n * 64]))
        elif kind == "insert":
            b[at:at] = bytes((at * 31 + k * 17) & 0xFF for k in range(n * 16))
        elif kind == "cut":
            del b[at:]
        elif kind == "repeat":
            b[at:at] = b[at:at + n * 256]
    return bytes(b)


op = st.tuples(st.sampled_from(["flip", "zero", "insert", "cut", "repeat"]),
               st.floats(min_value=0.0, max_value=0.999, allow_nan=False), st.integers(1, 16))
entry = st.tuples(st.sampled_from(sorted(["scan.jpg", "scan.pdf", "text.pdf", "pages.tif", "form.docx", "nested.zip"])),
                  st.lists(op, min_size=1, max_size=4))


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(batch=st.lists(entry, min_size=BATCH, max_size=BATCH))
def test_mutated_files_each_get_a_sheet_and_the_run_goes_on(batch, tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    bundle, out = root / "bundle", root / "out"
    bundle.mkdir()
    for k, (name, ops) in enumerate(batch):
        (bundle / f"{k:02d}_{name}").write_bytes(mutate(seeds()[name], ops))
    res = run_cli("run", bundle, "--out", out, "--no-progress", "--workers", "2", "--ocr-engine", "tesseract",
                  "--run-date", "2026-07-20", env={"TMPDIR": str(root)})
    assert res.returncode == 0, res.stderr[-2000:]
    assert "Traceback" not in res.stdout + res.stderr, res.stderr[-2000:]
    entries = {json.loads(p.read_text(encoding="utf-8"))["entry"] for p in out.glob("*/review.json")}
    assert entries == {p.name for p in bundle.iterdir()}
    for p in out.glob("*/review.json"):
        r = json.loads(p.read_text(encoding="utf-8"))
        assert not r["errors"] or r["verdict"] == "needs_review"


def test_mutations_change_the_bytes():
    data = seeds()["scan.jpg"]
    assert mutate(data, [("flip", 0.5, 3)]) != data and len(mutate(data, [("cut", 0.5, 1)])) < len(data)
