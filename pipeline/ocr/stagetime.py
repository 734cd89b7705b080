"""Per-stage wall and CPU seconds, and counters, for the run record (issue 18: account for every second).

Cheap (two clock reads and one getrusage per stage entry/exit); no behaviour depends on it.
- CPU is this process's user+sys plus that of its waited-for children (the tesseract CLI runs as a
  child of the page worker), so a page worker — one page at a time — is measured exactly. In a
  threaded process (the flow's review threads) the process clock would count the other threads, so
  there `thread_cpu=True` ledgers use the thread's own clock plus children.
- Stages nest; a stage's time excludes its inner stages (OCR excludes orientation inside it), so the
  stages of one ledger add up to the time they cover.
- A `ledger()` collects one page's (or one review's) stages on this thread; stages timed outside any
  ledger go to the process-wide ledger, taken with `take_global()`.
"""
from __future__ import annotations

import resource
import threading
import time
from contextlib import contextmanager
from typing import Iterator


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _cpu(thread: bool) -> float:
    own = time.thread_time() if thread else time.process_time()
    return own + _children_cpu()


class Ledger:
    """stage → [wall s, cpu s, entries]; counters: name → int."""

    def __init__(self, thread_cpu: bool = False):
        self.thread_cpu = thread_cpu
        self.stages: dict[str, list[float]] = {}
        self.counts: dict[str, int] = {}
        self._stack: list[list[float]] = []  # per open stage: [inner wall, inner cpu]

    def totals(self) -> dict:
        return {"stages": {k: [round(v[0], 4), round(v[1], 4), int(v[2])] for k, v in self.stages.items()},
                "counts": dict(self.counts)}


_LOCAL = threading.local()
_GLOBAL = Ledger(thread_cpu=True)
_GLOBAL_LOCK = threading.Lock()


def _current() -> Ledger | None:
    return getattr(_LOCAL, "ledger", None)


@contextmanager
def ledger(thread_cpu: bool = False) -> Iterator[Ledger]:
    """Collect the stages timed on this thread inside the block into a fresh Ledger."""
    prev = _current()
    led = Ledger(thread_cpu)
    _LOCAL.ledger = led
    try:
        yield led
    finally:
        _LOCAL.ledger = prev


@contextmanager
def stage(name: str) -> Iterator[None]:
    led = _current()
    if led is None:
        # outside a ledger: a thread-local ledger of the global one's kind, merged on exit
        with ledger(thread_cpu=True) as tmp, stage(name):
            yield
        merge_global(tmp.totals())
        return
    w0, c0 = time.perf_counter(), _cpu(led.thread_cpu)
    led._stack.append([0.0, 0.0])
    try:
        yield
    finally:
        inner = led._stack.pop()
        dw, dc = time.perf_counter() - w0, _cpu(led.thread_cpu) - c0
        acc = led.stages.setdefault(name, [0.0, 0.0, 0])
        acc[0] += dw - inner[0]
        acc[1] += dc - inner[1]
        acc[2] += 1
        if led._stack:
            led._stack[-1][0] += dw
            led._stack[-1][1] += dc


def count(name: str, n: int = 1) -> None:
    led = _current()
    if led is None:
        with _GLOBAL_LOCK:
            _GLOBAL.counts[name] = _GLOBAL.counts.get(name, 0) + n
        return
    led.counts[name] = led.counts.get(name, 0) + n


def merge(into: dict, totals: dict | None) -> dict:
    """Add `totals` (Ledger.totals() form) into `into` (same form); returns `into`."""
    if not totals:
        return into
    st = into.setdefault("stages", {})
    for k, (w, c, n) in totals.get("stages", {}).items():
        a = st.setdefault(k, [0.0, 0.0, 0])
        a[0], a[1], a[2] = round(a[0] + w, 4), round(a[1] + c, 4), a[2] + n
    cn = into.setdefault("counts", {})
    for k, v in totals.get("counts", {}).items():
        cn[k] = cn.get(k, 0) + v
    return into


def merge_global(totals: dict) -> None:
    with _GLOBAL_LOCK:
        for k, (w, c, n) in totals["stages"].items():
            a = _GLOBAL.stages.setdefault(k, [0.0, 0.0, 0])
            a[0], a[1], a[2] = a[0] + w, a[1] + c, a[2] + n
        for k, v in totals["counts"].items():
            _GLOBAL.counts[k] = _GLOBAL.counts.get(k, 0) + v


def take_global() -> dict:
    """The process-wide ledger's totals, and reset it."""
    with _GLOBAL_LOCK:
        out = _GLOBAL.totals()
        _GLOBAL.stages.clear()
        _GLOBAL.counts.clear()
    return out


def thread_cpu() -> float:
    """This thread's CPU seconds so far, with the process's waited-for children's."""
    return _cpu(True)


def process_cpu() -> float:
    """This process's CPU seconds so far, with its waited-for children's."""
    return _cpu(False)
