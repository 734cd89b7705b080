"""What a run leaves outside its sheets: one log file, no temporary files, one line on stderr.

SPEC §6: a run that cannot start says so in one line. Prefect logs a failed flow with its traceback
(20–30 lines) on stderr, and libraries drop files in the temporary folder (onnxruntime writes a
telemetry `.ses` file there on import). So, for the length of a run:
- every log record that would go to the console goes to `OUT/.jiebang/run.log` instead (with
  `--verbose`, to both), Python warnings included;
- TMPDIR points at a private folder under OUT, inherited by the page workers and the embedded
  server, and removed on every way out (return, exception, Ctrl-C, SIGTERM).
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows.uptodate import STATE_DIR

LOG_NAME = "run.log"
_FORMAT = "%(asctime)s %(levelname)s %(processName)s %(name)s: %(message)s"


def log_path(out: Path) -> Path:
    return Path(out).resolve() / STATE_DIR / LOG_NAME


def _console(handler: logging.Handler) -> bool:
    """A handler writing to the terminal: Prefect's console handlers (whatever stream they captured
    when logging was configured) and any stream handler on stdout/stderr."""
    if not isinstance(handler, logging.StreamHandler) or isinstance(handler, logging.FileHandler):
        return False
    return (type(handler).__module__.startswith("prefect.logging")
            or getattr(handler, "stream", None) in (sys.stderr, sys.stdout, sys.__stderr__, sys.__stdout__))


@contextmanager
def routed_logs(out: Path, verbose: bool = False) -> Iterator[Path]:
    """Console log handlers (Prefect's included) replaced by one file handler for the run."""
    path = log_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, mode="a", encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter(_FORMAT))
    loggers = [logging.getLogger()] + [lg for lg in list(logging.Logger.manager.loggerDict.values())
                                       if isinstance(lg, logging.Logger)]
    removed: list[tuple[logging.Logger, logging.Handler]] = []
    for lg in loggers:
        consoles = [h for h in lg.handlers if _console(h)]
        if lg is loggers[0] or consoles:
            lg.addHandler(handler)
        if not verbose:
            for h in consoles:
                lg.removeHandler(h)
                removed.append((lg, h))
    logging.captureWarnings(True)
    try:
        yield path
    finally:
        logging.captureWarnings(False)
        for lg in loggers:
            if handler in lg.handlers:
                lg.removeHandler(handler)
        for lg, h in removed:
            lg.addHandler(h)
        handler.close()


def log_exception(out: Path, exc: BaseException, what: str) -> Path | None:
    """Write a traceback to the run log (the user saw one line); None when OUT cannot be written."""
    try:
        path = log_path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        logger = logging.getLogger("jiebang.run")
        with routed_logs(out):
            logger.error("%s", what, exc_info=(type(exc), exc, exc.__traceback__))
        return path
    except OSError:
        return None


@contextmanager
def worker_stderr_to_log(out: Path, verbose: bool = False) -> Iterator[None]:
    """What native code writes on stderr — decoder complaints about damaged files (libjpeg, libtiff),
    library warnings — goes to the run log, not the console: in page workers started meanwhile
    (pipeline.reading.pool._stderr_to_run_log) and in this process, which reads the pages itself with
    `--workers 1` (`_native_stderr_to`)."""
    saved = os.environ.get("JIEBANG_RUN_LOG")
    swapped = None
    if not verbose:
        path = log_path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.environ["JIEBANG_RUN_LOG"] = str(path)
        swapped = _native_stderr_to(path)
    try:
        yield
    finally:
        if swapped is not None:
            _restore_stderr(*swapped)
        if saved is None:
            os.environ.pop("JIEBANG_RUN_LOG", None)
        else:
            os.environ["JIEBANG_RUN_LOG"] = saved


def _native_stderr_to(path: Path):
    """File descriptor 2 → the log; Python's `sys.stderr` (the one-line messages, the progress
    display) keeps the terminal through a duplicate of the old descriptor. None when not possible."""
    try:
        sys.stderr.flush()
        terminal = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no stderr at all (a daemon), or a replaced one
        return None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError:
        os.close(terminal)
        return None
    saved = sys.stderr
    if _fileno(saved) == 2:  # else Python's stderr is not on descriptor 2 (a test runner's buffer): leave it
        sys.stderr = os.fdopen(os.dup(terminal), "w", buffering=1, encoding=getattr(saved, "encoding", None) or "utf-8",
                               errors="backslashreplace")
    os.dup2(fd, 2)
    os.close(fd)
    return saved, terminal


def _fileno(stream) -> int | None:
    try:
        return stream.fileno()
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is an OSError
        return None


def _restore_stderr(saved, terminal: int) -> None:
    if sys.stderr is not saved:
        try:
            sys.stderr.flush()
            sys.stderr.close()
        except (OSError, ValueError):
            pass
    os.dup2(terminal, 2)
    os.close(terminal)
    sys.stderr = saved


@contextmanager
def private_tmp(out: Path) -> Iterator[Path]:
    """TMPDIR = a fresh folder under OUT/.jiebang for this run, removed whatever happens."""
    base = Path(out).resolve() / STATE_DIR
    base.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="tmp-", dir=base))
    saved_env, saved_tempdir = os.environ.get("TMPDIR"), tempfile.tempdir
    os.environ["TMPDIR"] = str(tmp)
    tempfile.tempdir = str(tmp)

    def _terminate(signum, _frame):  # SIGTERM unwinds like Ctrl-C, so `finally` blocks run
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, _terminate) if _main_thread() else None
    try:
        yield tmp
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if saved_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved_env
        tempfile.tempdir = saved_tempdir
        shutil.rmtree(tmp, ignore_errors=True)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()
