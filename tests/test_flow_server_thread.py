"""The embedded Prefect server on a thread of the run's process (flows/server_thread.py, issue 18): a
real run records every task run through it, its messages stay off the terminal, it stops before
Python's thread pools close at exit, and a taken port moves it to another."""
from __future__ import annotations

import json
import logging
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from flow_inputs import make_bundle

import flows  # noqa: F401
from flows import server, server_thread

RUN_DATE = "2026-07-20"
ROOT = Path(__file__).resolve().parents[1]


def _env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "JIEBANG_EMBEDDED_SERVER")}
    env["PREFECT_HOME"] = str(home)
    return env


def test_a_run_records_every_task_run_through_its_own_thread_server_and_prints_no_traceback(tmp_path):
    bundle, out, home = make_bundle(tmp_path / "bundle"), tmp_path / "out", tmp_path / "home"
    res = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run", str(bundle), "--out", str(out), "--workers", "1",
         "--ocr-engine", "tesseract", "--run-date", RUN_DATE, "--no-progress"],
        env=_env(home), capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert res.returncode in (0, 3), res.stderr
    assert "Traceback" not in res.stderr and "Logging error" not in res.stderr, res.stderr
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    db = sqlite3.connect(home / "prefect.db")
    try:
        flow_state = db.execute("select state_type from flow_run where id = ?", (record["flow_run_id"],)).fetchone()
        tasks = dict(db.execute("select state_type, count(*) from task_run where flow_run_id = ? group by state_type",
                                (record["flow_run_id"],)).fetchall())
    finally:
        db.close()
    # the last events of the run (the summary's Completed) reached the server before it stopped
    assert flow_state == ("COMPLETED",)
    files = sum(1 for p in bundle.rglob("*") if p.is_file())
    assert set(tasks) == {"COMPLETED"} and tasks["COMPLETED"] >= files + 1, tasks
    cpu = record["process_cpu_s"]  # the server's CPU is told apart from the flow's in the one process
    assert 0 < cpu["prefect_server_boot"] <= cpu["prefect_server"] and cpu["flow"] > 0


def test_the_process_exits_promptly_after_its_thread_server_served(tmp_path):
    """Python closes its thread pools before `atexit` handlers run; a server stopped from there spun on
    refused asyncio.to_thread work until a 10 s join gave up. Stopped before the pools close, the
    process ends as soon as uvicorn's shutdown does."""
    script = ("import flows, flows.server as s, urllib.request\n"
              "url = s.ensure_api()\n"
              "assert urllib.request.urlopen(url + '/health', timeout=30).status == 200\n"
              "print('served', flush=True)\n")
    run = subprocess.Popen([sys.executable, "-c", script], env=_env(tmp_path / "home"), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert run.stdout.readline().strip() == "served"
        t = time.monotonic()
        err = run.communicate(timeout=60)[1]
        took = time.monotonic() - t
    finally:
        run.kill()
    assert run.returncode == 0, err
    assert took < 8, f"exit took {took:.1f} s"
    assert "Logging error" not in err and "Traceback" not in err, err


def test_a_taken_port_moves_the_thread_server_to_a_free_one(tmp_path, monkeypatch):
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        s = server_thread.ThreadServer(port, server.server_environ(), tmp_path / "server.log", new_port=server._free_port)
        try:
            s.wait_ready(120)
            assert s.port != port and s.url.endswith(f":{s.port}/api")
            with urllib.request.urlopen(f"{s.url}/health", timeout=30) as r:
                assert r.status == 200
        finally:
            s.stop()
    assert not s._thread.is_alive()


def test_the_server_threads_records_go_to_its_log_and_the_runs_stay_with_the_run(tmp_path):
    log = tmp_path / "server.log"
    shared = logging.getLogger("asyncio")
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    keep = Keep()
    shared.addHandler(keep)
    filters = list(shared.filters)
    saved = {name: (list(logging.getLogger(name).handlers), logging.getLogger(name).propagate)
             for name in server_thread.SERVER_LOGGERS}
    try:
        server_thread.server_logs_to(log)
        t = threading.Thread(target=lambda: shared.error("from the server"), name=server_thread.SERVER_THREAD)
        t.start()
        t.join()
        shared.error("from the run")
        logging.getLogger("prefect.server.services.task_run_recorder").error("flush failed")
    finally:
        shared.removeHandler(keep)
        shared.filters[:] = filters
        for name, (handlers, propagate) in saved.items():
            lg = logging.getLogger(name)
            for h in list(lg.handlers):
                lg.removeHandler(h)
                h.close()
            for h in handlers:
                lg.addHandler(h)
            lg.propagate = propagate
    text = log.read_text(encoding="utf-8")
    assert "from the server" in text and "flush failed" in text and "from the run" not in text
    assert seen == ["from the run"]


def test_the_thread_servers_settings_are_its_own_and_the_processs_environment_is_left_alone(tmp_path, monkeypatch):
    """The server runs without automations or a live event stream (SERVER_DEFAULTS) and, its database
    current, without a migration check; none of that may leak into this process's environment, where a
    later server of another PREFECT_HOME would inherit 'do not migrate' (it did, in the test suite)."""
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED", raising=False)
    env = server.server_environ() | {"PREFECT_API_DATABASE_MIGRATE_ON_START": "false"}
    before = dict(os.environ)
    first = server_thread.ThreadServer(server._free_port(), server.server_environ(), tmp_path / "a.log")
    try:
        first.wait_ready(120)  # a new database: migrated
    finally:
        first.stop()
    s = server_thread.ThreadServer(server._free_port(), env, tmp_path / "server.log")
    try:
        s.wait_ready(120)
        with urllib.request.urlopen(f"{s.url}/admin/settings", timeout=30) as r:
            settings = json.loads(r.read())
    finally:
        s.stop()
    assert settings["server"]["services"]["triggers"]["enabled"] is False
    assert settings["server"]["database"]["migrate_on_start"] is False
    assert dict(os.environ) == before
    from prefect.settings import get_current_settings

    assert get_current_settings().server.database.migrate_on_start is True


def test_a_thread_server_that_cannot_start_says_why_in_one_line(tmp_path):
    """In a fresh process: Prefect keeps one database interface per process, so a second server of this
    test process would find the first one's database."""
    (tmp_path / "blocker").write_text("a file where the database folder should be")
    env = _env(tmp_path / "home")
    env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'blocker' / 'prefect.db'}"
    script = ("import flows, flows.server as s\n"
              "try:\n"
              "    s.ensure_api()\n"
              "    print('started')\n"
              "except RuntimeError as exc:\n"
              "    print(exc)\n")
    t = time.monotonic()
    res = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert time.monotonic() - t < 60
    msg = res.stdout.strip()
    assert "\n" not in msg and "did not start: uvicorn exited with code" in msg, res.stdout + res.stderr
    assert "Application startup failed" in msg and "embedded-server.log" in msg  # the log's last line and where it is
