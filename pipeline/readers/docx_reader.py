"""DOCX: paragraphs and tables in reading order, embedded page images sent to OCR.

A DOCX has no pages, so its body is cut into pseudo-pages at every table: a run of paragraphs is one
page, each table is one page with `table=True` whose lines are table rows with cells joined by ' | '.
Boxes are synthetic (line k of n spans the page width at y = k/n): they order evidence, nothing more.
Embedded images large enough to be a scanned page follow as extra pages, read by OCR.

Every other picture — inline or floating (anchored), in a table cell, a text box or a header — is a
place a seal can be (issue 16: applicants paste their seal as a picture). Each is placed, at the size
the document gives it (`wp:extent`), on a blank A4 canvas of the pseudo-page it sits in: beside the
line (paragraph, table row) it belongs to, in its table cell's column. The seal detector runs on
that canvas as on a scan, so a seal's bbox lies next to the signature line it was pasted at and
attribution to a signature block works as on scans (`seal_canvas`).
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from pipeline.errors import InputError
from pipeline.model import Line, Page
from pipeline.ocr.base import RasterPage
from pipeline.readers.images import GREY_MODES, MAX_PIXELS, guess_dpi, within_budget

CELL_SEP = " | "
MIN_PAGE_IMAGE_PX = 600
"""Images with a shorter side under this are logos or icons, not scanned pages."""
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
R_EMBED = R_NS + "embed"
A_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
WP_NS = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
V_IMAGEDATA = "{urn:schemas-microsoft-com:vml}imagedata"
EMU_PER_MM = 36000
PAGE_IMAGE_MM = 120
"""A picture the document shows larger than this each way is a scanned page (OCR'd as one)."""
CANVAS_DPI = 150
A4_MM = (210.0, 297.0)


@dataclass(frozen=True)
class Picture:
    """A picture placed on a pseudo-page: where and how large the document shows it."""

    part: str
    line: float
    """Line (paragraph / table row) it belongs to on its pseudo-page; k − 0.5 = between lines k−1
    and k; −1 = the page's top (a header)."""
    x: float
    """Centre across the page (fraction): the table cell's column, else right of centre."""
    w_mm: float
    h_mm: float


@dataclass
class DocxContent:
    pages: list[Page]
    image_parts: list[str]
    """Part names of embedded images, in body order, to rasterise one by one."""
    pictures: dict[int, tuple[Picture, ...]] = field(default_factory=dict)
    """Pseudo-page number → the pictures shown on it smaller than a page, for `seal_canvas`."""

    @property
    def placed_parts(self) -> set[str]:
        return {p.part for pics in self.pictures.values() for p in pics}


def _lines_page(rel: str, number: int, texts: list[str], table: bool) -> Page:
    n = max(len(texts), 1)
    lines = tuple(
        Line(text=t, bbox=(0.05, round(k / n, 5), 0.95, round((k + 1) / n, 5)), confidence=1.0, engine="docx")
        for k, t in enumerate(texts)
    )
    return Page(file=rel, number=number, width=595, height=842, dpi=72, source="docx", engine="docx", lines=lines, table=table)


def _extent_mm(el) -> tuple[float, float] | None:
    """The size the document shows a picture at: its drawing's wp:extent (EMU), if any."""
    node = el
    while node is not None:
        if node.tag in (WP_NS + "inline", WP_NS + "anchor"):
            ext = node.find(WP_NS + "extent")
            if ext is not None:
                try:
                    return int(ext.get("cx")) / EMU_PER_MM, int(ext.get("cy")) / EMU_PER_MM
                except (TypeError, ValueError):
                    return None
            return None
        node = node.getparent()
    return None


def _pictures_in(el) -> list[tuple[str, tuple[float, float] | None]]:
    """(relationship id, shown size in mm or None) of every picture inside an element: DrawingML
    (inline, anchored, in text boxes) and VML (older documents)."""
    out = []
    for node in el.iter(A_BLIP, V_IMAGEDATA):
        rid = node.get(R_EMBED) if node.tag == A_BLIP else node.get(R_NS + "id")
        if rid:
            out.append((rid, _extent_mm(node) if node.tag == A_BLIP else None))
    return out


def read_docx(path: Path, rel: str) -> DocxContent:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many types for broken packages
        raise InputError("truncated", type(exc).__name__, file=rel) from exc
    pages: list[Page] = []
    para_buf: list[str] = []
    image_ids: list[str] = []
    rels = document.part.rels
    placed: dict[int, list[Picture]] = {}
    pending: list[tuple[str, tuple[float, float] | None, float, float]] = []
    """Pictures of the paragraph run being collected: (rid, shown size, line, x)."""

    def part_of(rid: str, rel_map) -> str | None:
        r = rel_map.get(rid)
        if r is None or r.is_external:
            return None
        return str(r.target_part.partname).lstrip("/")

    def place(page_no: int, rid: str, size, line: float, x: float, rel_map=rels) -> None:
        part = part_of(rid, rel_map)
        if part is None or (size is not None and min(size) >= PAGE_IMAGE_MM):
            return  # a scanned page pasted in is OCR'd as a page of its own
        w, h = size if size is not None else (0.0, 0.0)
        placed.setdefault(page_no, []).append(Picture(part, line, x, w, h))

    def flush() -> None:
        if para_buf:
            pages.append(_lines_page(rel, len(pages) + 1, list(para_buf), table=False))
            para_buf.clear()
        if pending:
            if not pages:  # a document that is only pictures
                pages.append(_lines_page(rel, 1, [""], table=False))
            last = pages[-1]
            for rid, size, line, x in pending:
                place(last.number, rid, size, min(line, len(last.lines) - 0.5), x)
            pending.clear()

    body = document.element.body
    for child in body.iterchildren():
        if child.tag == W_NS + "p":
            text = Paragraph(child, document).text.strip()
            if text:
                para_buf.append(text)
            # the picture belongs to its paragraph's line; one in a paragraph of its own sits
            # below the line before it
            line = len(para_buf) - (1 if text else 0.5) if para_buf else 0.0
            pending += [(rid, size, line, 0.62) for rid, size in _pictures_in(child)]
        elif child.tag == W_NS + "tbl":
            flush()
            rows: list[str] = []
            pics: list[tuple[str, tuple[float, float] | None, float, float]] = []
            for row in Table(child, document).rows:
                cells: list[str] = []
                tcs: list = []
                for cell in row.cells:
                    t = " ".join(cell.text.split())
                    if not cells or cells[-1] != t:  # merged cells repeat their text
                        cells.append(t)
                    if not tcs or cell._tc is not tcs[-1]:
                        tcs.append(cell._tc)
                if any(cells):
                    rows.append(CELL_SEP.join(cells))
                for k, tc in enumerate(tcs):
                    for rid, size in _pictures_in(tc):
                        pics.append((rid, size, max(len(rows) - 1, 0), 0.05 + 0.9 * (k + 0.5) / max(len(tcs), 1)))
            if rows:
                pages.append(_lines_page(rel, len(pages) + 1, rows, table=True))
                for rid, size, line, x in pics:
                    place(pages[-1].number, rid, size, line, x)
            else:
                pending += pics
        for blip in child.iter(A_BLIP):
            rid = blip.get(R_EMBED)
            if rid:
                image_ids.append(rid)
    flush()
    # headers: their pictures (a seal in the letterhead) on the first pseudo-page, at its top
    if pages:
        seen: set[str] = set()
        for section in document.sections:
            for hdr in (section.header, section.first_page_header, section.even_page_header):
                try:
                    if hdr.is_linked_to_previous:
                        continue
                    el, hrels = hdr._element, hdr.part.rels
                except Exception:  # a header without a part of its own
                    continue
                for rid, size in _pictures_in(el):
                    part = part_of(rid, hrels)
                    if part and part not in seen:
                        seen.add(part)
                        place(1, rid, size, -1, 0.62, hrels)
    parts = []
    for rid in image_ids:
        part = part_of(rid, rels)
        if part is not None:
            parts.append(part)
    return DocxContent(pages=pages, image_parts=parts, pictures={k: tuple(v) for k, v in placed.items()})


def seal_canvas(path: Path, rel: str, pictures: tuple[Picture, ...], number: int, n_lines: int) -> RasterPage:
    """The pseudo-page's pictures on a blank A4 canvas (CANVAS_DPI), each at its shown size beside
    its line (line k of n spans y = k/n .. (k+1)/n, as `_lines_page` lays them out), in its
    column; pictures of one line side by side. Ink is multiplied onto the paper, so overlapping
    pictures both stay visible."""
    k = CANVAS_DPI / 25.4
    W, H = round(A4_MM[0] * k), round(A4_MM[1] * k)
    canvas = np.full((H, W, 3), 255, np.uint8)
    n = max(n_lines, 1)
    by_line: dict[tuple[float, float], int] = {}
    modes: list[str] = []
    with zipfile.ZipFile(path) as zf:
        for pic in pictures:
            img = _open_part(zf, pic.part, rel, number)
            if img is None:
                continue
            modes.append(img.mode)
            w_mm, h_mm = pic.w_mm, pic.h_mm
            if not (w_mm > 0 and h_mm > 0):  # no shown size (VML): the picture's own dpi
                dpi = guess_dpi(img) if img.info.get("dpi") else 96
                w_mm, h_mm = img.width / dpi * 25.4, img.height / dpi * 25.4
            scale = min(1.0, 0.9 * A4_MM[0] / w_mm, 0.45 * A4_MM[1] / h_mm)
            pw, ph = max(1, round(w_mm * scale * k)), max(1, round(h_mm * scale * k))
            arr = np.asarray(_on_white(img).resize((pw, ph), Image.LANCZOS))
            key = (pic.line, pic.x)
            slot = by_line.get(key, 0)
            by_line[key] = slot + 1
            cx = pic.x * W + slot * (pw + 0.01 * W)
            cy = (pic.line + 0.5) / n * H if pic.line >= 0 else 0.04 * H + ph / 2
            x0 = int(min(max(0, cx - pw / 2), W - pw)) if pw <= W else 0
            y0 = int(min(max(0, cy - ph / 2), H - ph)) if ph <= H else 0
            region = canvas[y0:y0 + ph, x0:x0 + pw]
            piece = arr[: region.shape[0], : region.shape[1]]
            canvas[y0:y0 + piece.shape[0], x0:x0 + piece.shape[1]] = (
                region.astype(np.uint16) * piece // 255).astype(np.uint8)
    meta = {"raster": "docx_pictures", "dpi_trusted": True}
    if modes and all(m in GREY_MODES for m in modes):
        # every picture stored without colour (a greyscale seal picture): no red can show there, its
        # seals are found by shape; a canvas of colour pictures that show none (a black logo) says
        # nothing of how they were stored and stays 'flat'
        meta["stored"] = "grey"
    return RasterPage(file=rel, number=number, image=canvas, dpi=CANVAS_DPI, meta=meta)


def _on_white(img: Image.Image) -> Image.Image:
    """RGB on white paper (a transparent PNG seal's background is the page)."""
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return img.convert("RGB")


def _open_part(zf: zipfile.ZipFile, part: str, rel: str, number: int) -> Image.Image | None:
    try:
        info = zf.getinfo(part)
        if info.file_size > 200 * 1024 * 1024:
            raise InputError("decompression_bomb", part, file=rel)
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
        img = Image.open(io.BytesIO(zf.read(part)))
        if img.width * img.height > MAX_PIXELS:
            raise InputError("decompression_bomb", part, file=rel)
        img.load()
        return img
    except InputError:
        raise
    except Exception:  # an EMF/WMF or a broken picture: nothing to look at
        return None


def image_raster(path: Path, rel: str, part: str, number: int) -> RasterPage | None:
    """An embedded image as a page raster, or None when it is too small to be a page."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(part)
        if info.file_size > 200 * 1024 * 1024:
            raise InputError("decompression_bomb", part, file=rel)
        data = zf.read(part)
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        img = Image.open(io.BytesIO(data))
        w, h = img.size
        if w * h > MAX_PIXELS:
            raise InputError("decompression_bomb", part, file=rel)
        if min(w, h) < MIN_PAGE_IMAGE_PX:
            return None
        dpi = guess_dpi(img)
        stored = "grey" if img.mode in GREY_MODES else "colour"  # as images.raster: seals need colour (issue 16)
        fitted = within_budget(img)  # the per-page pixel budget (issue 17)
        arr = np.asarray(fitted.convert("RGB"))
        dpi = max(1, dpi * fitted.size[0] // w)
    except InputError:
        raise
    except Exception as exc:
        raise InputError("page_unreadable", f"{part}: {type(exc).__name__}", file=rel, page=number) from exc
    # "stored" lets the seal detector tell a greyed scan pasted in (every pixel R = G = B: no red can
    # show, its seals are found by shape) from a colour scan of a page without colour ink
    return RasterPage(file=rel, number=number, image=arr, dpi=dpi, meta={"part": part, "stored": stored})
