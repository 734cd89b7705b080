"""The page worker processes: one long-lived pool per size, warmed while Prefect starts, the pages
queued in it before their read asks for them (prefetch), and seal crops read there in the review."""
from __future__ import annotations

import logging
import multiprocessing as mp
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor

from pipeline.ocr import stagetime
from pipeline.reading.page import PageTask, _engine

log = logging.getLogger(__name__)


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


def _worker_init(gate=None) -> None:
    """`gate`: the pool's semaphore for whole-page RapidOCR reads (pipeline/ocr/detect_gate.py)."""
    from pipeline.ocr import detect_gate

    os.environ["OMP_THREAD_LIMIT"] = "1"
    detect_gate.install(gate)
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
            ctx = mp.get_context("spawn")
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init,
                                       initargs=(ctx.Semaphore(1),))
            _POOLS[workers] = pool
        return pool


def _warm_worker(engine: str) -> dict:
    with stagetime.ledger() as led:
        _engine(engine)
        from pipeline.ocr.rec_light import seal_recognizer

        seal_recognizer()  # seal arcs' and the cascade's line crops' (rec_light: RapidOCR itself loads on a first detection)
    return led.totals()


def warm_pool(workers: int, engine: str) -> None:
    """Start the page pool and load every worker's engines now: `jiebang run` does this while Prefect
    starts its embedded server (~6 s), instead of on the first page (~3 s)."""
    if workers <= 1:
        return
    pool = page_pool(workers)
    for fut in [pool.submit(_warm_worker, engine) for _ in range(workers)]:
        stagetime.merge_global(fut.result())


def pool_cpu() -> float | None:
    """CPU seconds of the live page workers so far, with their waited-for children (the tesseract CLI);
    None without a pool. For the run record: what the workers spent outside the timed stages (issue 18)."""
    try:
        import psutil
    except ImportError:
        return None
    with _POOLS_LOCK:
        procs = [p for pool in _POOLS.values() for p in (getattr(pool, "_processes", None) or {}).values()]
    if not procs:
        return None
    total = 0.0
    for p in procs:
        try:
            t = psutil.Process(p.pid).cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.Error:
            pass
    return round(total, 3)


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


def _take_prefetched(t: PageTask, workers: int) -> Future | None:
    with _POOLS_LOCK:
        entry = _PREFETCHED.pop(_task_key(t), None)
    if entry is None or entry[0] is not _POOLS.get(workers):  # queued in a pool since replaced
        return None
    return entry[1]
