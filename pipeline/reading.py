"""Read one file of a submission into a `Document` (pages of lines) and the seals on its pages.

Pages stream: the parent only plans (type, page count, text layers) and hands page numbers to worker
processes, each of which opens the file, takes out one page's pixels, OCRs it and looks for seals,
and returns only the small results. So memory stays bounded by workers × one page, whatever the
file's length, and one bad page is one page error, not a lost file.
"""
from __future__ import annotations

import ctypes

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import multiprocessing as mp

from pipeline.budget import page_ranges, pages_cut, time_cut
from pipeline.errors import InputError
from pipeline.model import BBox, Document, DocumentError, FileKind, Frozen, Page, SealFrames
from pipeline.ocr import stagetime
from pipeline.ocr.base import RasterPage, get_engine
from pipeline.readers.sniff import sniff

log = logging.getLogger(__name__)

OCR_SETTINGS_VERSION = "2026.12.03-17-16"
"""Bump when reading/OCR code or settings change in a way that changes output (part of cache keys)."""
def _limits():
    from pipeline.intake import default_limits

    return default_limits()


MAX_PAGES = _limits().max_pages
"""Booklets are tens of pages; a file far longer is read up to here and flagged (intake.yaml max_pages)."""
DEFAULT_ENGINE = "cascade"


class SealFind(Frozen):
    """A seal candidate as found on one page (pipeline.extract.seals.SealCandidate without its
    pixels: the crop is a PNG in the crops folder). Kept unjoined and unattributed: straddle slices
    may continue in the submission's next file, and the unit names come only from extraction —
    `frames` (what the arc recogniser saw, packed) lets the review score them without reading the
    crop again."""

    file: str
    page: int
    bbox: BBox
    kind: str
    confidence: float
    center: tuple[float, float]
    size_mm: tuple[float, float]
    ring: float = 0.0
    star: bool = False
    edge: str | None = None
    hue: float = 0.0
    text: str = ""
    text_confidence: float = 0.0
    page_size_mm: tuple[float, float] = (0.0, 0.0)
    frames: SealFrames | None = None
    crop_file: str = ""
    colour: bool = True
    """False: found by shape alone on a page without colour (issue 16)."""


class DocumentRead(Frozen):
    document: Document
    seal_finds: tuple[SealFind, ...] = ()
    seconds: float = 0.0
    ocr_pages: int = 0
    stages: dict = {}
    """Per-stage [wall s, cpu s, entries] and counters of this read's pages (`ocr.stagetime`)."""
    colourless_pages: tuple[int, ...] = ()
    """Pages looked at for seals that could not show red (stored without colour, or the whole file's
    chroma flat): there a missing seal is no evidence (`seal.present` is `review`)."""

    def as_file(self, rel: str) -> "DocumentRead":
        """This read for another file with the same bytes: reads are cached by content, and a copy of
        one scan in two submissions must cite its own path in evidence, errors and seals."""
        old = self.document.file
        if old == rel:
            return self
        moved = lambda items: tuple(x.model_copy(update={"file": rel}) if x.file == old else x for x in items)  # noqa: E731
        doc = self.document.model_copy(update={"file": rel, "pages": moved(self.document.pages),
                                               "errors": moved(self.document.errors)})
        return self.model_copy(update={"document": doc, "seal_finds": moved(self.seal_finds)})


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------- planning (parent)


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


# --------------------------------------------------------------------------- page work (workers)


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


_ENGINES: dict[str, object] = {}


def _engine(name: str):
    if name not in _ENGINES:
        with stagetime.stage("models"):
            _ENGINES[name] = get_engine(name)
    return _ENGINES[name]


def find_seals_on_page(raster: RasterPage, crops_dir: Path | None, tag: str) -> list[SealFind]:
    """Seal candidates on an upright page, their arc text read, crops saved as PNG in crops_dir."""
    return page_seals(raster, crops_dir, tag)[0]


def page_seals(raster: RasterPage, crops_dir: Path | None, tag: str) -> tuple[list[SealFind], str]:
    """`find_seals_on_page` and the page's colour state ('colour', 'flat', 'grey':
    `seals.colour_state`)."""
    from dataclasses import fields as dataclass_fields

    from pipeline.extract.seals import detect_page, read_candidates, save_crop

    found = detect_page(raster)
    finds = []
    for k, cand in enumerate(read_candidates(found.candidates)):
        crop_file = ""
        if crops_dir is not None and cand.crop is not None and cand.crop.size:
            crop_file = save_crop(cand.crop, crops_dir, f"find_{tag}_p{raster.number}_{k}")
        fields = {f.name: getattr(cand, f.name) for f in dataclass_fields(cand) if f.name != "crop"}
        finds.append(SealFind(**fields, crop_file=crop_file))
    return finds, found.colour


