"""The read cache key and the prefetch of the first reads, without importing Prefect.

`jiebang run` queues the first files' pages in the page pool while Prefect is imported and its
server boots (flows/cli.py). Importing Prefect costs ~2 s of CPU; when this code lived in
flows/bundle.py the prefetch waited for that import before queuing a page (issue 18: fixed costs
off the critical path). flows/bundle.py uses the same key for its cached reads.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from flows.read_budget import ReadBudgets
from flows.uptodate import STATE_DIR, source_hash
from pipeline.intake import default_limits, open_bundle

READING_CODE = ("reading", "ocr", "readers", "extract/seals", "grid.py", "model.py")
"""Paths under pipeline/ whose source is part of the read cache key."""


@lru_cache(maxsize=1)
def reading_code_version() -> str:
    """Hash of the reading/OCR/seal source: a code change invalidates cached reads by itself."""
    h = hashlib.sha256()
    source_hash(h, READING_CODE)
    return h.hexdigest()[:16]


def read_cache_key(_ctx, params: dict[str, Any]) -> str:
    """Content, engine, reading code and the pages allotted when the submission's budget cuts this file."""
    from pipeline.reading import OCR_SETTINGS_VERSION

    allotted = f"-p{params['max_pages']}" if params.get("max_pages") is not None else ""
    return f"read-{params['sha256']}-{params['engine']}-{OCR_SETTINGS_VERSION}-{reading_code_version()}{allotted}"


def state_dirs(out: Path | str) -> tuple[Path, Path, Path]:
    """OUT's run state: (state, read/review cache, seal crops)."""
    state = Path(out).resolve() / STATE_DIR
    return state, state / "cache", state / "crops"


def prefetch_first_reads(bundle: Path, out: Path, engine: str, workers: int, count: int, min_pages: int = 0) -> int | None:
    """Queue the pages of the first `count` files this run will OCR — more while fewer than
    `min_pages` pages are queued (a bundle of one-page files would leave the workers idle before the
    flow starts) — in a folder bundle's flow order, skipping reads already in OUT's cache, in the page
    pool; returns pages queued (0: every read is cached), None when that cannot be known here (a zip
    is extracted by the flow). Called while the Prefect server boots; the flow's reads then take the
    queued pages (pipeline.reading.prefetch)."""
    from pipeline.reading import file_sha256, prefetch

    bundle = Path(bundle)
    if workers <= 1:
        return 0  # one worker reads in-process: no pool
    if not bundle.is_dir():
        return None
    state_dir, cache_dir, crops_dir = state_dirs(out)
    b = open_bundle(bundle, state_dir / "work")  # as the flow opens it; a folder: scanned, nothing written
    budgets = ReadBudgets(b, default_limits(), state_dir)
    files = queued = 0
    for rel in (rel for s in b.submissions for rel in s.files):
        if files >= count and queued >= min_pages:
            break
        allotted = budgets.pages.get(rel)
        key = read_cache_key(None, {"sha256": file_sha256(b.root / rel), "engine": engine, "max_pages": allotted})
        if allotted != 0 and (budgets.was_cut(key) or not (cache_dir / key).exists()):
            files += 1
            queued += prefetch(b.root, [rel], engine=engine, workers=workers, crops_dir=crops_dir,
                               allotted={rel: allotted})
    return queued
