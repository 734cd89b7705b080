"""Read one file of a submission into a `Document` (pages of lines) and the seals on its pages.

Pages stream: the parent only plans (type, page count, text layers) and hands page numbers to worker
processes, each of which opens the file, takes out one page's pixels, OCRs it and looks for seals,
and returns only the small results. So memory stays bounded by workers × one page, whatever the
file's length, and one bad page is one page error, not a lost file.

Modules: model.py (what a read gives), plan.py (pages of a file, pixels of a page), page.py (one
page's work in a worker), pool.py (the worker pool and its prefetched pages); this one reads a file.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.budget import page_ranges, time_cut
from pipeline.errors import InputError
from pipeline.model import Document, FileKind, Page
from pipeline.ocr import stagetime
from pipeline.readers.sniff import sniff
from pipeline.reading.model import DocumentRead, SealFind, file_sha256
from pipeline.reading.page import (  # noqa: F401
    MIN_READ_DPI,
    PageOutcome,
    PageTask,
    find_seals_on_page,
    page_seals,
    process_page,
    release_memory,
)
from pipeline.reading.plan import PagePlan, load_raster, plan_document  # noqa: F401
from pipeline.reading.pool import (  # noqa: F401
    _POOLS,
    _POOLS_LOCK,
    _PREFETCHED,
    _take_prefetched,
    _task_key,
    page_pool,
    read_seal_crops,
    shutdown_pools,
    warm_pool,
)

log = logging.getLogger(__name__)

OCR_SETTINGS_VERSION = "2026.12.05-merge17"
"""Bump when reading/OCR code or settings change in a way that changes output (part of cache keys)."""
def _limits():
    from pipeline.intake import default_limits

    return default_limits()


MAX_PAGES = _limits().max_pages
"""Booklets are tens of pages; a file far longer is read up to here and flagged (intake.yaml max_pages)."""
DEFAULT_ENGINE = "cascade"


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