def read_seal_crops(crops: list) -> list:
    """Read seal crops in the review (stitched 骑缝章 discs, whose slices may lie in different
    files; crops of seal finds from before `SealFind.frames`): `read.read_seal_packed` in a page
    worker when a page pool is up in this process — its recogniser is loaded there, and this
    process stays without one (~128 MB) — else here (one worker: the pages were
    read in this process too)."""
    from pipeline.extract.seals.read import read_seal_packed

    if not crops:
        return []
    pool = next(iter(_POOLS.values()), None)
    if pool is not None:
        try:
            return list(pool.map(read_seal_packed, crops))
        except Exception as exc:  # a broken pool must not lose the seals: read them here
            log.warning("seal reading in the page pool failed (%s); reading here", exc)
    return [read_seal_packed(c) for c in crops]


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


@lru_cache(maxsize=1)
def _malloc_trim():
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def release_memory() -> None:
    """Hand freed heap back to the OS after a page. glibc keeps what a page's images and ONNX
    tensors freed; without this a cascade worker sat at ~570 MB after a few pages, with it ~190 MB
    (measured on 45 pages), which keeps two workers + the flow under the 1.5 GB goal."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


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
                    seals, colour = page_seals(raster, Path(task.crops_dir) if task.crops_dir else None, task.tag)
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


def _worker_init() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    _stderr_to_run_log()
    _exit_with_parent()


def _stderr_to_run_log() -> None:
    """A page worker's stderr — decoder complaints about damaged files (libjpeg, libtiff), library
    warnings — goes to the run log when the CLI names one (flows/runlog.py), not to the user's console."""
    path = os.environ.get("JIEBANG_RUN_LOG")
    if not path:
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError:
        return
    os.dup2(fd, 2)
    os.close(fd)
    logging.captureWarnings(True)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(processName)s %(name)s: %(message)s")


def _exit_with_parent(interval: float = 2.0) -> None:
    """A page worker whose parent was killed (kill -9) must not live on as an orphan holding ~1 GB."""
    import threading

    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


_POOLS: dict[int, ProcessPoolExecutor] = {}
_POOLS_LOCK = threading.Lock()


def page_pool(workers: int) -> ProcessPoolExecutor:
    """One long-lived pool per size: engines and models load once per worker process.

    'spawn', not fork: the caller may be a threaded Prefect worker, and forking threads deadlocks.
    """
    with _POOLS_LOCK:  # the pool may be warmed from another thread while the flow starts
        pool = _POOLS.get(workers)
        if pool is None:
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"), initializer=_worker_init)
            _POOLS[workers] = pool
        return pool


def _warm_worker(engine: str) -> dict:
    with stagetime.ledger() as led:
        _engine(engine)
        from pipeline.ocr.rapid import ocr_instance

        ocr_instance()  # the seal arc reader needs RapidOCR's recogniser whatever the page engine
    return led.totals()


def warm_pool(workers: int, engine: str) -> None:
    """Start the page pool and load every worker's engines now: `jiebang run` does this while Prefect
    starts its embedded server (~6 s), instead of on the first page (~3 s)."""
    if workers <= 1:
        return
    pool = page_pool(workers)
    for fut in [pool.submit(_warm_worker, engine) for _ in range(workers)]:
        stagetime.merge_global(fut.result())


def shutdown_pools() -> None:
    with _POOLS_LOCK:
        _PREFETCHED.clear()
    for pool in _POOLS.values():
        pool.shutdown(cancel_futures=True)
    _POOLS.clear()


_PREFETCHED: dict[tuple, tuple[ProcessPoolExecutor, Future]] = {}
"""Pages queued before their read was asked for, keyed by what decides the outcome; entries are taken
(popped) by the read that needs them, so a page is never handed out twice."""


def _task_key(t: PageTask) -> tuple:
    return (os.path.realpath(t.path), t.tag, t.number, t.ref, t.engine, t.seal_only, t.seals,
            os.path.realpath(t.crops_dir) if t.crops_dir else None)


