"""The Prefect tasks of the `review_bundle` flow and the stage functions they call.

Each task is a thin wrapper around one stage function of `pipeline/`, looked up at call time
through `stages` so a unit test can swap one. Reads and reviews are cached by content (see
flows/bundle.py); a read whose pages crashed or timed out raises `TransientReadError` so Prefect
retries it and never caches it.
"""
from __future__ import annotations

import hashlib
import importlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from prefect import task
from prefect.cache_policies import NO_CACHE

from flows import progress
from flows.prefetch import read_cache_key
from pipeline.errors import InputError
from pipeline.model import DocumentError
from pipeline.ocr import stagetime

TRANSIENT_CODES = frozenset({"ocr_failed", "ocr_timeout"})
KEEP_RESULTS_IN_MEMORY = False
"""Reads and reviews are persisted (the content cache) but not also kept in Prefect's in-memory result
store (an LRU of up to 1000 records): kept, every page's words and boxes of the whole bundle stayed in
the flow process to the end of the run (247 pages: ~27 MB, issue 18). The flow holds a read only while
its submission is in progress (flows/bundle.py); a cached result is read back from OUT/.jiebang/cache."""
READ_RETRIES = 2
READ_RETRY_DELAYS = [2.0, 10.0]
# --------------------------------------------------------------------------- stage lookup


@dataclass
class Stages:
    """The stage functions the flow calls, resolved at call time (a unit test may swap one)."""

    read_document: Callable | None = None
    file_sha256: Callable | None = None
    review_submission: Callable | None = None
    error_submission: Callable | None = None
    finish_bundle: Callable | None = None
    load_context: Callable | None = None

    def get(self, name: str) -> Callable:
        fn = getattr(self, name)
        if fn is None:
            module = "pipeline.reading" if name in ("read_document", "file_sha256") else "pipeline.process"
            fn = getattr(importlib.import_module(module), name)
        return fn


stages = Stages()


class TransientReadError(Exception):
    """A read whose pages hit OCR crashes/timeouts: retried, never cached; carries the partial read."""

    def __init__(self, rel_path: str, codes: list[str], read: Any = None):
        super().__init__(f"{rel_path}: {', '.join(codes)}")
        self.rel_path, self.codes, self.read = rel_path, codes, read

    def __reduce__(self):  # survive pickling to and from Dask workers
        return (TransientReadError, (self.rel_path, self.codes, self.read))


def internal_error(entry: str, exc: BaseException) -> DocumentError:
    """A review task that raised: the submission's sheet says so instead of the run failing."""
    detail = f"{type(exc).__name__}: {str(exc)[:160]}"
    return InputError("internal_error", detail, file=entry).to_error()


def failed_read_error(rel: str, exc: BaseException) -> DocumentError:
    """A read that still failed after its retries: the sheet names it and points at `jiebang rerun`."""
    code = exc.codes[0] if isinstance(exc, TransientReadError) else "internal_error"
    detail = "重试后仍失败，可用 jiebang rerun 重跑 / still failing after retries"
    return InputError(code, f"{detail} ({str(exc)[:120]})", file=rel).to_error()


# --------------------------------------------------------------------------- tasks


@task(
    name="read-file",
    task_run_name="read {rel_path}",
    cache_key_fn=read_cache_key,
    persist_result=True,
    cache_result_in_memory=KEEP_RESULTS_IN_MEMORY,
    retries=READ_RETRIES,
    retry_delay_seconds=READ_RETRY_DELAYS,
)
def read_file(bundle_root: str, rel_path: str, sha256: str, engine: str, workers: int, crops_dir: str,
              max_pages: int | None = None, deadline: float | None = None, page_budget: int | None = None):
    """Read one file (all its pages, in parallel inside read_document), within what the submission's
    budgets left it: `max_pages` pages (None: the read's own limit), until `deadline` (time.time())."""
    budget = {k: v for k, v in (("max_pages", max_pages), ("deadline", deadline), ("page_budget", page_budget))
              if v is not None}
    read = stages.get("read_document")(
        Path(bundle_root), rel_path, engine=engine, workers=workers, crops_dir=Path(crops_dir),
        on_page=progress.page_callback(rel_path), **budget,
    )
    codes = sorted({e.code for e in read.document.errors} & TRANSIENT_CODES)
    if codes:
        raise TransientReadError(rel_path, codes, read)
    return read


def review_cache_key(_ctx, params: dict[str, Any]) -> str:
    """Everything a sheet depends on: the reads (as data, so a partial read never stands in for a
    full one), the intake/read errors, rules + credit lists + pipeline code (the fingerprint), the
    run date and where it is written."""
    c = params["context"]
    h = hashlib.sha256()
    for part in (params["entry"], c["fingerprint"], c["out"], c["run_date"] or time.strftime("%Y-%m-%d")):
        h.update(str(part).encode() + b"\0")
    for r in params["reads"]:
        h.update(r.model_dump_json().encode())
    for e in params["errors"]:
        h.update(e.model_dump_json().encode())
    return f"review-{h.hexdigest()}"


@task(name="review-submission", task_run_name="review {entry}", cache_key_fn=review_cache_key, persist_result=True,
      cache_result_in_memory=KEEP_RESULTS_IN_MEMORY)
def review_submission(entry: str, reads: list, errors: list, context: dict) -> dict:
    """Extraction, checks and the review sheet of one submission. The heap its sheets and seal crops
    freed goes back to the OS after it (`release_memory`): the flow process otherwise kept ~3 MB a
    submission, a bundle's worth by the end (issue 18: memory bounded by page, not bundle, size)."""
    from pipeline.reading.page import release_memory

    try:
        return stages.get("review_submission")(
            entry, reads, rules=context["rules"], credit=context["credit"], out_dir=Path(context["out"]),
            crops_dir=Path(context["crops"]), run_date=context["run_date"], errors=tuple(errors),
        )
    finally:
        release_memory()


@task(name="bundle-summary", cache_policy=NO_CACHE, persist_result=False)
def bundle_summary(reviews: list[dict], context: dict) -> dict:
    extra = {"credit_lists": context["credit_reports"]} if context.get("credit_reports") else {}  # issue 14
    with stagetime.stage("summary"):
        return stages.get("finish_bundle")(Path(context["out"]), reviews, rules=context["rules"], run_date=context["run_date"],
                                           **extra)
