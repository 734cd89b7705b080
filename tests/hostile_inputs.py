"""Hostile and odd inputs for the issue-17 tests and benchmarks/hostile.py, generated on the spot:
a sparse 2,000-page PDF, a 200 × 200-inch page holding a small scan, owner-password PDFs (pikepdf),
GBK / CP437 / over-long names on disk and in a zip, FIFOs and dangling links."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.flow_inputs import application_pages, scan_page

REPO = Path(__file__).resolve().parent.parent
GOOD_NAME, GOOD_USCC = "重庆甲科技有限公司", "91500000MA5U6KAX0N"


RUN = ("--no-progress", "--workers", "2", "--ocr-engine", "tesseract", "--run-date", "2026-07-20")
"""The CLI options of the hostile-input runs: Tesseract (no RapidOCR start-up), a fixed review date."""


def review_jsons(out: Path) -> dict[str, dict]:
    """entry name → review.json of a run's output."""
    found = {}
    for p in out.glob("*/review.json"):
        r = json.loads(p.read_text(encoding="utf-8"))
        found[r["entry"]] = r
    return found


def run_cli(*args: str, env: dict | None = None, timeout: int = 900) -> subprocess.CompletedProcess:
    """`python -m pipeline.cli ...` as a user runs it (this checkout first on the path)."""
    e = {**os.environ, "PYTHONPATH": str(REPO), "OMP_THREAD_LIMIT": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *map(str, args)], cwd=REPO, env=e,
                          capture_output=True, text=True, timeout=timeout)


def good_application(folder: Path) -> Path:
    """One readable scanned application (two JPEG pages) next to the hostile entries."""
    app = folder / "01_好的申报书"
    app.mkdir(parents=True)
    for i, page in enumerate(application_pages(GOOD_NAME, GOOD_USCC), 1):
        (app / f"{i:02d}.jpg").write_bytes(page)
    return app


def _scan_pdf(text_lines: list[str]) -> bytes:
    """A one-page scanned PDF (a JPEG on an A4 page at 150 dpi)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.open(io.BytesIO(scan_page(text_lines))).save(buf, "PDF", resolution=150)
    return buf.getvalue()


def owner_password_pdfs(folder: Path) -> dict[str, Path]:
    """The same scan encrypted with an owner password only (RC4 R3, AES-128 R4, AES-256 R6), and one
    with a real user password."""
    import pikepdf

    plain = folder / "_plain.pdf"
    plain.write_bytes(_scan_pdf(["承诺书", f"申报单位名称：{GOOD_NAME}"]))
    out = {}
    for name, r in (("owner_r3.pdf", 3), ("owner_r4.pdf", 4), ("owner_r6.pdf", 6)):
        with pikepdf.open(plain) as pdf:
            pdf.save(folder / name, encryption=pikepdf.Encryption(
                owner="owner-secret", user="", R=r, aes=r >= 4, metadata=r >= 4,
                allow=pikepdf.Permissions(modify_other=False)))
        out[name] = folder / name
    with pikepdf.open(plain) as pdf:
        pdf.save(folder / "user_password.pdf", encryption=pikepdf.Encryption(owner="o", user="user-secret", R=6))
    out["user_password.pdf"] = folder / "user_password.pdf"
    plain.unlink()
    return out


def sparse_pdf(path: Path, pages: int = 2000, blank_scans: bool = False) -> Path:
    """`pages` blank A4 pages: without content (what a PDF tool writes for an empty page) or, with
    `blank_scans`, each showing the same tiny white scan stretched over the page (one shared
    image: the file stays small, but every page must be looked at)."""
    import pikepdf
    from PIL import Image

    pdf = pikepdf.new()
    image = None
    if blank_scans:
        buf = io.BytesIO()
        Image.new("RGB", (124, 175), (252, 252, 250)).save(buf, "JPEG", quality=90)
        image = pikepdf.Stream(pdf, buf.getvalue(), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                               Width=124, Height=175, ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8,
                               Filter=pikepdf.Name.DCTDecode)
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
        if image is not None:
            page = pdf.pages[-1]
            page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
            page.Contents = pdf.make_stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    pdf.save(path)
    return path


def huge_page_pdf(path: Path, inches: float = 200.0, spread: bool = False) -> Path:
    """One page of `inches` × `inches` with an A4 scan of the application placed near a corner
    (`spread`: and a second copy near the opposite corner, so cropping to the content cannot help)."""
    import pikepdf
    from PIL import Image

    jpg = scan_page([f"申报单位名称：{GOOD_NAME}", f"统一社会信用代码：{GOOD_USCC}"])
    w, h = Image.open(io.BytesIO(jpg)).size
    pdf = pikepdf.new()
    side = inches * 72
    pdf.add_blank_page(page_size=(side, side))
    page = pdf.pages[0]
    img = pikepdf.Stream(pdf, jpg, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=w, Height=h,
                         ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8, Filter=pikepdf.Name.DCTDecode)
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=img))
    draw = b"q 595 0 0 842 300 %d cm /Im0 Do Q" % int(side - 1500)
    if spread:
        draw += b" q 595 0 0 842 %d 100 cm /Im0 Do Q" % int(side - 900)
    page.Contents = pdf.make_stream(draw)
    pdf.save(path)
    return path


def gbk_zip(path: Path) -> dict[str, bytes]:
    """A zip as Chinese Windows writes it (GBK names, no UTF-8 flag), with a CP437 name and a GBK name
    whose UTF-8 form is longer than a file name may be. Returns decoded name → stored bytes."""
    pages = application_pages(GOOD_NAME, GOOD_USCC)
    names = {
        "重庆甲科技有限公司申报书.jpg": "重庆甲科技有限公司申报书.jpg".encode("gbk"),
        "Résumé.jpg": "Résumé.jpg".encode("cp437"),
        ("很长的名字" * 20) + ".jpg": (("很长的名字" * 20) + ".jpg").encode("gbk"),
    }
    # zipfile writes any non-ASCII name as UTF-8 (flag 0x800): write ASCII stand-ins of the same
    # length, then put the raw bytes in their place (local header and central directory)
    stand_ins = {chr(ord("A") + k).encode() * len(raw): raw for k, raw in enumerate(names.values())}
    with zipfile.ZipFile(path, "w") as zf:
        for k, stand_in in enumerate(stand_ins):
            zf.writestr(stand_in.decode(), pages[k % 2])
    data = path.read_bytes()
    for stand_in, raw in stand_ins.items():
        assert data.count(stand_in) == 2
        data = data.replace(stand_in, raw)
    path.write_bytes(data)
    return names


def corrupt_scan_pdf(path: Path) -> Path:
    """One A4 page whose scan is a damaged JPEG (bytes overwritten every ~1 KB): it still decodes,
    and libjpeg complains on stderr ('Corrupt JPEG data: premature end of data segment')."""
    import pikepdf
    from PIL import Image

    jpg = bytearray(scan_page([f"申报单位名称：{GOOD_NAME}"]))
    w, h = Image.open(io.BytesIO(bytes(jpg))).size
    for i in range(2000, len(jpg) - 10, 997):
        jpg[i] = 0xFF
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    img = pikepdf.Stream(pdf, bytes(jpg), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=w, Height=h,
                         ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8, Filter=pikepdf.Name.DCTDecode)
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=img))
    page.Contents = pdf.make_stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    pdf.save(path)
    return path
