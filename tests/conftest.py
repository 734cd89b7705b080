"""Test-wide environment: one throwaway Prefect home, no telemetry, single-threaded Tesseract."""
import os
import tempfile

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="jiebang-prefect-")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
