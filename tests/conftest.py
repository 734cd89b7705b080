"""Test-wide environment: one throwaway Prefect home (removed when the test process exits), no
telemetry, single-threaded Tesseract."""
import atexit
import os
import shutil
import tempfile

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
PREFECT_HOME = tempfile.mkdtemp(prefix="jiebang-prefect-")
os.environ["PREFECT_HOME"] = PREFECT_HOME
# registered first, so it runs last: after the embedded servers' own atexit stops (flows/server.py)
atexit.register(shutil.rmtree, PREFECT_HOME, ignore_errors=True)
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