def prefetch(bundle_root: Path, rel_paths: list[str], *, engine: str = DEFAULT_ENGINE, workers: int,
             crops_dir: Path | None = None, max_pages: int = MAX_PAGES, seals: bool = True,
             allotted: dict[str, int | None] | None = None) -> int:
    """Queue these files' pages in the page pool before anyone reads them; returns pages queued.
    `allotted`: pages a file may read when its submission's page budget cuts it (flows/read_budget.py).

    `jiebang run` calls this while Prefect's server boots (~4 s with a core to spare): the reads that
    follow take the queued pages instead of submitting them again. Unreadable files are skipped here;
    their read reports them.
    """
    if workers <= 1:
        return 0
    pool, queued = page_pool(workers), 0
    for rel in rel_paths:
        pages = (allotted or {}).get(rel)
        planned = _plan_tasks(Path(bundle_root), rel, engine, crops_dir, max_pages if pages is None else pages, seals)
        if isinstance(planned, DocumentRead):
            continue
        for t in planned.tasks:
            with _POOLS_LOCK:
                key = _task_key(t)
                if key not in _PREFETCHED:
                    _PREFETCHED[key] = (pool, pool.submit(process_page, t))
                    queued += 1
    return queued


def _take_prefetched(t: PageTask, workers: int) -> Future | None:
    with _POOLS_LOCK:
        entry = _PREFETCHED.pop(_task_key(t), None)
    if entry is None or entry[0] is not _POOLS.get(workers):  # queued in a pool since replaced
        return None
    return entry[1]


def _run_tasks(tasks: list[PageTask], workers: int, on_page: Callable[[int], None] | None,
               deadline: float | None = None, skipped: list[int] | None = None) -> Iterator[PageOutcome]:
    """Outcomes in page order. Past `deadline` (time.monotonic), pages not started are not read:
    their numbers go to `skipped` (the time budget, intake.yaml submission_seconds)."""
    skipped = skipped if skipped is not None else []
    if workers <= 1:  # with a pool, even a one-page file goes to it: OCR models stay out of this process
        for t in tasks:
            if deadline is not None and time.monotonic() > deadline:
                skipped.append(t.number)
                continue
            out = process_page(t)
            if on_page:
                on_page(out.number)
            yield out
        return
    pool = page_pool(workers)
    try:
        futures = [_take_prefetched(t, workers) or pool.submit(process_page, t) for t in tasks]
        for t, f in zip(tasks, futures):
            if deadline is not None and time.monotonic() > deadline and f.cancel():
                skipped.append(t.number)
                continue
            out = f.result()
            if on_page:
                on_page(out.number)
            yield out
    except Exception as exc:  # a worker died (OOM, segfault): the pool is unusable, say which file
        _POOLS.pop(workers, None)
        pool.shutdown(cancel_futures=True)
        raise RuntimeError(f"OCR worker process failed: {exc}") from exc


# --------------------------------------------------------------------------- the stage


@dataclass
class _Planned:
    sha: str
    kind: FileKind
    notes: list[InputError]
    total: int
    tasks: list[PageTask]
    ready: dict[int, Page]
    """Pages already read (text layers) that need no worker."""


def _plan_tasks(bundle_root: Path, rel_path: str, engine: str, crops_dir: Path | None, max_pages: int,
                seals: bool, page_budget: int | None = None) -> "_Planned | DocumentRead":
    """The page tasks of one file, or the DocumentRead that says why it cannot be read."""
    started = time.perf_counter()
    path = bundle_root / rel_path
    kind: FileKind = "unknown"
    sha = ""
    try:
        sha = file_sha256(path)
        kind = sniff(path)
        plans, notes, total = plan_document(path, rel_path, kind, max_pages, page_budget)
    except InputError as exc:
        return DocumentRead(
            document=Document(file=rel_path, sha256=sha, kind=kind, errors=(exc.to_error(),)),
            seconds=time.perf_counter() - started,
        )
    except OSError as exc:
        err = InputError("truncated", f"{type(exc).__name__}: {exc.strerror or exc}", file=rel_path)
        return DocumentRead(document=Document(file=rel_path, sha256=sha, kind=kind, errors=(err.to_error(),)))
    except Exception as exc:  # a parser tripping on damaged bytes: that file's error, never the run's
        log.warning("cannot plan %s", rel_path, exc_info=True)
        err = InputError("truncated", f"{type(exc).__name__}: {str(exc)[:100]}", file=rel_path)
        return DocumentRead(document=Document(file=rel_path, sha256=sha, kind=kind, errors=(err.to_error(),)))
    if crops_dir is not None:
        crops_dir.mkdir(parents=True, exist_ok=True)
    tasks, ready = [], {}
    for p in plans:
        if p.page is not None and (not p.seal_only or not seals):
            ready[p.number] = p.page
            continue
        tasks.append(
            PageTask(str(path), rel_path, p.number, p.raster_ref, engine, str(crops_dir) if crops_dir else None,
                     text_page=p.page, seal_only=p.seal_only, tag=sha[:10], seals=seals)
        )
    return _Planned(sha, kind, notes, total, tasks, ready)


