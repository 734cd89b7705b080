"""One page's work in a page worker: its pixels, blank test, OCR (engines loaded once per process),
orientation and the seals on it; any failure becomes that page's error."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from pipeline.errors import InputError
from pipeline.heap import release_memory
from pipeline.model import DocumentError, Page
from pipeline.ocr import stagetime
from pipeline.ocr.base import RasterPage, get_engine
from pipeline.reading.model import SealFind
from pipeline.reading.plan import fine_crops, load_raster

log = logging.getLogger(__name__)


_ENGINES: dict[str, object] = {}


def _engine(name: str):
    if name not in _ENGINES:
        with stagetime.stage("models"):
            _ENGINES[name] = get_engine(name)
    return _ENGINES[name]


def find_seals_on_page(raster: RasterPage, crops_dir: Path | None, tag: str) -> list[SealFind]:
    """Seal candidates on an upright page, their arc text read, crops saved as PNG in crops_dir."""
    return page_seals(raster, crops_dir, tag)[0]


def page_seals(raster: RasterPage, crops_dir: Path | None, tag: str,
               fine: Callable[[list], list] | None = None) -> tuple[list[SealFind], str]:
    """`find_seals_on_page` and the page's colour state ('colour', 'flat', 'grey':
    `seals.colour_state`). `fine` (`plan.fine_crops`): whole seals found in colour are read from
    their boxes rendered again finer."""
    from dataclasses import fields as dataclass_fields

    from pipeline.extract.seals import detect_page, read_candidates, save_crop

    found = detect_page(raster)
    whole = [c for c in found.candidates if c.kind != "edge" and c.crop is not None and c.colour]
    if fine is not None and whole:
        for c, crop in zip(whole, fine([c.bbox for c in whole])):
            if crop.size:
                c.crop = crop
    finds = []
    for k, cand in enumerate(read_candidates(found.candidates)):
        crop_file = ""
        if crops_dir is not None and cand.crop is not None and cand.crop.size:
            crop_file = save_crop(cand.crop, crops_dir, f"find_{tag}_p{raster.number}_{k}")
        fields = {f.name: getattr(cand, f.name) for f in dataclass_fields(cand) if f.name != "crop"}
        finds.append(SealFind(**fields, crop_file=crop_file))
    return finds, found.colour


@dataclass
class PageTask:
    path: str
    rel: str
    number: int
    ref: tuple
    engine: str
    crops_dir: str | None
    text_page: Page | None = None
    seal_only: bool = False
    tag: str = ""
    """Short content hash of the file: keeps crop names unique and stable across runs."""
    seals: bool = True


@dataclass
class PageOutcome:
    number: int
    page: Page | None
    seals: list[SealFind]
    error: DocumentError | None
    ocr: bool
    colour: str = ""
    """The page's colour state when it was looked at for seals ('' = not looked at)."""
    stages: dict | None = None


def process_page(task: PageTask) -> PageOutcome:
    """OCR one page and look for seals on it; any failure becomes that page's error."""
    with stagetime.ledger() as led:
        try:
            out = _process_page(task)
        finally:
            release_memory()
    out.stages = led.totals()
    return out


def _process_page(task: PageTask) -> PageOutcome:
    from pipeline.ocr.preprocess import rotate_quadrant
    from pipeline.readers.window import to_page

    try:
        with stagetime.stage("read"):
            raster = load_raster(Path(task.path), task.rel, task.ref, task.number, seal_only=task.seal_only)
        if raster is None:  # a DOCX image too small to be a page
            return PageOutcome(task.number, None, [], None, False)
        shrunk = _shrunk(raster, task)
        window = raster.meta.get("window") if raster.meta else None  # a huge page cropped to its content
        if task.text_page is not None:
            page, ocr = task.text_page, False
        elif _timed_blank(raster):  # nothing on it: no orientation detection, OCR or seal search
            return PageOutcome(task.number, to_page(_blank_page(task, raster), [], window)[0], [], shrunk, False)
        else:
            engine = _engine(task.engine)
            with stagetime.stage(f"ocr_{task.engine}"):
                page, ocr = engine.read(raster), True
            stagetime.count("pages_ocr")
            stagetime.count("lines", len(page.lines))
            if page.rotation:
                stagetime.count("pages_rotated")
                with stagetime.stage("orientation"):
                    raster.image = rotate_quadrant(raster.image, page.rotation)
        seals: list[SealFind] = []
        colour = ""
        if task.seals:
            try:
                with stagetime.stage("seals"):
                    release_memory()  # what OCR freed, before seal detection's page-sized masks (heap.py)
                    fine = fine_crops(Path(task.path), task.rel, task.ref, raster) if task.seal_only else None
                    seals, colour = page_seals(raster, Path(task.crops_dir) if task.crops_dir else None, task.tag, fine)
            except Exception as exc:  # a seal bug must not lose the page's text
                log.warning("seal detection failed on %s p%d: %s", task.rel, task.number, exc)
        read, seals = to_page(page if ocr else None, seals, window)  # boxes as fractions of the whole page
        return PageOutcome(task.number, read if ocr else page, seals, shrunk, ocr, colour)
    except InputError as exc:
        exc.page = exc.page or task.number
        return PageOutcome(task.number, None, [], exc.to_error(), False)
    except RuntimeError as exc:  # pytesseract raises RuntimeError on timeout
        code = "ocr_timeout" if "timeout" in str(exc).lower() else "ocr_failed"
        return PageOutcome(task.number, None, [], InputError(code, str(exc)[:120], file=task.rel, page=task.number).to_error(), False)
    except Exception as exc:
        err = InputError("page_unreadable", f"{type(exc).__name__}: {str(exc)[:100]}", file=task.rel, page=task.number)
        return PageOutcome(task.number, None, [], err.to_error(), False)


MIN_READ_DPI = 150
"""Below this a page cut down to the pixel budget may have lost small print: the sheet says so."""


def _shrunk(raster: RasterPage, task: PageTask) -> DocumentError | None:
    scale_dpi = raster.meta.get("scale_dpi") if raster.meta else None
    if task.seal_only or scale_dpi is None or scale_dpi >= MIN_READ_DPI:
        return None
    return InputError("page_downscaled", f"按 {scale_dpi:.0f} dpi 读取，小字可能未读出 / read at {scale_dpi:.0f} dpi",
                      file=task.rel, page=task.number).to_error()


def _timed_blank(raster: RasterPage) -> bool:
    with stagetime.stage("blank_test"):
        return _blank(raster)


def _blank(raster: RasterPage) -> bool:
    from pipeline.readers.images import looks_blank

    return looks_blank(raster.image)


def _blank_page(task: PageTask, raster: RasterPage) -> Page:
    from pipeline.readers.pdf import blank_page

    h, w = raster.image.shape[:2]
    return blank_page(task.rel, task.number, w, h, raster.dpi)
