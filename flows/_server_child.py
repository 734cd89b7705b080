"""Entry point of the embedded Prefect server process (flows/server.py): uvicorn as Prefect runs it,
plus a watch that stops it when the jiebang process that started it is gone. A `kill -9` of a run
runs no atexit handler, and an orphaned server would keep its port and the SQLite database.

Python's cyclic garbage collector stays off while the server imports Prefect and builds its app
(~450,000 objects allocated, next to none of them garbage: on the 2-core box the collector's passes
were ~0.5 s of the ~3 s start-up CPU, issue 18). It is back on once the app has started, with
everything start-up made frozen out of later passes (gc.freeze), so serving collects as usual.

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


def create():
    """Prefect's server app; the collector goes back on when the app's start-up (lifespan) ends."""
    from prefect.server.api.server import create_app

    return collecting_after_startup(create_app())


def collecting_after_startup(inner):
    """The ASGI app `inner`, calling collect_again() once its lifespan start-up has ended (or failed)."""

    async def app(scope, receive, send):
        if scope["type"] != "lifespan":
            return await inner(scope, receive, send)

        async def send_(message):
            if message["type"] in ("lifespan.startup.complete", "lifespan.startup.failed"):
                collect_again()
            await send(message)

        return await inner(scope, receive, send_)

    return app


if __name__ == "__main__":
    gc.disable()
    threading.Thread(target=_watch, args=(int(sys.argv[1]),), name="exit-with-parent", daemon=True).start()
    from uvicorn.main import main

    main(sys.argv[2:])  # exits with uvicorn's code (3: the port was taken)