def read_document(
    bundle_root: Path,
    rel_path: str,
    *,
    engine: str = DEFAULT_ENGINE,
    workers: int = 1,
    crops_dir: Path | None = None,
    max_pages: int = MAX_PAGES,
    on_page: Callable[[int], None] | None = None,
    seals: bool = True,
    budget_seconds: float | None = None,
    deadline: float | None = None,
    page_budget: int | None = None,
) -> DocumentRead:
    """Read one file of a bundle. Never raises for bad input: errors land in `document.errors`.
    `budget_seconds` (default: intake.yaml submission_seconds; 0 = none) bounds the page reading;
    `deadline` (time.time()) is where that budget ends when it started earlier — the submission's
    clock, shared by its files (pipeline/budget.py). `max_pages`: pages this file may read, what
    the submission's `page_budget` (default: `max_pages`) left it."""
    if budget_seconds is None:
        budget_seconds = _limits().submission_seconds
    if deadline is None and budget_seconds:
        deadline = time.time() + budget_seconds
    started = time.perf_counter()
    planned = _plan_tasks(Path(bundle_root), rel_path, engine, crops_dir, max_pages, seals, page_budget)
    if isinstance(planned, DocumentRead):
        return planned
    sha, kind, notes, total, tasks, ready = (planned.sha, planned.kind, planned.notes, planned.total,
                                             planned.tasks, planned.ready)
    for number in ready:
        if on_page:
            on_page(number)
    errors = [n.to_error() for n in notes]
    finds: list[SealFind] = []
    ocr_pages = 0
    skipped: list[int] = []
    until = time.monotonic() + (deadline - time.time()) if deadline is not None else None
    colours: dict[int, str] = {}
    stages: dict = {}
    for out in _run_tasks(tasks, workers, on_page, until, skipped):
        if out.error is not None:
            errors.append(out.error)
        if out.page is not None:
            ready[out.number] = out.page
        finds.extend(out.seals)
        ocr_pages += int(out.ocr)
        stagetime.merge(stages, out.stages)
        if out.colour:
            colours[out.number] = out.colour
    if skipped:
        errors.append(InputError("time_budget", time_cut(budget_seconds, page_ranges(skipped)), file=rel_path).to_error())
    finds, colourless = colour_blind(finds, colours)
    pages = tuple(ready[n] for n in sorted(ready))
    if not pages and not errors:
        errors.append(InputError("no_pages", file=rel_path).to_error())
    finds.sort(key=lambda f: (f.page, f.bbox[1], f.bbox[0]))
    doc = Document(file=rel_path, sha256=sha, kind=kind, pages=pages, page_count=total, errors=tuple(errors))
    return DocumentRead(document=doc, seal_finds=tuple(finds), seconds=round(time.perf_counter() - started, 3),
                        ocr_pages=ocr_pages, colourless_pages=colourless, stages=stages)


def colour_blind(finds: list[SealFind], colours: dict[int, str]) -> tuple[list[SealFind], tuple[int, ...]]:
    """The pages of a file that could not show red, and the finds to keep. A page stored without
    colour ('grey') is blind; a 'flat' page (colour storage, no chroma) only when the whole file is
    flat — in a file that shows colour elsewhere it is a page with nothing red on it, and shape
    candidates found there are dropped (red ink would have shown)."""
    any_colour = any(c == "colour" for c in colours.values())
    blind = tuple(sorted(n for n, c in colours.items() if c == "grey" or (c == "flat" and not any_colour)))
    keep = [f for f in finds if f.colour or f.page in blind]
    return keep, blind
