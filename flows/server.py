"""The embedded Prefect API server, started as the first thing a run does.

Prefect's own embedded mode starts the same server (`uvicorn prefect.server.api.server:create_app`
in a subprocess) only when the flow asks for its first client, and imports the whole server package
into this process just to spawn it. Measured on the 2-core box: 1.7 s of this process's CPU for that
import, then ~4 s of the subprocess booting, while the OCR workers wait: ~6.5 s of every run.

Here the server runs on a thread of this process (flows/server_thread.py, the default): it shares the
flow's imports of Prefect, under settings of its own (this process's environment is left as it is);
the page pool starts first, so OCR runs while the server is built. JIEBANG_EMBEDDED_SERVER=process
runs it as a subprocess instead (`EmbeddedServer`, spawned before Prefect is imported): a server that
can be watched and stopped on its own, at ~0.65 s more CPU a run. Either way PREFECT_API_URL then
points every Prefect client of the process at it (exactly one server per process, as with Prefect's
own embedded mode). A user's PREFECT_API_URL, or a standing `jiebang server` announced in
PREFECT_HOME (flows/standing.py), wins: nothing is started then.
"""
from __future__ import annotations

import atexit
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from importlib.util import find_spec
from pathlib import Path

from flows import server_blocks, standing
from flows.server_thread import last_words

_LOCK = threading.Lock()

SERVER_DEFAULTS = {
    # Automations (reactive triggers + actions): none is defined, and the embedded server dies with
    # the run, so nothing could fire later either; each event of the run was still evaluated.
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
    # Live event stream to websocket subscribers (the UI's live view): the embedded server has no UI.
    "PREFECT_API_EVENTS_STREAM_OUT_ENABLED": "false",
    # No SDK telemetry set-up in the server process (offline machines; PREFECT_SERVER_ANALYTICS_ENABLED is off too).
    "DO_NOT_TRACK": "1",
    # Niceness of the server once it has started (flows/_server_child.py): OCR would win the cores when
    # both want them. Off: on seed 1460 (72 pages, tesseract) 10 gave the same run CPU and the server
    # ~0.35 s more serving CPU in 2 of 2 pairs, its wall gain (~1 s) within the shared box's noise.
    "JIEBANG_SERVER_NICE": "0",
}
"""Settings of the embedded server only (issue 18: its CPU was ~40 % of the raw-Tesseract floor).
Kept: the task-run recorder and the event persister, which write the flow run's task runs and their
states into PREFECT_HOME's database, where operators see and retry them."""
_server: "EmbeddedServer | None" = None


def server_environ() -> dict[str, str]:
    """What the embedded server's process environment adds: no UI, ephemeral services, SERVER_DEFAULTS
    (a user's own setting wins), no migration check while the database is current, no block
    registration while nothing it depends on changed."""
    env = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1"}
    env.update({k: v for k, v in SERVER_DEFAULTS.items() if k not in os.environ})
    if _database_current() and "PREFECT_API_DATABASE_MIGRATE_ON_START" not in os.environ:
        env["PREFECT_API_DATABASE_MIGRATE_ON_START"] = "false"
    found = _database()
    if found is not None:
        env.update(server_blocks.skip_env(found[0]))
    return env


