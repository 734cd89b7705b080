"""The embedded Prefect API server on a thread of the run's own process (issue 18).

A server subprocess imports Prefect, pydantic, httpx and anyio again — what the flow process has
already imported — before its own FastAPI/SQLAlchemy part: ~1.6 s of CPU to boot alone against
~1.0 s here after the flow's imports (2-core box, Prefect 3.9.1; a forced rerun of the demo, 4 pairs:
4.06 → 3.41 s CPU). The rest (the database check, services, serving the run's events) costs the same
in either place.

The server is imported on the caller's thread, never beside the flow's own Prefect imports: two
threads importing one package at once can get each other's half-made modules. uvicorn then serves
on a daemon thread with its own event loop (it installs no signal handlers off the main thread), so
the server goes when the process goes, a `kill -9` included. Its messages go to PREFECT_HOME's
embedded-server.log as the subprocess's did, never to the run's log or the terminal. The interface
is `server.EmbeddedServer`'s. One database per process: Prefect keeps one database interface per
process, so a second thread server there would serve the first one's database (a run's process has
one PREFECT_HOME; tests of other homes start theirs in a fresh process or as a subprocess).
"""
from __future__ import annotations

import gc
import logging
import os
import threading
import time
from pathlib import Path

SERVER_THREAD = "prefect-server"
POOL_PREFIX = "prefect-server-pool"
SERVER_LOGGERS = ("prefect.server", "uvicorn", "fastapi", "docket", "sqlalchemy", "aiosqlite")
"""Loggers of the server's own parts."""
PORT_RETRIES = 2
"""A port taken between picking it and binding it: that many new ports, as for the subprocess."""


class ThreadServer:
    def __init__(self, port: int, env: dict[str, str], log: Path, new_port=None, on_ready=None) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}/api"
        self.log = log
        self.ready = False
        self.boot_cpu: float | None = None
        self._env = env
        self._new_port = new_port
        self._on_ready = on_ready
        self._uvicorn = None
        self._thread: threading.Thread | None = None
        self._failed: BaseException | None = None
        self._at_boot = 0.0
        self._settings = None

    def wait_ready(self, timeout: float) -> None:
        """Import and build the server here, serve it on its thread, return once it has started."""
        if self.ready:
            return
        start = time.process_time()  # every thread of the process: the server's database threads start too
        self._settings = server_settings(self._env)
        app = _create_app(self._settings)
        server_logs_to(self.log)
        deadline = time.monotonic() + timeout
        for attempt in range(PORT_RETRIES + 1):
            if self._start(app, deadline):
                break
            if attempt == PORT_RETRIES or self._new_port is None or isinstance(self._failed, Exception):
                why = (f"uvicorn exited with code {self._failed.code}" if isinstance(self._failed, SystemExit)
                       else str(self._failed or "stopped"))
                raise RuntimeError(f"the embedded Prefect server did not start: {why}{last_words(self.log)}")
            self.port = self._new_port()
            self.url = f"http://127.0.0.1:{self.port}/api"
        self.ready = True
        _stop_before_executors_close(self.stop)
        # booting: the import and build here and the start-up on the server's threads, while this
        # thread waited (the page workers are other processes; the flow's own threads are idle now)
        self.boot_cpu = round(time.process_time() - start, 3)
        self._at_boot = server_threads_cpu()
        if self._on_ready is not None:
            self._on_ready()

    def _start(self, app, deadline: float) -> bool:
        """Serve `app` on self.port; False when uvicorn gave up (a port taken: it exits)."""
        import uvicorn

        # log_config None: uvicorn would otherwise point its loggers at the terminal again
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error", lifespan="on", log_config=None)
        self._uvicorn, self._failed = uvicorn.Server(config), None
        self._thread = threading.Thread(target=self._serve, name=SERVER_THREAD, daemon=True)
        self._thread.start()
        while not self._uvicorn.started:
            if not self._thread.is_alive():
                return False
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the embedded Prefect server did not start in time{last_words(self.log)}")
            time.sleep(0.02)
        return True

    def _serve(self) -> None:
        import asyncio
        from concurrent.futures import ThreadPoolExecutor

        async def serve() -> None:  # uvicorn.Server.run, with the loop's thread pool named as the server's
            asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(thread_name_prefix=POOL_PREFIX))
            await self._uvicorn.serve()

        try:  # uvicorn's own loop choice (uvloop where installed), as `Server.run` makes it
            from uvicorn._compat import asyncio_run

            def run(coro):
                return asyncio_run(coro, loop_factory=self._uvicorn.config.get_loop_factory())
        except ImportError:
            run = asyncio.run
        try:
            with _settings_context(self._settings):  # the server's tasks copy this thread's context
                run(serve())
        except BaseException as exc:  # noqa: BLE001 - uvicorn exits (SystemExit) when it cannot bind
            self._failed = exc

    def cpu(self) -> float | None:
        """CPU seconds of the server so far: its boot, then what its live threads (serving, database,
        thread pool) spent since. A database thread that ended took its seconds with it: they show
        as the flow process's."""
        if self.boot_cpu is None:
            return None
        return round(self.boot_cpu + max(0.0, server_threads_cpu() - self._at_boot), 3)

    def stop(self) -> None:
        """uvicorn's own shutdown: services stopped, the event persister's last events written."""
        if self._uvicorn is not None and self._thread is not None and self._thread.is_alive():
            self._uvicorn.should_exit = True
            self._thread.join(timeout=10)


