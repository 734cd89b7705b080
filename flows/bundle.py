"""The `review_bundle` flow: intake → one read task per file → one review task per submission →
bundle summary. Orchestration only: every decision about documents lives in the stage functions.

Why it is shaped like this (domain-notes §7):
- Reads are cached by CONTENT (file SHA-256 + engine + OCR settings version + a hash of the reading
  code) with persisted results under OUT/.jiebang/cache, so a rerun of a crashed or partly failed
  run redoes only the files that did not finish. Prefect's default policy keys on the run id and
  hashes paths as strings, which would reuse nothing across runs.
- Tasks are per file and per submission, never per page: pages are parallel inside `read_document`
  (one shared process pool), and thousands of mapped tasks strain a Prefect server.
- Reviews are cached too (reads + errors + rules, credit lists, pipeline code, run date), so a
  rerun of a finished bundle only pays Prefect's start-up; a sheet deleted from OUT is rewritten.
- A failed submission is recorded (`error_submission`) and the others finish; transient OCR
  failures are retried a bounded number of times and are never cached, so a rerun retries them.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from prefect import flow
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from flows import progress
from flows.prefetch import read_cache_key, state_dirs
from flows.read_budget import ReadBudgets
from flows.run_record import publish_artifact, startup_seconds, write_record
from flows.tasks import READ_RETRY_DELAYS, bundle_summary, failed_read_error, internal_error, read_file, review_submission, stages
from flows.uptodate import RUN_RECORD, STATE_DIR, context_fingerprint, output_digests, run_signature
from pipeline.errors import RunError
from pipeline.intake import default_limits, open_bundle
from pipeline.model import DocumentError
from pipeline.ocr import stagetime

# --------------------------------------------------------------------------- the flow


def _run_name() -> str:
    from prefect.runtime import flow_run

    return f"review-{Path(flow_run.parameters.get('bundle', 'bundle')).name}"


@flow(name="review-bundle", flow_run_name=_run_name, task_runner=ThreadPoolTaskRunner(max_workers=2))
def review_bundle(
    bundle: str,
    out: str,
    credit_lists: list[str] | None = None,
    rules: str | None = None,
    workers: int = 1,
    ocr_engine: str = "cascade",
    run_date: str | None = None,
    page_workers: int | None = None,
    read_window: int | None = None,
) -> dict:
    """Review every submission of a bundle (folder or .zip) into OUT; returns the run record."""
    from prefect.runtime import flow_run

    t0 = time.perf_counter()
    ledger = stagetime.merge({"stages": {"startup": startup_seconds()}}, stagetime.take_global())  # + models warmed
    cpu0 = stagetime.thread_cpu()
    out_dir = Path(out).resolve()
    state_dir, cache_dir, crops_dir = state_dirs(out_dir)
    params = dict(bundle=str(bundle), out=str(out), credit_lists=list(credit_lists or []), rules=rules,
                  workers=workers, ocr_engine=ocr_engine, run_date=run_date, page_workers=page_workers,
                  read_window=read_window)
    record: dict[str, Any] = {"flow_run_id": str(flow_run.id), "status": "running", "parameters": params,
                              "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    write_record(out_dir, record)
    signature = run_signature(Path(bundle), list(credit_lists or []), rules, ocr_engine, run_date) \
        if Path(bundle).exists() else None  # inputs as they were when this run read them

    try:
        rules_obj, credit = stages.get("load_context")(Path(rules) if rules else None, [Path(c) for c in credit_lists or []])
        b = open_bundle(Path(bundle), state_dir / "work")
    except RunError as exc:  # cannot run at all: say so in the record too, nothing to rerun
        write_record(out_dir, {**record, "status": "refused", "error": str(exc)})
        raise
    credit_reports = credit.reports() if hasattr(credit, "reports") else []  # what each credit list gave (issue 14)
    record["credit_lists"] = credit_reports
    write_record(out_dir, record)
    context = {"rules": rules_obj, "credit": credit, "out": str(out_dir), "crops": str(crops_dir), "run_date": run_date,
               "fingerprint": context_fingerprint(rules, list(credit_lists or [])), "cache": str(cache_dir),
               "credit_reports": credit_reports}
    sha = stages.get("file_sha256")
    files = {rel: sha(b.root / rel) for s in b.submissions for rel in s.files}
    t_intake = time.perf_counter() - t0
    stagetime.merge(ledger, {"stages": {"intake": [t_intake, stagetime.thread_cpu() - cpu0, 1]}})
    progress.emit("start", submissions=len(b.submissions), files=len(files))

    # reads: one task per file, all submitted up front; the runner bounds concurrency
    reader = read_file.with_options(
        result_storage=cache_dir, retry_delay_seconds=READ_RETRY_DELAYS,
    )
    pw = page_workers or workers
    t1 = time.perf_counter()
    # Reads go in a sliding window (`read_window` files in flight; None = all at once, as on Dask):
    # submitted all up front, they fill the runner's queue and every review queued behind them runs
    # after the last read, while the page pool sits idle (measured: a 5 s tail on 147 pages).
    queue = list(files.items())
    futures: dict[Any, str] = {}
    budgets = ReadBudgets(b, default_limits(), state_dir)  # a submission's pages and time, shared by its files
    keys: dict[str, str] = {}

    def submit_read() -> None:
        rel, digest = queue.pop(0)
        opts = budgets.read_options(rel)
        keys[rel] = read_cache_key(None, {"sha256": digest, "engine": ocr_engine, **opts})
        task = reader.with_options(refresh_cache=True) if budgets.was_cut(keys[rel]) else reader
        futures[task.submit(str(b.root), rel, digest, ocr_engine, pw, str(crops_dir), **opts)] = rel

    for _ in range(len(queue) if not read_window else min(read_window, len(queue))):
        submit_read()
    reads: dict[str, Any] = {}
    tallies: dict[str, tuple[int, int, dict]] = {}  # rel → pages, pages OCR'd, stages: what the record counts
    read_errors: dict[str, DocumentError] = {}
    cached: set[str] = set()
    cut: list[str] = []
    review_futures = {}
    waiting = {s.name: set(s.files) for s in b.submissions}
    reviewed: set[str] = set()  # reviews finished (a done callback), whose reads may go
    settled: set[str] = set()

    def settle(s) -> None:
        """A submission's review is final: a cached one whose sheet was deleted is redone (it needs the
        reads), then its reads are let go. The flow so holds the reads of the submissions in progress,
        not of the whole bundle (247 pages: ~27 MB of words and boxes, issue 18)."""
        fut = review_futures.get(s.name)
        if fut is not None:
            fut.wait()
            if fut.state.is_completed() and fut.state.name == "Cached" and not _sheet_on_disk(out_dir, fut.result()):
                review_futures[s.name] = fut = _submit_review(s, reads, read_errors, b.errors, context, refresh=True)
                fut.wait()
        for f in s.files:
            reads.pop(f, None)
        settled.add(s.name)
    # submissions with no readable files go straight to review
    for s in b.submissions:
        if not s.files:
            review_futures[s.name] = None
    while futures:
        fut = next(iter(as_completed(list(futures))))
        rel = futures.pop(fut)
        if queue:
            submit_read()
        fut.wait()
        state = fut.state
        if state.is_completed():
            reads[rel] = fut.result().as_file(rel)  # a cached read may be of a copy elsewhere in the bundle
            tallies[rel] = (reads[rel].document.page_count, reads[rel].ocr_pages, reads[rel].stages)
            if state.name == "Cached":
                cached.add(rel)
            if budgets.note(keys[rel], reads[rel]):
                cut.append(rel)
        else:
            exc = state.result(raise_on_failure=False)
            read_errors[rel] = failed_read_error(rel, exc)
            partial = getattr(exc, "read", None)
            if partial is not None:
                reads[rel] = partial
                tallies[rel] = (partial.document.page_count, partial.ocr_pages, partial.stages)
        doc = reads[rel].document if rel in reads else None
        progress.emit("file_done", file=rel, pages=doc.page_count if doc else 0, cached=state.name == "Cached")
        for s in b.submissions:
            if rel in waiting[s.name]:
                waiting[s.name].discard(rel)
                if not waiting[s.name]:
                    review_futures[s.name] = fut = _submit_review(s, reads, read_errors, b.errors, context)
                    if fut is not None:
                        fut.add_done_callback(lambda _f, name=s.name: reviewed.add(name))
        for s in b.submissions:
            if s.name in reviewed and s.name not in settled:
                settle(s)
    t_read = time.perf_counter() - t1

    # reviews, in bundle order; an exception becomes that submission's error review
    reviews, outcomes, failed = [], {}, []
    for s in b.submissions:
        fut = review_futures.get(s.name)
        errors = list(b.errors.get(s.name, [])) + [read_errors[f] for f in s.files if f in read_errors]
        review, reason = None, None
        if fut is not None:
            if s.name not in settled:
                settle(s)
            fut = review_futures[s.name]
            if fut.state.is_completed():
                review = fut.result()
            else:
                exc = fut.state.result(raise_on_failure=False)
                reason = f"{type(exc).__name__}: {exc}"
                errors.append(internal_error(s.name, exc))
        if review is None:
            review = stages.get("error_submission")(s.name, list(s.files), errors, out_dir=out_dir, run_date=run_date)
        if reason or any(f in read_errors for f in s.files):
            failed.append(s.name)
        reviews.append(review)
        outcomes[s.name] = {"application_id": review.get("application_id"), "verdict": review.get("verdict"),
                            "failed": reason or ([read_errors[f].message for f in s.files if f in read_errors] or None)}
        progress.emit("submission_done", entry=s.name, verdict=review.get("verdict"))
    t_review = time.perf_counter() - t1 - t_read

    t3 = time.perf_counter()
    summary = bundle_summary.submit(_opaque(reviews), _opaque(context))
    summary.wait()
    summary_ok = summary.state.is_completed()
    t_summary = time.perf_counter() - t3

    total = time.perf_counter() - t0
    pages = sum(n for n, _, _ in tallies.values())
    fresh_pages = sum(n for rel, (_, n, _) in tallies.items() if rel not in cached)
    for rel, (_, _, stages_of_read) in tallies.items():
        if rel not in cached:
            stagetime.merge(ledger, stages_of_read)
    stagetime.merge(ledger, stagetime.take_global())
    record.update(
        status="failed" if failed or not summary_ok else "completed",
        finished_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        submissions=len(b.submissions),
        failed_submissions=failed,
        summary_error=None if summary_ok else str(summary.state.result(raise_on_failure=False)),
        files=len(files),
        cached_files=len(cached),
        pages=pages,
        ocr_pages_this_run=fresh_pages,
        pages_per_second=round(pages / t_read, 3) if t_read > 0 else None,
        timings_s={"intake": round(t_intake, 3), "read": round(t_read, 3), "review": round(t_review, 3),
                   "summary": round(t_summary, 3), "total": round(total, 3)},
        outcomes=outcomes,
        stage_seconds={k: {"wall": v[0], "cpu": v[1], "n": v[2]} for k, v in ledger["stages"].items()},
        stage_counts=ledger.get("counts", {}),
        flow_cpu_s=round(stagetime.process_cpu(), 3),
        process_cpu_s=_process_cpu(),
    )
    if cut:  # budgets cut these reads: their sheets say what was not read; a rerun reads them again
        record["budget_cut_files"] = sorted(cut)
    if b.renamed:  # provenance: names decoded (GBK, CP437) or shortened → the bytes as delivered
        record["renamed_entries"] = b.renamed
    if record["status"] == "completed" and signature:  # lets the next `jiebang run` see it is up to date
        record.update(signature=signature, outputs=output_digests(out_dir, skip=(STATE_DIR, RUN_RECORD)))
    write_record(out_dir, record)
    publish_artifact(record)
    progress.emit("end", record=record)
    if record["status"] == "failed":
        from prefect.states import Failed

        # Every submission has its sheet, but some work did not finish: Failed makes the run
        # visible and retryable in the UI; `jiebang rerun` redoes only that work (cache).
        return Failed(message=f"{len(failed)} 份申报材料未完成处理，可重跑", data=record)
    return record


def _process_cpu() -> dict:
    """CPU seconds so far of each process of the run — this one (with its waited-for children), the page
    workers, the embedded Prefect server (at its start and so far) — so that what no stage holds is
    attributed to a process (benchmarks/stage_report.py; issue 18)."""
    from flows.server import server_cpu
    from pipeline.reading.pool import pool_cpu

    server = server_cpu()
    own = server["total"] if server.get("in_process") else 0.0  # a server on a thread: not the flow's
    out: dict[str, float] = {"flow": round(stagetime.process_cpu() - own, 3)}
    workers = pool_cpu()
    if workers is not None:
        out["page_workers"] = workers
    if server:
        out["prefect_server_boot"], out["prefect_server"] = server["boot"], server["total"]
    return out


def _submit_review(s, reads, read_errors, intake_errors, context, refresh: bool = False):
    ok_reads = [reads[f] for f in s.files if f in reads]
    if not ok_reads:
        return None  # nothing could be read: error_submission in the flow
    errors = list(intake_errors.get(s.name, [])) + [read_errors[f] for f in s.files if f in read_errors]
    reviewer = review_submission.with_options(result_storage=Path(context["cache"]), refresh_cache=refresh)
    # quote: Prefect would otherwise walk every page, line and word of the reads, and every credit-list
    # row, looking for futures, for each review (the inputs are plain results). The run graph loses the
    # read → review edges it drew from matching result ids.
    return reviewer.submit(s.name, _opaque(ok_reads), _opaque(errors), _opaque(context))


def _opaque(value):
    """`quote(value)` for tasks run in this process's threads. Not on Dask: there the annotation does
    not survive serialisation (Prefect 3.9.1 hands the task a bare tuple)."""
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    return quote(value) if ctx is not None and isinstance(ctx.task_runner, ThreadPoolTaskRunner) else value


def _sheet_on_disk(out_dir: Path, review: dict) -> bool:
    """A cached review is only good while its sheet is still in OUT (someone may have deleted it)."""
    app = out_dir / str(review.get("application_id") or "-")
    return (app / "review.json").is_file()


# --------------------------------------------------------------------------- entry point


def run_bundle(
    bundle: Path,
    out: Path,
    *,
    credit_lists: list[Path] | tuple = (),
    rules: Path | None = None,
    workers: int = 1,
    ocr_engine: str = "cascade",
    run_date: str | None = None,
    dask_address: str | None = None,
):
    """Run the flow with the right task runner; returns the final Prefect state.

    `dask_address` 'local' starts a throwaway LocalCluster with `workers` processes; any other value
    is a scheduler address (tcp://host:8786). On Dask, files are spread over the cluster's workers
    and each reads its pages in-process (Dask workers are daemons and cannot start page pools).
    """
    from flows.server import ensure_api, run_settings

    ensure_api()
    if dask_address:
        from prefect_dask import DaskTaskRunner

        if dask_address == "local":
            runner = DaskTaskRunner(cluster_kwargs={"n_workers": max(1, workers), "threads_per_worker": 1,
                                                    "processes": True, "dashboard_address": None})
        else:
            runner = DaskTaskRunner(address=dask_address)
        page_workers, read_window = 1, None
    else:
        # read_window files in flight keep the page pool busy; one more thread runs reviews meanwhile
        # (two let two reviews' memory add up in this process: peak 1585 MB with the cascade)
        read_window = workers + 1
        runner = ThreadPoolTaskRunner(max_workers=read_window + 1)
        page_workers = workers
    f = review_bundle.with_options(task_runner=runner)
    with run_settings():
        return f(
            bundle=str(bundle), out=str(out), credit_lists=[str(c) for c in credit_lists],
            rules=str(rules) if rules else None, workers=workers, ocr_engine=ocr_engine, run_date=run_date,
            page_workers=page_workers, read_window=read_window, return_state=True,
        )
