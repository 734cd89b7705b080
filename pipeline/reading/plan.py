"""Planning a file's pages in the parent (which exist, which already have text, how a worker gets
each page's pixels) and taking one page's pixels out in a worker."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from pipeline.budget import page_ranges, pages_cut
from pipeline.errors import InputError
from pipeline.model import FileKind, Page
from pipeline.ocr.base import RasterPage


@dataclass
class PagePlan:
    number: int
    page: Page | None = None
    """Already read (text layer, DOCX text); None means it needs a raster and OCR."""
    raster_ref: tuple = ()
    """What a worker needs to get the pixels: (kind, index-or-part)."""
    seal_only: bool = False
    """A text-layer page with images: render coarsely for seal detection only."""


def plan_document(path: Path, rel: str, kind: FileKind, max_pages: int,
                  budget: int | None = None) -> tuple[list[PagePlan], list[InputError], int]:
    """Which pages exist and how each will be read, up to `max_pages` (0: none, the submission's page
    `budget` is spent by earlier files; the note says which pages were not read). Raises InputError
    when the file is unreadable."""
    notes: list[InputError] = []
    plans: list[PagePlan] = []
    if path.stat().st_size == 0:
        raise InputError("empty_file", file=rel)
    if kind == "pdf":
        from pipeline.readers import pdf as pdfr

        doc, notes = pdfr.open_pdf(path, rel)
        try:
            total = len(doc)
            for i in range(min(total, max_pages)):
                try:
                    pp = pdfr.plan_page(doc, i, rel)
                except Exception as exc:  # one broken page object is that page's problem
                    notes.append(InputError("page_unreadable", type(exc).__name__, file=rel, page=i + 1))
                    continue
                if pp.text_page is not None:
                    plans.append(PagePlan(i + 1, page=pp.text_page, raster_ref=("pdf", i), seal_only=pp.has_images))
                else:
                    plans.append(PagePlan(i + 1, raster_ref=("pdf", i)))
        finally:
            doc.close()
    elif kind in ("tiff", "jpeg", "png", "bmp"):
        from pipeline.readers import images

        total = images.frame_count(path, rel)
        plans = [PagePlan(i + 1, raster_ref=("image", i)) for i in range(min(total, max_pages))]
    elif kind == "docx":
        from pipeline.readers import docx_reader

        content = docx_reader.read_docx(path, rel)
        # pictures shown smaller than a page go on their pseudo-page's canvas for seal detection
        plans = [PagePlan(p.number, page=p, raster_ref=("docx_pictures", content.pictures[p.number], len(p.lines)),
                          seal_only=True) if p.number in content.pictures else PagePlan(p.number, page=p)
                 for p in content.pages]
        n = len(plans)
        placed = content.placed_parts
        plans += [PagePlan(n + k + 1, raster_ref=("docx", part)) for k, part in enumerate(content.image_parts)
                  if part not in placed]
        total = n + len(content.image_parts)
        plans = plans[:max_pages]
    else:
        raise InputError("unsupported_type", "文件内容不是 PDF、TIFF、JPEG、PNG 或 DOCX / not a PDF, TIFF, JPEG, PNG or DOCX", file=rel)
    if total > max_pages:
        budget = max_pages if budget is None else budget
        notes.append(InputError("too_many_pages", pages_cut(total, max_pages, budget, page_ranges(range(max_pages + 1, total + 1))),
                                file=rel))
    elif not plans:
        raise InputError("no_pages", file=rel)
    return plans, notes, total


def load_raster(path: Path, rel: str, ref: tuple, number: int, *, seal_only: bool = False) -> RasterPage | None:
    if ref[0] == "docx_pictures":
        from pipeline.readers import docx_reader

        return docx_reader.seal_canvas(path, rel, ref[1], number, ref[2])
    kind, key = ref
    if kind == "pdf":
        from pipeline.readers import pdf as pdfr

        doc, _ = pdfr.open_pdf(path, rel)
        try:
            dpi = pdfr.SEAL_RENDER_DPI if seal_only else pdfr.RENDER_DPI
            return pdfr.raster(doc, key, rel, dpi=dpi)
        finally:
            doc.close()
    if kind == "image":
        from pipeline.readers import images

        return images.raster(path, rel, key)
    if kind == "docx":
        from pipeline.readers import docx_reader

        return docx_reader.image_raster(path, rel, key, number)
    raise ValueError(kind)


def fine_crops(path: Path, rel: str, ref: tuple, raster: RasterPage) -> Callable[[list], list[np.ndarray]] | None:
    """For a text-layer PDF page rendered coarsely for seal detection only (`seal_only`): a function
    giving each seal box's pixels rendered again at seals.yaml `text_pdf_read_dpi`, so that the
    name on the seal is read from enough pixels (at 100 dpi a member's seal was misread: seed 746
    #009) while detection stays on the cheap render. None for any other page."""
    if ref[0] != "pdf" or raster.meta.get("raster") != "rendered" or "window" in raster.meta \
            or "scale_dpi" in raster.meta:
        return None
    from pipeline.extract.seals.geometry import settings

    dpi = float(settings().get("text_pdf_read_dpi", 0))
    if dpi <= raster.dpi:
        return None
    h, w = raster.image.shape[:2]

    def crops(boxes: list) -> list[np.ndarray]:
        from pipeline.readers import pdf as pdfr

        doc, _ = pdfr.open_pdf(path, rel)
        try:
            return [pdfr.render_box(doc, ref[1], b, (w, h), raster.dpi, dpi) for b in boxes]
        finally:
            doc.close()

    return crops
