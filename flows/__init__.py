"""Prefect orchestration of the pipeline stages (no business logic here).

Importing this package sets quiet, offline-safe Prefect defaults before Prefect itself is imported:
a per-user home (~/.jiebang/prefect) so staff runs never share the default ~/.prefect database,
no telemetry (offline machines log errors otherwise), warnings-only logs. A user's own settings win.
"""
import os
from pathlib import Path

os.environ.setdefault("PREFECT_HOME", str(Path.home() / ".jiebang" / "prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
try:  # Prefect does not create a missing parent folder: its SQLite open would fail after a long wait
    Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)
except OSError:
    pass
