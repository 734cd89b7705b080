"""Progress events from a running flow to whoever displays them (the CLI's rich bar).

A module-level listener rather than a flow parameter: parameters go to the Prefect API as JSON, and
a callback is not data. Events raised inside Dask worker processes simply have no listener there;
the flow re-emits per-file totals when each read finishes, so the display stays right either way.
"""
from __future__ import annotations

import threading
from collections.abc import Callable

Listener = Callable[[str, dict], None]

_listener: Listener | None = None
_lock = threading.Lock()


def set_listener(fn: Listener | None) -> None:
    global _listener
    _listener = fn


def emit(event: str, **data) -> None:
    fn = _listener
    if fn is None:
        return
    with _lock:
        try:
            fn(event, data)
        except Exception:  # a display bug must never break a run
            pass


def page_callback(rel_path: str) -> Callable[[int], None] | None:
    if _listener is None:
        return None
    return lambda number: emit("page", file=rel_path, number=number)
