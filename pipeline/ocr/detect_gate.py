"""At most one whole-page (or block) RapidOCR read at a time across the page workers (issue 18: peak memory).

A whole-page read (the cascade's `full_page_confidence` pages, rapid_page.py) takes a page worker
from ~230 to ~450 MB (measured on f2-1521); two workers in it together were seen holding 736–766 MB
at a 70-page run's peak of 1.26 GB. The page pool (pipeline/reading/pool.py) makes one cross-process
semaphore and hands it to every worker at start-up (`install`); `one_at_a_time` holds it over the
read. Without a pool (one worker, tests) there is no gate. A gate held by a worker that died must not
stall the run: after `timeout_s` the read goes ahead ungated. The cascade's blocks (a few lines under
a seal, detected as a region: ~100 MB) go through the gate too; with the 目录 leader rows no longer
read 4 416 px wide (rapid.yaml `rec_max_crop_px`) they were the next peaks (f2-1521: 1.17–1.26 GB summed
RSS before, 1.18 twice after). Gap regions are not gated: they rise a worker by ~2 MB (median, 43 on
f2-1521), and each gated read costs a heap trim (~0.3 s CPU there).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from pipeline.heap import release_memory
from pipeline.ocr import stagetime

_GATE: list = []


def install(gate) -> None:
    """Called in a page worker at start-up with the pool's semaphore (None: no gate)."""
    _GATE[:] = [gate] if gate is not None else []


@contextmanager
def one_at_a_time(timeout_s: float = 300.0) -> Iterator[None]:
    """Hold the pool's gate over the block; freed heap goes back to the OS before the gate opens
    (glibc keeps it otherwise: the next worker's read would come on top of it)."""
    if not _GATE:
        yield
        return
    gate = _GATE[0]
    got = gate.acquire(False)
    if not got:
        stagetime.count("detect_gate_waits")
        got = gate.acquire(True, timeout_s)
    try:
        yield
    finally:
        release_memory()
        if got:
            gate.release()
