"""Prefect orchestration of the pipeline stages (no business logic here).

Importing this package sets quiet, offline-safe Prefect defaults before Prefect itself is imported:
a per-user home (~/.jiebang/prefect) so staff runs never share the default ~/.prefect database,
no telemetry (offline machines log errors otherwise), warnings-only logs, two malloc arenas. A user's own
settings win.
"""
import os
from pathlib import Path

os.environ.setdefault("PREFECT_HOME", str(Path.home() / ".jiebang" / "prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
# Two malloc arenas per process, not 8 per core: the flow, its Prefect server and the page workers are
# threaded, and glibc gives each thread that allocates its own arena, whose freed pages stay in RSS
# (issue 18, peak RSS with 2 workers). Children read the variable at start; this process is already
# running, so it is told through mallopt (glibc's M_ARENA_MAX).
os.environ.setdefault("MALLOC_ARENA_MAX", "2")
try:
    import ctypes

    ctypes.CDLL("libc.so.6").mallopt(-8, int(os.environ["MALLOC_ARENA_MAX"]))
except (OSError, AttributeError, ValueError):  # not glibc, or a value that is not a number
    pass
try:  # Prefect does not create a missing parent folder: its SQLite open would fail after a long wait
    Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)
except OSError:
    pass