class EmbeddedServer:
    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        self.ready = False
        self.boot_cpu: float | None = None
        self.process = self._spawn()

    def _spawn(self) -> subprocess.Popen:
        spec = find_spec("prefect")
        app_dir = str(Path(spec.origin).parent.parent) if spec and spec.origin else ""
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env.update(server_environ())  # `final`: see _server_child.create
        # The server's own messages (e.g. tracebacks of services cancelled at shutdown) go to a log
        # beside its database, not onto the reviewer's terminal.
        self.log = _log_path()
        with open(self.log, "ab") as log:  # the child keeps its own handle
            return subprocess.Popen(
                [sys.executable, str(Path(__file__).with_name("_server_child.py")), str(os.getpid()),
                 "--app-dir", app_dir, "--factory", "__main__:create",
                 "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "error", "--lifespan", "on"],
                env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            )

    def wait_ready(self, timeout: float) -> None:
        """Poll /health until it answers. uvicorn exits 3 when its start-up fails: a port taken since it
        was picked gets a new port, twice at most (a failing database exits 3 as well)."""
        import urllib.error  # here, not at import: urllib.request delays the spawn (~0.1 s, 0.6 s loaded)
        import urllib.request

        deadline, respawns = time.monotonic() + timeout, 0
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code == 3 and respawns < 2:
                respawns += 1
                self.port = _free_port()
                self.url = f"http://127.0.0.1:{self.port}/api"
                self.process = self._spawn()
                continue
            if code is not None:
                raise RuntimeError(f"the embedded Prefect server exited with code {code}{self._last_words()}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as r:
                    if r.status == 200:
                        self.ready = True
                        self.boot_cpu = self.cpu()
                        note_started()
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the embedded Prefect server did not answer within {timeout:.0f} s{self._last_words()}")

    def cpu(self) -> float | None:
        """The server process's CPU seconds so far (user+sys), None once it is gone."""
        try:
            import psutil

            t = psutil.Process(self.process.pid).cpu_times()
            return round(t.user + t.system, 3)
        except Exception:
            return None

    def _last_words(self) -> str:
        return last_words(self.log)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


MIGRATED_NOTE = "embedded-server-db.json"


def _database() -> tuple[Path, str] | None:
    """(PREFECT_HOME's SQLite file, the installed Prefect's SQLite migrations: how many and the newest), or
    None when the database is elsewhere (a connection URL set: leave its migrations to Prefect)."""
    if os.environ.get("PREFECT_API_DATABASE_CONNECTION_URL") or os.environ.get("PREFECT_SERVER_DATABASE_CONNECTION_URL"):
        return None
    spec = find_spec("prefect")
    if not spec or not spec.origin:
        return None
    try:
        names = sorted(n for n in os.listdir(Path(spec.origin).parent / "server" / "database" / "_migrations" / "versions"
                                             / "sqlite") if n.endswith(".py"))
    except OSError:
        return None
    return standing.prefect_home() / "prefect.db", f"{len(names)}:{names[-1] if names else ''}"  # dated names: the newest last


def _revision(db: Path) -> str | None:
    if not db.is_file():
        return None
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            row = con.execute("select version_num from alembic_version").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _database_current() -> bool:
    """True when PREFECT_HOME's database is at the revision the embedded server left it at after
    migrating, with the same Prefect migrations installed: then the server skips its migration check
    at start (0.3–0.6 s of its CPU on the 2-core box, issue 18). A new database, another Prefect or a
    database changed by other means migrates as before."""
    found = _database()
    if found is None:
        return False
    db, migrations = found
    try:
        note = json.loads((db.parent / MIGRATED_NOTE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    rev = _revision(db)
    return rev is not None and note == {"migrations": migrations, "revision": rev}


def note_started() -> None:
    """After a server has started: what its next start may skip (the migration check, block registration)."""
    _note_database()
    found = _database()
    if found is not None:
        server_blocks.note(found[0])


def _note_database() -> None:
    """After a server start that migrated: remember the revision it left (see _database_current)."""
    found = _database()
    if found is None:
        return
    db, migrations = found
    rev = _revision(db)
    if rev is not None:
        try:
            (db.parent / MIGRATED_NOTE).write_text(json.dumps({"migrations": migrations, "revision": rev}), encoding="utf-8")
        except OSError:
            pass


LOG_KEEP_BYTES = 2_000_000


def _log_path() -> Path:
    """PREFECT_HOME/embedded-server.log; past LOG_KEEP_BYTES it becomes .log.1 (one old log kept)."""
    home = standing.prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    log = home / "embedded-server.log"
    try:
        if log.stat().st_size > LOG_KEEP_BYTES:
            log.replace(log.with_suffix(".log.1"))
    except OSError:
        pass
    return log


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wanted() -> bool:
    if os.environ.get("PREFECT_API_URL"):
        return False
    if "prefect.context" in sys.modules:  # already imported: ask its settings (profiles, test harness)
        from prefect.settings import get_current_settings

        s = get_current_settings()
        return not s.api.url and s.server.ephemeral.enabled
    return os.environ.get("PREFECT_SERVER_EPHEMERAL_ENABLED", "true").lower() not in ("0", "false", "no")


def start_early() -> None:
    """Spawn the server now (cheap: no Prefect import) unless one is configured, a standing `jiebang
    server` is announced in PREFECT_HOME (then PREFECT_API_URL points at it), or ours is already up."""
    global _server
    with _LOCK:
        if _server is None and _wanted():
            url = standing.announced_url()
            if url:
                _point_at(url)
                return
            if in_process():
                from flows.server_thread import ThreadServer

                _server = ThreadServer(_free_port(), server_environ(), _log_path(), new_port=_free_port,
                                       on_ready=note_started)
            else:
                _server = EmbeddedServer()
            atexit.register(_server.stop)


def in_process() -> bool:
    """The embedded server runs on a thread of this process (default) rather than as a subprocess."""
    return os.environ.get("JIEBANG_EMBEDDED_SERVER", "thread").strip().lower() != "process"


def _point_at(url: str) -> None:
    """PREFECT_API_URL = url, for every Prefect client of this process."""
    if os.environ.get("PREFECT_API_URL") != url:
        os.environ["PREFECT_API_URL"] = url
        if "prefect.context" in sys.modules:  # settings were read at import: make them see the URL
            from prefect.context import refresh_global_settings_context

            refresh_global_settings_context()


def ensure_api() -> str | None:
    """Wait for the early server and point Prefect at it; the API URL, or None when the user's own
    (or Prefect's default) applies."""
    start_early()
    with _LOCK:
        server = _server
    if server is None:
        return os.environ.get("PREFECT_API_URL")
    if not server.ready:
        server.wait_ready(float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300")))
    _point_at(server.url)
    return server.url


def server_cpu() -> dict:
    """This process's embedded server's CPU seconds: {'boot': until it answered, 'total': so far,
    'in_process': on a thread of this process (then part of this process's CPU)}; {} when it runs
    elsewhere. The run record holds them so a benchmark can tell the server's cost (issue 18). On a
    thread: see ThreadServer.cpu."""
    with _LOCK:
        server = _server
    if server is None or server.boot_cpu is None:
        return {}
    total = server.cpu()
    if total is None:
        return {}
    return {"boot": server.boot_cpu, "total": total, "in_process": not isinstance(server, EmbeddedServer)}


def run_settings():
    """Settings for a flow run on the embedded server: no flow-run heartbeats. They let a standing
    server mark a run whose process died as crashed; the embedded server dies with the process, so
    they tell nothing, and the run's end waits up to a second for the heartbeat thread (measured
    0.70–0.77 s of every run). On a configured server nothing changes."""
    from contextlib import nullcontext

    with _LOCK:
        embedded = _server is not None and os.environ.get("PREFECT_API_URL") == _server.url
    if not embedded:
        return nullcontext()
    import prefect.settings as ps
    from prefect.settings import temporary_settings

    return temporary_settings(updates={ps.PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})
