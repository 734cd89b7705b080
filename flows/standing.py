"""A standing Prefect server for this machine's runs: `jiebang server`.

Without one, every `jiebang run` starts its own embedded server, and booting it (importing Prefect's
server, FastAPI and SQLAlchemy, building the app, checking the database) costs 7–9 s of CPU per run:
on the demo bundle ~40 % of the raw-Tesseract floor (issue 18). `jiebang server` is `prefect server
start` (UI included) in jiebang's PREFECT_HOME; while it runs it is announced in
PREFECT_HOME/standing-server.json, and every `jiebang run` with that PREFECT_HOME finds it there
(flows/server.py) and starts no server of its own. A stale announcement (server gone, not answering)
is ignored: the run starts its embedded server as on a fresh machine.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

ANNOUNCEMENT = "standing-server.json"


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def announced_url(home: Path | None = None) -> str | None:
    """The API URL of a live standing server announced in PREFECT_HOME, else None. Cheap (a file, a
    signal 0 and one /health request to 127.0.0.1): it runs before every embedded server start."""
    try:
        info = json.loads(((home or prefect_home()) / ANNOUNCEMENT).read_text(encoding="utf-8"))
        pid, url = int(info["pid"]), str(info["url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not _alive(pid):
        return None
    import urllib.error  # only with an announcement: urllib.request costs ~0.1 s before every spawn
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url}/health", timeout=1) as r:
            return url if r.status == 200 else None
    except (urllib.error.URLError, OSError, ValueError):
        return None


def serve(host: str, port: int) -> int:
    """Run `prefect server start` in the foreground, announced while it lives; its exit code."""
    import flows  # noqa: F401  (jiebang's PREFECT_HOME and quiet defaults)

    home = prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    prefect = Path(sys.executable).with_name("prefect")
    cmd = [str(prefect), "server", "start", "--host", host, "--port", str(port)] if prefect.exists() else \
        [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env)
    local = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    path = home / ANNOUNCEMENT
    path.write_text(json.dumps({"pid": proc.pid, "url": f"http://{local}:{port}/api"}), encoding="utf-8")

    def stop(_signum, _frame):  # `kill`, a service manager's stop: still withdraw the announcement
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait()
    finally:
        try:
            if json.loads(path.read_text(encoding="utf-8")).get("pid") == proc.pid:
                path.unlink()
        except (OSError, ValueError):
            pass
