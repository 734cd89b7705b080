"""Entry point of the embedded Prefect server process (flows/server.py): uvicorn as Prefect runs it,
plus a watch that stops it when the jiebang process that started it is gone. A `kill -9` of a run
runs no atexit handler, and an orphaned server would keep its port and the SQLite database.

Run as a script (`python _server_child.py PARENT_PID UVICORN_ARGS…`), so it needs nothing importable
from this repository.
"""
import os
import signal
import sys
import threading
import time


def _watch(parent: int, interval: float = 1.0) -> None:
    while os.getppid() == parent:
        time.sleep(interval)
    os.kill(os.getpid(), signal.SIGTERM)  # uvicorn's own handler: a clean shutdown


if __name__ == "__main__":
    threading.Thread(target=_watch, args=(int(sys.argv[1]),), name="exit-with-parent", daemon=True).start()
    from uvicorn.main import main

    main(sys.argv[2:])  # exits with uvicorn's code (3: the port was taken)