def last_words(log: Path) -> str:
    """' (the log's last line; log: PATH)' for a one-line error: why the server stopped, where to read more."""
    try:
        lines = [ln for ln in log.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]
    except OSError:
        return f" (log: {log})"
    return f" ({lines[-1].strip()[:200]}; log: {log})" if lines else f" (log: {log})"


def server_threads_cpu() -> float:
    """CPU seconds of the live threads that work for the server: its serving thread, its event loop's
    thread pool and aiosqlite's connection threads (only the server uses SQLite in a run's process)."""
    return sum(thread_cpu(t) for t in threading.enumerate()
               if t.name == SERVER_THREAD or t.name.startswith(POOL_PREFIX) or t.name.endswith("(_connection_worker_thread)"))


def thread_cpu(thread: threading.Thread) -> float:
    """CPU seconds (user+sys) of one thread of this process; 0.0 where /proc cannot tell."""
    if thread.native_id is None:
        return 0.0
    try:
        with open(f"/proc/self/task/{thread.native_id}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


class _ServerThreadRecords(logging.Filter):
    """On a logger the run shares with the server (asyncio's): the server thread's records go to its log."""

    def __init__(self, handler: logging.Handler) -> None:
        super().__init__()
        self.handler = handler

    def filter(self, record: logging.LogRecord) -> bool:
        if record.threadName == SERVER_THREAD:
            self.handler.handle(record)
            return False
        return True


def server_logs_to(path: Path) -> None:
    """The server's messages (e.g. tracebacks of services cancelled at shutdown) to `path`, as when the
    server was a subprocess writing there: not to the run's log, nor to a terminal stream the run
    has closed by the time the server stops."""
    handler = logging.FileHandler(path, mode="a", encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    for name in SERVER_LOGGERS:
        lg = logging.getLogger(name)
        for h in list(lg.handlers):
            lg.removeHandler(h)
        lg.addHandler(handler)
        lg.propagate = False
    shared = logging.getLogger("asyncio")
    for f in shared.filters:
        if isinstance(f, _ServerThreadRecords):  # a later server of the process (tests): its log now
            f.handler = handler
            return
    shared.addFilter(_ServerThreadRecords(handler))


def _stop_before_executors_close(stop) -> None:
    """Have `stop` run at interpreter exit before thread pools refuse work.

    Python shuts its thread pools (concurrent.futures, hence asyncio.to_thread) before it runs `atexit`
    handlers; the server's services then spin on the refused work instead of stopping (docket's
    cancellation listener: ~8 s of CPU until a 10 s join gave up). Callbacks registered with
    `threading._register_atexit` run before that, the last registered first: registered now, after
    the thread pools' own, and before Prefect's client services start (they register theirs when they
    start, so they drain the run's last events into the server before it stops)."""
    import concurrent.futures.thread  # noqa: F401  (its exit hook is registered first, so runs after ours)

    register = getattr(threading, "_register_atexit", None)
    if register is not None:
        try:
            register(stop)
        except RuntimeError:  # already shutting down
            pass


def server_settings(env: dict[str, str]):
    """Prefect's settings as the server subprocess read them from its environment (this process's plus
    `env`): `env` is in os.environ only while `Settings()` reads it, then put back, so the flow's own
    settings stay as they were and a later server of another PREFECT_HOME (tests) does not inherit
    'no migration'. A worker spawned in that moment would inherit server-only settings it never reads."""
    from prefect.settings import Settings

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        return Settings()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _settings_context(settings):
    from prefect.context import SettingsContext, get_settings_context

    return SettingsContext(profile=get_settings_context().profile, settings=settings)


def _create_app(settings):
    """Prefect's server app under the server's settings, made with the collector off — its ~450,000
    start-up objects are next to no garbage — and then frozen out of later passes, as the server
    subprocess does."""
    was = gc.isenabled()
    gc.disable()
    try:
        from prefect.server.api import server

        with _settings_context(settings):
            return server.create_app(settings=settings, ephemeral=True,
                                     final=getattr(server, "_FASTAPI_COPIES_ROUTES_ON_INCLUDE", True))
    finally:
        if was:
            gc.freeze()
            gc.enable()
