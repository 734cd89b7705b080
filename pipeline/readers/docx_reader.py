"""DOCX: paragraphs and tables in reading order, embedded page images sent to OCR.

A DOCX has no pages, so its body is cut into pseudo-pages at every table: a run of paragraphs is one
page, each table is one page with `table=True` whose lines are table rows with cells joined by ' | '.
Boxes are synthetic (line k of n spans the page width at y = k/n): they order evidence, nothing more.
Embedded images large enough to be a scanned page follow as extra pages, read by OCR.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from pipeline.errors import InputError
from pipeline.model import Line, Page
from pipeline.ocr.base import RasterPage
from pipeline.readers.images import MAX_PIXELS, guess_dpi, within_budget

CELL_SEP = " | "
MIN_PAGE_IMAGE_PX = 600
"""Images with a shorter side under this are logos or icons, not scanned pages."""
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"


@dataclass
class DocxContent:
    pages: list[Page]
    image_parts: list[str]
    """Part names of embedded images, in body order, to rasterise one by one."""


def _lines_page(rel: str, number: int, texts: list[str], table: bool) -> Page:
    n = max(len(texts), 1)
    lines = tuple(
        Line(text=t, bbox=(0.05, round(k / n, 5), 0.95, round((k + 1) / n, 5)), confidence=1.0, engine="docx")
        for k, t in enumerate(texts)
    )
    return Page(file=rel, number=number, width=595, height=842, dpi=72, source="docx", engine="docx", lines=lines, table=table)


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

    def flush() -> None:
        if para_buf:
            pages.append(_lines_page(rel, len(pages) + 1, list(para_buf), table=False))
            para_buf.clear()

    body = document.element.body
    for child in body.iterchildren():
        if child.tag == W_NS + "p":
            text = Paragraph(child, document).text.strip()
            if text:
                para_buf.append(text)
        elif child.tag == W_NS + "tbl":
            flush()
            rows = []
            for row in Table(child, document).rows:
                cells = []
                for cell in row.cells:
                    t = " ".join(cell.text.split())
                    if not cells or cells[-1] != t:  # merged cells repeat their text
                        cells.append(t)
                if any(cells):
                    rows.append(CELL_SEP.join(cells))
            if rows:
                pages.append(_lines_page(rel, len(pages) + 1, rows, table=True))
        for blip in child.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip"):
            rid = blip.get(R_EMBED)
            if rid:
                image_ids.append(rid)
    flush()
    rels = document.part.rels
    parts = []
    for rid in image_ids:
        rel_obj = rels.get(rid)
        if rel_obj is not None and not rel_obj.is_external:
            parts.append(str(rel_obj.target_part.partname).lstrip("/"))
    return DocxContent(pages=pages, image_parts=parts)


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
        fitted = within_budget(img)  # the per-page pixel budget (issue 17)
        arr = np.asarray(fitted.convert("RGB"))
        dpi = max(1, dpi * fitted.size[0] // w)
    except InputError:
        raise
    except Exception as exc:
        raise InputError("page_unreadable", f"{part}: {type(exc).__name__}", file=rel, page=number) from exc
    return RasterPage(file=rel, number=number, image=arr, dpi=dpi, meta={"part": part})
