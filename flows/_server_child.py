"""Entry point of the embedded Prefect server process (flows/server.py): uvicorn as Prefect runs it,
plus a watch that stops it when the jiebang process that started it is gone. A `kill -9` of a run
runs no atexit handler, and an orphaned server would keep its port and the SQLite database.

Python's cyclic garbage collector stays off while the server imports Prefect and builds its app
(~450,000 objects allocated, next to none of them garbage: on the 2-core box the collector's passes
were ~0.5 s of the ~3 s start-up CPU, issue 18). It is back on once the app has started, with
everything start-up made frozen out of later passes (gc.freeze), so serving collects as usual.

Once started, every thread of the server may be niced (JIEBANG_SERVER_NICE; off by default, see
flows/server.py): it then takes the CPU only when the OCR workers leave it idle. Task runs reach it as events, which nothing
waits for; its start-up stays at normal priority, since the flow waits for it to answer (issue 18).

Run as a script (`python _server_child.py PARENT_PID UVICORN_ARGS…`, the app `--factory __main__:create`),
so it needs nothing importable from this repository.
"""
import gc
import os
import signal
import sys
import threading
import time


def _watch(parent: int, interval: float = 1.0) -> None:
    while os.getppid() == parent:
        time.sleep(interval)
    os.kill(os.getpid(), signal.SIGTERM)  # uvicorn's own handler: a clean shutdown


def collect_again() -> None:
    """The collector back on, what start-up built left out of its passes."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def lower_priority(nice: int) -> None:
    """Nice every thread of this process by `nice` (Linux nices threads one by one; threads made
    later inherit their maker's). Nothing happens where that is not possible."""
    if nice <= 0:
        return
    try:
        tids = [int(t) for t in os.listdir("/proc/self/task")]
    except OSError:
        tids = [0]  # elsewhere: the calling thread (the whole process on most systems)
    for tid in tids:
        try:
            os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + nice))
        except (OSError, AttributeError):
            pass


def _nice_setting() -> int:
    try:
        return int(os.environ.get("JIEBANG_SERVER_NICE", "0"))
    except ValueError:
        return 0


def create():
    """Prefect's server app; the collector goes back on when the app's start-up (lifespan) ends.

    `final` (Prefect's embedded mode sets it) drops the routers' copies of the routes where FastAPI
    copies them on include (before 0.137), then runs a full collection; with FastAPI 0.137+ nothing
    is dropped and the collection alone cost ~0.22 s of the ~2 s start-up CPU for the same RSS (issue
    18). So: final only where FastAPI copies routes."""
    from prefect.server.api import server

    return collecting_after_startup(server.create_app(final=getattr(server, "_FASTAPI_COPIES_ROUTES_ON_INCLUDE", True)))


def collecting_after_startup(inner):
    """The ASGI app `inner`, calling collect_again() once its lifespan start-up has ended (or failed)."""

    async def app(scope, receive, send):
        if scope["type"] != "lifespan":
            return await inner(scope, receive, send)

        async def send_(message):
            if message["type"] in ("lifespan.startup.complete", "lifespan.startup.failed"):
                collect_again()
                lower_priority(_nice_setting())
            await send(message)

        return await inner(scope, receive, send_)

    return app


if __name__ == "__main__":
    gc.disable()
    threading.Thread(target=_watch, args=(int(sys.argv[1]),), name="exit-with-parent", daemon=True).start()
    from uvicorn.main import main

    main(sys.argv[2:])  # exits with uvicorn's code (3: the port was taken)
