"""Where the flow process's own CPU goes: `jiebang run` under cProfile, every thread profiled.

    python benchmarks/profile_run.py OUT.pstats -- run BUNDLE --out DIR [jiebang run options]

cProfile alone profiles the thread that enables it; Prefect runs tasks in a thread pool and talks to
its API from event-loop threads, so each new thread starts its own profiler here (threading.setprofile)
and all are merged into one pstats file at exit, with a per-thread CPU table (psutil) on stderr.
A development tool (issue 18: the run's unstaged CPU); profiling slows Python code ~1.5–2×.
"""
from __future__ import annotations

import atexit
import cProfile
import time
import pstats
import sys
import threading

_PROFILES: list[tuple[str, cProfile.Profile]] = []
_LOCK = threading.Lock()


def _start_thread_profile(*_args) -> None:
    prof = cProfile.Profile(time.thread_time)
    with _LOCK:
        _PROFILES.append((threading.current_thread().name, prof))
    prof.enable()  # replaces this hook for the thread


def _thread_cpu_table() -> str:
    import psutil

    names = {t.native_id: t.name for t in threading.enumerate()}
    rows = sorted(((t.user_time + t.system_time, names.get(t.id, f"tid {t.id} (ended?)")) for t in psutil.Process().threads()),
                  reverse=True)
    return "\n".join(f"  {cpu:8.2f} s  {name}" for cpu, name in rows)


def _dump(path: str) -> None:
    main_prof.disable()
    print("CPU by live thread at exit:\n" + _thread_cpu_table(), file=sys.stderr)
    stats = pstats.Stats(main_prof)
    with _LOCK:
        for _name, p in _PROFILES:
            p.disable()
            try:
                stats.add(p)
            except TypeError:  # a profiler that never recorded anything
                pass
    stats.dump_stats(path)
    print(f"profile of {1 + len(_PROFILES)} threads → {path}", file=sys.stderr)


if __name__ == "__main__":
    out, sep, *argv = sys.argv[1:]
    assert sep == "--", __doc__
    sys.argv = ["jiebang", *argv]
    threading.setprofile(_start_thread_profile)
    main_prof = cProfile.Profile(time.thread_time)
    atexit.register(_dump, out)
    main_prof.enable()
    from pipeline.cli import app

    try:
        app()
    except SystemExit:
        pass
