"""Writers for the submission formats districts receive: image-only PDF, text-layer PDF (as printed
from Word), multi-page TIFF, a folder of JPEGs, DOCX. Metadata times are fixed so reruns match.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from contextlib import contextmanager
from pathlib import Path

from PIL import Image

from pipeline.samples.page_geometry import seal_bbox_mm
from pipeline.samples.typeset import A4_H, PT, PageLayout

FIXED_TIME = dt.datetime(2026, 7, 20, 9, 0, 0)
WQY = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
MM = 72 / 25.4  # points per mm


def normalise_zip(path: Path) -> None:
    """Rewrite an OOXML zip with fixed entry times (python-docx/openpyxl stamp the current time)."""
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    items = [(n, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, d) if n == "docProps/core.xml" else d)
             for n, d in items]  # openpyxl stamps the save time over ours
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


def write_image_pdf(path: Path, jpegs: list[bytes]) -> None:
    """One embedded JPEG per A4 page, passed through unchanged (what a scanner's PDF holds)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from reportlab.lib.utils import ImageReader

    with _binary_streams():
        c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
        c.setCreator("Scanner")
        for data in jpegs:  # an ImageReader over JPEG bytes is embedded as is, named by content
            c.drawImage(ImageReader(io.BytesIO(data)), 0, 0, width=A4[0], height=A4[1])
            c.showPage()
        c.save()


@contextmanager
def _binary_streams():
    """reportlab ASCII85-encodes streams by default (+25% size); scanners write binary."""
    from reportlab import rl_config

    old = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = old


def write_tiff(path: Path, images: list[Image.Image], dpi: int, quality: int) -> None:
    """Multi-page TIFF, JPEG-compressed in YCbCr (as copier scanners write them; RGB JPEG-in-TIFF
    is three times larger)."""
    images = [im.convert("YCbCr") for im in images]
    first, rest = images[0], images[1:]
    first.save(path, "TIFF", save_all=True, append_images=rest, compression="jpeg", quality=quality,
               dpi=(dpi, dpi))


def write_jpeg_folder(folder: Path, jpegs: list[bytes]) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for i, data in enumerate(jpegs):
        name = f"page_{i + 1:02d}.jpg"
        (folder / name).write_bytes(data)
        names.append(name)
    return names


def _seal_rgba(s, dpi: int = 200) -> Image.Image:
    """The seal alone, red ink with transparency, cropped to its layout box (for the text PDF)."""
    import numpy as np

    from pipeline.samples.render import stamp_seal
    from pipeline.samples.typeset import SealMark

    x0, y0, x1, y1 = seal_bbox_mm(s)
    k = dpi / 25.4
    canvas = Image.new("RGB", (round((x1 - x0) * k), round((y1 - y0) * k)), (255, 255, 255))
    local = SealMark(s.unit, s.shape, s.cx - x0, s.cy - y0, s.w, s.h, s.rotation, s.sub_text, s.ink_seed)
    stamp_seal(canvas, local, dpi)
    arr = np.asarray(canvas, dtype=np.float32)
    alpha = np.clip(255 - arr[..., 1], 0, 255)  # red ink absorbs green: 255-G is its density
    rgba = np.zeros(arr.shape[:2] + (4,), dtype=np.uint8)
    rgba[..., 0], rgba[..., 1], rgba[..., 2] = 200, 30, 35
    rgba[..., 3] = alpha.astype(np.uint8)
    return Image.fromarray(rgba, "RGBA")


def write_text_pdf(path: Path, pages: list[PageLayout]) -> None:
    """Vector text with a real text layer (WenQuanYi Zen Hei), seals placed as images."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", WQY, subfontIndex=0))
    with _binary_streams():
        _draw_text_pdf(path, pages)


def _draw_text_pdf(path: Path, pages: list[PageLayout]) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setCreator("Microsoft Word")
    H = A4_H * MM
    for page in pages:
        for op in page.ops:
            a = op.args
            if op.kind == "text":
                c.setFont("WQY", a["size"])
                c.setFillColorRGB(*(v / 255 for v in a["color"]))
                y = H - (a["y"] + a["size"] * PT * 0.88) * MM
                x = a["x"] * MM
                if a["anchor"] == "c":
                    c.drawCentredString(x, y, a["text"])
                elif a["anchor"] == "r":
                    c.drawRightString(x, y, a["text"])
                else:
                    c.drawString(x, y, a["text"])
            elif op.kind == "line":
                c.setStrokeColorRGB(*(v / 255 for v in a["color"]))
                c.setLineWidth(a["width"] * MM)
                c.line(a["x0"] * MM, H - a["y0"] * MM, a["x1"] * MM, H - a["y1"] * MM)
            elif op.kind == "logo":
                c.setFillColorRGB(0.8, 0.12, 0.16)
                c.circle(a["cx"] * MM, H - a["cy"] * MM, a["size"] / 2 * MM, stroke=0, fill=1)
            elif op.kind == "signature":
                c.setStrokeColorRGB(0.14, 0.16, 0.37)
                c.setLineWidth(0.45 * MM)
                x, y, w, h = a["x"] * MM, H - a["y"] * MM, a["w"] * MM, a["h"] * MM
                c.bezier(x, y - h / 2, x + w / 3, y, x + 2 * w / 3, y - h, x + w, y - h / 3)
        for s in page.seals:
            x0, y0, x1, y1 = seal_bbox_mm(s)
            img = _seal_rgba(s)
            c.drawImage(ImageReader(img), x0 * MM, H - y1 * MM, width=(x1 - x0) * MM, height=(y1 - y0) * MM,
                        mask="auto")
        c.showPage()
    c.save()


def write_docx(path: Path, pages: list[PageLayout], scans: dict[int, bytes]) -> None:
    """Word file: native paragraphs and tables, page breaks between pages, and the sealed pages as
    embedded scans (`scans`: page index → JPEG), as applicants paste in the stamped signature page."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Cm, Pt, RGBColor

    d = docx.Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    for m in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, m, Cm(1.5))
    style = d.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(12)
    for i, page in enumerate(pages):
        if i in scans:
            p = d.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run().add_picture(io.BytesIO(scans[i]), width=Cm(17.5))
        else:
            for block in page.blocks:
                if block[0] == "heading":
                    p = d.add_paragraph()
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    r = p.add_run(block[1])
                    r.bold = True
                    r.font.size = Pt(15)
                    if block[2]:
                        r.font.color.rgb = RGBColor(0xCC, 0x1E, 0x1E)
                elif block[0] == "para":
                    d.add_paragraph(block[1])
                elif block[0] == "table":
                    rows = block[1]
                    t = d.add_table(rows=len(rows), cols=len(rows[0]))
                    t.style = "Table Grid"
                    for r, row in enumerate(rows):
                        for k, cell in enumerate(row):
                            t.cell(r, k).text = cell
        if i < len(pages) - 1:
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    cp = d.core_properties
    cp.created = cp.modified = FIXED_TIME
    cp.last_printed = FIXED_TIME
    cp.author = cp.last_modified_by = "申报单位"
    cp.revision = 1
    d.save(path)
    normalise_zip(path)
