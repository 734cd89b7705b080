"""Whole-page RapidOCR reads, a page worker's memory peak, run one at a time across the page pool
(pipeline/ocr/detect_gate.py, issue 18: peak RSS ≤ 1.2 GB with 2 workers)."""
from __future__ import annotations

import os
import threading
import time

import numpy as np

from pipeline.ocr import detect_gate
from pipeline.ocr.cascade import CascadeEngine


def _hold(gated: bool) -> tuple[float, float, int]:
    ctx = detect_gate.one_at_a_time() if gated else _nothing()
    with ctx:
        t0 = time.monotonic()
        time.sleep(0.4)
        return t0, time.monotonic(), os.getpid()


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _overlaps(spans) -> bool:
    spans = sorted(spans)
    return any(b[0] < a[1] - 0.02 for a, b in zip(spans, spans[1:]))


def test_pool_workers_hold_the_gate_one_at_a_time():
    from pipeline.reading.pool import page_pool, shutdown_pools

    try:
        pool = page_pool(2)
        list(pool.map(time.sleep, [0.2, 0.2]))  # both workers up
        free = list(pool.map(_hold, [False] * 4))
        gated = list(pool.map(_hold, [True] * 4))
    finally:
        shutdown_pools()
    assert _overlaps(free)  # the two workers do run together
    assert len({pid for *_, pid in gated}) == 2 and not _overlaps(gated)


def test_no_gate_without_a_pool():
    detect_gate.install(None)
    with detect_gate.one_at_a_time():
        pass


def test_the_cascade_reads_a_whole_page_inside_the_gate():
    gate = threading.Semaphore(1)
    held = []

    def detect_page(grey):
        held.append(not gate.acquire(blocking=False))
        return [], False

    detect_gate.install(gate)
    try:
        CascadeEngine(detect_page=detect_page)._whole_page(np.full((64, 64, 3), 255, np.uint8), 64, 64)
    finally:
        detect_gate.install(None)
    assert held == [True] and gate.acquire(blocking=False)  # held over the read, open after it


def test_the_cascade_detects_a_block_inside_the_gate():
    """A block of overlapping lines under a seal is detected as a region (~100 MB in a worker): it takes
    the gate as whole pages do, so two workers' blocks and whole pages never add up."""
    from pipeline.model import Line

    gate = threading.Semaphore(1)
    held = []

    def detect(grey, region=False, dpi=None):
        held.append((region, not gate.acquire(blocking=False)))
        return [], False

    lines = [Line(text="重庆某某", bbox=(0.1, 0.30, 0.5, 0.34), confidence=0.4),
             Line(text="公司", bbox=(0.2, 0.32, 0.45, 0.35), confidence=0.4)]
    detect_gate.install(gate)
    try:
        eng = CascadeEngine(detect=detect)
        eng.page_dpi = 300
        eng._reread_block(np.full((400, 300), 255, np.uint8), lines, [0, 1], {}, {"margin": 0.25}, list(lines))
    finally:
        detect_gate.install(None)
    assert held == [(True, True)] and gate.acquire(blocking=False)  # held over the detection, open after it


def test_the_cascade_lets_tesseracts_model_go_for_a_whole_page():
    gate = threading.Semaphore(1)
    unloaded = []

    eng = CascadeEngine(detect_page=lambda grey: ([], False))
    eng.tesseract.unload = lambda: unloaded.append(not gate.acquire(blocking=False))
    detect_gate.install(gate)
    try:
        eng._whole_page(np.full((64, 64, 3), 255, np.uint8), 64, 64)
    finally:
        detect_gate.install(None)
    assert unloaded == [True]  # inside the gate, before the read
