"""RapidOCR's big reads one at a time across the page workers (issue 18: peak memory).

A page worker rests at ~170–250 MB; its RapidOCR reads are its memory peaks: a whole page (the
cascade's `full_page_confidence` pages, rapid_page.py: +185–233 MB measured on f2-1521), a block or gap
region (detection: up to +110 MB), and a line crop the recogniser sees very wide (a 10 px dot-leader
row of a 目录 is 4 400 px wide at its 48 px line height: +200 MB; the head's output grows ~45 KB per px).
Two workers in such reads together took a 70-page run past 1.2 GB. The page pool
(pipeline/reading/pool.py) makes one cross-process semaphore and hands it to every worker at start-up
(`install`); `one_at_a_time` holds it over each such read (re-entrant: a whole page's recognition
inside its own hold). Without a pool (one worker, tests) there is no gate. A gate held by a worker that
died must not stall the run: after `timeout_s` the read goes ahead ungated.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from pipeline.heap import release_memory
from pipeline.ocr import stagetime

_GATE: list = []
_DEPTH = [0]


def install(gate) -> None:
    """Called in a page worker at start-up with the pool's semaphore (None: no gate)."""
    _GATE[:] = [gate] if gate is not None else []


@contextmanager
def one_at_a_time(timeout_s: float = 300.0) -> Iterator[None]:
    """Hold the pool's gate over the block; freed heap goes back to the OS before the gate opens
    (glibc keeps it otherwise: the next worker's read would come on top of it)."""
    if not _GATE or _DEPTH[0]:
        _DEPTH[0] += 1
        try:
            yield
        finally:
            _DEPTH[0] -= 1
        return
    gate = _GATE[0]
    got = gate.acquire(False)
    if not got:
        stagetime.count("rapid_gate_waits")
        got = gate.acquire(True, timeout_s)
    _DEPTH[0] += 1
    try:
        yield
    finally:
        _DEPTH[0] -= 1
        release_memory()
        if got:
            gate.release()
